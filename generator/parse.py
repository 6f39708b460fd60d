"""Stage 2: validate plain data as an OpenAPI 3.0, 3.1 or 3.2 document with openapi-pydantic, reading
around local defects.

openapi-pydantic is the validator. When it refuses a local part of the document, that part is
degraded and the document validated again, with a warning naming the pointer and the field:

- a schema with an empty ``enum`` (or ``required``) loses that keyword (its plain type stays);
- a schema written the OpenAPI 3.1 way in a 3.0 document is read as 3.1;
- any other unusable schema is typed ``Any``;
- an operation without ``responses`` gets an untyped response;
- any other unusable operation (or path item) is skipped: "operation skipped".

Besides what the validator checks, an ``example`` or ``default`` that does not fit its schema's
type is ignored, and a dangling ``$ref`` inside a response leaves that response untyped. Only a
document whose skeleton cannot be used (not OpenAPI, no usable paths) is refused, naming the
field. Every change is made to ``Document.data`` and recorded in ``Document.warnings``.

The result is a ``Spec``: the only way to one is through ``parse_document``, and the lowering
stage (``generator.lower.build_api``) takes nothing else, so no unvalidated document is lowered.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal
from urllib.parse import unquote

import pydantic

from generator.errors import GeneratorError, pointer
from generator.kinds import kinds_along, member_kind
from generator.load import Document
from generator.oas32 import (
    extra_operation_errors,
    is_3_2,
    path_operations,
    prepare,
    unread_keywords,
    validation_view,
)
from generator.oas_models import openapi_3_0, openapi_3_1, schema_3_1
from generator.refs import walk

if TYPE_CHECKING:
    from pydantic_core import ErrorDetails

Version = Literal["3.0", "3.1", "3.2"]

# Each round degrades at least one part; a document needing more is refused as it stands.
MAX_ROUNDS = 50


@dataclass(frozen=True)
class Spec:
    """An OpenAPI document that validated, parts it could not use degraded (with a warning
    each): what the lowering stage reads. Made only by ``parse_document``.

    The tree stays plain data (the lowering follows ``$ref`` pointers through it and names
    places by them); the top level, which validation has checked, reads through the typed
    properties below."""

    data: dict[str, Any]
    file: str  # for error messages
    version: Version
    warnings: tuple[str, ...]  # from loading and validating (``#/pointer: message``)

    @property
    def info(self) -> dict[str, Any]:
        return _object(self.data.get("info"))

    @property
    def title(self) -> str:
        return str(self.info.get("title", ""))

    @property
    def paths(self) -> dict[str, Any]:
        return _object(self.data.get("paths"))

    @property
    def webhooks(self) -> dict[str, Any]:
        return _object(self.data.get("webhooks"))

    @property
    def components(self) -> dict[str, Any]:
        return _object(self.data.get("components"))

    @property
    def schemas(self) -> dict[str, Any]:
        """``components.schemas``: the named schemas, by key."""
        return _object(self.components.get("schemas"))

    @property
    def security_schemes(self) -> dict[str, Any]:
        return _object(self.components.get("securitySchemes"))

    @property
    def servers(self) -> list[Any]:
        servers = self.data.get("servers")
        return servers if isinstance(servers, list) else []

    @property
    def tags(self) -> list[Any]:
        tags = self.data.get("tags")
        return tags if isinstance(tags, list) else []

    @property
    def newer(self) -> bool:
        """OpenAPI 3.2 (``querystring``, ``additionalOperations``, tag parents ...)."""
        return self.version == "3.2"


def _object(value: object) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def parse_document(doc: Document) -> Spec:
    """``doc`` validated (its data repaired in place where a part was unusable, with a warning
    each in ``doc.warnings``), as a ``Spec``; a ``GeneratorError`` when nothing usable is left."""
    data = doc.data
    file = str(doc.path)
    version = _version(data, file)
    model = openapi_3_0() if version == "3.0" else openapi_3_1()  # 3.2 through a view (oas32)
    newer = version == "3.2"
    if newer:
        prepare(data, doc.warnings)
    masked: list[list[str | int]] = []  # schemas kept for the builder, hidden from validation
    first_skip: GeneratorError | None = None
    operations = _count_operations(data, newer)
    for _ in range(MAX_ROUNDS):
        try:
            view = validation_view(data) if newer else data
            model.model_validate(_masked(view, masked))
        except pydantic.ValidationError as exc:
            errors = exc.errors()
            repaired = False
            if not any(e["type"] == "recursion_depth_exceeded" for e in errors):
                for error in errors:
                    if error["type"] == "missing" and error["loc"][-1:] == ("$ref",):
                        continue  # the node is not a Reference: its other branch says why
                    outcome = _repair(doc, version == "3.0", error, masked)
                    if isinstance(outcome, GeneratorError):
                        first_skip = first_skip or outcome
                    repaired = repaired or outcome is not None
            if not repaired:
                raise _refusal(data, errors, file) from None
            continue
        except RecursionError:
            raise GeneratorError(
                "the document nests too deeply to validate (openapi-pydantic recursion limit)",
                file=file,
            ) from None
        if newer:
            for parts, error in list(extra_operation_errors(validation_view(data))):
                rest = _parts_in(_at(data, parts), error["loc"])
                first_skip = first_skip or _skip(doc, parts, error, rest)
            doc.warnings.extend(unread_keywords(data))
        if first_skip is not None and operations and not _count_operations(data, newer):
            raise first_skip  # nothing usable is left: say why the first one was not
        _read_values_and_responses(doc)
        return Spec(data=data, file=file, version=version, warnings=tuple(doc.warnings))
    raise GeneratorError(f"more than {MAX_ROUNDS} rounds of repairs; giving up", file=file)


def _version(data: dict[str, Any], file: str) -> Version:
    version = data.get("openapi")
    if version is None:
        swagger = "swagger" in data
        found = f"Swagger {data['swagger']}" if swagger else "no 'openapi' field"
        todo = (
            "convert it to OpenAPI 3 first, for example with swagger2openapi from npm"
            " (`npx swagger2openapi swagger.json -o openapi.yaml`), and generate from the result"
            if swagger
            else "add the 'openapi' field with the version the document follows"
        )
        raise GeneratorError(
            f"not an OpenAPI 3.x document ({found}); OpenAPI 3.0, 3.1 or 3.2 is needed: {todo}",
            file=file,
            where="/swagger" if swagger else "/openapi",
        )
    version = str(version)
    if version.startswith("3.0"):
        return "3.0"
    if version.startswith("3.1"):
        return "3.1"
    if version.startswith("3.2"):
        return "3.2"
    raise GeneratorError(
        f"unsupported OpenAPI version {version!r}; OpenAPI 3.0, 3.1 or 3.2 is needed",
        file=file,
        where="/openapi",
    )


def _refusal(data: object, errors: list[ErrorDetails], file: str) -> GeneratorError:
    error = _most_telling(data, errors)
    where = pointer(*_parts_in(data, error["loc"]))
    if error["type"] == "recursion_depth_exceeded":
        message = (
            "the document nests too deeply to validate"
            " (openapi-pydantic stops at about 250 nested schemas)"
        )
    else:
        message = f"invalid OpenAPI document: {error['msg']}{_found(error)}"
    return GeneratorError(message, file=file, where=where)


# Repairs -------------------------------------------------------------------------------------
def _repair(
    doc: Document, is_3_0: bool, error: ErrorDetails, masked: list[list[str | int]]
) -> bool | GeneratorError | None:
    """Degrade the part of the document ``error`` is about. None: nothing to degrade (the
    skeleton itself); an error: the operation it is in was skipped (the error says why).
    """
    data = doc.data
    parts = _parts_in(data, error["loc"])
    kinds = kinds_along(parts)
    schema_at = max((i for i, k in enumerate(kinds) if k == "schema"), default=None)
    # The deepest schema holding the error: its field is the next part, when there is one.
    if schema_at is not None:
        return _repair_schema(doc, is_3_0, error, parts[:schema_at], parts[schema_at:], masked)
    op_at = next((i for i, k in enumerate(kinds) if k == "operation"), None)
    if op_at is not None:
        op_parts, rest = parts[:op_at], parts[op_at:]
        op = _at(data, op_parts)
        if not rest and error["type"] == "missing" and error["loc"][-1] == "responses":
            op["responses"] = {"2XX": {"description": "", "content": {"application/json": {}}}}
            _warn(
                doc,
                op_parts,
                "no 'responses' (OpenAPI requires them); the response is untyped",
            )
            return True
        return _skip(doc, op_parts, error, rest)
    item_at = next((i for i, k in enumerate(kinds) if k == "pathitem"), None)
    if item_at is not None and len(parts) >= item_at:
        return _skip(doc, parts[:item_at], error, parts[item_at:])
    return None


def _repair_schema(
    doc: Document,
    is_3_0: bool,
    error: ErrorDetails,
    schema_parts: list[str | int],
    field: list[str | int],
    masked: list[list[str | int]],
) -> bool | None:
    node = _at(doc.data, schema_parts)
    if not isinstance(node, dict) or schema_parts in masked:
        return None
    name = field[0] if field else None
    if name in ("enum", "required") and error["type"] == "too_short" and len(field) == 1:
        del node[name]
        plain = "its plain type stays" if name == "enum" else "no property is required"
        _warn(
            doc,
            [*schema_parts, name],
            f"an empty {name!r} list is not allowed; {plain}",
        )
        return True
    if is_3_0 and _valid_3_1_schema(node):
        masked.append(schema_parts)
        where = [*schema_parts, *field[:1]]
        _warn(
            doc,
            where,
            "written as in OpenAPI 3.1, in a 3.0 document; read as OpenAPI 3.1",
        )
        return True
    what = f"{name!r}: " if name is not None else ""
    _warn(
        doc,
        schema_parts,
        f"{what}{error['msg']}{_found(error)}; the schema is typed as Any",
    )
    parent = _at(doc.data, schema_parts[:-1])
    parent[schema_parts[-1]] = {}
    return True


def _skip(
    doc: Document, item_parts: list[str | int], error: ErrorDetails, rest: list[str | int]
) -> GeneratorError:
    """Drop the operation (or path item) at ``item_parts``; the refusal it would have been."""
    parent = _at(doc.data, item_parts[:-1])
    node = parent.pop(item_parts[-1])
    field = pointer(*rest)
    why = f"{field.lstrip('/') or 'this object'}: {error['msg']}{_found(error)}"
    if kinds_along(item_parts)[-1] == "operation":
        _warn(doc, item_parts, f"{why}; operation skipped")
    else:
        newer = is_3_2(doc.data)
        for _, parts, _op in path_operations(node if isinstance(node, dict) else {}, newer):
            _warn(doc, [*item_parts, *parts], f"path item {why}; operation skipped")
    return GeneratorError(
        f"invalid OpenAPI document: {error['msg']}{_found(error)}",
        file=str(doc.path),
        where=pointer(*item_parts, *rest),
    )


def _valid_3_1_schema(node: dict[str, Any]) -> bool:
    try:
        schema_3_1().model_validate(node)
    except (pydantic.ValidationError, RecursionError):
        return False
    return True


def _masked(data: dict[str, Any], masked: list[list[str | int]]) -> dict[str, Any]:
    """``data`` with each masked schema replaced by ``{}``, copying only the nodes on the way."""
    if not masked:
        return data
    out = dict(data)
    for parts in masked:
        node: Any = out
        for part in parts[:-1]:
            child = node[part]
            child = dict(child) if isinstance(child, dict) else list(child)
            node[part] = child
            node = child
        node[parts[-1]] = {}
    return out


# Beyond the validator -------------------------------------------------------------------------
_JSON_TYPES: dict[str, tuple[type, ...]] = {
    "string": (str,),
    "integer": (int,),
    "number": (int, float),
    "boolean": (bool,),
    "array": (list,),
    "object": (dict,),
}


def _read_values_and_responses(doc: Document) -> None:
    """Ignore examples and defaults of the wrong type; untype responds with a dangling $ref.

    Depth first, in document order (children are pushed last first), so warnings come in the
    order of the document."""
    stack: list[tuple[Any, list[str | int], str, bool]] = [(doc.data, [], "root", False)]
    while stack:
        node, parts, kind, in_response = stack.pop()
        if isinstance(node, list):
            for i in reversed(range(len(node))):
                stack.append((node[i], [*parts, i], member_kind(kind, i), in_response))
            continue
        if not isinstance(node, dict) or kind == "data":
            continue
        ref = node.get("$ref")
        if in_response and isinstance(ref, str) and ref.startswith("#") and _dangles(doc.data, ref):
            _untype_response(doc, parts, ref)
            continue
        if kind == "schema":
            _check_values(doc, node, parts)
        response = in_response or kind == "responses"
        for key in reversed(list(node)):
            stack.append((node[key], [*parts, key], member_kind(kind, key), response))


def _dangles(data: object, ref: str) -> bool:
    fragment = ref[1:]
    return walk(data, fragment) is None and walk(data, unquote(fragment)) is None


def _untype_response(doc: Document, parts: list[str | int], ref: str) -> None:
    parent = _at(doc.data, parts[:-1])
    kind = kinds_along(parts)[-1]
    parent[parts[-1]] = {"description": ""} if kind == "response" else {}
    _warn(
        doc,
        [*parts, "$ref"],
        f"dangling $ref: target {ref[1:] or '/'} does not exist; that response is untyped",
    )


def _check_values(doc: Document, node: dict[str, Any], parts: list[str | int]) -> None:
    type_ = node.get("type")
    listed = type_ if isinstance(type_, list) else [type_]
    names = [n for n in listed if isinstance(n, str) and n in (*_JSON_TYPES, "null")]
    if not names or len(names) != len(listed):
        return
    nullable = node.get("nullable") is True or "null" in names
    for key in ("example", "default"):
        if key not in node:
            continue
        value = node[key]
        if value is None and nullable:
            continue
        fits = value is not None and any(
            isinstance(value, _JSON_TYPES[n])
            and not (isinstance(value, bool) and n in ("integer", "number"))
            for n in names
            if n != "null"
        )
        if not fits:
            del node[key]
            shown = f"{value!r}"[:40]
            kinds = " or ".join(str(n) for n in names)
            _warn(
                doc,
                [*parts, key],
                f"{shown} is not of the schema's type ({kinds}); ignored",
            )


# Helpers ---------------------------------------------------------------------------------------
def _warn(doc: Document, parts: list[str | int], message: str) -> None:
    doc.warnings.append(f"#{pointer(*parts)}: {message}")


def _at(data: Any, parts: list[str | int]) -> Any:
    for part in parts:
        data = data[part]
    return data


def _count_operations(data: dict[str, Any], newer: bool) -> int:
    paths = data.get("paths")
    if not isinstance(paths, dict):
        return 0
    return sum(
        1 for item in paths.values() if isinstance(item, dict) for _ in path_operations(item, newer)
    )


def _most_telling(data: object, errors: list[ErrorDetails]) -> ErrorDetails:
    """The error to report among pydantic's. For a node that may be a ``Reference`` or a
    ``Schema`` (or ...), pydantic reports a failure per branch; "``$ref`` is missing" only says
    the node is not a reference. Of the rest, the deepest place is the most precise; a
    recursion limit hit trumps everything (the other errors are its echoes)."""
    for error in errors:
        if error["type"] == "recursion_depth_exceeded":
            return error

    def rank(error: ErrorDetails) -> tuple[bool, int]:
        loc = error["loc"]
        wrong_branch = error["type"] == "missing" and loc[-1:] == ("$ref",)
        return wrong_branch, -len(_parts_in(data, loc))

    return min(errors, key=rank)


def _found(error: ErrorDetails) -> str:
    value = error.get("input")
    if isinstance(value, str | int | float | bool) or value is None:
        text = repr(value)
        return f" (found {text if len(text) <= 40 else text[:37] + '...'})"
    return ""


def _parts_in(data: Any, loc: tuple[int | str, ...]) -> list[str | int]:
    """The real keys and indexes of a pydantic error location, in the raw document.

    pydantic inserts union branch names (``Reference``, ``Schema``) into locations; keep only the
    parts that are real keys or indexes of the data, so the pointer names a real place.
    """
    parts: list[str | int] = []
    node = data
    for part in loc:
        in_list = isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node)
        if not in_list and not (isinstance(node, dict) and part in node):
            continue
        node = node[part]
        parts.append(part)
    return parts

"""Stage 2: validate plain data as an OpenAPI 3.0 or 3.1 document with openapi-pydantic."""

from __future__ import annotations

from typing import Any

import pydantic
from openapi_pydantic.v3 import v3_0, v3_1

from generator.errors import GeneratorError, pointer
from generator.load import Document

OpenAPIDocument = v3_0.OpenAPI | v3_1.OpenAPI


def parse_document(doc: Document) -> OpenAPIDocument:
    data = doc.data
    file = str(doc.path)
    version = data.get("openapi")
    if version is None:
        swagger = "swagger" in data
        found = f"Swagger {data['swagger']}" if swagger else "no 'openapi' field"
        raise GeneratorError(
            f"not an OpenAPI 3.x document ({found}); OpenAPI 3.0 or 3.1 is needed",
            file=file,
            where="/swagger" if swagger else "/openapi",
        )
    version = str(version)
    model: type[v3_0.OpenAPI] | type[v3_1.OpenAPI]
    if version.startswith("3.0"):
        model = v3_0.OpenAPI
    elif version.startswith("3.1"):
        model = v3_1.OpenAPI
    else:
        raise GeneratorError(
            f"unsupported OpenAPI version {version!r}; OpenAPI 3.0 or 3.1 is needed",
            file=file,
            where="/openapi",
        )
    try:
        return model.model_validate(data)
    except pydantic.ValidationError as exc:
        error = _most_telling(data, exc.errors())
        where = _pointer_in(data, error["loc"])
        if error["type"] == "recursion_depth_exceeded":
            message = (
                "the document nests too deeply to validate"
                " (openapi-pydantic stops at about 250 nested schemas)"
            )
        else:
            message = f"invalid OpenAPI document: {error['msg']}{_found(error)}"
        raise GeneratorError(message, file=file, where=where) from None
    except RecursionError:
        raise GeneratorError(
            "the document nests too deeply to validate (openapi-pydantic recursion limit)",
            file=file,
        ) from None


def _most_telling(data: Any, errors: list[Any]) -> Any:
    """The error to report among pydantic's. For a node that may be a ``Reference`` or a
    ``Schema`` (or ...), pydantic reports a failure per branch; "``$ref`` is missing" only says
    the node is not a reference. Of the rest, the deepest place is the most precise; a
    recursion limit hit trumps everything (the other errors are its echoes)."""
    for error in errors:
        if error["type"] == "recursion_depth_exceeded":
            return error

    def rank(error: Any) -> tuple[bool, int]:
        loc = error["loc"]
        wrong_branch = error["type"] == "missing" and loc[-1:] == ("$ref",)
        return wrong_branch, -_pointer_in(data, loc).count("/")

    return min(errors, key=rank)


def _found(error: Any) -> str:
    value = error.get("input")
    if isinstance(value, str | int | float | bool) or value is None:
        text = repr(value)
        return f" (found {text if len(text) <= 40 else text[:37] + '...'})"
    return ""


def _pointer_in(data: Any, loc: tuple[int | str, ...]) -> str:
    """Map a pydantic error location to a JSON pointer into the raw document.

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
    return pointer(*parts)

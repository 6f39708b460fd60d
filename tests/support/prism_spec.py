"""Derive a copy of a Stripe OpenAPI spec that Stoplight Prism 5.14 can load and judge.

Why a derived copy at all: Prism's ``$ref`` dereferencer re-walks Stripe's shared schema
graph over and over, so the raw spec never finishes loading (killed after 15 and 29
minutes).  Every ``$ref`` in Stripe's specs sits on the RESPONSE side, so we can inline the
response schemas to a small depth -- Prism then starts in seconds -- while keeping the
REQUEST side (paths, methods, parameters, request bodies, security) as published, apart
from a few minimal rewrites that work around Prism bugs.  Each rewrite is explained where
it is made, and ``request_side_differences`` lists them for any pair of specs.

The function is pure: the input dict is never modified.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import yaml

JsonDict = dict[str, Any]

HTTP_METHODS: frozenset[str] = frozenset(
    {"get", "put", "post", "delete", "options", "head", "patch", "trace"}
)

#: How many ``$ref`` hops a response schema is inlined through.  1 keeps the resource
#: itself; 2 also keeps its directly referenced sub-objects (e.g. a charge's
#: ``billing_details``).  Deeper references are dropped when optional, and replaced by a
#: placeholder when required.
RESPONSE_REF_DEPTH = 2

# Keys of a response schema that Prism needs to mock and validate a response.
# Descriptions, titles and ``x-`` vendor extensions only make the file (and Prism's
# parse) bigger.  ``pattern`` is left out too: Prism's placeholder strings ("string")
# never match Stripe's patterns (e.g. a list's ``url: ^/v1/customers``), so every mocked
# response would carry a response-violation header.
_RESPONSE_SCHEMA_KEYS: frozenset[str] = frozenset(
    {
        "type",
        "format",
        "enum",
        "properties",
        "required",
        "items",
        "additionalProperties",
        "anyOf",
        "oneOf",
        "allOf",
        "nullable",
        "example",
        "default",
        "minimum",
        "maximum",
        "minLength",
        "maxLength",
        "minItems",
        "maxItems",
    }
)

# Stripe's ``format: decimal`` strings ("12.5") would be mocked as the placeholder
# "string", which no decimal parser accepts; an example makes Prism return a decimal.
_DECIMAL_EXAMPLE = "1.5"


class _Cut:
    """Marker: this response sub-schema needs a ``$ref`` deeper than the depth limit."""


_CUT = _Cut()


def derive_prism_spec(spec: JsonDict) -> JsonDict:
    """Return a copy of ``spec`` that Prism loads in seconds and validates requests with.

    Request side: unchanged except the Prism workarounds made in
    :func:`_prism_request_body` and :func:`_prism_parameter`.
    Response side: every ``$ref`` inlined to :data:`RESPONSE_REF_DEPTH`, expandable fields
    reduced to their ID-string branch, ``nullable`` rewritten as ``anyOf`` with
    ``enum: [null]``; ``components.schemas`` is dropped since nothing refers to it anymore.
    """
    schemas: JsonDict = spec.get("components", {}).get("schemas", {})
    derived: JsonDict = {
        key: copy.deepcopy(value)
        for key, value in spec.items()
        if key not in ("paths", "components")
    }
    components: JsonDict = {
        key: copy.deepcopy(value)
        for key, value in spec.get("components", {}).items()
        if key != "schemas"
    }
    if components:
        derived["components"] = components

    paths: JsonDict = {}
    for path, item in spec.get("paths", {}).items():
        new_item: JsonDict = {}
        for key, value in item.items():
            if key in HTTP_METHODS:
                new_item[key] = _prism_operation(value, schemas)
            elif key == "parameters":
                new_item[key] = [_prism_parameter(p, schemas) for p in value]
            else:
                new_item[key] = copy.deepcopy(value)
        paths[path] = new_item
    derived["paths"] = paths
    return derived


def write_prism_spec(src_path: Path | str, dst_path: Path | str) -> Path:
    """Load a spec (YAML with libyaml's CSafeLoader, or JSON), derive it, write it as JSON."""
    src = Path(src_path)
    dst = Path(dst_path)
    with src.open("rb") as fh:
        if src.suffix in (".yaml", ".yml"):
            spec = yaml.load(fh, Loader=yaml.CSafeLoader)
        else:
            spec = json.load(fh)
    derived = derive_prism_spec(spec)
    dst.parent.mkdir(parents=True, exist_ok=True)
    with dst.open("w", encoding="utf-8") as fh:
        json.dump(derived, fh, separators=(",", ":"))
    return dst


# --------------------------------------------------------------------------- request side


def _prism_operation(operation: JsonDict, schemas: JsonDict) -> JsonDict:
    new_op: JsonDict = {}
    for key, value in operation.items():
        if key == "parameters":
            new_op[key] = [_prism_parameter(p, schemas) for p in value]
        elif key == "requestBody":
            new_op[key] = _prism_request_body(value, schemas)
        elif key == "responses":
            new_op[key] = {
                status: _shrink_response(response, schemas) for status, response in value.items()
            }
        else:
            new_op[key] = copy.deepcopy(value)
    return new_op


def _prism_parameter(parameter: JsonDict, schemas: JsonDict) -> JsonDict:
    new_param = _inline_request_refs(parameter, schemas)
    schema = new_param.get("schema")
    if new_param.get("style") == "deepObject" and isinstance(schema, dict):
        # WORKAROUND (Prism bug: absent deepObject params are built as `{}`): Prism's
        # deepObject deserializer always materialises an object-typed parameter -- and
        # every object-typed property under it -- even when the request does not send
        # it, then validates that empty object against the schema's `required`.  Valid
        # calls such as `GET /v1/subscriptions` get 422 for a parameter they never sent.
        # Dropping `required` from exactly the objects Prism materialises avoids it.
        # (The parameter's own `required: true|false` flag is kept and still enforced.)
        _drop_materialized_required(schema, always_built=True)
    return new_param


def _prism_request_body(request_body: JsonDict, schemas: JsonDict) -> JsonDict:
    new_body = _inline_request_refs(request_body, schemas)
    for media in new_body.get("content", {}).values():
        schema = media.get("schema")
        if not isinstance(schema, dict):
            continue
        encoding: JsonDict = media.get("encoding", {})
        for name, prop in schema.get("properties", {}).items():
            if not isinstance(prop, dict) or not encoding.get(name, {}).get("style"):
                continue
            items = prop.get("items")
            if (
                prop.get("type") == "array"
                and isinstance(items, dict)
                and items.get("type") == "object"
            ):
                # WORKAROUND (Prism bug: arrays of objects in form bodies): for a
                # top-level body array whose items say `type: object`, Prism tries to
                # JSON.parse the bracket-notation items (`line_items[0][price]=...`) and
                # responds 415 "Cannot deserialize JSON object array in form data".
                # Without `type` the items keep their `properties`/`additionalProperties`,
                # but Prism no longer builds them (it reads `line_items[0]` as one raw
                # value, absent), so the items' contents go unjudged; the array and the
                # rest of the body still are.
                del items["type"]
            # The top-level `required` list of the body is kept: Prism builds that level
            # from what was actually sent, so it judges it correctly.
            # WORKAROUND (same Prism bug as for deepObject parameters): a style-encoded
            # body property of `type: object` is built as `{}` (with its object-typed
            # sub-properties) when absent, and its nested `required` is then enforced --
            # e.g. `POST /v1/payment_intents amount=2000&currency=usd` gets 422 over
            # `automatic_payment_methods.enabled`.  Drop `required` on exactly the objects
            # Prism materialises regardless of the request.
            _drop_materialized_required(prop, always_built=True)
    return new_body


def _drop_materialized_required(schema: JsonDict, *, always_built: bool) -> None:
    """Drop ``required`` where Prism's deepObject deserializer builds an object unasked.

    Mirrors ``deserializeDeepObjectStyle`` in prism-http: a ``type: object`` node is built
    with all its properties whether or not they were sent; a ``type: array`` node is built
    from the indexes actually sent (so an array item's own ``required`` is judged
    correctly, but objects below it are built unasked); any other node (``anyOf``,
    scalars) is read as a single raw value and never descended into.
    """
    schema_type = schema.get("type")
    if schema_type == "object":
        if always_built:
            schema.pop("required", None)
        for prop in schema.get("properties", {}).values():
            if isinstance(prop, dict):
                _drop_materialized_required(prop, always_built=True)
    elif schema_type == "array":
        items = schema.get("items")
        if isinstance(items, dict):
            _drop_materialized_required(items, always_built=False)


def _inline_request_refs(node: JsonDict, schemas: JsonDict) -> JsonDict:
    """Deep copy of a request-side node; any ``$ref`` inlined (Stripe's have none).

    Stripe's request sides are free of ``$ref``; inlining keeps this function correct
    (and the request side equivalent) for a spec that has some, as long as they are not
    recursive.
    """

    def inline(value: Any, stack: tuple[str, ...]) -> Any:
        if isinstance(value, dict):
            ref = value.get("$ref")
            if isinstance(ref, str):
                name = _schema_name(ref)
                if name in stack:
                    raise ValueError(f"recursive $ref in a request schema: {ref}")
                return inline(schemas[name], (*stack, name))
            return {key: inline(item, stack) for key, item in value.items()}
        if isinstance(value, list):
            return [inline(item, stack) for item in value]
        return value

    result: JsonDict = inline(node, ())
    return result


# -------------------------------------------------------------------------- response side


def _shrink_response(response: JsonDict, schemas: JsonDict) -> JsonDict:
    new_response: JsonDict = {}
    for key, value in response.items():
        if key == "content":
            new_response[key] = {
                media_type: _shrink_media(media, schemas) for media_type, media in value.items()
            }
        elif key == "headers":
            new_response[key] = {
                name: {
                    **{k: v for k, v in header.items() if k != "schema"},
                    "schema": _shrink_or_placeholder(header.get("schema", {}), schemas, 0),
                }
                for name, header in value.items()
            }
        elif key == "description":
            new_response[key] = value
    new_response.setdefault("description", "")
    return new_response


def _shrink_media(media: JsonDict, schemas: JsonDict) -> JsonDict:
    new_media: JsonDict = {}
    if "schema" in media:
        new_media["schema"] = _shrink_or_placeholder(media["schema"], schemas, 0)
    for key in ("example", "examples"):
        if key in media:
            new_media[key] = copy.deepcopy(media[key])
    return new_media


def _shrink_or_placeholder(schema: JsonDict, schemas: JsonDict, depth: int) -> JsonDict:
    shrunk = _shrink(schema, schemas, depth)
    if isinstance(shrunk, _Cut):
        return _placeholder(schema, schemas)
    return shrunk


def _shrink(schema: Any, schemas: JsonDict, depth: int) -> JsonDict | _Cut:
    """Inline ``$ref`` up to the depth limit; ``_CUT`` where a deeper one is needed."""
    if not isinstance(schema, dict):
        return {}
    ref = schema.get("$ref")
    if isinstance(ref, str):
        if depth >= RESPONSE_REF_DEPTH:
            return _CUT
        return _shrink(schemas[_schema_name(ref)], schemas, depth + 1)

    nullable = bool(schema.get("nullable"))
    branches_key = next((k for k in ("anyOf", "oneOf") if k in schema), None)
    if branches_key is not None and _is_expandable(schema[branches_key]):
        # An expandable field (`anyOf: [string, $ref]`): without `expand[]` Stripe
        # sends the ID string, and that is all the mock needs to produce.
        string_branch = next(
            b for b in schema[branches_key] if isinstance(b, dict) and b.get("type") == "string"
        )
        return _nullable(_copy_keys(string_branch), nullable)

    out: JsonDict = _copy_keys(schema)
    out.pop("nullable", None)
    if out.get("format") == "decimal" and out.get("type") == "string":
        out.setdefault("example", _DECIMAL_EXAMPLE)

    for key in ("anyOf", "oneOf"):
        if key in out:
            kept = [
                b
                for b in (_shrink(b, schemas, depth) for b in schema[key])
                if not isinstance(b, _Cut)
            ]
            if not kept:
                return _CUT
            out[key] = kept
    if "allOf" in out:
        parts = [_shrink(b, schemas, depth) for b in schema["allOf"]]
        if any(isinstance(p, _Cut) for p in parts):
            return _CUT
        out["allOf"] = parts

    if "properties" in out:
        required = set(schema.get("required", []))
        props: JsonDict = {}
        for name, prop in schema["properties"].items():
            shrunk = _shrink(prop, schemas, depth)
            if isinstance(shrunk, _Cut):
                if name not in required:
                    continue  # deeper optional reference: dropped
                shrunk = _placeholder(prop, schemas)
            props[name] = shrunk
        out["properties"] = props

    if isinstance(out.get("items"), dict):
        items = _shrink(schema["items"], schemas, depth)
        if isinstance(items, _Cut):
            return _CUT
        out["items"] = items

    if isinstance(out.get("additionalProperties"), dict):
        extra = _shrink(schema["additionalProperties"], schemas, depth)
        out["additionalProperties"] = {} if isinstance(extra, _Cut) else extra

    return _nullable(out, nullable)


def _nullable(schema: JsonDict, nullable: bool) -> JsonDict:
    # Ajv (strict: false) cannot compile `nullable` next to `anyOf` without `type`, and
    # Prism then silently skips validation; `anyOf` with an `enum: [null]` branch says
    # the same thing in plain JSON Schema.
    if not nullable:
        return schema
    return {"anyOf": [schema, {"enum": [None]}]}


def _placeholder(schema: JsonDict, schemas: JsonDict) -> JsonDict:
    """Stand-in for a required response field whose schema lies beyond the depth limit."""
    if _is_nullable(schema, schemas):
        return {"enum": [None]}
    schema_type = _schema_type(schema, schemas)
    return {"type": schema_type} if schema_type else {}


def _is_nullable(schema: JsonDict, schemas: JsonDict) -> bool:
    if schema.get("nullable"):
        return True
    ref = schema.get("$ref")
    if isinstance(ref, str):
        return bool(schemas[_schema_name(ref)].get("nullable"))
    return False


def _schema_type(schema: JsonDict, schemas: JsonDict) -> str | None:
    ref = schema.get("$ref")
    if isinstance(ref, str):
        schema = schemas[_schema_name(ref)]
    schema_type = schema.get("type")
    if isinstance(schema_type, str):
        return schema_type
    for key in ("anyOf", "oneOf", "allOf"):
        branch_types = {
            _schema_type(b, schemas) for b in schema.get(key, []) if isinstance(b, dict)
        }
        if len(branch_types) == 1:
            return branch_types.pop()
    return None


def _is_expandable(branches: list[Any]) -> bool:
    return any(isinstance(b, dict) and b.get("type") == "string" for b in branches) and any(
        isinstance(b, dict) and "$ref" in b for b in branches
    )


_STRUCTURAL_KEYS: frozenset[str] = frozenset(
    {"properties", "items", "additionalProperties", "anyOf", "oneOf", "allOf"}
)


def _copy_keys(schema: JsonDict) -> JsonDict:
    """The kept keys of a schema; structural ones as placeholders the caller fills in."""
    out: JsonDict = {}
    for key, value in schema.items():
        if key not in _RESPONSE_SCHEMA_KEYS:
            continue
        if key in _STRUCTURAL_KEYS and isinstance(value, dict | list):
            out[key] = {} if isinstance(value, dict) else []
        else:
            out[key] = copy.deepcopy(value)
    return out


def _schema_name(ref: str) -> str:
    prefix = "#/components/schemas/"
    if not ref.startswith(prefix):
        raise ValueError(f"unsupported $ref (only {prefix}...): {ref}")
    return ref[len(prefix) :]


# ---------------------------------------------------------------- request-side comparison


def iter_operations(spec: JsonDict) -> Iterator[tuple[str, str, JsonDict]]:
    """Yield ``(method, path, operation)`` for every operation of a spec."""
    for path, item in spec.get("paths", {}).items():
        for method, operation in item.items():
            if method in HTTP_METHODS:
                yield method, path, operation


def request_side(spec: JsonDict, method: str, path: str) -> JsonDict:
    """The parts of an operation a request is judged by (refs inlined)."""
    schemas: JsonDict = spec.get("components", {}).get("schemas", {})
    item: JsonDict = spec["paths"][path]
    operation: JsonDict = item[method]
    side: JsonDict = {
        "path_parameters": item.get("parameters", []),
        "parameters": operation.get("parameters", []),
        "requestBody": operation.get("requestBody"),
        "security": operation.get("security", spec.get("security")),
        "servers": operation.get("servers", item.get("servers")),
    }
    return _inline_request_refs(side, schemas)


def request_side_differences(original: JsonDict, derived: JsonDict) -> list[str]:
    """Every difference between the request sides of two specs, one line each.

    Compared: the set of operations, and each operation's parameters, request body,
    effective security and servers, plus the security schemes.  Used to check that
    :func:`derive_prism_spec` changed nothing but its documented workarounds.
    """
    diffs: list[str] = []
    ops_a = {(m, p) for m, p, _ in iter_operations(original)}
    ops_b = {(m, p) for m, p, _ in iter_operations(derived)}
    diffs += [f"missing operation {m.upper()} {p}" for m, p in sorted(ops_a - ops_b)]
    diffs += [f"extra operation {m.upper()} {p}" for m, p in sorted(ops_b - ops_a)]
    for method, path in sorted(ops_a & ops_b):
        side_a = request_side(original, method, path)
        side_b = request_side(derived, method, path)
        for where in _diff(side_a, side_b, ()):
            diffs.append(f"{method.upper()} {path}: {where}")
    schemes_a = original.get("components", {}).get("securitySchemes")
    schemes_b = derived.get("components", {}).get("securitySchemes")
    if schemes_a != schemes_b:
        diffs.append("components.securitySchemes differ")
    return diffs


def _diff(a: Any, b: Any, where: tuple[str, ...]) -> Iterator[str]:
    if isinstance(a, dict) and isinstance(b, dict):
        for key in sorted(set(a) | set(b)):
            here = (*where, str(key))
            if key not in b:
                yield f"{'.'.join(here)} removed ({json.dumps(a[key])[:80]})"
            elif key not in a:
                yield f"{'.'.join(here)} added ({json.dumps(b[key])[:80]})"
            else:
                yield from _diff(a[key], b[key], here)
    elif isinstance(a, list) and isinstance(b, list) and len(a) == len(b):
        for index, (item_a, item_b) in enumerate(zip(a, b, strict=True)):
            name = item_a.get("name") if isinstance(item_a, dict) else None
            yield from _diff(item_a, item_b, (*where, str(name or index)))
    elif a != b:
        yield f"{'.'.join(where)}: {json.dumps(a)[:80]} -> {json.dumps(b)[:80]}"

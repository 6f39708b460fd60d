"""Operation parameters (path, query, header, cookie) → keyword parameters of the generated
methods, each with its OpenAPI serialization (style, explode, allowReserved; defaults applied).
"""

from __future__ import annotations

import re
from dataclasses import replace
from typing import Any

from generator import naming
from generator.errors import join
from generator.ir import Location, Parameter
from generator.lower.reserved import METHOD_RESERVED
from generator.lower.schemas import Schemas
from generator.lower.values import spec_values
from generator.text import first_sentence

_PARAM_LOCATIONS: dict[str, Location] = {
    "path": "path",
    "query": "query",
    "header": "header",
    "cookie": "cookie",
    "querystring": "query",  # OpenAPI 3.2: the whole query as one value (see ``_querystring``)
}
# The styles OpenAPI allows in each location; the first is the default.
STYLES: dict[str, tuple[str, ...]] = {
    "path": ("simple", "label", "matrix"),
    "query": ("form", "spaceDelimited", "pipeDelimited", "deepObject"),
    "header": ("simple",),
    "cookie": ("form",),
}
# Headers OpenAPI says to ignore as parameters: the client sets them itself.
_IGNORED_HEADERS = frozenset({"accept", "content-type", "authorization"})


def raw_parameters(
    s: Schemas, item: dict[str, Any], op: dict[str, Any], item_where: str, where: str
) -> list[tuple[dict[str, Any], str]]:
    """The path item's parameters overridden by the operation's own, by (name, in)."""
    merged: dict[tuple[str, str], tuple[dict[str, Any], str]] = {}
    for source, swhere in ((item, item_where), (op, where)):
        for i, p in enumerate(source.get("parameters", []) or []):
            node, pwhere = s.resolver.deref(p, join(swhere, "parameters", i))
            merged[(str(node.get("name")), str(node.get("in")))] = (node, pwhere)
    return list(merged.values())


def parameters(
    s: Schemas,
    raw: list[tuple[dict[str, Any], str]],
    type_prefix: str,
    owner: str,
) -> list[Parameter]:
    params: list[Parameter] = []
    for pnode, pwhere in raw:
        location = _PARAM_LOCATIONS.get(str(pnode.get("in")))
        if location is None:
            s.warn(pwhere, f"parameters in {pnode.get('in')!r} are not supported; skipped")
            continue
        wire = str(pnode["name"])
        if not wire:
            s.warn(pwhere, "a parameter with an empty name is not supported; skipped")
            continue
        if location == "header" and wire.lower() in _IGNORED_HEADERS:
            continue  # OpenAPI: such a parameter definition SHALL be ignored
        schema, swhere = pnode.get("schema"), join(pwhere, "schema")
        if pnode.get("in") == "querystring":
            style, explode, schema, swhere = _querystring(s, pnode, pwhere)
        else:
            style, explode = serialization(s, pnode, pwhere, location)
            if schema is None and "content" in pnode:
                s.warn(
                    pwhere,
                    "a parameter described by 'content' instead of 'schema' is typed as Any",
                )
        type_ = s.lower(schema, swhere, "request", type_prefix + naming.pascal(wire), owner)
        params.append(
            Parameter(
                py_name=wire,
                wire_name=wire,
                location=location,
                type=type_,
                required=bool(pnode.get("required")) or location == "path",
                # a parameter without prose of its own often has it on its schema
                description=s.description(pnode, pwhere) or s.description(schema, swhere),
                description_source=s.prose(pnode, pwhere) or s.prose(schema, swhere),
                deprecated=deprecation(s, pnode, pwhere, wire),
                **spec_values(s.resolver, (pnode, pwhere), (schema, swhere)),
                style=style,
                explode=explode,
                allow_reserved=location == "query" and pnode.get("allowReserved") is True,
            )
        )
    return params


def _querystring(s: Schemas, pnode: dict[str, Any], where: str) -> tuple[str, bool, Any, str]:
    """An OpenAPI 3.2 ``querystring`` parameter: the whole query string is one value, typed by
    the schema of its ``content`` and serialized by its media type: form (the default: an
    object's properties as ``k=v`` pairs, as an exploded ``form`` query parameter sends them)
    or JSON (the JSON text, percent-encoded, is the query). Style, explode, schema, pointer.
    """
    content = pnode.get("content")
    if not isinstance(content, dict) or not content:
        s.warn(
            where,
            "a querystring parameter without 'content'; sent form-encoded, typed Any",
        )
        return "form", True, None, join(where, "content")
    media = str(next(iter(content)))
    entry, mwhere = s.resolver.deref(content[media], join(where, "content", media))
    schema = entry.get("schema") if isinstance(entry, dict) else None
    essence = media.split(";", 1)[0].strip().lower()
    if essence == "application/json" or essence.endswith("+json"):
        return "json", False, schema, join(mwhere, "schema")
    if essence != "application/x-www-form-urlencoded":
        s.warn(
            join(where, "content", media),
            f"a querystring of {media!r} is sent form-encoded",
        )
    return "form", True, schema, join(mwhere, "schema")


def serialization(s: Schemas, pnode: dict[str, Any], where: str, location: str) -> tuple[str, bool]:
    """The parameter's style and explode, OpenAPI's defaults where the spec says nothing
    (``form`` explodes by default, every other style does not)."""
    allowed = STYLES[location]
    style = pnode.get("style", allowed[0])
    if style not in allowed:
        s.warn(
            join(where, "style"),
            f"style {style!r} is not allowed in {location}; {allowed[0]!r} is used",
        )
        style = allowed[0]
    explode = pnode.get("explode", style == "form")
    return str(style), explode is True


def deprecation(s: Schemas, node: object, where: str, wire: str) -> str | None:
    if not isinstance(node, dict) or not node.get("deprecated"):
        return None
    reason = re.sub(
        r"^deprecated\b[\s:.,-]*",
        "",
        first_sentence(s.description(node, where)),
        flags=re.I,
    )
    return f"'{wire}' is deprecated" + (f": {reason}" if reason else "")


def name_parameters(params: list[Parameter]) -> list[Parameter]:
    """Keyword names: the wire name where Python allows it, otherwise a safe unique name."""
    names = naming.parameter_names([p.wire_name or "body" for p in params], METHOD_RESERVED)
    return [replace(p, py_name=n) for p, n in zip(params, names, strict=True)]

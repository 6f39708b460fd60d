"""Request bodies → a ``Body`` and keyword parameters for their properties.

Of the media types an operation offers, the most structured one is used: JSON (and every
``+json`` type), then form, then multipart; anything else (XML, text, images, octet-stream,
``*/*``) is a raw body taking bytes, text or a file object.
"""

from __future__ import annotations

from typing import Any

from generator import naming
from generator.errors import join
from generator.ir import Body, BodyEncoding, Location, Parameter, Prim
from generator.lower.parameters import deprecation
from generator.lower.schemas import Schemas
from generator.lower.spec_examples import media_examples
from generator.lower.typeops import has_none
from generator.lower.values import spec_values
from generator.text import html_to_text

_STRUCTURED: tuple[tuple[str, BodyEncoding], ...] = (
    ("application/json", "json"),
    ("+json", "json"),
    ("application/x-www-form-urlencoded", "form"),
    ("multipart/form-data", "multipart"),
)
# Raw media types by preference: a definite type before a family, a wildcard last.
_RAW_RANK: tuple[str, ...] = (
    "application/xml",
    "text/xml",
    "text/",
    "application/",
    "image/",
)


def choose_media(content: dict[str, Any]) -> tuple[str, BodyEncoding] | None:
    """The media type to send and how, from a ``content`` map (keys as the spec spells them)."""
    media = [str(m) for m in content]
    base = {m: m.split(";", 1)[0].strip().lower() for m in media}
    for pattern, encoding in _STRUCTURED:
        for m in media:
            b = base[m]
            if b == pattern or (pattern.startswith("+") and b.endswith(pattern)):
                return m, encoding
    for prefix in _RAW_RANK:
        for m in media:
            if base[m].startswith(prefix) and "*" not in base[m]:
                return m, "raw"
    return (media[0], "raw") if media else None


def body(
    s: Schemas,
    op: dict[str, Any],
    method: str,
    where: str,
    prefix: str,
    owner: str,
    params: list[Parameter],
) -> Body | None:
    """The request body; its object properties become keyword parameters (appended to
    ``params``).

    A GET, HEAD or DELETE sends no body: form fields declared on one (Stripe declares an
    empty form body on every GET, and fields on some DELETEs) go in the query string, as
    Stripe's own libraries send them (bracket style)."""
    if "requestBody" not in op:
        return None
    node, bwhere = s.resolver.deref(op["requestBody"], join(where, "requestBody"))
    content = node.get("content") or {}
    chosen = choose_media(content)
    if chosen is None:
        s.warn(join(bwhere, "content"), "a request body without a media type; body skipped")
        return None
    media, encoding = chosen
    # a media type object may be a $ref to components.mediaTypes (OpenAPI 3.2)
    media_node, cwhere = s.resolver.deref(content[media], join(bwhere, "content", media))
    media_node = media_node if isinstance(media_node, dict) else {}
    schema = media_node.get("schema")
    snode, swhere = s.resolver.deref(schema, join(cwhere, "schema")) if schema else ({}, cwhere)
    required_body = bool(node.get("required"))
    bodyless = method in ("get", "head", "delete") and encoding == "form"
    location: Location = "query" if bodyless else "body"
    description = html_to_text(str(node.get("description", "")))
    if encoding == "raw":
        params.append(
            Parameter(
                py_name="body",
                wire_name="",
                location="body",
                type=Prim("RawContent"),
                required=required_body,
                description=description,
                description_source=str(node.get("description", "")),
                **spec_values(s.resolver, (media_node, cwhere), (schema, join(cwhere, "schema"))),
            )
        )
    elif isinstance(snode, dict) and s.is_object(snode, swhere):
        encodings = media_node.get("encoding") or {}
        props, required = s.object_properties(snode, swhere, "request")
        for wire, pschema, pwhere in props:
            if not wire:  # the runtime reads an empty wire name as "the whole body"
                s.warn(
                    pwhere,
                    "a body property with an empty name is not supported; skipped",
                )
                continue
            type_ = s.lower(pschema, pwhere, "request", prefix + naming.pascal(wire), owner)
            params.append(
                Parameter(
                    py_name=wire,
                    wire_name=wire,
                    location=location,
                    type=type_,
                    required=required_body and wire in required,
                    description=s.description(pschema, pwhere),
                    description_source=s.prose(pschema, pwhere),
                    deprecated=deprecation(s, pschema, pwhere, wire),
                    **spec_values(s.resolver, (pschema, pwhere)),
                    # as Stripe's libraries send them: see the docstring
                    style="deepObject" if bodyless else "",
                    explode=bodyless,
                    nullable=encoding == "json" and has_none(type_),
                    part_type=(
                        _part_type(s, encodings.get(wire), pschema, pwhere)
                        if encoding == "multipart"
                        else None
                    ),
                )
            )
    else:
        params.append(
            Parameter(
                py_name="body",
                wire_name="",
                location="body",
                type=s.lower(schema, join(cwhere, "schema"), "request", prefix + "Body", owner),
                required=required_body,
                description=description,
                description_source=str(node.get("description", "")),
                **spec_values(s.resolver, (media_node, cwhere), (schema, join(cwhere, "schema"))),
            )
        )
    if bodyless:
        return None
    items = media_node.get("itemSchema")
    return Body(
        media_type=media,
        encoding=encoding,
        required=required_body,
        alternatives=tuple(str(m) for m in content if m != media),
        examples=media_examples(s, media_node, cwhere),
        item_type=(
            None
            if items is None
            else s.lower(items, join(cwhere, "itemSchema"), "request", prefix + "BodyItem", owner)
        ),
    )


def _part_type(s: Schemas, encoding: Any, schema: Any, where: str) -> str | None:
    """A multipart part's content type: the spec's ``encoding.contentType``, else JSON for an
    object (OpenAPI's default) unless the encoding gives it a form style (Stripe's brackets).
    """
    encoding = encoding if isinstance(encoding, dict) else {}
    if encoding.get("contentType"):
        return str(encoding["contentType"]).split(",")[0].strip()
    if "style" in encoding or "explode" in encoding:
        return None
    node, nwhere = s.resolver.deref(schema, where) if isinstance(schema, dict) else (schema, where)
    if isinstance(node, dict) and s.is_object(node, nwhere):
        return "application/json"
    return None

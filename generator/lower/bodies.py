"""Request bodies → a ``Body`` and keyword parameters for their properties.

Of the media types an operation offers, the most structured one is used: JSON (and every
``+json`` type), then form, then multipart; anything else (XML, text, images, octet-stream,
``*/*``) is a raw body taking bytes, text or a file object.
"""

from __future__ import annotations

from dataclasses import dataclass
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


@dataclass(frozen=True)
class _Chosen:
    """The media type a request body is sent as, with what the spec says of it there."""

    body: dict[str, Any]  # the request body object
    media: str  # as the spec spells it
    encoding: BodyEncoding
    node: dict[str, Any]  # its media type object
    where: str  # that object's pointer
    bodyless: bool  # form fields of a GET, HEAD or DELETE: sent in the query string


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
    chosen = _choose(s, op, method, where)
    if chosen is None:
        return None
    params += _parameters(s, chosen, prefix, owner)
    if chosen.bodyless:
        return None
    items = chosen.node.get("itemSchema")
    return Body(
        media_type=chosen.media,
        encoding=chosen.encoding,
        required=bool(chosen.body.get("required")),
        alternatives=tuple(str(m) for m in chosen.body.get("content") or {} if m != chosen.media),
        examples=media_examples(s, chosen.node, chosen.where),
        item_type=(
            None
            if items is None
            else s.lower(
                items, join(chosen.where, "itemSchema"), "request", prefix + "BodyItem", owner
            )
        ),
    )


def _choose(s: Schemas, op: dict[str, Any], method: str, where: str) -> _Chosen | None:
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
    bodyless = method in ("get", "head", "delete") and encoding == "form"
    return _Chosen(node, media, encoding, media_node, cwhere, bodyless)


def _parameters(s: Schemas, chosen: _Chosen, prefix: str, owner: str) -> list[Parameter]:
    """An object body's properties, one keyword each; any other body one ``body`` keyword."""
    schema = chosen.node.get("schema")
    schema_at = join(chosen.where, "schema")
    snode, swhere = s.resolver.deref(schema, schema_at) if schema else ({}, chosen.where)
    if chosen.encoding != "raw" and isinstance(snode, dict) and s.is_object(snode, swhere):
        return _property_parameters(s, chosen, snode, swhere, prefix, owner)
    type_ = (
        Prim("RawContent")
        if chosen.encoding == "raw"
        else s.lower(schema, schema_at, "request", prefix + "Body", owner)
    )
    prose = str(chosen.body.get("description", ""))
    return [
        Parameter(
            py_name="body",
            wire_name="",
            location="body",
            type=type_,
            required=bool(chosen.body.get("required")),
            description=html_to_text(prose),
            description_source=prose,
            **spec_values(s.resolver, (chosen.node, chosen.where), (schema, schema_at)),
        )
    ]


def _property_parameters(
    s: Schemas, chosen: _Chosen, snode: dict[str, Any], swhere: str, prefix: str, owner: str
) -> list[Parameter]:
    encodings = chosen.node.get("encoding") or {}
    location: Location = "query" if chosen.bodyless else "body"
    required_body = bool(chosen.body.get("required"))
    props, required = s.object_properties(snode, swhere, "request")
    params: list[Parameter] = []
    for wire, pschema, pwhere in props:
        if not wire:  # the runtime reads an empty wire name as "the whole body"
            s.warn(pwhere, "a body property with an empty name is not supported; skipped")
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
                # as Stripe's libraries send them: see ``body``'s docstring
                style="deepObject" if chosen.bodyless else "",
                explode=chosen.bodyless,
                nullable=chosen.encoding == "json" and has_none(type_),
                part_type=(
                    _part_type(s, encodings.get(wire), pschema, pwhere)
                    if chosen.encoding == "multipart"
                    else None
                ),
            )
        )
    return params


def _part_type(s: Schemas, encoding: object, schema: object, where: str) -> str | None:
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

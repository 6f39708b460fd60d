"""Request bodies → a ``Body`` and keyword parameters for their properties."""

from __future__ import annotations

from typing import Any

from generator import naming
from generator.build.parameters import deprecation
from generator.build.schemas import Schemas
from generator.build.values import spec_values
from generator.errors import join
from generator.ir import Body, BodyEncoding, Location, Parameter
from generator.text import html_to_text

_BODY_MEDIA: tuple[tuple[str, BodyEncoding], ...] = (
    ("application/json", "json"),
    ("application/x-www-form-urlencoded", "form"),
    ("multipart/form-data", "multipart"),
)


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
    Stripe's own libraries send them."""
    if "requestBody" not in op:
        return None
    node, bwhere = s.resolver.deref(op["requestBody"], join(where, "requestBody"))
    content = node.get("content") or {}
    chosen = next(((m, e) for m, e in _BODY_MEDIA if m in content), None)
    if chosen is None:
        s.warn(
            join(bwhere, "content"),
            f"no supported request media type in {sorted(content)}; body skipped",
        )
        return None
    media, encoding = chosen
    cwhere = join(bwhere, "content", media)
    schema = content[media].get("schema")
    snode, swhere = s.resolver.deref(schema, join(cwhere, "schema")) if schema else ({}, cwhere)
    required_body = bool(node.get("required"))
    bodyless = method in ("get", "head", "delete") and encoding == "form"
    location: Location = "query" if bodyless else "body"
    if isinstance(snode, dict) and s.is_object(snode, swhere):
        props, required = s.object_properties(snode, swhere)
        for wire, pschema, pwhere in props:
            if not wire:  # the runtime reads an empty wire name as "the whole body"
                s.warn(pwhere, "a body property with an empty name is not supported; skipped")
                continue
            params.append(
                Parameter(
                    py_name=wire,
                    wire_name=wire,
                    location=location,
                    type=s.lower(pschema, pwhere, "request", prefix + naming.pascal(wire), owner),
                    required=required_body and wire in required,
                    description=s.description(pschema, pwhere),
                    deprecated=deprecation(s, pschema, pwhere, wire),
                    **spec_values(s, (pschema, pwhere)),
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
                description=html_to_text(str(node.get("description", ""))),
                **spec_values(s, (content[media], cwhere), (schema, join(cwhere, "schema"))),
            )
        )
    if bodyless:
        return None
    return Body(media_type=media, encoding=encoding, required=required_body)

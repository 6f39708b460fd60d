"""Webhook events → typed event models and how their deliveries are signed.

Two sources, in this order: a 3.1 ``webhooks`` section (each entry's JSON request body is an
event, named after its key), and the profile's envelope (``webhook_event``: a component schema
every event has, as Stripe's ``event``), with the values of its type field from the schema's
own ``enum``/``const``, else from ``webhook_event_types`` (a JSON pointer to a schema whose
``enum`` lists them). An event whose payload is not an object is a warning, not an event.
"""

from __future__ import annotations

from typing import Any

from generator import naming, pytypes
from generator.errors import GeneratorError, join
from generator.ir import WebhookEvent, Webhooks
from generator.lower.responses import is_json, media_essence
from generator.lower.schemas import Schemas
from generator.text import html_to_text

_METHODS = ("post", "put", "patch", "get", "delete")
_PROFILE = "/x-profile"  # where a reference the profile makes is said to be, in messages


def webhooks(s: Schemas) -> Webhooks | None:
    profile = s.profile
    field = profile.webhook_type_field
    events: list[WebhookEvent] = []
    section = s.spec.webhooks
    for key in sorted(section, key=str):
        found = _payload(s, section[key], join("/webhooks", str(key)))
        if found is None:
            continue
        schema, where, description = found
        type_ = s.lower(schema, where, "response", naming.pascal(str(key)) + "Event", "webhooks")
        if not pytypes.model_names(type_):
            s.warn(where, f"webhook {key!r} does not send an object: no typed event for it")
            continue
        events.append(WebhookEvent(str(key), type_, _values(s, schema, where, field), description))
    if profile.webhook_event:
        where = join("/components/schemas", profile.webhook_event)
        node = s.spec.schemas.get(profile.webhook_event)
        if not isinstance(node, dict):
            s.warn(where, f"the profile's webhook_event {profile.webhook_event!r} is not a schema")
        else:
            ref_node = {"$ref": "#" + where}
            types = _values(s, ref_node, _PROFILE, field)
            if not types and profile.webhook_event_types:
                types = _enum_at(s, profile.webhook_event_types)
            ref = s.lower(ref_node, _PROFILE, "response", "Event", "webhooks")
            events.append(
                WebhookEvent(
                    profile.webhook_event, ref, types, s.description(node, where), envelope=True
                )
            )
    if not events:
        return None
    return Webhooks(
        scheme=profile.webhook_scheme,
        type_field=field,
        secret_env=f"{profile.env_prefix}_WEBHOOK_SECRET".lstrip("_"),
        events=tuple(events),
    )


def _payload(s: Schemas, raw: object, where: str) -> tuple[Any, str, str] | None:
    """(schema, its pointer, description) of a webhook's JSON request body."""
    item, where = s.resolver.deref(raw, where)
    if not isinstance(item, dict):
        return None
    for method in _METHODS:
        op = item.get(method)
        if not isinstance(op, dict):
            continue
        owhere = join(where, method)
        body, bwhere = s.resolver.deref(op.get("requestBody"), join(owhere, "requestBody"))
        content = body.get("content") if isinstance(body, dict) else None
        content = content if isinstance(content, dict) else {}
        for media, entry in content.items():
            if is_json(media_essence(str(media))) and isinstance(entry, dict):
                schema = entry.get("schema")
                text = html_to_text(str(op.get("summary") or op.get("description") or ""))
                return schema, join(bwhere, "content", str(media), "schema"), text
        s.warn(owhere, "a webhook without a JSON request body: no typed event for it")
        return None
    return None


def _values(s: Schemas, schema: object, where: str, field: str) -> tuple[str, ...]:
    """The values the type field may hold: its ``const`` or ``enum`` (strings only)."""
    node, nwhere = s.resolver.deref(schema, where)
    if not isinstance(node, dict):
        return ()
    prop = (node.get("properties") or {}).get(field)
    prop, _ = s.resolver.deref(prop, join(nwhere, "properties", field))
    if not isinstance(prop, dict):
        return ()
    if isinstance(prop.get("const"), str):
        return (prop["const"],)
    enum = prop.get("enum")
    return tuple(v for v in enum if isinstance(v, str)) if isinstance(enum, list) else ()


def _enum_at(s: Schemas, pointer: str) -> tuple[str, ...]:
    try:
        node, _ = s.resolver.deref({"$ref": "#" + pointer}, _PROFILE)
    except GeneratorError:
        node = None
    enum = node.get("enum") if isinstance(node, dict) else None
    if not isinstance(enum, list):
        # the built-in Stripe profile names where the full spec lists them: a smaller spec
        # (ours) may not have that place, and then every event type is one the model takes
        return ()
    # "*" subscribes an endpoint to every type (Stripe's enabled_events): not a type itself
    return tuple(v for v in enum if isinstance(v, str) and v != "*")

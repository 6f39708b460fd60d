"""Webhook deliveries: check the signature over the exact bytes received, then parse the event.

Two signing schemes, chosen by the API's profile:

- ``standard`` (Standard Webhooks): headers ``webhook-id``, ``webhook-timestamp`` and
  ``webhook-signature`` (space-separated ``v1,<base64>`` entries); the key is the secret's
  base64 after ``whsec_``; HMAC-SHA256 over ``<id>.<timestamp>.<body>``; the timestamp must be
  within the tolerance either way.
- ``stripe``: header ``Stripe-Signature: t=<timestamp>,v1=<hex>[,v1=<hex>...]``; the key is the
  secret as it is; HMAC-SHA256 over ``<timestamp>.<body>``; a timestamp older than the tolerance
  is refused.

Every comparison is constant-time (``hmac.compare_digest``); nothing here touches the network.
Frameworks must hand over the raw body: JSON parsed and serialized again is not what was signed.
Standard library only.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import sys
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

DEFAULT_TOLERANCE = 300  # seconds


class WebhookError(Exception):
    """A delivery that cannot be trusted or read; the subclasses say why."""


class WebhookHeaderError(WebhookError):
    """A header the scheme needs is missing or malformed."""


class WebhookSignatureError(WebhookError):
    """No signature in the header matches the body and the secret."""


class WebhookTimestampError(WebhookError):
    """The signed timestamp is outside the tolerance (a replayed or delayed delivery)."""


class WebhookPayloadError(WebhookError):
    """The body verified but is not a JSON document."""


@dataclass(frozen=True)
class UnknownEvent:
    """An event of a type this client does not know (or whose body does not fit its model):
    ``type`` is its type field (None when absent), ``data`` the parsed JSON."""

    type: str | None
    data: Any = field(repr=False)


def _header(headers: Mapping[str, str], name: str) -> str:
    lower = name.lower()
    for key, value in headers.items():
        if key.lower() == lower:
            return value
    raise WebhookHeaderError(f"the {name} header is missing")


def _timestamp(text: str, name: str) -> int:
    if not text.isascii() or not text.strip().isdigit():
        raise WebhookHeaderError(f"the {name} timestamp is not a Unix time in seconds")
    return int(text.strip())


def _bytes(payload: bytes | str) -> bytes:
    return payload.encode() if isinstance(payload, str) else bytes(payload)


def sign_stripe(payload: bytes | str, secret: str, timestamp: int) -> str:
    """A ``Stripe-Signature`` value, as Stripe computes it (for tests of your own handlers)."""
    signed = str(timestamp).encode() + b"." + _bytes(payload)
    digest = hmac.new(secret.encode(), signed, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={digest}"


def verify_stripe(
    payload: bytes | str,
    headers: Mapping[str, str],
    secret: str,
    *,
    tolerance: int = DEFAULT_TOLERANCE,
    now: float | None = None,
) -> None:
    header = _header(headers, "Stripe-Signature")
    stamp: str | None = None
    candidates: list[str] = []
    for item in header.split(","):
        key, _, value = item.strip().partition("=")
        if key == "t":
            stamp = value
        elif key == "v1":
            candidates.append(value.strip())
    if stamp is None or not candidates:
        raise WebhookHeaderError("the Stripe-Signature header has no t= or no v1= signature")
    timestamp = _timestamp(stamp, "Stripe-Signature")
    expected = sign_stripe(payload, secret, timestamp).rpartition("v1=")[2].encode()
    if not _any_equal(expected, [c.encode() for c in candidates]):
        raise WebhookSignatureError("no v1 signature matches the payload and the secret")
    if tolerance and timestamp < (time.time() if now is None else now) - tolerance:
        raise WebhookTimestampError(f"the signature is older than {tolerance} seconds")


def _standard_key(secret: str) -> bytes:
    try:
        return base64.b64decode(secret.removeprefix("whsec_"), validate=True)
    except (binascii.Error, ValueError):
        raise WebhookError("the webhook secret is not whsec_ followed by base64") from None


def sign_standard(payload: bytes | str, secret: str, msg_id: str, timestamp: int) -> str:
    """A ``webhook-signature`` value (one ``v1,`` entry), as Standard Webhooks signs."""
    signed = f"{msg_id}.{timestamp}.".encode() + _bytes(payload)
    digest = hmac.new(_standard_key(secret), signed, hashlib.sha256).digest()
    return "v1," + base64.b64encode(digest).decode()


def verify_standard(
    payload: bytes | str,
    headers: Mapping[str, str],
    secret: str,
    *,
    tolerance: int = DEFAULT_TOLERANCE,
    now: float | None = None,
) -> None:
    msg_id = _header(headers, "webhook-id")
    timestamp = _timestamp(_header(headers, "webhook-timestamp"), "webhook-timestamp")
    header = _header(headers, "webhook-signature")
    expected = sign_standard(payload, secret, msg_id, timestamp).encode()
    candidates = [s.encode() for s in header.split() if s.startswith("v1,")]
    if not _any_equal(expected, candidates):
        raise WebhookSignatureError("no v1 signature matches the payload and the secret")
    clock = time.time() if now is None else now
    if tolerance and abs(clock - timestamp) > tolerance:
        raise WebhookTimestampError(f"the timestamp is more than {tolerance} seconds away")


def _any_equal(expected: bytes, candidates: Sequence[bytes]) -> bool:
    """Whether any candidate equals ``expected``; every one is compared in constant time."""
    found = False
    for candidate in candidates:
        found |= hmac.compare_digest(expected, candidate)
    return found


VERIFIERS: dict[str, Callable[..., None]] = {"standard": verify_standard, "stripe": verify_stripe}


@dataclass(frozen=True)
class EventKind:
    """One typed event: its model (anything with ``model_validate``), the values of the type
    field it is for (empty: any value) and the properties it requires: models accept responses
    that lack a required property, so an event is this kind's only when all are there."""

    model: Any
    types: tuple[str, ...] = ()
    required: tuple[str, ...] = ()


def parse_event(data: Any, kinds: Sequence[EventKind], type_field: str) -> Any:
    """The model instance of the first kind that claims the event's type and fits, then of the
    first kind that names no type and fits; else an ``UnknownEvent``. Never raises."""
    if not isinstance(data, dict):
        return UnknownEvent(None, data)
    kind = data.get(type_field)
    kind = kind if isinstance(kind, str) else None
    claimed = [k for k in kinds if kind is not None and kind in k.types]
    for candidate in [*claimed, *(k for k in kinds if not k.types)]:
        if not all(name in data for name in candidate.required):
            continue
        try:
            return _complete(candidate.model).model_validate(data)
        except ValueError:  # pydantic's ValidationError is one
            continue
    return UnknownEvent(kind, data)


def _complete(model: Any) -> Any:
    """``model`` ready to validate. A subclass made for one event type (``InvoicePaidEvent``)
    lives in another module than the model it extends, whose field types are names in that
    module: build it once with the namespaces of every class it derives from."""
    if getattr(model, "__pydantic_complete__", True):
        return model
    namespace: dict[str, Any] = {}
    for base in reversed(model.__mro__):
        module = sys.modules.get(base.__module__)
        if module is not None:
            namespace.update(vars(module))
    model.model_rebuild(_types_namespace=namespace)
    return model


def unwrap(
    payload: bytes | str,
    headers: Mapping[str, str],
    *,
    secret: str,
    scheme: str,
    kinds: Sequence[EventKind],
    type_field: str,
    tolerance: int = DEFAULT_TOLERANCE,
    now: float | None = None,
) -> Any:
    """Verify, then parse: see the module's docstring."""
    if not secret:
        raise WebhookError("no webhook secret: pass secret= or set its environment variable")
    VERIFIERS[scheme](payload, headers, secret, tolerance=tolerance, now=now)
    try:
        data = json.loads(_bytes(payload))
    except ValueError:  # UnicodeDecodeError is one
        raise WebhookPayloadError("the payload is not JSON") from None
    return parse_event(data, kinds, type_field)

"""Webhook deliveries: signatures checked over the exact bytes (Stripe's scheme, made here with
Stripe's documented algorithm; Standard Webhooks, with the test vector its specification
publishes), every way a delivery is refused, events parsed into their models (Stripe's ``event``
from the profile, Museum's 3.1 ``webhooks`` from the corpus, a spec whose events are told apart
by a type field), unknown events, and ``mypy --strict`` over code that narrows what ``unwrap``
returns."""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import subprocess
import sys
import time
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
import yaml
from support.packages import generate_package
from support.paths import ROOT, SHARED

from generated.stripe import webhooks as stripe_webhooks
from generated.stripe.models.event import Event
from generator.templates.runtime._webhooks import (
    WebhookError,
    WebhookHeaderError,
    WebhookSignatureError,
    WebhookTimestampError,
    sign_standard,
    verify_standard,
    verify_stripe,
)

# -- Standard Webhooks: the specification's published test vector -------------------------------
VECTOR_SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
VECTOR_ID = "msg_p5jXN8AQM9LWM0D4loKWxJek"
VECTOR_TS = 1614265330
VECTOR_BODY = b'{"test": 2432232314}'
VECTOR_SIGNATURE = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="


def _standard_headers(signature: str = VECTOR_SIGNATURE, **over: str) -> dict[str, str]:
    headers = {"webhook-id": VECTOR_ID, "webhook-timestamp": str(VECTOR_TS),
               "webhook-signature": signature}  # fmt: skip
    headers.update(over)
    return headers


def test_standard_webhooks_vector() -> None:
    assert sign_standard(VECTOR_BODY, VECTOR_SECRET, VECTOR_ID, VECTOR_TS) == VECTOR_SIGNATURE
    verify_standard(VECTOR_BODY, _standard_headers(), VECTOR_SECRET, now=VECTOR_TS)
    # header names in any case, the body as text, several signatures (one of them valid)
    upper = {k.upper(): v for k, v in _standard_headers("v1,bm9wZQ== " + VECTOR_SIGNATURE).items()}
    verify_standard(VECTOR_BODY.decode(), upper, VECTOR_SECRET, now=VECTOR_TS + 299)


@pytest.mark.parametrize(
    ("body", "headers", "secret", "now", "error"),
    [
        (b'{"test": 2432232315}', _standard_headers(), VECTOR_SECRET, VECTOR_TS,
         WebhookSignatureError),  # a tampered body
        (VECTOR_BODY, _standard_headers(), "whsec_" + "QUJD" * 8, VECTOR_TS,
         WebhookSignatureError),  # another secret
        (VECTOR_BODY, _standard_headers("v2," + VECTOR_SIGNATURE[3:]), VECTOR_SECRET, VECTOR_TS,
         WebhookSignatureError),  # only v1 signatures count
        (VECTOR_BODY, _standard_headers(), VECTOR_SECRET, VECTOR_TS + 301,
         WebhookTimestampError),  # too old
        (VECTOR_BODY, _standard_headers(), VECTOR_SECRET, VECTOR_TS - 301,
         WebhookTimestampError),  # from the future
        (VECTOR_BODY, {"webhook-id": VECTOR_ID, "webhook-timestamp": str(VECTOR_TS)},
         VECTOR_SECRET, VECTOR_TS, WebhookHeaderError),
        (VECTOR_BODY, {"webhook-timestamp": str(VECTOR_TS), "webhook-signature": VECTOR_SIGNATURE},
         VECTOR_SECRET, VECTOR_TS, WebhookHeaderError),
        (VECTOR_BODY, _standard_headers(**{"webhook-timestamp": "16142653e0"}), VECTOR_SECRET,
         VECTOR_TS, WebhookHeaderError),
        (VECTOR_BODY, _standard_headers(), "whsec_not base64!", VECTOR_TS, WebhookError),
    ],
)  # fmt: skip
def test_standard_webhooks_refusals(
    body: bytes, headers: dict[str, str], secret: str, now: int, error: type[Exception]
) -> None:
    with pytest.raises(error) as caught:
        verify_standard(body, headers, secret, now=now)
    assert secret not in str(caught.value)


# -- Stripe: signatures made here as Stripe documents them --------------------------------------
STRIPE_SECRET = "whsec_test_5f2b8c1e9a7d4c3b"
STRIPE_TS = 1700000000
STRIPE_BODY = json.dumps(
    {"id": "evt_1", "object": "event", "created": STRIPE_TS, "livemode": False,
     "pending_webhooks": 1, "type": "customer.created", "api_version": "2023-10-16",
     "data": {"object": {"id": "cus_1", "object": "customer"}}, "request": None},
    indent=2,  # Stripe sends pretty-printed JSON: the exact bytes matter
).encode()  # fmt: skip


def _stripe_signature(body: bytes, secret: str, timestamp: int) -> str:
    """Stripe's documented scheme: HMAC-SHA256 of "<timestamp>.<body>", hex, in v1."""
    signed = f"{timestamp}.".encode() + body
    return hmac.new(secret.encode(), signed, hashlib.sha256).hexdigest()


def _stripe_header(*signatures: str, timestamp: int = STRIPE_TS) -> dict[str, str]:
    return {"Stripe-Signature": f"t={timestamp}," + ",".join(f"v1={s}" for s in signatures)}


GOOD = _stripe_signature(STRIPE_BODY, STRIPE_SECRET, STRIPE_TS)


def test_stripe_signature_verifies() -> None:
    verify_stripe(STRIPE_BODY, _stripe_header(GOOD), STRIPE_SECRET, now=STRIPE_TS)
    # several v1 values (Stripe sends one per active secret while one is rolled), and a v0
    header = {"stripe-signature": f"t={STRIPE_TS},v1={'0' * 64},v0=abc,v1={GOOD}"}
    verify_stripe(STRIPE_BODY, header, STRIPE_SECRET, now=STRIPE_TS + 299)
    verify_stripe(STRIPE_BODY, _stripe_header(GOOD), STRIPE_SECRET, now=STRIPE_TS + 10**6,
                  tolerance=0)  # fmt: skip


@pytest.mark.parametrize(
    ("body", "headers", "secret", "now", "error"),
    [
        (STRIPE_BODY.replace(b"cus_1", b"cus_2"), _stripe_header(GOOD), STRIPE_SECRET, STRIPE_TS,
         WebhookSignatureError),  # a tampered payload
        (STRIPE_BODY, _stripe_header(GOOD), "whsec_wrong", STRIPE_TS, WebhookSignatureError),
        (json.dumps(json.loads(STRIPE_BODY)).encode(), _stripe_header(GOOD), STRIPE_SECRET,
         STRIPE_TS, WebhookSignatureError),  # parsed and dumped again: not what was signed
        (STRIPE_BODY, _stripe_header(GOOD), STRIPE_SECRET, STRIPE_TS + 301,
         WebhookTimestampError),  # an old timestamp
        (STRIPE_BODY, {}, STRIPE_SECRET, STRIPE_TS, WebhookHeaderError),  # a missing header
        (STRIPE_BODY, {"Stripe-Signature": f"t={STRIPE_TS}"}, STRIPE_SECRET, STRIPE_TS,
         WebhookHeaderError),
        (STRIPE_BODY, {"Stripe-Signature": f"v1={GOOD}"}, STRIPE_SECRET, STRIPE_TS,
         WebhookHeaderError),
    ],
)  # fmt: skip
def test_stripe_refusals(
    body: bytes, headers: dict[str, str], secret: str, now: int, error: type[Exception]
) -> None:
    with pytest.raises(error) as caught:
        verify_stripe(body, headers, secret, now=now)
    assert secret not in str(caught.value)


def test_stripe_unwrap_parses_the_event(monkeypatch: pytest.MonkeyPatch) -> None:
    now = int(time.time())
    header = _stripe_header(_stripe_signature(STRIPE_BODY, STRIPE_SECRET, now), timestamp=now)
    event = stripe_webhooks.unwrap(STRIPE_BODY, header, secret=STRIPE_SECRET)
    assert isinstance(event, Event)
    assert (event.type, event.id, event.data.object["id"]) == ("customer.created", "evt_1", "cus_1")
    monkeypatch.setenv("STRIPE_WEBHOOK_SECRET", STRIPE_SECRET)  # the secret from the environment
    assert isinstance(stripe_webhooks.unwrap(STRIPE_BODY, header), Event)
    other = b'{"hello": "world"}'
    header = _stripe_header(_stripe_signature(other, STRIPE_SECRET, now), timestamp=now)
    unknown = stripe_webhooks.unwrap(other, header)
    assert isinstance(unknown, stripe_webhooks.UnknownEvent) and unknown.data == {"hello": "world"}
    text = b"not json"
    header = _stripe_header(_stripe_signature(text, STRIPE_SECRET, now), timestamp=now)
    with pytest.raises(stripe_webhooks.WebhookPayloadError):
        stripe_webhooks.unwrap(text, header)
    monkeypatch.delenv("STRIPE_WEBHOOK_SECRET")
    with pytest.raises(stripe_webhooks.WebhookError, match="no webhook secret"):
        stripe_webhooks.unwrap(STRIPE_BODY, header)


# -- typed events from 3.1 webhooks sections ------------------------------------------------------
SECRET = "whsec_" + "c2VjcmV0LWtleS1mb3ItdGVzdHMtb25seQ=="


def _standard(body: bytes, msg_id: str = "msg_1") -> dict[str, str]:
    now = int(time.time())
    return {"webhook-id": msg_id, "webhook-timestamp": str(now),
            "webhook-signature": sign_standard(body, SECRET, msg_id, now)}  # fmt: skip


@pytest.fixture(scope="module")
def museum(tmp_path_factory: pytest.TempPathFactory) -> ModuleType:
    spec = SHARED / "specs" / "corpus" / "museum.yaml"
    if not spec.is_file():
        pytest.skip(f"the corpus is not there ({spec})")
    return generate_package(spec, tmp_path_factory.mktemp("museum"), "museum_hooks")


def test_museum_webhook_parses_into_its_model(museum: ModuleType) -> None:
    from museum_hooks import webhooks
    from museum_hooks.models.special_event import SpecialEvent

    body = json.dumps({
        "eventId": "3be6453c-03eb-4357-ae5a-984a0e574a54", "name": "Pirate Coding Workshop",
        "location": "Computer Room", "eventDescription": "Captain Blackbeard shares his love.",
        "dates": ["2023-10-29"], "price": 25,
    }).encode()  # fmt: skip
    event = webhooks.unwrap(body, _standard(body), secret=SECRET)
    assert isinstance(event, SpecialEvent) and event.name == "Pirate Coding Workshop"
    odd = b'{"something": "else"}'
    assert isinstance(webhooks.unwrap(odd, _standard(odd), secret=SECRET), webhooks.UnknownEvent)
    with pytest.raises(webhooks.WebhookSignatureError):
        webhooks.unwrap(body + b" ", _standard(body), secret=SECRET)


TYPED_SPEC: dict[str, Any] = {
    "openapi": "3.1.0",
    "info": {"title": "Shop API", "version": "1"},
    "paths": {},
    "webhooks": {
        name: {
            "post": {
                "requestBody": {
                    "content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{model}"}}}
                },
                "responses": {"200": {"description": "ok"}},
            }
        }
        for name, model in (("orderPaid", "OrderPaid"), ("orderShipped", "OrderShipped"))
    },
    "components": {
        "schemas": {
            "OrderPaid": {
                "type": "object",
                "required": ["type", "order", "amount"],
                "properties": {"type": {"const": "order.paid"}, "order": {"type": "string"},
                               "amount": {"type": "integer"}},
            },
            "OrderShipped": {
                "type": "object",
                "required": ["type", "order"],
                "properties": {"type": {"type": "string", "enum": ["order.shipped"]},
                               "order": {"type": "string"}, "carrier": {"type": "string"}},
            },
        }
    },
}  # fmt: skip


@pytest.fixture(scope="module")
def shop(tmp_path_factory: pytest.TempPathFactory) -> ModuleType:
    return generate_package(TYPED_SPEC, tmp_path_factory.mktemp("shop"), "shop_hooks")


def test_events_are_told_apart_by_their_type(shop: ModuleType) -> None:
    from shop_hooks import webhooks
    from shop_hooks.models.order_paid import OrderPaid
    from shop_hooks.models.order_shipped import OrderShipped

    def unwrap(event: dict[str, Any]) -> Any:
        body = json.dumps(event).encode()
        return webhooks.unwrap(body, _standard(body), secret=SECRET)

    paid = unwrap({"type": "order.paid", "order": "o_1", "amount": 5})
    shipped = unwrap({"type": "order.shipped", "order": "o_1"})
    assert isinstance(paid, OrderPaid) and paid.amount == 5
    assert isinstance(shipped, OrderShipped) and shipped.order == "o_1"
    refunded = unwrap({"type": "order.refunded", "order": "o_1"})
    assert isinstance(refunded, webhooks.UnknownEvent) and refunded.type == "order.refunded"
    broken = unwrap({"type": "order.paid", "order": "o_1"})  # no amount: not an OrderPaid
    assert isinstance(broken, webhooks.UnknownEvent) and broken.type == "order.paid"


def _stripe_like() -> dict[str, Any]:
    """spec/stripe.yaml plus the webhook endpoint parameter that lists the event types (as the
    full spec has it), so the built-in Stripe profile finds them."""
    doc: dict[str, Any] = yaml.safe_load((ROOT / "spec" / "stripe.yaml").read_text())
    items = {"type": "string", "enum": ["*", "customer.created", "invoice.paid"]}
    form = {"type": "object", "properties": {"enabled_events": {"type": "array", "items": items}}}
    doc["paths"]["/v1/webhook_endpoints"] = {"post": {
        "operationId": "PostWebhookEndpoints",
        "requestBody": {"content": {"application/x-www-form-urlencoded": {"schema": form}}},
        "responses": {"200": {"description": "ok"}},
    }}  # fmt: skip
    return doc


@pytest.fixture(scope="module")
def typed_stripe(tmp_path_factory: pytest.TempPathFactory) -> ModuleType:
    return generate_package(_stripe_like(), tmp_path_factory.mktemp("tstripe"), "typed_stripe")


def test_stripe_events_get_a_class_per_type(typed_stripe: ModuleType) -> None:
    from typed_stripe import webhooks
    from typed_stripe.models.event import Event

    def unwrap(kind: str) -> Any:
        body = STRIPE_BODY.replace(b'"customer.created"', json.dumps(kind).encode())
        now = int(time.time())
        header = _stripe_header(_stripe_signature(body, STRIPE_SECRET, now), timestamp=now)
        return webhooks.unwrap(body, header, secret=STRIPE_SECRET)

    created, paid = unwrap("customer.created"), unwrap("invoice.paid")
    assert type(created) is webhooks.CustomerCreatedEvent and isinstance(created, Event)
    assert type(paid) is webhooks.InvoicePaidEvent and paid.type == "invoice.paid"
    # one class per type, and none for "*" (a subscription to every type)
    assert [k.types for k in webhooks._KINDS] == [("customer.created",), ("invoice.paid",)]
    newer = unwrap("brand.new_type")  # a type Stripe added after the client was generated
    assert isinstance(newer, webhooks.UnknownEvent) and newer.type == "brand.new_type"


USER_CODE = """
from generated.stripe.models.event import Event
from generated.stripe.webhooks import UnknownEvent, WebhookSignatureError, unwrap


def handle(body: bytes, headers: dict[str, str]) -> str:
    try:
        event = unwrap(body, headers, secret="whsec_x")
    except WebhookSignatureError as exc:
        return str(exc)
    if isinstance(event, Event):
        created: int = event.created
        return event.type + str(created)
    unknown: UnknownEvent = event  # the only other member of the union
    return unknown.type or "?"
"""

TYPED_CODE = """
from typing import Literal

from typed_stripe.webhooks import CustomerCreatedEvent, InvoicePaidEvent, unwrap


def invoice_id(body: bytes, headers: dict[str, str]) -> str:
    event = unwrap(body, headers, secret="whsec_x")
    if isinstance(event, InvoicePaidEvent):
        kind: Literal["invoice.paid"] = event.type  # its type field is a Literal
        paid: InvoicePaidEvent = event
        return paid.id + kind
    return ""
"""


@pytest.mark.slow
def test_mypy_strict_over_code_that_narrows_events(
    tmp_path: Path, typed_stripe: ModuleType
) -> None:
    package_root = str(Path(typed_stripe.__file__).parents[1])
    cases = {
        "handler.py": (USER_CODE, True),
        # the check can fail: without narrowing, .created is an error
        "wrong.py": (USER_CODE.replace("if isinstance(event, Event):", "if True:"), False),
        "typed.py": (TYPED_CODE, True),
        "typed_wrong.py": (TYPED_CODE.replace("(event, Invoice", "(event, CustomerCreated"), False),
    }
    for name, (code, ok) in cases.items():
        path = tmp_path / name
        path.write_text(code)
        done = subprocess.run(
            [sys.executable, "-m", "mypy", "--strict", "--no-incremental", str(path)],
            cwd=ROOT, capture_output=True, text=True, timeout=300,
            env={**os.environ, "MYPYPATH": package_root},
        )  # fmt: skip
        assert (done.returncode == 0) == ok, name + ": " + done.stdout + done.stderr

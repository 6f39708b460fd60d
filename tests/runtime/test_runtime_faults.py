"""The runtime under injected faults: retries, idempotency, timeouts, raw responses, logging.

Real HTTP against tests/support/fault_server.py on 127.0.0.1 (no transport mocks), for the
checked-in sync and async Stripe clients, plus a tiny client generated here for what the
checked-in spec cannot show (GET and DELETE calls, a parameter named ``request_options``,
a multipart upload). Backoff constants are patched to milliseconds so the file stays fast; the
Retry-After test waits for real.
"""

from __future__ import annotations

import asyncio
import email.utils
import io
import json
import logging
import random
import subprocess
import sys
import time
import uuid
from collections import Counter, defaultdict
from collections.abc import Iterator, Mapping
from types import ModuleType
from typing import Any

import httpx
import pytest
from support.fault_server import (
    Behaviour,
    FaultServer,
    Recorded,
    Reset,
    Response,
    Stall,
    account_link,
    fault_server,
)
from support.paths import ROOT

from generated.stripe import (
    AccountLink,
    APIConnectionError,
    APIError,
    APITimeoutError,
    AsyncStripeClient,
    InvalidRequestError,
    RateLimitError,
    StripeClient,
    StripeError,
)
from generated.stripe import _base_client as runtime
from generated.stripe import _retries as retries

pytestmark = pytest.mark.slow  # the fast lane leaves it out: retries with real back-off against a fault server

API_KEY = "sk_test_SECRETKEY4242"
KINDS = ["sync", "async"]
TIMEOUT = 0.3


@pytest.fixture
def faults() -> Iterator[FaultServer]:
    with fault_server() as server:
        yield server


@pytest.fixture(autouse=True)
def fast_backoff(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(retries, "INITIAL_RETRY_DELAY", 0.002)
    monkeypatch.setattr(retries, "MAX_RETRY_DELAY", 0.01)


def post_link(
    kind: str,
    url: str,
    *,
    client_options: Mapping[str, Any] | None = None,
    account: str = "acct_1",
    **kwargs: Any,
) -> AccountLink:
    """``post_account_links`` through a fresh sync or async client."""
    options: dict[str, Any] = {"timeout": TIMEOUT, **(client_options or {})}
    if kind == "sync":
        with StripeClient(API_KEY, base_url=url, **options) as client:
            return client.post_account_links(account=account, type="account_onboarding", **kwargs)

    async def run() -> AccountLink:
        async with AsyncStripeClient(API_KEY, base_url=url, **options) as client:
            return await client.post_account_links(
                account=account, type="account_onboarding", **kwargs
            )

    return asyncio.run(run())


def keys(server: FaultServer) -> list[str | None]:
    return [r.idempotency_key for r in server.requests]


# Retries and idempotency ------------------------------------------------------------------
@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize(
    "first, second",
    [
        (Reset(), Response(500)),
        (Response(503), Response(409)),
        (Stall(2.0), Response(429)),
    ],
    ids=["reset+500", "503+409", "timeout+429"],
)
def test_two_faults_then_success_is_three_attempts_with_one_key(
    faults: FaultServer, kind: str, first: Behaviour, second: Behaviour
) -> None:
    faults.script(first, second)
    link = post_link(kind, faults.url, account="acct_three")
    assert isinstance(link, AccountLink)
    assert link.url == "https://connect.stripe.com/setup/s/acct_three"
    assert len(faults.requests) == 3
    (key,) = set(keys(faults))
    assert key is not None and uuid.UUID(key).version == 4
    assert all(r.header_count("Idempotency-Key") == 1 for r in faults.requests)
    assert len({r.body for r in faults.requests}) == 1  # the very same request each time


@pytest.mark.parametrize("kind", KINDS)
def test_should_retry_false_stops_at_one_attempt(faults: FaultServer, kind: str) -> None:
    faults.script(Response(500, {"Stripe-Should-Retry": "false"}))
    with pytest.raises(APIError) as info:
        post_link(kind, faults.url)
    assert info.value.status_code == 500
    assert info.value.request_id == faults.requests[0].request_id
    assert len(faults.requests) == 1


@pytest.mark.parametrize("kind", KINDS)
def test_should_retry_true_forces_a_retry(faults: FaultServer, kind: str) -> None:
    faults.script(Response(400, {"Stripe-Should-Retry": "true"}))
    assert isinstance(post_link(kind, faults.url), AccountLink)
    assert len(faults.requests) == 2
    assert len(set(keys(faults))) == 1


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize(
    "client_options, call_options, attempts",
    [
        ({"max_retries": 0}, None, 1),
        ({"max_retries": 5}, {"max_retries": 0}, 1),
        ({"max_retries": 0}, {"max_retries": 2}, 3),
    ],
    ids=["client-0", "call-0-over-client-5", "call-2-over-client-0"],
)
def test_max_retries_on_the_client_and_per_call(
    faults: FaultServer,
    kind: str,
    client_options: dict[str, Any],
    call_options: dict[str, Any] | None,
    attempts: int,
) -> None:
    faults.chooser = lambda record: Response(503)
    with pytest.raises(APIError):
        post_link(kind, faults.url, client_options=client_options, request_options=call_options)
    assert len(faults.requests) == attempts
    assert len(set(keys(faults))) == 1


@pytest.mark.parametrize("kind", KINDS)
def test_retry_after_is_honoured(faults: FaultServer, kind: str) -> None:
    # The backoff is patched to milliseconds: only Retry-After can make this wait.
    faults.script(Response(429, {"Retry-After": "1"}))
    assert isinstance(post_link(kind, faults.url), AccountLink)
    first, second = faults.requests
    waited = second.arrived - first.arrived
    assert 1.0 <= waited < 2.0
    assert first.idempotency_key == second.idempotency_key


@pytest.mark.parametrize("kind", KINDS)
def test_retry_after_is_capped(
    faults: FaultServer, kind: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(retries, "MAX_RETRY_AFTER", 0.05)
    faults.script(Response(503, {"Retry-After": "3600"}))
    assert isinstance(post_link(kind, faults.url), AccountLink)
    first, second = faults.requests
    assert 0.05 <= second.arrived - first.arrived < 1.0


def test_retry_after_as_an_http_date_and_nonsense() -> None:
    def delay(value: str) -> float:
        return retries.backoff(0, httpx.Response(503, headers={"Retry-After": value}))

    in_3s = email.utils.formatdate(time.time() + 3, usegmt=True)
    assert 1.5 < delay(in_3s) <= 3.0  # whole seconds on the wire
    assert delay(email.utils.formatdate(time.time() - 60, usegmt=True)) < 0.1  # in the past
    assert delay("soon") < 0.1 and delay("nan") < 0.1 and delay("-5") < 0.1


# Timeouts and connection failures ---------------------------------------------------------
@pytest.mark.parametrize("kind", KINDS)
def test_timeout_raises_api_timeout_error_after_all_attempts(
    faults: FaultServer, kind: str
) -> None:
    faults.chooser = lambda record: Stall(3.0)
    started = time.monotonic()
    with pytest.raises(APITimeoutError) as info:
        post_link(kind, faults.url, client_options={"max_retries": 2})
    elapsed = time.monotonic() - started
    assert isinstance(info.value, APIConnectionError)
    assert isinstance(info.value.__cause__, httpx.TimeoutException)
    assert len(faults.requests) == 3
    assert len(set(keys(faults))) == 1
    assert elapsed >= 3 * TIMEOUT  # each attempt waited its timeout (a slow machine only adds)


@pytest.mark.parametrize("kind", KINDS)
def test_per_call_timeout(faults: FaultServer, kind: str) -> None:
    # The server stalls 3 s and the client's own timeout is 30 s: a timeout error can only come
    # from the 0.15 s per-call timeout (no wall-clock assertion needed to prove it was used).
    faults.chooser = lambda record: Stall(3.0)
    with pytest.raises(APITimeoutError):
        post_link(
            kind,
            faults.url,
            client_options={"timeout": 30.0},
            request_options={"timeout": 0.15, "max_retries": 1},
        )
    assert len(faults.requests) == 2


@pytest.mark.parametrize("kind", KINDS)
def test_resets_exhaust_into_api_connection_error(faults: FaultServer, kind: str) -> None:
    faults.chooser = lambda record: Reset()
    with pytest.raises(APIConnectionError) as info:
        post_link(kind, faults.url, client_options={"max_retries": 1})
    assert not isinstance(info.value, APITimeoutError)
    assert len(faults.requests) == 2


def test_unretryable_transport_error_is_not_retried(caplog: pytest.LogCaptureFixture) -> None:
    # A URL httpx cannot send to fails the same way every time: one attempt, a typed error.
    caplog.set_level(logging.INFO, logger="generated.stripe")
    with (
        StripeClient(API_KEY, base_url="ftp://127.0.0.1:9", max_retries=3) as client,
        pytest.raises(APIConnectionError, match="UnsupportedProtocol"),
    ):
        client.post_account_links(account="acct_1", type="account_onboarding")
    attempts = [r for r in caplog.records if r.name == "generated.stripe"]
    assert [r.getMessage().split(" request_id")[0] for r in attempts] == [
        "POST /v1/account_links -> UnsupportedProtocol"
    ]


# Many concurrent calls --------------------------------------------------------------------
SEED = 20240620
# Each fault with the error a call ends in when it is the last attempt's response.
CHAOS: list[tuple[Behaviour, type[StripeError]]] = [
    (Reset(), APIConnectionError),
    (Stall(4.0), APITimeoutError),
    (Response(500), APIError),
    (Response(503), APIError),
    (Response(429), RateLimitError),
    (Response(409), InvalidRequestError),
    (Response(500, {"Stripe-Should-Retry": "false"}), APIError),  # ends the call at once
]
SUCCESS = -1


def planned(account: str, attempt: int) -> int:
    """What the server does with ``attempt`` (0, 1, ...) of the call for ``account``: an index
    in CHAOS 20 % of the time, else SUCCESS; decided by the seed alone, not arrival order."""
    rng = random.Random(f"{SEED}:{account}:{attempt}")
    return rng.randrange(len(CHAOS)) if rng.random() < 0.2 else SUCCESS


def expected(account: str, max_retries: int) -> tuple[int, type[StripeError] | None]:
    """(attempts, error class or None for success) the runtime must produce for ``account``."""
    for attempt in range(max_retries + 1):
        fault = planned(account, attempt)
        if fault == SUCCESS:
            return attempt + 1, None
        if attempt == max_retries or fault == len(CHAOS) - 1:
            return attempt + 1, CHAOS[fault][1]
    raise AssertionError("unreachable")


def test_hundred_concurrent_async_calls_with_random_faults(faults: FaultServer) -> None:
    accounts = [f"acct_{i:03d}" for i in range(100)]
    seen: Counter[str] = Counter()

    def choose(record: Recorded) -> Behaviour:  # runs under the server's lock
        account = record.form["account"]
        seen[account] += 1
        fault = planned(account, seen[account] - 1)
        return Response() if fault == SUCCESS else CHAOS[fault][0]

    faults.chooser = choose

    async def run() -> list[AccountLink | BaseException]:
        # A second of timeout: a hundred connections at once must not time out by themselves.
        async with AsyncStripeClient(API_KEY, base_url=faults.url, timeout=1.0) as client:
            calls = [
                client.post_account_links(account=a, type="account_onboarding") for a in accounts
            ]
            return await asyncio.gather(*calls, return_exceptions=True)

    outcomes = asyncio.run(run())
    failures = 0
    for account, outcome in zip(accounts, outcomes, strict=True):
        attempts, error = expected(account, runtime.DEFAULT_MAX_RETRIES)
        assert seen[account] == attempts, account
        if error is None:
            assert isinstance(outcome, AccountLink), (account, outcome)
            assert outcome.url.endswith("/" + account)
        else:
            failures += 1
            assert type(outcome) is error, (account, outcome)
    assert 0 < failures < 20  # the seed gives both kinds of ending
    assert sum(seen.values()) > len(accounts)  # and retries happened

    by_key: defaultdict[str | None, set[str]] = defaultdict(set)
    by_account: defaultdict[str, set[str | None]] = defaultdict(set)
    for record in faults.requests:
        by_key[record.idempotency_key].add(record.form["account"])
        by_account[record.form["account"]].add(record.idempotency_key)
    assert None not in by_key
    assert all(len(owners) == 1 for owners in by_key.values())  # no key shared by two calls
    assert all(len(ks) == 1 for ks in by_account.values())  # one key per call, on every retry
    assert len(by_key) == len(accounts)


# Caller-chosen keys, GETs, the request_options clash rule ---------------------------------
@pytest.mark.parametrize("kind", KINDS)
def test_caller_idempotency_key_is_used_on_every_attempt(faults: FaultServer, kind: str) -> None:
    faults.script(Reset(), Response(503))
    post_link(kind, faults.url, request_options={"idempotency_key": "order-1234-link"})
    assert keys(faults) == ["order-1234-link"] * 3


@pytest.mark.parametrize("kind", KINDS)
def test_idempotency_key_in_extra_headers_is_kept_whatever_its_case(
    faults: FaultServer, kind: str
) -> None:
    faults.script(Response(500))
    post_link(kind, faults.url, request_options={"extra_headers": {"idempotency-key": "hdr-1"}})
    assert keys(faults) == ["hdr-1", "hdr-1"]
    assert all(r.header_count("Idempotency-Key") == 1 for r in faults.requests)


TINY_SPEC: dict[str, Any] = {
    "openapi": "3.0.0",
    "info": {"title": "Things", "version": "2024-06-20"},
    "servers": [{"url": "https://api.example.com"}],
    "paths": {
        "/v1/things/{thing}": {
            "parameters": [
                {"name": "thing", "in": "path", "required": True, "schema": {"type": "string"}}
            ],
            "get": {
                "operationId": "GetThing",
                "parameters": [
                    {"name": "request_options", "in": "query", "schema": {"type": "string"}}
                ],
                "responses": {"200": {"$ref": "#/components/responses/thing"}},
            },
            "delete": {
                "operationId": "DeleteThing",
                "responses": {"200": {"$ref": "#/components/responses/thing"}},
            },
        },
        "/v1/tags": {
            "post": {
                "operationId": "PostTags",
                "requestBody": {
                    "required": True,
                    "content": {
                        "application/json": {
                            "schema": {"type": "array", "items": {"type": "string"}}
                        }
                    },
                },
                "responses": {"200": {"$ref": "#/components/responses/thing"}},
            }
        },
        "/v1/files": {
            "post": {
                "operationId": "PostFiles",
                "requestBody": {
                    "required": True,
                    "content": {
                        "multipart/form-data": {
                            "schema": {
                                "type": "object",
                                "required": ["file"],
                                "properties": {
                                    "file": {"type": "string", "format": "binary"},
                                    "purpose": {"type": "string"},
                                },
                            }
                        }
                    },
                },
                "responses": {"200": {"$ref": "#/components/responses/thing"}},
            }
        },
    },
    "components": {
        "responses": {
            "thing": {
                "description": "A thing.",
                "content": {"application/json": {"schema": {"$ref": "#/components/schemas/thing"}}},
            }
        },
        "schemas": {
            "thing": {
                "type": "object",
                "required": ["id", "object"],
                "properties": {"id": {"type": "string"}, "object": {"type": "string"}},
            }
        },
    },
}
THING = {"id": "thing_1", "object": "thing"}


@pytest.fixture(scope="module")
def things(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ModuleType]:
    """A client generated here, with the Stripe profile, from TINY_SPEC."""
    out = tmp_path_factory.mktemp("things")
    spec = out / "things.json"
    spec.write_text(json.dumps(TINY_SPEC))
    command = [sys.executable, "-m", "generator", "generate", "--spec", str(spec), "--out"]
    command += [str(out), "--package", "fault_things", "--profile", "stripe", "-q"]
    result = subprocess.run(command, cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    sys.path.insert(0, str(out))
    try:
        import fault_things  # type: ignore[import-not-found]

        yield fault_things
    finally:
        sys.path.remove(str(out))


@pytest.fixture
def fast_things(things: ModuleType, monkeypatch: pytest.MonkeyPatch) -> ModuleType:
    monkeypatch.setattr(things._retries, "INITIAL_RETRY_DELAY", 0.002)
    monkeypatch.setattr(things._retries, "MAX_RETRY_DELAY", 0.01)
    return things


@pytest.mark.parametrize("kind", KINDS)
def test_get_is_retried_without_a_key_and_delete_gets_one(
    faults: FaultServer, fast_things: ModuleType, kind: str
) -> None:
    faults.script(Response(503), Response(200, body=THING), Reset(), Response(200, body=THING))

    async def run_async() -> tuple[Any, Any]:
        async with fast_things.AsyncStripeClient(API_KEY, base_url=faults.url) as client:
            return await client.get_thing(thing="thing_1"), await client.delete_thing(
                thing="thing_1"
            )

    if kind == "sync":
        with fast_things.StripeClient(API_KEY, base_url=faults.url) as client:
            got, deleted = client.get_thing(thing="thing_1"), client.delete_thing(thing="thing_1")
    else:
        got, deleted = asyncio.run(run_async())
    assert got.id == deleted.id == "thing_1"
    assert [r.method for r in faults.requests] == ["GET", "GET", "DELETE", "DELETE"]
    assert keys(faults)[:2] == [None, None]
    delete_key = keys(faults)[2]
    assert delete_key is not None and keys(faults)[3] == delete_key


def test_a_parameter_named_request_options_moves_the_options_to_request_options_2(
    faults: FaultServer, fast_things: ModuleType
) -> None:
    faults.chooser = lambda record: Response(503)
    with (
        fast_things.StripeClient(API_KEY, base_url=faults.url, max_retries=4) as client,
        pytest.raises(fast_things.APIError),
    ):
        client.get_thing(
            thing="thing_1",
            request_options="wire-value",
            request_options_2={"max_retries": 0, "extra_headers": {"X-Trace": "t1"}},
        )
    (request,) = faults.requests
    assert request.path == "/v1/things/thing_1?request_options=wire-value"
    assert request.headers["x-trace"] == "t1"


def test_extra_body_on_a_body_that_is_not_an_object(
    faults: FaultServer, fast_things: ModuleType
) -> None:
    with fast_things.StripeClient(API_KEY, base_url=faults.url) as client:
        faults.script(Response(200, body=THING))
        client.post_tags(body=["a", "b"])
        with pytest.raises(TypeError, match="extra_body"):
            client.post_tags(body=["a"], request_options={"extra_body": {"x": 1}})
    (request,) = faults.requests  # the refused call sent nothing
    assert json.loads(request.body) == ["a", "b"]


class _Pipe(io.RawIOBase):
    """A stream that cannot seek, like a pipe: read once, gone."""

    def __init__(self, data: bytes) -> None:
        self._data = io.BytesIO(data)

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return False

    def readinto(self, buffer: Any) -> int:
        chunk = self._data.read(len(buffer))
        buffer[: len(chunk)] = chunk
        return len(chunk)


@pytest.mark.parametrize("make_file", [io.BytesIO, _Pipe], ids=["seekable", "pipe"])
def test_a_retried_upload_sends_the_whole_file_again(
    faults: FaultServer, fast_things: ModuleType, make_file: type[Any]
) -> None:
    faults.script(Response(500), Response(200, body=THING))
    content = b"receipt-bytes-" * 100
    with fast_things.StripeClient(API_KEY, base_url=faults.url) as client:
        client.post_files(file=("r.pdf", make_file(content), "application/pdf"), purpose="x")
    first, second = faults.requests
    assert content in first.body and content in second.body
    assert first.idempotency_key == second.idempotency_key


# Raw responses ----------------------------------------------------------------------------
@pytest.mark.parametrize("kind", KINDS)
def test_raw_response(faults: FaultServer, kind: str) -> None:
    faults.script(Response(503), Response(200, {"X-Extra": "yes"}))

    def call(client: StripeClient) -> AccountLink:
        return client.post_account_links(account="acct_raw", type="account_onboarding")

    if kind == "sync":
        with StripeClient(API_KEY, base_url=faults.url, timeout=TIMEOUT) as client:
            raw = client.with_raw_response(call)
            plain = call(client)  # the raw mode ended with that call
    else:

        async def run() -> tuple[runtime.RawResponse[AccountLink], AccountLink]:
            async with AsyncStripeClient(API_KEY, base_url=faults.url) as client:
                raw = await client.with_raw_response(
                    lambda c: c.post_account_links(account="acct_raw", type="account_onboarding")
                )
                return raw, await client.post_account_links(account="a", type="account_update")

        raw, plain = asyncio.run(run())
    assert isinstance(plain, AccountLink)
    assert raw.status_code == 200
    assert raw.headers["x-extra"] == "yes"
    assert raw.request_id == raw.headers["Request-Id"] == faults.requests[1].request_id
    assert json.loads(raw.content) == account_link("acct_raw")
    link = raw.parse()
    assert isinstance(link, AccountLink) and link.url.endswith("/acct_raw")
    assert raw.parse() is link
    assert len(faults.requests) == 3  # two attempts for the raw call, one for the plain one


@pytest.mark.parametrize("kind", KINDS)
def test_raw_response_errors_raise_the_typed_error(faults: FaultServer, kind: str) -> None:
    faults.script(Response(400))
    with pytest.raises(InvalidRequestError):
        if kind == "sync":
            with StripeClient(API_KEY, base_url=faults.url) as client:
                client.with_raw_response(
                    lambda c: c.post_account_links(account="a", type="account_onboarding")
                )
        else:

            async def run() -> None:
                async with AsyncStripeClient(API_KEY, base_url=faults.url) as client:
                    await client.with_raw_response(
                        lambda c: c.post_account_links(account="a", type="account_onboarding")
                    )

            asyncio.run(run())


def test_raw_response_needs_a_call_on_the_client_given(faults: FaultServer) -> None:
    with (
        StripeClient(API_KEY, base_url=faults.url) as client,
        StripeClient(API_KEY, base_url=faults.url) as other,
    ):
        with pytest.raises(TypeError, match="one call on the client"):
            client.with_raw_response(lambda c: 42)
        with pytest.raises(TypeError, match="one call on the client"):  # not another client
            client.with_raw_response(
                lambda c: other.post_account_links(account="a", type="account_onboarding")
            )


# Logging, secrets, telemetry --------------------------------------------------------------
@pytest.mark.parametrize("kind", KINDS)
def test_logs_tell_what_happened_and_nothing_secret(
    faults: FaultServer, kind: str, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)  # every logger: ours, httpx, httpcore, asyncio
    for name in ("generated.stripe", "httpx", "httpcore"):
        assert logging.getLogger(name).isEnabledFor(logging.DEBUG)
    faults.script(Response(500), Reset())
    post_link(
        kind,
        faults.url,
        account="acct_FORMSECRET1",
        refresh_url="https://shop.example/refresh?token=FORMSECRET2",
        client_options={"stripe_account": "acct_HEADERVALUE"},
    )
    text = caplog.text + "\n".join(r.getMessage() for r in caplog.records)
    for secret in (API_KEY, "Bearer", "authorization", "FORMSECRET", "HEADERVALUE"):
        assert secret.lower() not in text.lower(), secret

    ours = [r.getMessage() for r in caplog.records if r.name == "generated.stripe"]
    first_id = faults.requests[0].request_id
    assert ours[0].startswith(f"POST /v1/account_links -> 500 request_id={first_id} attempt=1/3 ")
    assert "elapsed=" in ours[0]
    assert ours[1].startswith("POST /v1/account_links retrying in ")
    assert ours[2].startswith("POST /v1/account_links -> ") and "attempt=2/3" in ours[2]
    assert "-> 200 request_id=req_0003 attempt=3/3" in ours[-1]
    assert any(r.name.startswith("httpcore") for r in caplog.records)  # they were listening


def test_our_log_never_shows_query_values(
    faults: FaultServer, fast_things: ModuleType, caplog: pytest.LogCaptureFixture
) -> None:
    # httpx's own INFO line shows the full URL, query included: docs/runtime.md says so.
    caplog.set_level(logging.DEBUG)
    with fast_things.StripeClient(API_KEY, base_url=faults.url) as client:
        client.get_thing(thing="t", request_options_2={"extra_query": {"email": "QUERYSECRET"}})
    ours = [r.getMessage() for r in caplog.records if r.name == "fault_things"]
    assert ours and not any("QUERYSECRET" in m for m in ours)


def test_errors_and_reprs_hold_no_secret(faults: FaultServer) -> None:
    faults.script(Response(400))
    with StripeClient(API_KEY, base_url=faults.url) as client:
        assert API_KEY not in repr(client)
        with pytest.raises(InvalidRequestError) as info:
            client.post_account_links(account="acct_FORMSECRET", type="account_onboarding")
    assert all("SECRET" not in s for s in (str(info.value), repr(info.value)))


def test_nothing_phones_home(faults: FaultServer) -> None:
    with StripeClient(API_KEY, base_url=faults.url) as client:
        time.sleep(0.05)
        assert faults.requests == []  # creating a client sends nothing
        client.post_account_links(account="acct_1", type="account_onboarding")
    time.sleep(0.05)
    (request,) = faults.requests
    assert set(request.headers) == {
        "host",
        "accept",
        "accept-encoding",
        "connection",
        "user-agent",
        "authorization",
        "stripe-version",
        "idempotency-key",
        "content-type",
        "content-length",
    }
    assert request.headers["user-agent"].startswith("python-httpx/")


# Who closes the HTTP client ---------------------------------------------------------------
def test_sync_http_client_ownership(faults: FaultServer) -> None:
    mine = httpx.Client()
    with StripeClient(API_KEY, base_url=faults.url, http_client=mine) as client:
        client.post_account_links(account="a", type="account_onboarding")
    client.close()
    assert not mine.is_closed
    mine.close()
    with StripeClient(API_KEY, base_url=faults.url) as client:
        client.post_account_links(account="a", type="account_onboarding")
    assert client._http.is_closed
    with pytest.raises(TypeError, match=r"httpx\.Client"):
        StripeClient(API_KEY, http_client=httpx.AsyncClient())  # type: ignore[arg-type]


def test_async_http_client_ownership(faults: FaultServer) -> None:
    async def run() -> None:
        mine = httpx.AsyncClient()
        async with AsyncStripeClient(API_KEY, base_url=faults.url, http_client=mine) as client:
            await client.post_account_links(account="a", type="account_onboarding")
        await client.close()
        assert not mine.is_closed
        await mine.aclose()
        async with AsyncStripeClient(API_KEY, base_url=faults.url) as client:
            await client.post_account_links(account="a", type="account_onboarding")
        assert client._http.is_closed

    asyncio.run(run())
    with pytest.raises(TypeError, match=r"httpx\.AsyncClient"):
        AsyncStripeClient(API_KEY, http_client=httpx.Client())  # type: ignore[arg-type]

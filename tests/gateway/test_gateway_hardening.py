"""The review's findings against the gateway, each reproduced as it was found: a real gateway
process on 127.0.0.1, raw sockets where a client library would hide the behaviour, every loop
bounded in count and time.

A small non-Stripe API (no idempotency header in its profile) serves most tests; the replay
test runs the Stripe profile beside it.
"""

from __future__ import annotations

import contextlib
import select
import socket
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import yaml
from support.fault_server import Reset, Response, fault_server
from support.processes import ROOT, Gateway, gateway, raw_request
from support.recording_server import Recorder, Reply, recording_server

pytest.importorskip("httptools", reason="the gateway extra is not installed")

from generator.gateway.serve import limits_from, parser
from generator.gateway.settings import GatewaySettings

pytestmark = pytest.mark.slow  # the fast lane leaves it out: real gateway processes under hostile clients

SECRET = "sk_demo_0123456789abcdefUpstreamKey"
TOKEN = "gw_demo_token_1"
OK = {"ok": True}


def _op(op_id: str, *params: dict[str, Any], body: dict[str, Any] | None = None) -> dict[str, Any]:
    out: dict[str, Any] = {
        "operationId": op_id,
        "parameters": list(params),
        "responses": {"200": {"description": "ok"}},
    }
    if body is not None:
        out["requestBody"] = body
    return out


def _path(name: str, schema: dict[str, Any], **style: Any) -> dict[str, Any]:
    return {"name": name, "in": "path", "required": True, "schema": schema, **style}


DEMO = {
    "openapi": "3.0.0",
    "info": {"title": "Demo API", "version": "1"},
    "servers": [{"url": "https://demo.example"}],
    "paths": {
        "/customers/{customer}": {"get": _op("getCustomer", _path("customer", {"type": "string"}))},
        "/customers/search": {"get": _op("searchCustomers")},
        "/items/{id}": {"get": _op("getItem", _path("id", {"type": "integer"}, style="label"))},
        "/tags/{tags}": {
            "get": _op(
                "getTags",
                _path(
                    "tags",
                    {"type": "array", "items": {"type": "string"}},
                    style="matrix",
                    explode=True,
                ),
            )
        },
        "/files/{name}": {
            "put": _op(
                "putFile",
                _path("name", {"type": "string"}),
                body={
                    "required": True,
                    "content": {
                        "application/octet-stream": {
                            "schema": {"type": "string", "format": "binary"}
                        }
                    },
                },
            )
        },
        "/things": {
            "get": _op(
                "listThings", {"name": "limit", "in": "query", "schema": {"type": "integer"}}
            ),
            "post": _op(
                "createThing",
                body={"content": {"application/json": {"schema": {"type": "object"}}}},
            ),
        },
    },
}
SERVED = ["getCustomer", "getItem", "getTags", "putFile", "listThings", "createThing"]


@pytest.fixture(scope="module")
def demo_spec(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("demo") / "demo.yaml"
    path.write_text(yaml.safe_dump(DEMO))
    return path


def _env() -> dict[str, str]:
    return {"DEMO_API_KEY": SECRET, "GATEWAY_TOKENS": TOKEN}


def _args(spec: Path, upstream: str, *extra: str) -> list[str]:
    operations = [a for op in SERVED for a in ("--operation", op)]
    return ["--spec", str(spec), "--upstream", upstream, *operations, *extra]


@pytest.fixture(scope="module")
def upstream() -> Iterator[tuple[str, Recorder]]:
    with recording_server() as (url, recorder):
        recorder.default = Reply(200, OK)
        yield url, recorder


@pytest.fixture(scope="module")
def gw(demo_spec: Path, upstream: tuple[str, Recorder]) -> Iterator[Gateway]:
    limits = ["--keepalive-timeout", "0.5", "--header-timeout", "1", "--body-timeout", "1",
              "--max-connections", "40", "--max-connections-per-address", "40",
              "--body-limit", "4096"]  # fmt: skip
    with gateway(_args(demo_spec, upstream[0], *limits), _env()) as process:
        yield process


@pytest.fixture
def recorder(upstream: tuple[str, Recorder]) -> Iterator[Recorder]:
    rec = upstream[1]
    rec.requests.clear()
    rec.replies.clear()
    yield rec


def _auth() -> dict[str, str]:
    return {"Authorization": f"Bearer {TOKEN}"}


def _connect(gw: Gateway, timeout: float = 5.0) -> socket.socket:
    address = httpx.URL(gw.url)
    return socket.create_connection((address.host, address.port or 80), timeout=timeout)


def _read_all(sock: socket.socket, limit: int = 1 << 20) -> bytes:
    """Until the server closes (or ``limit`` bytes, or the socket's timeout)."""
    data = b""
    with contextlib.suppress(TimeoutError):
        while len(data) < limit:
            chunk = sock.recv(65536)
            if not chunk:
                break
            data += chunk
    return data


def _get(target: str, *extra: str) -> bytes:
    lines = [f"GET {target} HTTP/1.1", "Host: 127.0.0.1", "Connection: close", *extra]
    lines.append(f"Authorization: Bearer {TOKEN}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode()


# --- 2: the allow-list --------------------------------------------------------------------------
@pytest.mark.parametrize("target", ["/customers/search", "/customers/%73earch"])
def test_a_sibling_literal_is_not_a_parameter_value(
    gw: Gateway, recorder: Recorder, target: str
) -> None:
    """Finding 2: only getCustomer is served; its parameter must not carry the unserved
    searchCustomers's literal segment (decoded) to the upstream."""
    response = raw_request(gw.url, _get(target))
    assert response.status == 404, response.text
    assert recorder.requests == []


def test_a_customer_id_is_still_a_parameter(gw: Gateway, recorder: Recorder) -> None:
    assert raw_request(gw.url, _get("/customers/cus_1")).status == 200
    assert recorder.requests[0].path == "/customers/cus_1"


# --- 3: idle and slow connections --------------------------------------------------------------
def test_idle_and_slow_connections_are_closed(gw: Gateway) -> None:
    """Finding 3: a connection that says nothing, and one that sends its head a byte at a
    time, are closed by the server (keep-alive 0.5 s, head deadline 1 s)."""
    started = time.monotonic()
    with _connect(gw) as idle:
        assert idle.recv(1) == b""  # closed by the server, not by our 5 s timeout
    with _connect(gw) as slow:
        slow.sendall(b"GET /things HTTP/1.1\r\n")
        closed = False
        for _ in range(40):  # 40 x 0.1 s at most
            try:
                slow.sendall(b"X")
            except OSError:
                closed = True
                break
            time.sleep(0.1)
            slow.setblocking(False)
            try:
                closed = slow.recv(1024) == b"" or closed
            except BlockingIOError:
                pass
            except OSError:
                closed = True
            slow.setblocking(True)
            if closed:
                break
    assert closed
    assert time.monotonic() - started < 5


def test_connection_cap_and_recovery(gw: Gateway, recorder: Recorder) -> None:
    """Past ``--max-connections`` (40) new connections are closed at once; the idle ones are
    closed after the keep-alive timeout and the gateway serves again, with no traceback."""
    sockets = [_connect(gw) for _ in range(60)]
    try:
        time.sleep(0.2)
        refused = 0
        for sock in sockets[40:]:
            sock.settimeout(2)
            with contextlib.suppress(ConnectionResetError):
                refused += sock.recv(1) == b""
            refused += 0
        assert refused >= 15
    finally:
        for sock in sockets:
            sock.close()
    time.sleep(0.8)
    response = httpx.get(f"{gw.url}/things", headers=_auth(), timeout=5)
    assert response.status_code == 200
    assert "Traceback" not in gw.stderr()


def test_one_address_cannot_hold_every_slot(demo_spec: Path, upstream: Any) -> None:
    """25 connections from 127.0.0.1 against 20 slots, at most 10 per address: 10 are kept,
    the other 15 closed at once, and a call from 127.0.0.2 (loopback too, on Linux) is served
    meanwhile; without the per-address cap 127.0.0.1 would hold all 20."""
    limits = ["--max-connections", "20", "--max-connections-per-address", "10",
              "--keepalive-timeout", "5"]  # fmt: skip
    with gateway(_args(demo_spec, upstream[0], *limits), _env()) as gw:
        sockets = [_connect(gw) for _ in range(25)]
        try:
            closed: set[socket.socket] = set()
            deadline = time.monotonic() + 3
            while len(closed) < 15 and time.monotonic() < deadline:
                ready, _, _ = select.select([s for s in sockets if s not in closed], [], [], 0.2)
                for sock in ready:  # readable: end of file or a reset, never data
                    with contextlib.suppress(ConnectionResetError):
                        assert sock.recv(1) == b""
                    closed.add(sock)
            assert len(closed) == 15
            other = httpx.Client(transport=httpx.HTTPTransport(local_address="127.0.0.2"))
            with other:
                response = other.get(f"{gw.url}/things", headers=_auth(), timeout=5)
            assert response.status_code == 200
            ready, _, _ = select.select([s for s in sockets if s not in closed], [], [], 0)
            assert ready == []  # the ten held ones are still open
        finally:
            for sock in sockets:
                sock.close()
        assert "Traceback" not in gw.stderr()


def test_open_file_limit_is_raised(gw: Gateway) -> None:
    limits = Path(f"/proc/{gw.process.pid}/limits").read_text()
    line = next(line for line in limits.splitlines() if line.startswith("Max open files"))
    soft, hard = line.split()[3:5]
    assert soft == hard or int(soft) >= 65536


# --- 5: big, endless and compressed responses -----------------------------------------------------
@contextlib.contextmanager
def _raw_upstream(response: Callable[[socket.socket], None]) -> Iterator[str]:
    listener = socket.create_server(("127.0.0.1", 0))

    def serve() -> None:
        while True:
            try:
                conn, _ = listener.accept()
            except OSError:
                return
            with conn:
                conn.settimeout(5)
                with contextlib.suppress(OSError):
                    data = b""
                    while b"\r\n\r\n" not in data:
                        data += conn.recv(65536)
                    response(conn)

    threading.Thread(target=serve, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{listener.getsockname()[1]}"
    finally:
        listener.close()


def _endless(conn: socket.socket) -> None:
    conn.sendall(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n")
    piece = b"%x\r\n%s\r\n" % (65536, b"x" * 65536)
    deadline = time.monotonic() + 5
    for _ in range(2000):  # 128 MB at most, 5 s at most
        if time.monotonic() > deadline:
            return
        conn.sendall(piece)


def _huge(conn: socket.socket) -> None:
    conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 100000000\r\n\r\n" + b"x" * 65536)


def _gzipped(conn: socket.socket) -> None:
    conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\nContent-Length: 4\r\n\r\nxxxx")


@pytest.mark.parametrize(("response", "status"), [(_endless, 200), (_huge, 502), (_gzipped, 502)])
def test_responses_are_capped_and_never_decompressed(
    demo_spec: Path, response: Callable[[socket.socket], None], status: int
) -> None:
    """Finding 5: an endless chunked response is cut at ``--response-limit``, a declared
    oversized one refused before it starts, a gzip-encoded one refused (never inflated)."""
    with _raw_upstream(response) as url:
        args = _args(demo_spec, url, "--response-limit", "1000000")
        with gateway(args, _env()) as gw, _connect(gw, timeout=10) as sock:
            sock.sendall(_get("/things"))
            data = _read_all(sock, limit=4_000_000)
    assert data.startswith(b"HTTP/1.1 %d" % status)
    assert len(data) < 1_200_000  # cut near the cap, not streamed on


# --- 7: Content-Length with Transfer-Encoding ---------------------------------------------------
def test_content_length_with_transfer_encoding_closes(gw: Gateway, recorder: Recorder) -> None:
    """Finding 7: both framings in one request: 400 and the connection closed (RFC 9112 6.1),
    so nothing after it is read as another request."""
    body = b'{"a":1}'
    smuggled = b"GET /things HTTP/1.1\r\nHost: x\r\n\r\n"
    request = (
        b"POST /things HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer %s\r\n"
        b"Content-Type: application/json\r\nContent-Length: %d\r\n"
        b"Transfer-Encoding: chunked\r\n\r\n%x\r\n%s\r\n0\r\n\r\n%s"
        % (TOKEN.encode(), len(body) + 10, len(body), body, smuggled)
    )
    with _connect(gw) as sock:
        sock.sendall(request)
        data = _read_all(sock)
    assert data.startswith(b"HTTP/1.1 400")
    assert data.count(b"HTTP/1.1") == 1  # closed: the smuggled request got no response
    assert recorder.requests == []


# --- 9: integers as ASCII -----------------------------------------------------------------------
@pytest.mark.parametrize("value", ["10%0A", "%D9%A1%D9%A0", "%EF%BC%91", "1_000", "+5", "%2010"])
def test_integers_are_ascii_digits(gw: Gateway, recorder: Recorder, value: str) -> None:
    """Finding 9: ``10\\n``, Arabic-Indic and full-width digits, underscores, a sign or a
    space are not an integer."""
    response = raw_request(gw.url, _get(f"/things?limit={value}"))
    assert response.status == 400, response.text
    assert recorder.requests == []


# --- 11: token guessing -------------------------------------------------------------------------
def test_wrong_tokens_are_throttled_per_address(demo_spec: Path, upstream: Any) -> None:
    """Finding 11: after a burst of failed token checks an address gets 429 with Retry-After,
    whatever token it sends next."""
    with gateway(_args(demo_spec, upstream[0]), _env()) as gw, httpx.Client(timeout=5) as client:
        statuses = []
        for i in range(40):  # bounded: the throttle's burst is 20
            response = client.get(f"{gw.url}/things", headers={"Authorization": f"Bearer guess{i}"})
            statuses.append(response.status_code)
            if response.status_code == 429:
                break
        assert statuses[0] == 401 and statuses[-1] == 429
        assert int(response.headers["retry-after"]) >= 1
        right = client.get(f"{gw.url}/things", headers=_auth())
        assert right.status_code == 429  # no oracle while throttled


# --- 12: the upstream timeout -------------------------------------------------------------------
def test_default_upstream_timeout_is_at_most_30s() -> None:
    assert GatewaySettings().timeout <= 30
    assert parser().parse_args(["--spec", "x"]).timeout <= 30


def test_per_address_cap_defaults_to_a_quarter() -> None:
    limits = limits_from(parser().parse_args(["--spec", "x", "--max-connections", "100"]))
    assert (limits.max_connections, limits.max_per_address) == (100, 25)
    given = ["--spec", "x", "--max-connections-per-address", "7"]
    assert limits_from(parser().parse_args(given)).max_per_address == 7


# --- 13: lingering close ------------------------------------------------------------------------
def test_early_413_is_read_by_a_client_still_sending(gw: Gateway, recorder: Recorder) -> None:
    """Finding 13: the 413 goes out as soon as the head says the body is too large; the client
    keeps sending its 300 KB, then reads: it must see the 413, not a connection reset."""
    body = b"x" * 300_000
    head = (
        b"PUT /files/a HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer %s\r\n"
        b"Content-Type: application/octet-stream\r\nContent-Length: %d\r\n\r\n"
        % (TOKEN.encode(), len(body))
    )
    with _connect(gw) as sock:
        sock.sendall(head)
        time.sleep(0.3)  # the response is out and the server has shut its side
        sock.sendall(body)
        data = _read_all(sock)
    assert data.startswith(b"HTTP/1.1 413"), data[:200]
    assert recorder.requests == []


# --- raw bodies, label and matrix path parameters -----------------------------------------------
def test_raw_body_is_forwarded(gw: Gateway, recorder: Recorder) -> None:
    payload = bytes(range(256)) * 4
    response = httpx.put(
        f"{gw.url}/files/report%20one.bin",
        content=payload,
        headers={**_auth(), "Content-Type": "application/octet-stream"},
    )
    assert response.status_code == 200, response.text
    (seen,) = recorder.requests
    assert seen.path == "/files/report%20one.bin"
    assert seen.body == payload
    assert seen.headers["content-type"] == "application/octet-stream"
    wrong = httpx.put(
        f"{gw.url}/files/a", content=b"{}", headers={**_auth(), "Content-Type": "text/html"}
    )
    assert wrong.status_code == 400


def test_label_and_matrix_path_parameters(gw: Gateway, recorder: Recorder) -> None:
    assert httpx.get(f"{gw.url}/items/.42", headers=_auth()).status_code == 200
    assert httpx.get(f"{gw.url}/tags/;tags=a%20b;tags=c", headers=_auth()).status_code == 200
    assert [r.path for r in recorder.requests] == ["/items/.42", "/tags/;tags=a%20b;tags=c"]
    recorder.requests.clear()
    assert httpx.get(f"{gw.url}/items/.forty", headers=_auth()).status_code == 400
    assert httpx.get(f"{gw.url}/items/42", headers=_auth()).status_code == 404  # not label
    assert httpx.get(f"{gw.url}/tags/a", headers=_auth()).status_code == 404  # not matrix
    assert recorder.requests == []


# --- 1: replayed writes --------------------------------------------------------------------------
def test_a_write_is_replayed_only_with_an_idempotency_key(demo_spec: Path) -> None:
    """Finding 1: the upstream resets a kept-alive connection after reading a POST. Without an
    idempotency key (the demo API's profile names none) the POST is not sent again: 502. With
    the Stripe profile the gateway adds an ``Idempotency-Key`` to a POST lacking one, so the
    one replay carries the same key and the upstream can tell it is the same request."""
    with fault_server() as faults:
        faults.script(Response(), Reset())
        with gateway(_args(demo_spec, faults.url), _env()) as gw:
            first = httpx.post(f"{gw.url}/things", json={}, headers=_auth())
            second = httpx.post(f"{gw.url}/things", json={}, headers=_auth())
        assert (first.status_code, second.status_code) == (200, 502)
        assert len(faults.requests) == 2  # the reset one was not sent again
    with fault_server() as faults:
        faults.script(Response(), Reset())
        args = ["--spec", str(ROOT / "spec" / "stripe.yaml"), "--upstream", faults.url]
        env = {"STRIPE_API_KEY": SECRET, "GATEWAY_TOKENS": TOKEN}
        body = {"account": "acct_1", "type": "account_update"}
        with gateway(args, env) as gw:
            for _ in range(2):
                response = httpx.post(f"{gw.url}/v1/account_links", data=body, headers=_auth())
                assert response.status_code == 200
        keys = [r.idempotency_key for r in faults.requests]
        assert len(keys) == 3 and keys[0] and keys[1] == keys[2] and keys[0] != keys[1]


def test_a_query_call_is_replayed_like_a_get_and_gets_no_key(tmp_path: Path) -> None:
    """QUERY (OpenAPI 3.2's ``query`` operation) is safe and idempotent by definition: under a
    profile with an idempotency header it is treated like GET, sent again once after a reset
    on a kept-alive connection and never given an ``Idempotency-Key``; a POST still gets one."""
    json_body = {"content": {"application/json": {"schema": {"type": "object"}}}}
    spec = {
        "openapi": "3.2.0",
        "info": {"title": "Demo API", "version": "1"},
        "servers": [{"url": "https://demo.example"}],
        "paths": {
            "/things": {
                "query": _op("queryThings", body=json_body),
                "post": _op("createThing", body=json_body),
            }
        },
    }
    path = tmp_path / "query.yaml"
    path.write_text(yaml.safe_dump(spec))
    with fault_server() as faults:
        faults.script(Response(), Reset())
        args = ["--spec", str(path), "--upstream", faults.url, "--profile", "stripe"]
        with gateway(args, {"STRIPE_API_KEY": SECRET, "GATEWAY_TOKENS": TOKEN}) as gw:
            for _ in range(2):
                response = httpx.request(
                    "QUERY", f"{gw.url}/things", json={"q": 1}, headers=_auth()
                )
                assert response.status_code == 200
            written = httpx.post(f"{gw.url}/things", json={}, headers=_auth())
            assert written.status_code == 200
    methods = [r.method for r in faults.requests]
    assert methods == ["QUERY", "QUERY", "QUERY", "POST"]  # the reset one sent again, once
    assert [r.idempotency_key for r in faults.requests[:3]] == [None, None, None]
    assert faults.requests[3].idempotency_key

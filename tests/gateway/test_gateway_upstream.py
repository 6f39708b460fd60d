"""The gateway's upstream client against real sockets on 127.0.0.1: keep-alive reuse, a
kept-alive connection the server closed (replayed only when the request may be), chunked
responses, leftover bytes, refused connections, stalls."""

from __future__ import annotations

import asyncio
import socket
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
from support.processes import free_port

pytest.importorskip("httptools", reason="the gateway extra is not installed")

from generator.gateway.upstream import Origin, UpstreamClient, UpstreamError, UpstreamTimeout

Reply = Callable[[int], bytes | None]  # request number -> response bytes (None: close, no response)
OK = b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\nRequest-Id: req_1\r\n\r\nok"


@contextmanager
def server(reply: Reply, close_after_response: bool = False) -> Iterator[tuple[str, list[int]]]:
    """Responses each request on a connection with ``reply(n)``; records connection count."""
    listener = socket.create_server(("127.0.0.1", 0))
    connections: list[int] = []
    count = 0

    def serve(conn: socket.socket) -> None:
        nonlocal count
        with conn:
            buffer = b""
            while True:
                while b"\r\n\r\n" not in buffer:
                    chunk = conn.recv(65536)
                    if not chunk:
                        return
                    buffer += chunk
                head, _, buffer = buffer.partition(b"\r\n\r\n")
                length = next(
                    (int(line.split(b":")[1]) for line in head.split(b"\r\n")
                     if line.lower().startswith(b"content-length:")), 0,
                )  # fmt: skip
                while len(buffer) < length:
                    buffer += conn.recv(65536)
                buffer = buffer[length:]
                count += 1
                response = reply(count)
                if response is None:
                    return
                conn.sendall(response)
                if close_after_response:
                    return

    def accept() -> None:
        while True:
            try:
                conn, _ = listener.accept()
            except OSError:
                return
            connections.append(1)
            threading.Thread(target=serve, args=(conn,), daemon=True).start()

    threading.Thread(target=accept, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{listener.getsockname()[1]}", connections
    finally:
        listener.close()


@dataclass
class Response:
    status: int
    headers: dict[str, str]
    content: bytes


def _origin(url: str) -> Origin:
    parsed = httpx.URL(url)
    return ("http", parsed.host, parsed.port or 80)


async def _send(client: UpstreamClient, url: str, *, replayable: bool = True) -> Response:
    data = b"POST /v1/x?q=1 HTTP/1.1\r\nhost: upstream\r\ncontent-length: 3\r\n\r\na=1"
    exchange = await client.exchange(_origin(url), data, replayable=replayable)
    chunks = []
    try:
        while (chunk := await exchange.read()) is not None:
            chunks.append(chunk)
    finally:
        exchange.finish()
    headers = {k.decode().lower(): v.decode() for k, v in exchange.headers}
    return Response(exchange.status, headers, b"".join(chunks))


def _call(url: str, timeout: float = 5.0) -> Response:
    return asyncio.run(_send(UpstreamClient(timeout, 5.0), url))


async def _calls_async(url: str, n: int, replayable: bool = True) -> list[Response | Exception]:
    client = UpstreamClient(5.0, 5.0)
    out: list[Response | Exception] = []
    for _ in range(n):
        try:
            out.append(await _send(client, url, replayable=replayable))
        except UpstreamError as exc:
            out.append(exc)
    return out


def _calls(url: str, n: int, replayable: bool = True) -> list[Any]:
    return asyncio.run(_calls_async(url, n, replayable))


def test_keep_alive_reuses_one_connection() -> None:
    with server(lambda n: OK) as (url, connections):
        responses = _calls(url, 3)
    assert [r.status for r in responses] == [200, 200, 200]
    assert responses[0].content == b"ok" and responses[0].headers["request-id"] == "req_1"
    assert len(connections) == 1


def test_a_connection_the_server_closed_is_replaced() -> None:
    with server(lambda n: OK, close_after_response=True) as (url, connections):
        responses = _calls(url, 3)
    assert [r.status for r in responses] == [200, 200, 200]
    assert len(connections) == 3


def test_chunked_response() -> None:
    chunked = (
        b"HTTP/1.1 201 Created\r\nTransfer-Encoding: chunked\r\n\r\n"
        b"3\r\nabc\r\n2\r\nde\r\n0\r\n\r\n"
    )
    with server(lambda n: chunked) as (url, _):
        response = _call(url)
    assert response.status == 201 and response.content == b"abcde"


def test_no_response_on_a_fresh_connection_is_an_error() -> None:
    with server(lambda n: None) as (url, _), pytest.raises(UpstreamError):
        _call(url)


def test_refused_connection() -> None:
    with pytest.raises(UpstreamError):
        _call(f"http://127.0.0.1:{free_port()}")


def test_stall_times_out() -> None:
    release = threading.Event()

    def stall(n: int) -> bytes:
        release.wait(5)
        return OK

    with server(stall) as (url, _):
        try:
            with pytest.raises(UpstreamTimeout):
                _call(url, timeout=0.3)
        finally:
            release.set()


@pytest.mark.parametrize(
    ("response", "status", "content", "connections"),
    [
        # no length: the body runs to the close, and the connection is not reused
        (b"HTTP/1.1 200 OK\r\nRequest-Id: r\r\n\r\nuntil-close", 200, b"until-close", 2),
        (b"HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 2\r\n\r\nok", 200, b"ok", 2),
        (b"HTTP/1.0 200 OK\r\nContent-Length: 2\r\n\r\nok", 200, b"ok", 2),
        (b"HTTP/1.1 204 No Content\r\n\r\n", 204, b"", 1),
        (
            b"HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok",
            200,
            b"ok",
            1,
        ),
    ],
)
def test_message_framing(response: bytes, status: int, content: bytes, connections: int) -> None:
    closes = (b"Content-Length" not in response and status != 204) or b"close" in response
    with server(lambda n: response, close_after_response=closes) as (url, accepted):
        responses = _calls(url, 2)
    assert [(r.status, r.content) for r in responses] == [(status, content)] * 2
    assert len(accepted) == connections


@pytest.mark.parametrize(
    "response",
    [
        b"SMTP ready\r\n\r\n",
        b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\nok",
        b"HTTP/1.1 200 OK\r\n folded: header\r\n\r\n",
        b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
    ],
)
def test_malformed_responses_are_read_errors(response: bytes) -> None:
    with (
        server(lambda n: response, close_after_response=True) as (url, _),
        pytest.raises(UpstreamError),
    ):
        _call(url)


def test_a_write_is_not_replayed_on_a_fresh_connection() -> None:
    """Finding 1: the kept-alive connection closes after the request was written, before any
    response. The upstream may have acted on it: without an idempotency key (the caller says
    ``replayable=False``) the request is not sent again."""
    with server(lambda n: OK if n == 1 else None) as (url, connections):
        first, second = _calls(url, 2, replayable=False)
    assert isinstance(first, Response) and first.status == 200
    assert isinstance(second, UpstreamError)
    assert len(connections) == 1  # no second connection, no second copy


def test_a_replayable_request_is_sent_again_once() -> None:
    with server(lambda n: OK if n != 2 else None) as (url, connections):
        responses = _calls(url, 2, replayable=True)
    assert [a.status for a in responses] == [200, 200]
    assert len(connections) == 2


def test_bytes_after_a_response_are_never_the_next_response() -> None:
    """Finding 6: an upstream that sends more than its response's length; the extra bytes
    ("HTTP/1.1 200 ... evil") must not be read as the next request's response."""
    evil = OK + b"HTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\nevil"
    with server(lambda n: evil) as (url, connections):
        responses = _calls(url, 2)
    assert [(a.status, a.content) for a in responses] == [(200, b"ok"), (200, b"ok")]
    assert len(connections) == 2  # the connection with leftovers was closed, not reused

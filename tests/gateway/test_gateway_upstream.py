"""The gateway's upstream transport against real sockets on 127.0.0.1: keep-alive reuse, a
kept-alive connection the server closed, chunked answers, refused connections, stalls."""

from __future__ import annotations

import asyncio
import socket
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import httpx
import pytest
from support.processes import free_port

pytest.importorskip("starlette", reason="the gateway extra is not installed")

from generator.gateway.upstream import UpstreamTransport

Reply = Callable[[int], bytes | None]  # request number -> answer bytes (None: close, no answer)
OK = b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\nRequest-Id: req_1\r\n\r\nok"


@contextmanager
def server(reply: Reply, close_after_answer: bool = False) -> Iterator[tuple[str, list[int]]]:
    """Answers each request on a connection with ``reply(n)``; records connection count."""
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
                answer = reply(count)
                if answer is None:
                    return
                conn.sendall(answer)
                if close_after_answer:
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


def _call(transport: UpstreamTransport, url: str, body: bytes = b"a=1") -> httpx.Response:
    request = httpx.Request("POST", f"{url}/v1/x?q=1", content=body)
    return asyncio.run(transport.handle_async_request(request))


async def _calls(transport: UpstreamTransport, url: str, n: int) -> list[httpx.Response]:
    out = []
    for _ in range(n):
        request = httpx.Request("POST", f"{url}/v1/x", content=b"a=1")
        out.append(await transport.handle_async_request(request))
    return out


def test_keep_alive_reuses_one_connection() -> None:
    with server(lambda n: OK) as (url, connections):
        responses = asyncio.run(_calls(UpstreamTransport(httpx.Timeout(5.0)), url, 3))
    assert [r.status_code for r in responses] == [200, 200, 200]
    assert responses[0].content == b"ok" and responses[0].headers["request-id"] == "req_1"
    assert len(connections) == 1


def test_a_connection_the_server_closed_is_replaced() -> None:
    with server(lambda n: OK, close_after_answer=True) as (url, connections):
        responses = asyncio.run(_calls(UpstreamTransport(httpx.Timeout(5.0)), url, 3))
    assert [r.status_code for r in responses] == [200, 200, 200]
    assert len(connections) == 3


def test_chunked_answer() -> None:
    chunked = (
        b"HTTP/1.1 201 Created\r\nTransfer-Encoding: chunked\r\n\r\n"
        b"3\r\nabc\r\n2\r\nde\r\n0\r\n\r\n"
    )
    with server(lambda n: chunked) as (url, _):
        response = _call(UpstreamTransport(httpx.Timeout(5.0)), url)
    assert response.status_code == 201 and response.content == b"abcde"


def test_no_answer_on_a_fresh_connection_is_an_error() -> None:
    with server(lambda n: None) as (url, _), pytest.raises(httpx.RemoteProtocolError):
        _call(UpstreamTransport(httpx.Timeout(5.0)), url)


def test_refused_connection() -> None:
    with pytest.raises(httpx.ConnectError):
        _call(UpstreamTransport(httpx.Timeout(5.0)), f"http://127.0.0.1:{free_port()}")


def test_stall_times_out() -> None:
    release = threading.Event()

    def stall(n: int) -> bytes:
        release.wait(5)
        return OK

    with server(stall) as (url, _):
        try:
            with pytest.raises(httpx.ReadTimeout):
                _call(UpstreamTransport(httpx.Timeout(0.3)), url)
        finally:
            release.set()


@pytest.mark.parametrize(
    ("answer", "status", "content", "connections"),
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
def test_message_framing(answer: bytes, status: int, content: bytes, connections: int) -> None:
    closes = (b"Content-Length" not in answer and status != 204) or b"close" in answer
    with server(lambda n: answer, close_after_answer=closes) as (url, accepted):
        responses = asyncio.run(_calls(UpstreamTransport(httpx.Timeout(5.0)), url, 2))
    assert [(r.status_code, r.content) for r in responses] == [(status, content)] * 2
    assert len(accepted) == connections


@pytest.mark.parametrize(
    "answer",
    [
        b"SMTP ready\r\n\r\n",
        b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\nok",
        b"HTTP/1.1 200 OK\r\n folded: header\r\n\r\n",
        b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
    ],
)
def test_malformed_answers_are_read_errors(answer: bytes) -> None:
    with (
        server(lambda n: answer, close_after_answer=True) as (url, _),
        pytest.raises(httpx.ReadError),
    ):
        _call(UpstreamTransport(httpx.Timeout(5.0)), url)

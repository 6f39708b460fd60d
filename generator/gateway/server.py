"""The gateway's HTTP/1.1 server: httptools parses, an ASGI app responses, the server bounds.

uvicorn (h11) was a third of the gateway's CPU per call and left idle connections open forever;
this server is small enough to own every limit an attacker could spend:

- a deadline for each request's head (``header_timeout``, from its first byte), for its body
  (``body_timeout``), and for an idle kept-alive connection (``keepalive_timeout``);
- a cap on open connections (``max_connections``: past it a new one is closed at once), a
  smaller one per client address (``max_per_address``), so one address cannot hold every slot
  while others wait, and a cap on the size of a request head;
- a request with both ``Content-Length`` and ``Transfer-Encoding`` (RFC 9112 section 6.1), or
  anything else llhttp refuses, gets a 400 and the connection is closed;
- a response sent before the request's body was read (a 413, a 401) is followed by a lingering
  close, as nginx does: the write side is shut and the rest of the body read and dropped for a
  bounded time, so the client sees the response instead of a connection reset.

One request at a time per connection; pipelined ones wait their turn. A failing app is logged in
one line (never a traceback) and responded 500, or the connection is cut if it had started.
"""

from __future__ import annotations

import asyncio
import collections
import contextlib
import sys
from collections.abc import Awaitable, Callable, MutableMapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote

import httptools

from generator.gateway.batch import Writes

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
App = Callable[[Scope, Callable[[], Awaitable[Message]], Callable[[Message], Awaitable[None]]], Awaitable[None]]  # fmt: skip

_REASONS = {
    200: b"OK", 201: b"Created", 202: b"Accepted", 204: b"No Content", 301: b"Moved Permanently",
    302: b"Found", 304: b"Not Modified", 307: b"Temporary Redirect", 400: b"Bad Request",
    401: b"Unauthorized", 402: b"Payment Required", 403: b"Forbidden", 404: b"Not Found",
    405: b"Method Not Allowed", 409: b"Conflict", 413: b"Content Too Large", 415: b"Unsupported Media Type",
    422: b"Unprocessable Content", 429: b"Too Many Requests", 431: b"Request Header Fields Too Large",
    500: b"Internal Server Error", 502: b"Bad Gateway", 503: b"Service Unavailable",
    504: b"Gateway Timeout",
}  # fmt: skip
_NO_BODY = frozenset({204, 304})
# ``{"type": "gateway.response", "status": int, "head": bytes, "body": bytes}``: a whole response
# in one message, its header lines already encoded (each ending in CRLF, ``content-length``
# among them when the body has one). The proxy's common case, a response that arrived in one
# piece, then costs one message and no second pass over the headers.
RESPONSE = "gateway.response"
_ASGI = {"version": "3.0", "spec_version": "2.3"}
_METHODS = {m.encode(): m for m in ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS")}
_EXTENSIONS: dict[str, dict[str, Any]] = {RESPONSE: {}}


@dataclass(frozen=True)
class Limits:
    header_timeout: float = 10.0  # a request head, from its first byte
    body_timeout: float = 30.0  # a request body, from the end of its head
    keepalive_timeout: float = 5.0  # an idle connection, between requests
    max_connections: int = 1000
    max_per_address: int = 250  # open connections from one client address
    max_head_bytes: int = 32 * 1024
    linger_timeout: float = 2.0  # a lingering close waits this long for more of the body
    linger_total: float = 10.0  # and no longer than this in all


class _Connection(asyncio.Protocol):
    def __init__(self, server: Server) -> None:
        self.server = server
        self.loop = server.loop
        self.parser = httptools.HttpRequestParser(self)
        self.transport: asyncio.Transport | None = None
        self.client: tuple[str, int] | None = None
        self.address: str | None = None  # counted in ``Server.per_address`` while open
        self.url = b""
        self.headers: list[tuple[bytes, bytes]] = []
        self.head_size = 0
        self.max_head = server.limits.max_head_bytes
        self.queue: collections.deque[_Request] = collections.deque()
        self.current: _Request | None = None  # the request being responded
        self.reading: _Request | None = None  # the request whose body is arriving
        self.deadline = 0.0  # loop time after which the connection is cut; 0: none
        self.closed = False
        self.lingering = False
        self.linger_until = 0.0
        self.paused_writing: asyncio.Future[None] | None = None
        self.paused_reading = False

    # --- connection events -----------------------------------------------------------------
    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport  # type: ignore[assignment]  # uvloop's is not a subclass
        server = self.server
        peer = transport.get_extra_info("peername")
        self.client = (peer[0], peer[1]) if isinstance(peer, tuple) else None
        address = peer[0] if isinstance(peer, tuple) else ""
        held = server.per_address.get(address, 0)
        if (
            len(server.connections) >= server.limits.max_connections
            or held >= server.limits.max_per_address
        ):
            self.transport.abort()  # type: ignore[union-attr]
            self.closed = True
            return
        server.connections.add(self)
        server.per_address[address] = held + 1
        self.address = address
        self._arm(server.limits.keepalive_timeout)

    def connection_lost(self, exc: Exception | None) -> None:
        self.closed = True
        server = self.server
        server.connections.discard(self)
        if self.address is not None:
            held = server.per_address.pop(self.address) - 1
            if held:
                server.per_address[self.address] = held
            self.address = None
        self._disarm()
        for request in (self.current, self.reading, *self.queue):
            if request is not None and request.body_event is not None:
                request.body_event.set()
        if self.paused_writing is not None and not self.paused_writing.done():
            self.paused_writing.set_result(None)

    def pause_writing(self) -> None:
        self.paused_writing = self.loop.create_future()

    def resume_writing(self) -> None:
        if self.paused_writing is not None and not self.paused_writing.done():
            self.paused_writing.set_result(None)
        self.paused_writing = None

    def data_received(self, data: bytes) -> None:
        if self.lingering:
            self._arm(min(self.server.limits.linger_timeout, self.linger_until - self.loop.time()))
            return
        if self.reading is None and self.current is None and not self.headers and not self.url:
            # the first byte of a new request
            self.deadline = self.loop.time() + self.server.limits.header_timeout
        try:
            self.parser.feed_data(data)
        except httptools.HttpParserUpgrade:
            self._refuse(400, b"Upgrades are not supported")
        except httptools.HttpParserError as exc:
            self._refuse(400, b"Malformed request: " + str(exc).encode("ascii", "replace"))

    # --- parser callbacks ------------------------------------------------------------------
    def on_url(self, url: bytes) -> None:
        self.url += url
        self.head_size += len(url)
        if self.head_size > self.max_head:
            raise httptools.HttpParserError("the request head is too large")

    def on_header(self, name: bytes, value: bytes) -> None:
        self.headers.append((name.lower(), value))
        self.head_size += len(name) + len(value) + 4
        if self.head_size > self.max_head:
            raise httptools.HttpParserError("the request head is too large")

    def on_headers_complete(self) -> None:
        path, _, query = self.url.partition(b"?")
        try:
            decoded = unquote(path.decode("ascii")) if b"%" in path else path.decode("ascii")
        except UnicodeDecodeError:
            raise httptools.HttpParserError("a non-ASCII request target") from None
        headers, self.headers, self.url, self.head_size = self.headers, [], b"", 0
        parser = self.parser
        method = parser.get_method()
        scope: Scope = {
            "type": "http",
            "asgi": _ASGI,
            "http_version": parser.get_http_version(),
            "method": _METHODS.get(method) or method.decode("ascii"),
            "scheme": "http",
            "path": decoded,
            "raw_path": path,
            "query_string": query,
            "root_path": "",
            "headers": headers,
            "client": self.client,
            "server": self.server.address,
            "keep_alive": parser.should_keep_alive(),
            "extensions": _EXTENSIONS,
        }
        request = _Request(self, scope)
        self.reading = request
        self.deadline = self.loop.time() + self.server.limits.body_timeout
        if self.current is None:
            self._start(request)
        else:
            self.queue.append(request)
            if len(self.queue) > 4 and self.transport is not None:
                self.transport.pause_reading()
                self.paused_reading = True

    def on_body(self, body: bytes) -> None:
        request = self.reading
        if request is not None:
            request.body.append(body)
            if request.body_event is not None:
                request.body_event.set()

    def on_message_complete(self) -> None:
        request = self.reading
        self.reading = None
        self._disarm()
        if request is not None:
            request.body_done = True
            if request.body_event is not None:
                request.body_event.set()

    # --- running the app -------------------------------------------------------------------
    def _start(self, request: _Request) -> None:
        self.current = request
        self.loop.create_task(self._run(request))

    async def _run(self, request: _Request) -> None:
        cycle = request
        try:
            await self.server.app(request.scope, cycle.receive, cycle.send)
        except Exception as exc:  # one line, never a traceback: an attacker may trigger it
            self.server.log(f"gateway: {type(exc).__name__} while responding: {exc}")
            if not cycle.started and not self.closed:
                cycle.keep_alive = False
                await cycle.send({"type": "http.response.start", "status": 500, "headers": []})
                await cycle.send({"type": "http.response.body", "body": b"Internal error\n"})
            elif not cycle.finished:
                self._abort()
                return
        if not cycle.finished:
            self._abort()
            return
        self._finished(request, cycle.keep_alive)

    def _finished(self, request: _Request, keep_alive: bool) -> None:
        self.current = None
        if self.closed:
            return
        if not request.body_done:  # responded before the body was read: linger, then close
            self._linger()
            return
        if not keep_alive:
            self._close()
            return
        if self.queue:
            self._start(self.queue.popleft())
            if self.paused_reading and len(self.queue) <= 4 and self.transport is not None:
                self.paused_reading = False
                self.transport.resume_reading()
        elif self.reading is None:
            self.deadline = self.loop.time() + self.server.limits.keepalive_timeout

    def _refuse(self, status: int, message: bytes) -> None:
        """A response from the server itself (the request could not be parsed), then close."""
        if self.transport is None or self.closed:
            return
        if self.current is not None:  # the app is responding an earlier request: just cut
            self._abort()
            return
        body = message + b"\n"
        self.server.writes.write(
            self.transport,
            b"HTTP/1.1 %d %s\r\ncontent-type: text/plain; charset=utf-8\r\n"
            b"content-length: %d\r\nconnection: close\r\n\r\n%s"
            % (status, _REASONS.get(status, b""), len(body), body),
        )
        self._linger()

    def _linger(self) -> None:
        """Shut our side and drop what the client still sends, for a bounded time."""
        assert self.transport is not None
        self.lingering = True
        limits = self.server.limits
        self.linger_until = self.loop.time() + limits.linger_total
        if self.paused_reading:
            self.transport.resume_reading()
        if self.transport.can_write_eof():
            self.server.writes.flush()
            self.transport.write_eof()
        self._arm(limits.linger_timeout)

    # --- timers and closing ----------------------------------------------------------------
    def _arm(self, seconds: float) -> None:
        # a deadline, not a timer: the server's sweep (``Server.sweep``) checks them all a few
        # times a second, which costs less than a timer made and cancelled per request
        self.deadline = self.loop.time() + max(0.0, seconds)

    def _disarm(self) -> None:
        self.deadline = 0.0

    def _expired(self) -> None:
        self.deadline = 0.0
        if self.current is not None and self.reading is None:
            return  # the app is responding: its own upstream timeout bounds it
        self._abort() if self.lingering or self.current is not None else self._close()

    def _close(self) -> None:
        self.server.writes.flush()
        self._disarm()
        if self.transport is not None and not self.closed:
            self.closed = True
            self.transport.close()

    def _abort(self) -> None:
        self.server.writes.flush()
        self._disarm()
        if self.transport is not None and not self.closed:
            self.closed = True
            self.transport.abort()


class _Request:
    """One request: its body as it arrives, and its ASGI ``receive`` and ``send`` (one object
    for both: it is made on every call)."""

    __slots__ = (
        "body",
        "body_done",
        "body_event",
        "chunked",
        "conn",
        "expect_continue",
        "finished",
        "head",
        "head_sent",
        "headers",
        "keep_alive",
        "scope",
        "started",
        "status",
    )  # fmt: skip

    def __init__(self, conn: _Connection, scope: Scope) -> None:
        self.conn = conn
        self.scope = scope
        self.body: list[bytes] = []
        self.body_done = False
        self.body_event: asyncio.Event | None = None
        # looked for only when the app waits for a body that has not come (``receive``)
        self.expect_continue: bool | None = None
        self.started = False
        self.finished = False
        self.chunked = False
        self.head = scope["method"] == "HEAD"
        self.keep_alive: bool = scope["keep_alive"]
        self.head_sent = False
        self.status = 500
        self.headers: list[tuple[bytes, bytes]] = []

    async def receive(self) -> Message:
        request, conn = self, self.conn
        while not request.body and not request.body_done and not conn.closed:
            if request.expect_continue is None:
                request.expect_continue = any(
                    n == b"expect" and v.lower() == b"100-continue"
                    for n, v in request.scope["headers"]
                )
            if request.expect_continue and conn.transport is not None:
                request.expect_continue = False
                conn.server.writes.write(conn.transport, b"HTTP/1.1 100 Continue\r\n\r\n")
            if request.body_event is None:
                request.body_event = asyncio.Event()
            request.body_event.clear()
            await request.body_event.wait()
        if self.finished or (conn.closed and not request.body_done):
            return {"type": "http.disconnect"}
        body = b"".join(request.body) if len(request.body) != 1 else request.body[0]
        request.body.clear()
        return {"type": "http.request", "body": body, "more_body": not request.body_done}

    async def send(self, message: Message) -> None:
        conn = self.conn
        transport = conn.transport
        if conn.closed or transport is None:
            return  # the client went away: what is left of the response has nowhere to go
        kind = message["type"]
        if kind == RESPONSE:
            if not self.started:
                self._whole(transport, message)
            return
        if kind == "http.response.start":
            self.started = True
            self.status = message["status"]
            self.headers = list(message.get("headers", ()))
            return
        if kind != "http.response.body" or self.finished:
            return
        body: bytes = message.get("body", b"")
        more: bool = message.get("more_body", False)
        data = b""
        if not self.head_sent:
            self.head_sent = True
            data = self._head(body, more)
        if self.head or self.status in _NO_BODY:
            pass
        elif self.chunked:
            if body:
                data += b"%x\r\n%s\r\n" % (len(body), body)
            if not more:
                data += b"0\r\n\r\n"
        else:
            data += body
        if data:
            conn.server.writes.write(transport, data)
        if not more:
            self.finished = True
        elif conn.paused_writing is not None:
            await conn.paused_writing

    def _whole(self, transport: asyncio.Transport, message: Message) -> None:
        self.started = self.finished = self.head_sent = True
        status: int = message["status"]
        self.status = status
        if not self.body_done:
            self.keep_alive = False
        data = b"HTTP/1.1 %d %s\r\n%s%s\r\n" % (
            status,
            _REASONS.get(status, b""),
            message["head"],
            b"" if self.keep_alive else b"connection: close\r\n",
        )
        if not self.head and status not in _NO_BODY:
            data += message["body"]
        self.conn.server.writes.write(transport, data)

    def _head(self, body: bytes, more: bool) -> bytes:
        status = self.status
        lines = [b"HTTP/1.1 %d %s" % (status, _REASONS.get(status, b""))]
        length = False
        for name, value in self.headers:
            lower = name.lower()
            if lower == b"content-length":
                length = True
            elif lower == b"connection":
                if b"close" in value.lower():
                    self.keep_alive = False
                continue
            elif lower == b"transfer-encoding":
                continue
            lines.append(name + b": " + value)
        if not length and status not in _NO_BODY:
            if more:
                self.chunked = True
                lines.append(b"transfer-encoding: chunked")
            else:
                lines.append(b"content-length: %d" % len(body))
        if not self.body_done:  # responded before the body arrived: close after it
            self.keep_alive = False
        if not self.keep_alive:
            lines.append(b"connection: close")
        return b"\r\n".join(lines) + b"\r\n\r\n"


class Server:
    def __init__(self, app: App, limits: Limits, log: Callable[[str], None] | None = None) -> None:
        self.app = app
        self.limits = limits
        self.connections: set[_Connection] = set()
        self.per_address: dict[str, int] = {}  # open connections by client address
        self.address: tuple[str, int] | None = None
        self.log = log or _stderr
        self.writes = Writes()  # responses held until what is ready has run (``batch``)
        self.loop: asyncio.AbstractEventLoop = None  # type: ignore[assignment]  # set by serve

    SWEEP = 0.2  # seconds between deadline checks

    def sweep(self) -> None:
        now = self.loop.time()
        for conn in [c for c in self.connections if 0.0 < c.deadline <= now]:
            conn._expired()
        self._sweeper = self.loop.call_later(self.SWEEP, self.sweep)

    async def serve(self, sock: Any, stop: asyncio.Event) -> None:
        self.loop = asyncio.get_running_loop()
        self._sweeper = self.loop.call_later(self.SWEEP, self.sweep)
        name = sock.getsockname()
        self.address = (name[0], name[1])
        listener = await self.loop.create_server(lambda: _Connection(self), sock=sock, backlog=1024)
        try:
            await stop.wait()
        finally:
            self._sweeper.cancel()
            listener.close()
            for conn in list(self.connections):
                conn._close()
            with contextlib.suppress(Exception):
                await asyncio.wait_for(listener.wait_closed(), 2)


def _stderr(line: str) -> None:
    with contextlib.suppress(OSError):
        sys.stderr.write(line + "\n")

"""The gateway's HTTP/1.1 client for its upstreams: kept-alive connections, responses streamed.

An ``asyncio.Protocol`` per connection with httptools' response parser (llhttp), no httpx
objects: building and parsing httpx requests was a fifth of the gateway's CPU per call. An
response's head is awaited, then its body read chunk by chunk (``Exchange.read``), so a large or
endless response never sits in memory whole: the connection stops reading while the client is
slower than the upstream.

What may be retried: a request is written again on a fresh connection only when a kept-alive
connection closed before any byte of the response arrived *and* the caller says the request is
replayable (an idempotent method, or one carrying an idempotency key): the upstream may have
acted on the first copy. A connection that sends bytes after a response (or while idle) is closed,
never reused, so they cannot become the next request's response.
"""

from __future__ import annotations

import asyncio
import ssl
from collections.abc import Callable

import httptools

from generator.gateway.batch import Writes

Origin = tuple[str, str, int]  # scheme, host, port
Headers = list[tuple[bytes, bytes]]
_READ_AHEAD = 256 * 1024  # bytes buffered from the upstream before it is paused


class UpstreamError(Exception):
    """The upstream could not be reached, closed early, or responded with broken HTTP."""


class UpstreamTimeout(UpstreamError):
    """The exchange took longer than the timeout allows."""


class _Stale(UpstreamError):
    """A kept-alive connection closed before any byte of the response."""


class Exchange(asyncio.Protocol):
    """One connection, and the exchange in flight on it."""

    def __init__(self, client: UpstreamClient, origin: Origin) -> None:
        self.client = client
        self.origin = origin
        self.parser = httptools.HttpResponseParser(self)
        self.transport: asyncio.Transport | None = None
        self.loop = asyncio.get_running_loop()
        self.busy = False  # an exchange is in flight
        self.broken = False  # never reuse
        self.closed = False
        self.received = False  # any byte of the current response
        self.head_only = False
        self.status = 0
        self.headers: Headers = []
        self.chunks: list[bytes] = []
        self.buffered = 0
        self.paused = False
        self.head_done = False
        self.done = False
        self.error: UpstreamError | None = None
        self.waiter: asyncio.Future[None] | None = None
        self.deadline = 0.0  # loop time the exchange must end by (UpstreamClient.sweep)

    # --- protocol events ---------------------------------------------------------------------
    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport  # type: ignore[assignment]  # uvloop's is not a subclass

    def connection_lost(self, exc: Exception | None) -> None:
        self.closed = True
        if not self.busy or self.done or self.error is not None:
            return
        if self.head_done and self._delimited_by_close():
            self.done = True  # the body ran to the close, as this response said it would
        elif not self.received:
            self.error = _Stale("closed before responding")
        else:
            self.error = UpstreamError("the upstream closed the connection mid-response")
        self._wake()

    def data_received(self, data: bytes) -> None:
        if not self.busy or self.done:  # bytes nobody asked for: never reuse this connection
            self._drop()
            return
        self.received = True
        try:
            self.parser.feed_data(data)
        except httptools.HttpParserError as exc:
            self.error = UpstreamError(f"malformed response: {exc}")
            self._drop()
            self._wake()

    # --- parser callbacks --------------------------------------------------------------------
    def on_message_begin(self) -> None:
        if self.done:
            self.broken = True

    def on_header(self, name: bytes, value: bytes) -> None:
        if not self.done:
            self.headers.append((name, value))

    def on_headers_complete(self) -> None:
        if self.done:  # a second response nobody asked for: dropped (the connection is broken)
            return
        status = self.parser.get_status_code()
        if 100 <= status < 200:  # 100 Continue and friends: the response follows
            self.headers = []
            return
        self.status = status
        self.head_done = True
        if self.head_only:  # HEAD: no body follows, whatever Content-Length says
            self.done = True
            self.broken = True  # llhttp would wait for that body: do not reuse
        self._wake()

    def on_body(self, body: bytes) -> None:
        if self.done:
            return
        self.chunks.append(body)
        self.buffered += len(body)
        if self.buffered > _READ_AHEAD and self.transport is not None and not self.paused:
            self.paused = True
            self.transport.pause_reading()
        self._wake()

    def on_message_complete(self) -> None:
        if not self.head_done or self.done:  # an interim (1xx) response's end, or a stray one's
            return
        self.done = True
        if not self.parser.should_keep_alive():
            self.broken = True
        self._wake()

    # --- the exchange ------------------------------------------------------------------------
    async def send(self, data: bytes, timeout: float, head_only: bool) -> None:
        """Write a request and wait for the head of its response."""
        self.head_only = head_only
        self.busy, self.received, self.done, self.head_done = True, False, False, False
        self.status, self.headers, self.chunks, self.buffered, self.error = 0, [], [], 0, None
        self.deadline = self.loop.time() + timeout
        self.client.busy.add(self)
        assert self.transport is not None
        if self.closed:
            raise _Stale("closed while idle")
        self.client.writes.write(self.transport, data)
        while not self.head_done:
            await self._wait()

    async def read(self) -> bytes | None:
        """The next piece of the response's body; None at its end."""
        while not self.chunks:
            if self.done:
                return None
            await self._wait()
        return self.take()

    def take(self) -> bytes:
        """What has arrived of the body and not been read, without waiting (all of what is
        left once ``done``)."""
        chunks, self.chunks, self.buffered = self.chunks, [], 0
        if self.paused and self.transport is not None and not self.closed:
            self.paused = False
            self.transport.resume_reading()
        return chunks[0] if len(chunks) == 1 else b"".join(chunks)

    def finish(self) -> None:
        """Done with this exchange: the connection goes back to the pool if it can."""
        self.client.busy.discard(self)
        reusable = self.done and not self.broken and not self.closed and not self.chunks
        self.busy = False
        if reusable:
            self.client.release(self)
        else:
            self._drop()

    async def _wait(self) -> None:
        if self.error is not None:
            raise self.error
        self.waiter = self.loop.create_future()
        try:
            await self.waiter
        finally:
            self.waiter = None
        if self.error is not None:
            raise self.error

    def _wake(self) -> None:
        if self.waiter is not None and not self.waiter.done():
            self.waiter.set_result(None)

    def _timed_out(self) -> None:
        self.client.busy.discard(self)
        self.error = UpstreamTimeout("the upstream did not respond in time")
        self._drop()
        self._wake()

    def _drop(self) -> None:
        self.client.writes.flush()
        self.broken = True
        if self.transport is not None and not self.closed:
            self.closed = True
            self.transport.abort()

    def _delimited_by_close(self) -> bool:
        for name, value in self.headers:
            lower = name.lower()
            if lower == b"content-length" or (
                lower == b"transfer-encoding" and value.lower().rstrip().endswith(b"chunked")
            ):
                return False
        return True


class UpstreamClient:
    def __init__(self, timeout: float, connect_timeout: float, max_idle: int = 64) -> None:
        self.timeout = timeout
        self.connect_timeout = connect_timeout
        self.max_idle = max_idle
        self.idle: dict[Origin, list[Exchange]] = {}
        self.busy: set[Exchange] = set()  # exchanges in flight, whose deadlines sweep checks
        self.writes = Writes()  # requests held until what is ready has run (``batch``)
        self._sweeper: asyncio.TimerHandle | None = None
        self._tls: ssl.SSLContext | None = None

    async def exchange(
        self, origin: Origin, data: bytes, *, replayable: bool, head_only: bool = False
    ) -> Exchange:
        """Send ``data`` (a whole request) and return the exchange with its response's head
        read. Raises ``UpstreamError`` (``UpstreamTimeout`` for a timeout)."""
        if self._sweeper is None:
            self.sweep()
        idle = self.idle.get(origin)
        while idle:
            conn = idle.pop()
            if conn.closed:
                continue
            try:
                await conn.send(data, self.timeout, head_only)
                return conn
            except _Stale:
                conn.finish()
                if not replayable:
                    raise UpstreamError(
                        "the upstream closed a kept-alive connection after the request was sent"
                    ) from None
                break  # it may not have seen the request: a fresh connection, once
            except UpstreamError:
                conn.finish()
                raise
        conn = await self._connect(origin)
        try:
            await conn.send(data, self.timeout, head_only)
        except _Stale:
            conn.finish()
            raise UpstreamError("the upstream closed the connection without responding") from None
        except UpstreamError:
            conn.finish()
            raise
        return conn

    async def _connect(self, origin: Origin) -> Exchange:
        scheme, host, port = origin
        loop = asyncio.get_running_loop()
        tls = None
        if scheme == "https":
            if self._tls is None:
                self._tls = ssl.create_default_context()
            tls = self._tls
        factory: Callable[[], Exchange] = lambda: Exchange(self, origin)  # noqa: E731
        try:
            _, conn = await asyncio.wait_for(
                loop.create_connection(factory, host, port, ssl=tls), self.connect_timeout
            )
        except TimeoutError:
            raise UpstreamTimeout("connecting to the upstream timed out") from None
        except OSError as exc:
            raise UpstreamError(f"cannot connect to the upstream: {exc.strerror or exc}") from None
        return conn

    SWEEP = 0.1  # seconds between deadline checks: a timeout fires up to this late

    def sweep(self) -> None:
        """Time out the exchanges past their deadline (cheaper than a timer per exchange)."""
        loop = asyncio.get_running_loop()
        now = loop.time()
        for conn in [c for c in self.busy if c.deadline <= now]:
            conn._timed_out()
        self._sweeper = loop.call_later(self.SWEEP, self.sweep)

    def release(self, conn: Exchange) -> None:
        idle = self.idle.setdefault(conn.origin, [])
        if len(idle) < self.max_idle:
            idle.append(conn)
        else:
            conn._drop()

    async def aclose(self) -> None:
        if self._sweeper is not None:
            self._sweeper.cancel()
            self._sweeper = None
        for idle in self.idle.values():
            for conn in idle:
                conn._drop()
        self.idle.clear()

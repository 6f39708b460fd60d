"""An httpx transport for the gateway's one upstream: HTTP/1.1 over plain asyncio streams.

httpx's own async transport (httpcore over anyio) measured at 400-700 calls/s on this 2-core
machine, falling to 150/s at 50 concurrent calls (its pool rescans every waiting request on
each change), which made it most of the gateway's cost; h11, which httpcore parses with,
took 0.2 ms a call on its own. This transport keeps a stack of idle keep-alive connections per
origin and reads answers with the small HTTP/1.1 parser below (RFC 9112's message framing:
Content-Length, chunked, or until the close; 1xx skipped). The gateway
still speaks httpx: ``httpx.Request`` in, ``httpx.Response`` out, httpx's exceptions for
timeouts and failures.
"""

from __future__ import annotations

import asyncio
import ssl

import httpx

Origin = tuple[str, str, int]


class _Connection:
    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.reader, self.writer = reader, writer

    def close(self) -> None:
        self.writer.close()


class ProtocolError(Exception):
    """The upstream's answer is not well-formed HTTP/1.1."""


class UpstreamTransport(httpx.AsyncBaseTransport):
    def __init__(self, timeout: httpx.Timeout, max_idle: int = 64) -> None:
        self.connect_timeout = timeout.connect
        self.read_timeout = timeout.read
        self.max_idle = max_idle
        self.idle: dict[Origin, list[_Connection]] = {}
        self._tls: ssl.SSLContext | None = None

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        url = request.url
        origin = (url.scheme, url.host, url.port or (443 if url.scheme == "https" else 80))
        body = await request.aread()
        idle = self.idle.get(origin)
        if idle:
            conn = idle.pop()
            try:
                return await self._exchange(origin, conn, request, body)
            except _Stale:
                pass  # the server closed the kept-alive connection before reading: a new one
        conn = await self._connect(origin, request)
        try:
            return await self._exchange(origin, conn, request, body)
        except _Stale:
            raise httpx.RemoteProtocolError(
                "the upstream closed the connection", request=request
            ) from None

    async def _connect(self, origin: Origin, request: httpx.Request) -> _Connection:
        scheme, host, port = origin
        tls = None
        if scheme == "https":
            if self._tls is None:
                self._tls = ssl.create_default_context()
            tls = self._tls
        try:
            async with asyncio.timeout(self.connect_timeout):
                reader, writer = await asyncio.open_connection(host, port, ssl=tls, limit=2**20)
        except TimeoutError:
            raise httpx.ConnectTimeout(
                "connecting to the upstream timed out", request=request
            ) from None
        except OSError as exc:
            raise httpx.ConnectError(
                f"cannot connect to the upstream: {exc.strerror or exc}", request=request
            ) from None
        return _Connection(reader, writer)

    async def _exchange(
        self, origin: Origin, conn: _Connection, request: httpx.Request, body: bytes
    ) -> httpx.Response:
        lines = [b"%s %s HTTP/1.1" % (request.method.encode(), request.url.raw_path)]
        lines.append(b"host: " + request.url.netloc)
        for name, value in request.headers.raw:
            if name.lower() not in _OWN_HEADERS:
                lines.append(name + b": " + value)
        if body or request.method not in ("GET", "HEAD", "DELETE", "OPTIONS"):
            lines.append(b"content-length: %d" % len(body))
        data = b"\r\n".join(lines) + b"\r\n\r\n" + body
        if any(b"\r" in line or b"\n" in line for line in lines):
            raise httpx.LocalProtocolError("line break in a header", request=request)
        received = False
        try:
            conn.writer.write(data)
            async with asyncio.timeout(self.read_timeout):
                await conn.writer.drain()
                try:
                    head = await conn.reader.readuntil(b"\r\n\r\n")
                except asyncio.IncompleteReadError as exc:
                    if not exc.partial:
                        raise _Stale from None
                    raise ProtocolError("closed in the middle of the headers") from None
                received = True
                status, headers, reusable = _parse_head(head)
                while 100 <= status < 200:  # 100 Continue and friends: the answer follows
                    head = await conn.reader.readuntil(b"\r\n\r\n")
                    status, headers, reusable = _parse_head(head)
                content, reusable = await _read_body(
                    conn.reader, request.method, status, headers, reusable
                )
        except _Stale:
            conn.close()
            raise
        except TimeoutError:
            conn.close()
            raise httpx.ReadTimeout(
                "the upstream did not answer in time", request=request
            ) from None
        except (
            OSError,
            ProtocolError,
            asyncio.IncompleteReadError,
            asyncio.LimitOverrunError,
            ValueError,
        ) as exc:
            conn.close()
            if not received and isinstance(exc, ConnectionError):
                raise _Stale from None
            raise httpx.ReadError(
                f"reading the upstream's answer failed: {exc}", request=request
            ) from None
        if reusable:
            self._release(origin, conn)
        else:
            conn.close()
        return httpx.Response(status, headers=headers, content=content, request=request)

    def _release(self, origin: Origin, conn: _Connection) -> None:
        idle = self.idle.setdefault(origin, [])
        if len(idle) < self.max_idle:
            idle.append(conn)
        else:
            conn.close()

    async def aclose(self) -> None:
        for idle in self.idle.values():
            for conn in idle:
                conn.close()
        self.idle.clear()


class _Stale(Exception):
    """A kept-alive connection the server had closed: nothing was answered, try a new one."""


_OWN_HEADERS = frozenset({b"host", b"content-length", b"transfer-encoding", b"connection"})


def _parse_head(head: bytes) -> tuple[int, list[tuple[bytes, bytes]], bool]:
    """Status, headers and whether the connection may be reused, from a response head."""
    status_line, *lines = head[:-4].split(b"\r\n")
    version, _, rest = status_line.partition(b" ")
    code = rest[:3]
    if version not in (b"HTTP/1.1", b"HTTP/1.0") or len(code) != 3 or not code.isdigit():
        raise ProtocolError("not an HTTP/1.x status line")
    headers = []
    for line in lines:
        name, sep, value = line.partition(b":")
        if not sep or not name or name != name.strip() or line[:1] in (b" ", b"\t"):
            raise ProtocolError("malformed header line")
        headers.append((name, value.strip(b" \t")))
    tokens = {
        t.strip().lower() for n, v in headers if n.lower() == b"connection" for t in v.split(b",")
    }
    reusable = b"close" not in tokens and (version == b"HTTP/1.1" or b"keep-alive" in tokens)
    return int(code), headers, reusable


async def _read_body(
    reader: asyncio.StreamReader,
    method: str,
    status: int,
    headers: list[tuple[bytes, bytes]],
    reusable: bool,
) -> tuple[bytes, bool]:
    """The body of an answer (RFC 9112 section 6.3) and whether the connection stays usable."""
    if method == "HEAD" or status in (204, 304):
        return b"", reusable
    encodings = [v.lower() for n, v in headers if n.lower() == b"transfer-encoding"]
    lengths = {v for n, v in headers if n.lower() == b"content-length"}
    if encodings:
        if encodings[-1].split(b",")[-1].strip() != b"chunked":
            return await reader.read(), False  # delimited by the close
        return await _read_chunked(reader), reusable
    if lengths:
        if len(lengths) != 1 or not next(iter(lengths)).isdigit():
            raise ProtocolError("bad Content-Length")
        return await reader.readexactly(int(next(iter(lengths)))), reusable
    return await reader.read(), False


async def _read_chunked(reader: asyncio.StreamReader) -> bytes:
    chunks: list[bytes] = []
    while True:
        size_line = await reader.readuntil(b"\r\n")
        size = int(size_line.split(b";")[0].strip(), 16)
        if size == 0:
            while await reader.readuntil(b"\r\n") != b"\r\n":  # trailers: ignored
                pass
            return b"".join(chunks)
        chunks.append(await reader.readexactly(size))
        if await reader.readexactly(2) != b"\r\n":
            raise ProtocolError("chunk not followed by CRLF")

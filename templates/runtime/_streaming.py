"""Responses read as they arrive: server-sent events and JSON Lines.

An operation whose response is ``text/event-stream`` (or JSON Lines: ``application/jsonl``,
``application/x-ndjson``, ``application/json-seq``) carries a ``Streaming``; its call returns
a ``Stream`` (``AsyncStream`` on the async client) as soon as the headers arrive. Iterating it
yields each event's data as its model when the spec gives one (3.2 ``itemSchema``, or the
3.0/3.1 ``schema`` under the stream's media type), else a ``ServerSentEvent`` (or each line's
JSON). The connection is released when the loop ends, breaks, or the ``with`` block exits; a
connection cut mid-stream raises ``APIConnectionError`` after the events already received.

Events follow the WHATWG rules: ``data`` lines joined by newlines, ``event``, ``id`` (not with
a NUL), ``retry`` (digits only), comment lines starting with ``:``, one leading space after the
colon dropped, CR, LF and CRLF line ends, an event with no data not dispatched. An event the
server ends by closing the connection cleanly, without the blank line, is still delivered.
"""

from __future__ import annotations

import asyncio
import codecs
import json
import os
import re
from collections.abc import AsyncIterator, Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any, Generic, Self, TypeVar

import httpx

from ._errors import APIConnectionError, APIResponseValidationError, request_id_of

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Streaming:
    """How an operation's response streams: ``kind`` "sse" or "jsonl"; ``item``: how to read each
    event's data or line ("module:Name" below the package, "json", or "" for raw events);
    ``flag``: the body argument that asks for the stream (``stream=True``), "" when the
    operation always streams; ``sentinel``: an event data that ends the stream."""

    kind: str
    item: str = ""
    flag: str = ""
    sentinel: str | None = None

    def wanted(self, args: Any) -> bool:
        return not self.flag or bool(args.get(self.flag))


@dataclass(frozen=True, slots=True)
class ServerSentEvent:
    event: str  # "message" unless the server names it
    data: str
    id: str | None = None  # the last event ID seen so far
    retry: int | None = None  # reconnection time in milliseconds, when this event set it

    def json(self) -> Any:
        return json.loads(self.data)


class SSEDecoder:
    """Feed lines (without their line ends), get events; ``end()`` at a clean end of stream."""

    __slots__ = ("_data", "_event", "_last_id", "_retry")

    def __init__(self) -> None:
        self._data: list[str] = []
        self._event = ""
        self._last_id: str | None = None
        self._retry: int | None = None

    def line(self, line: str) -> ServerSentEvent | None:
        if not line:
            return self._dispatch()
        if line.startswith(":"):
            return None  # a comment (keep-alive)
        name, colon, value = line.partition(":")
        if colon and value.startswith(" "):
            value = value[1:]
        if name == "data":
            self._data.append(value)
        elif name == "event":
            self._event = value
        elif name == "id" and "\0" not in value:
            self._last_id = value
        elif name == "retry" and value.isascii() and value.isdigit():
            self._retry = int(value)
        return None

    def end(self) -> ServerSentEvent | None:
        return self._dispatch()

    def _dispatch(self) -> ServerSentEvent | None:
        data, event, retry = self._data, self._event, self._retry
        self._data, self._event, self._retry = [], "", None
        if not data:
            return None
        return ServerSentEvent(event or "message", "\n".join(data), self._last_id, retry)


_EOL = re.compile(r"\r\n|\r|\n")


class LineSplitter:
    """UTF-8 bytes in, lines out, split only at CRLF, CR and LF (not at the other characters
    ``str.splitlines`` breaks at, which may sit inside event data); a leading BOM and a
    json-seq record separator (RS) are dropped."""

    __slots__ = ("_buf", "_cr", "_decoder", "_started")

    def __init__(self) -> None:
        self._decoder = codecs.getincrementaldecoder("utf-8")("replace")
        self._buf = ""
        self._cr = False  # the last chunk ended in CR: a LF opening the next one belongs to it
        self._started = False

    def feed(self, chunk: bytes) -> list[str]:
        text = self._decoder.decode(chunk)
        if not self._started and text:
            self._started = True
            text = text.removeprefix("\ufeff")
        if self._cr and text.startswith("\n"):
            text = text[1:]
        buf = self._buf + text
        self._cr = buf.endswith("\r")
        lines = _EOL.split(buf)
        self._buf = lines.pop()
        return [line.lstrip("\x1e") for line in lines]

    def end(self) -> list[str]:
        rest = self._buf + self._decoder.decode(b"", final=True)
        self._buf = ""
        return [rest.lstrip("\x1e")] if rest else []


def _lines(chunks: Iterable[bytes]) -> Iterator[str]:
    splitter = LineSplitter()
    for chunk in chunks:
        yield from splitter.feed(chunk)
    yield from splitter.end()


def _take(decoder: SSEDecoder | None, line: str) -> str | ServerSentEvent | None:
    """A line as an event (or the event it completes), or as a JSON line when not SSE."""
    if decoder is not None:
        return decoder.line(line)
    return line if line.strip() else None


class _StreamBase(Generic[T]):
    __slots__ = ("_decode", "_spec", "http_response")

    def __init__(
        self,
        response: httpx.Response,
        spec: Streaming,
        decode: Callable[[bytes], Any] | None,
    ) -> None:
        self.http_response = response
        """The ``httpx.Response`` (status, headers); its body is what this stream reads."""
        self._spec = spec
        self._decode = decode

    def _item(self, raw: str | ServerSentEvent) -> Any:
        """An event or line as the iteration yields it."""
        if isinstance(raw, ServerSentEvent) and self._decode is None:
            return raw
        text = raw.data if isinstance(raw, ServerSentEvent) else raw
        decode = self._decode or json.loads
        try:
            return decode(text.encode())
        except ValueError as exc:
            raise APIResponseValidationError(
                f"a streamed item does not match the spec: {exc}",
                status_code=self.http_response.status_code,
                request_id=request_id_of(self.http_response.headers),
                body=text,
                headers=self.http_response.headers,
            ) from exc

    def _cut(self, exc: Exception, received: int) -> APIConnectionError:
        return APIConnectionError(
            f"the stream was cut after {received} item(s) ({type(exc).__name__})"
        )


class Stream(_StreamBase[T]):
    """Items as they arrive; use it in ``with`` (or loop to the end) to release the connection."""

    __slots__ = ()

    def __iter__(self) -> Iterator[T]:
        received = 0
        try:
            for raw in self._raw():
                if self._spec.sentinel is not None and getattr(raw, "data", None) == (
                    self._spec.sentinel
                ):
                    return
                yield self._item(raw)
                received += 1
        except httpx.TransportError as exc:
            raise self._cut(exc, received) from exc
        finally:
            self.close()

    def _raw(self) -> Iterator[str | ServerSentEvent]:
        decoder = SSEDecoder() if self._spec.kind == "sse" else None
        for line in _lines(self.http_response.iter_bytes()):
            found = _take(decoder, line)
            if found is not None:
                yield found
        last = decoder.end() if decoder is not None else None
        if last is not None:
            yield last

    def close(self) -> None:
        """Release the connection (reading stops here)."""
        self.http_response.close()

    def __enter__(self) -> Stream[T]:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class AsyncStream(_StreamBase[T]):
    """Items as they arrive (async client); ``async with`` releases the connection."""

    __slots__ = ()

    async def _items(self) -> AsyncIterator[T]:
        received = 0
        try:
            async for raw in self._raw():
                if self._spec.sentinel is not None and getattr(raw, "data", None) == (
                    self._spec.sentinel
                ):
                    return
                yield self._item(raw)
                received += 1
        except httpx.TransportError as exc:
            raise self._cut(exc, received) from exc
        finally:
            await self.close()

    def __aiter__(self) -> AsyncIterator[T]:
        return self._items()

    async def _raw(self) -> AsyncIterator[str | ServerSentEvent]:
        splitter = LineSplitter()
        decoder = SSEDecoder() if self._spec.kind == "sse" else None
        async for chunk in self.http_response.aiter_bytes():
            for line in splitter.feed(chunk):
                found = _take(decoder, line)
                if found is not None:
                    yield found
        for line in splitter.end():
            found = _take(decoder, line)
            if found is not None:
                yield found
        last = decoder.end() if decoder is not None else None
        if last is not None:
            yield last

    async def close(self) -> None:
        await self.http_response.aclose()

    async def __aenter__(self) -> AsyncStream[T]:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()


class _StreamedBase:
    __slots__ = ("http_response",)

    def __init__(self, response: httpx.Response) -> None:
        self.http_response = response
        """The ``httpx.Response``: status and headers; its body is read by this object."""

    @property
    def status_code(self) -> int:
        return self.http_response.status_code

    @property
    def headers(self) -> httpx.Headers:
        return self.http_response.headers

    def _cut(self, exc: Exception, received: int) -> APIConnectionError:
        return APIConnectionError(
            f"the response was cut after {received} bytes ({type(exc).__name__})"
        )


class StreamedResponse(_StreamedBase):
    """A successful response whose body is read as it arrives, from
    ``client.with_streaming_response(...)``; use it in ``with`` to release the connection."""

    __slots__ = ()

    def iter_bytes(self, chunk_size: int | None = None) -> Iterator[bytes]:
        """The body in chunks as they arrive; a connection cut raises APIConnectionError."""
        received = 0
        try:
            for chunk in self.http_response.iter_bytes(chunk_size):
                received += len(chunk)
                yield chunk
        except httpx.TransportError as exc:
            raise self._cut(exc, received) from exc
        finally:
            self.close()

    def write_to(self, path: str | os.PathLike[str]) -> int:
        """Write the body to ``path`` chunk by chunk; returns the bytes written."""
        written = 0
        with open(path, "wb") as out:
            for chunk in self.iter_bytes():
                written += out.write(chunk)
        return written

    def close(self) -> None:
        self.http_response.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class AsyncStreamedResponse(_StreamedBase):
    """A successful response read as it arrives (async client); ``async with`` releases it."""

    __slots__ = ()

    async def iter_bytes(self, chunk_size: int | None = None) -> AsyncIterator[bytes]:
        received = 0
        try:
            async for chunk in self.http_response.aiter_bytes(chunk_size):
                received += len(chunk)
                yield chunk
        except httpx.TransportError as exc:
            raise self._cut(exc, received) from exc
        finally:
            await self.close()

    async def write_to(self, path: str | os.PathLike[str]) -> int:
        """Write the body to ``path`` chunk by chunk (the file writes are blocking, small)."""
        written = 0
        # opened in a worker thread: opening may wait on a slow disk or network file system
        with await asyncio.to_thread(open, path, "wb") as out:
            async for chunk in self.iter_bytes():
                written += out.write(chunk)
        return written

    async def close(self) -> None:
        await self.http_response.aclose()

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

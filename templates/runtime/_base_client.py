"""The clients behind the generated ones: one call of an operation, sent with retries.

Generated methods only describe an operation (an ``Operation``, see ``_descriptors``) and pass
their arguments; all behaviour lives in the runtime, in plain Python shared by the sync and async
clients: ``_request`` prepares what is sent, this module sends it (again, as ``_retries``
decides: see docs/client/retries.md) and ``_responses`` reads what comes back.

A write (POST, PATCH) is retried on an error response or a failure only when the profile names an
idempotency header: the call then carries one key, made once per call and sent unchanged on every
retry, so a retried call never acts twice. Without one, a write is retried only when it cannot
have reached the server (refused or failed while connecting) or the server said it did not act
(429, 503).
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable, Mapping
from typing import Any, Self, TypeVar, cast

import httpx

from ._client_base import ClientBase
from ._descriptors import ClientConfig, Operation, RequestOptions
from ._oauth import AsyncTokens, ProvidedTokens, SyncTokens
from ._paging import AsyncPage, SyncPage
from ._request import FileInput, request_kwargs
from ._responses import RawRequest, RawResponse, raw_request, raw_result
from ._retries import sleep
from ._streaming import AsyncStream, AsyncStreamedResponse, Stream, StreamedResponse

# generated code imports the descriptors and these two types from here
__all__ = [
    "DEFAULT_MAX_RETRIES",
    "DEFAULT_TIMEOUT",
    "AsyncBaseClient",
    "ClientConfig",
    "FileInput",
    "Operation",
    "RawResponse",
    "RequestOptions",
    "SyncBaseClient",
]

T = TypeVar("T")

DEFAULT_TIMEOUT = httpx.Timeout(80.0, connect=30.0)
DEFAULT_MAX_RETRIES = 2


class SyncBaseClient(ClientBase):
    _page_class = SyncPage
    _stream_class = Stream
    _streamed_response_class = StreamedResponse

    def __init__(
        self,
        *,
        credentials: Mapping[str, str | None] | None = None,
        base_url: str | None = None,
        server_urls: Mapping[str, str] | None = None,
        timeout: float | httpx.Timeout | None = DEFAULT_TIMEOUT,
        max_retries: int = DEFAULT_MAX_RETRIES,
        http_client: httpx.Client | None = None,
        client_headers: Mapping[str, str | None] | None = None,
        auth: Mapping[str, Any] | None = None,
    ) -> None:
        if http_client is not None and not isinstance(http_client, httpx.Client):
            raise TypeError(
                f"http_client must be an httpx.Client, not {type(http_client).__name__}"
            )
        super().__init__(
            credentials=credentials or {},
            base_url=base_url,
            server_urls=server_urls,
            timeout=timeout,
            max_retries=max_retries,
            client_headers=client_headers or {},
            auth=auth,
        )
        self._owns_http = http_client is None
        self._http = httpx.Client(timeout=timeout) if http_client is None else http_client
        self._tokens: SyncTokens | ProvidedTokens | None = None
        if self._provider is not None:
            self._tokens = ProvidedTokens(self._provider)
        elif self._grant is not None:
            self._tokens = SyncTokens(
                *self._grant, self._http, on_refresh_token=self._on_refresh_token
            )

    def close(self) -> None:
        """Close the HTTP client, unless it was passed in (then its owner closes it)."""
        if self._owns_http:
            self._http.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def with_raw_response(self, call: Callable[[Self], T]) -> RawResponse[T]:
        """Make one call and get its response as it came: status, headers, bytes, ``.parse()``.

        ``raw = client.with_raw_response(lambda c: c.some_method(...))``; ``raw.parse()`` is
        what ``client.some_method(...)`` would have returned. Retries work as usual; an error
        response raises the usual typed error.
        """
        marker = RawRequest(self)
        token = raw_request.set(marker)
        try:
            result = call(self)
        finally:
            raw_request.reset(token)
        return cast(RawResponse[T], raw_result(result, marker))

    def with_streaming_response(self, call: Callable[[Self], Any]) -> StreamedResponse:
        """Make one call and read its response as it arrives, without holding it in memory:
        ``with client.with_streaming_response(lambda c: c.some_method(...)) as response:
        response.write_to(path)`` (or ``for chunk in response.iter_bytes()``). An error response
        raises the usual typed error; the connection is released when the block exits."""
        marker = RawRequest(self, streamed=True)
        token = raw_request.set(marker)
        try:
            result = call(self)
        finally:
            raw_request.reset(token)
        return cast(StreamedResponse, raw_result(result, marker))

    def _paged(
        self, op: Operation[Any], args: Mapping[str, Any], options: RequestOptions | None
    ) -> SyncPage[Any]:
        """A call of an operation that pages: its first page."""
        return cast(SyncPage[Any], self._call(op, args, options))

    def _streamed(
        self, op: Operation[Any], args: Mapping[str, Any], options: RequestOptions | None
    ) -> Stream[Any]:
        """A call of an operation whose response streams: the stream, once headers arrive."""
        return cast(Stream[Any], self._call(op, args, options))

    def _call(
        self,
        op: Operation[T],
        args: Mapping[str, Any],
        options: RequestOptions | None,
        next_url: str | None = None,
    ) -> T:
        """One call of ``op``: ``args`` are its arguments by name (exactly the operation's
        parameters), ``options`` the call's ``request_options``."""
        marker = self._take_raw()
        raw = marker is not None
        prepared = self._prepare(op, args, options, next_url)
        streamed = op.stream is not None and op.stream.wanted(args)
        streamed = streamed or (marker is not None and marker.streamed)
        attempt = 0
        renewed = False
        while True:
            started = time.monotonic()
            response: httpx.Response | None = None
            failure: httpx.TransportError | None = None
            token = ""
            if prepared.bearer and self._tokens is not None:
                token = self._tokens.get()
                prepared.headers["Authorization"] = f"Bearer {token}"
            try:
                if streamed:  # the body is read by the Stream as it arrives
                    response = self._http.send(
                        self._http.build_request(
                            prepared.method, prepared.url, **request_kwargs(prepared)
                        ),
                        stream=True,
                    )
                    if not response.is_success:  # an error response is read whole
                        try:
                            response.read()
                        finally:
                            response.close()
                else:
                    response = self._http.request(
                        prepared.method, prepared.url, **request_kwargs(prepared)
                    )
            except httpx.TransportError as exc:
                failure = exc
            if self._tokens is not None and self._renew(prepared, response, renewed):
                self._tokens.invalidate(token)
                renewed = True
                continue
            done, value = self._step(
                op, args, options, prepared, attempt, started, response, failure, raw
            )
            if done:
                if marker is not None and marker.streamed and isinstance(value, RawResponse):
                    value = self._streamed_response_class(value.http_response)
                return value  # type: ignore[no-any-return]
            time.sleep(value)
            attempt += 1


class AsyncBaseClient(ClientBase):
    _page_class = AsyncPage
    _stream_class = AsyncStream
    _streamed_response_class = AsyncStreamedResponse

    def __init__(
        self,
        *,
        credentials: Mapping[str, str | None] | None = None,
        base_url: str | None = None,
        server_urls: Mapping[str, str] | None = None,
        timeout: float | httpx.Timeout | None = DEFAULT_TIMEOUT,
        max_retries: int = DEFAULT_MAX_RETRIES,
        http_client: httpx.AsyncClient | None = None,
        client_headers: Mapping[str, str | None] | None = None,
        auth: Mapping[str, Any] | None = None,
    ) -> None:
        if http_client is not None and not isinstance(http_client, httpx.AsyncClient):
            raise TypeError(
                f"http_client must be an httpx.AsyncClient, not {type(http_client).__name__}"
            )
        super().__init__(
            credentials=credentials or {},
            base_url=base_url,
            server_urls=server_urls,
            timeout=timeout,
            max_retries=max_retries,
            client_headers=client_headers or {},
            auth=auth,
        )
        self._owns_http = http_client is None
        self._http = httpx.AsyncClient(timeout=timeout) if http_client is None else http_client
        self._tokens: AsyncTokens | ProvidedTokens | None = None
        if self._provider is not None:
            self._tokens = ProvidedTokens(self._provider)
        elif self._grant is not None:
            self._tokens = AsyncTokens(
                *self._grant, self._http, on_refresh_token=self._on_refresh_token
            )

    async def close(self) -> None:
        """Close the HTTP client, unless it was passed in (then its owner closes it)."""
        if self._owns_http:
            await self._http.aclose()

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    async def with_raw_response(self, call: Callable[[Self], Awaitable[T]]) -> RawResponse[T]:
        """Make one call and get its response as it came: status, headers, bytes, ``.parse()``.

        ``raw = await client.with_raw_response(lambda c: c.some_method(...))``; ``raw.parse()``
        is what ``await client.some_method(...)`` would have returned. Retries work as usual;
        an error response raises the usual typed error.
        """
        marker = RawRequest(self)
        token = raw_request.set(marker)
        try:
            result = await call(self)
        finally:
            raw_request.reset(token)
        return cast(RawResponse[T], raw_result(result, marker))

    async def with_streaming_response(
        self, call: Callable[[Self], Awaitable[Any]]
    ) -> AsyncStreamedResponse:
        """Make one call and read its response as it arrives (see the sync client's);
        ``async with await client.with_streaming_response(...) as response``."""
        marker = RawRequest(self, streamed=True)
        token = raw_request.set(marker)
        try:
            result = await call(self)
        finally:
            raw_request.reset(token)
        return cast(AsyncStreamedResponse, raw_result(result, marker))

    async def _paged(
        self, op: Operation[Any], args: Mapping[str, Any], options: RequestOptions | None
    ) -> AsyncPage[Any]:
        """A call of an operation that pages: its first page."""
        return cast(AsyncPage[Any], await self._call(op, args, options))

    async def _streamed(
        self, op: Operation[Any], args: Mapping[str, Any], options: RequestOptions | None
    ) -> AsyncStream[Any]:
        """A call of an operation whose response streams: the stream, once headers arrive."""
        return cast(AsyncStream[Any], await self._call(op, args, options))

    async def _call(
        self,
        op: Operation[T],
        args: Mapping[str, Any],
        options: RequestOptions | None,
        next_url: str | None = None,
    ) -> T:
        """One call of ``op`` (see the sync client's)."""
        marker = self._take_raw()
        raw = marker is not None
        prepared = self._prepare(op, args, options, next_url)
        streamed = op.stream is not None and op.stream.wanted(args)
        streamed = streamed or (marker is not None and marker.streamed)
        attempt = 0
        renewed = False
        while True:
            started = time.monotonic()
            response: httpx.Response | None = None
            failure: httpx.TransportError | None = None
            token = ""
            if prepared.bearer and self._tokens is not None:
                source = self._tokens
                token = await (
                    source.aget() if isinstance(source, ProvidedTokens) else source.get()
                )
                prepared.headers["Authorization"] = f"Bearer {token}"
            try:
                if streamed:  # the body is read by the AsyncStream as it arrives
                    response = await self._http.send(
                        self._http.build_request(
                            prepared.method, prepared.url, **request_kwargs(prepared)
                        ),
                        stream=True,
                    )
                    if not response.is_success:  # an error response is read whole
                        try:
                            await response.aread()
                        finally:
                            await response.aclose()
                else:
                    response = await self._http.request(
                        prepared.method, prepared.url, **request_kwargs(prepared)
                    )
            except httpx.TransportError as exc:
                failure = exc
            if self._tokens is not None and self._renew(prepared, response, renewed):
                self._tokens.invalidate(token)
                renewed = True
                continue
            done, value = self._step(
                op, args, options, prepared, attempt, started, response, failure, raw
            )
            if done:
                if marker is not None and marker.streamed and isinstance(value, RawResponse):
                    value = self._streamed_response_class(value.http_response)
                return value  # type: ignore[no-any-return]
            await sleep(value)
            attempt += 1

"""Successful responses as they came over the wire (``RawResponse``, from
``client.with_raw_response``), and reading a response: a 2xx into what the method returns, any
other into the typed error it raises.
"""

from __future__ import annotations

from collections.abc import Callable
from contextvars import ContextVar
from typing import Any, Generic, TypeVar, cast

import httpx

from ._descriptors import ClientConfig, Operation
from ._errors import (
    APIResponseValidationError,
    ClientError,
    error_from_response,
    request_id_of,
)
from ._streaming import AsyncStreamedResponse, StreamedResponse

T = TypeVar("T")


class RawResponse(Generic[T]):
    """A successful response as it came over the wire, from ``client.with_raw_response(...)``.

    ``parse()`` turns it into what the method itself returns (parsed on first use, then kept).
    Error responses never get here: they raise the same typed errors as a plain call.
    """

    __slots__ = ("_parse", "_parsed", "http_response")

    def __init__(self, http_response: httpx.Response, parse: Callable[[], T]) -> None:
        self.http_response = http_response
        """The ``httpx.Response`` itself (its request, elapsed time, HTTP version ...)."""
        self._parse: Callable[[], T] | None = parse
        self._parsed: T | None = None

    @property
    def status_code(self) -> int:
        return self.http_response.status_code

    @property
    def headers(self) -> httpx.Headers:
        """Case-insensitive: ``raw.headers["request-id"]`` and ``["Request-Id"]`` both work."""
        return self.http_response.headers

    @property
    def request_id(self) -> str | None:
        """The server's id for this request (``Request-Id`` or ``X-Request-Id``), if it sent one."""
        return request_id_of(self.http_response.headers)

    @property
    def content(self) -> bytes:
        """The body, exactly as received (after any transfer decompression)."""
        return self.http_response.content

    def parse(self) -> T:
        """The response as the method returns it: a model, a page, bytes, ..."""
        if self._parse is not None:
            self._parsed = self._parse()
            self._parse = None
        return cast(T, self._parsed)

    def __repr__(self) -> str:
        return f"<RawResponse [{self.status_code}] request_id={self.request_id!r}>"


class RawRequest:
    """Marks the next call on ``client`` in this context as one that returns a RawResponse
    (``streamed``: a StreamedResponse, its body not read yet)."""

    __slots__ = ("client", "streamed", "taken")

    def __init__(self, client: object, streamed: bool = False) -> None:
        self.client = client
        self.taken = False
        self.streamed = streamed


raw_request: ContextVar[RawRequest | None] = ContextVar("raw_request", default=None)


def raw_result(result: object, marker: RawRequest) -> Any:
    kind = StreamedResponse | AsyncStreamedResponse if marker.streamed else RawResponse
    if not marker.taken or not isinstance(result, kind):
        name = "with_streaming_response" if marker.streamed else "with_raw_response"
        raise TypeError(
            f"{name} expects a function that makes one call on the client it is given "
            "and returns that call's result, e.g. lambda c: c.some_method(...)"
        )
    return result


def parse_success(op: Operation[Any], response: httpx.Response, package: str) -> Any:
    """A 2xx response read by the media type it comes in, among those the operation declares."""
    if not op.responses or response.status_code in (204, 205):
        return None
    content_type = response.headers.get("content-type")
    if content_type is None and not response.content:
        return None  # nothing sent, and nothing said about it
    media = content_type.partition(";")[0].strip().lower() if content_type else None
    target = op.target(media)
    if target is None:
        raise APIResponseValidationError(
            f"HTTP {response.status_code} response in {media}, a media type this operation does "
            f"not declare (it declares {', '.join(op.responses)})",
            status_code=response.status_code,
            request_id=request_id_of(response.headers),
            body=response.text,
            headers=response.headers,
        )
    if target == "text":
        return response.text  # decoded by the response's charset
    try:
        return op.parser(package, target)(response.content)
    except ValueError as exc:  # json.JSONDecodeError and pydantic's ValidationError included
        raise APIResponseValidationError(
            f"HTTP {response.status_code} response does not match the spec: {exc}",
            status_code=response.status_code,
            request_id=request_id_of(response.headers),
            body=response.text,
            headers=response.headers,
        ) from exc


def error_of(op: Operation[Any], response: httpx.Response, config: ClientConfig) -> ClientError:
    """The typed error an error response raises: by status, by the body's type, or the base."""
    try:
        body: Any = response.json()
    except ValueError:
        body = response.text or None
    return error_from_response(
        response.status_code,
        body,
        response.headers,
        model=op.error_model(config.package, response.status_code),
        by_status=config.status_errors,
        by_type=config.error_types,
        rate_limit_codes=config.rate_limit_codes,
        message_pointer=config.error_message,
    )

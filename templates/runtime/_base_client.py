"""The HTTP engine behind the generated clients: request building, retries, response parsing.

Generated methods only describe an operation (an ``Operation``) and pass their arguments; all
behaviour lives here, in plain Python shared by the sync and async clients.

Retries: connection errors, timeouts, 409, 429 and 5xx responses are retried up to ``max_retries``
times, after an exponential backoff with jitter (or the server's ``Retry-After``, capped); the
API's retry-hint header (from its profile) overrides the status either way. A write (POST,
PATCH) is retried like that only when the profile names an idempotency header: the call then
carries one key, made once per call and sent unchanged on every retry, so a retried call never
acts twice. Without one, a write is retried only when it cannot have reached the server
(refused or failed while connecting) or the server said it did not act (429, 503).
"""

from __future__ import annotations

import importlib
import json
import logging
import math
import random
import sys
import time
import uuid
import warnings
from collections.abc import Awaitable, Callable, Mapping
from contextvars import ContextVar
from dataclasses import dataclass, field
from functools import cached_property
from typing import IO, Any, ClassVar, Generic, Literal, Self, TypedDict, TypeVar, cast

import httpx

from ._auth import (
    Credential,
    choose,
    configured,
    mask_in_logs,
    send,
    with_query_credentials,
)
from ._encode import encode, flatten
from ._errors import (
    APIConnectionError,
    APIResponseValidationError,
    APITimeoutError,
    ClientError,
    error_from_response,
    request_id_of,
)
from ._models import lenient_parser
from ._oauth import AsyncTokens, OAuthConfig, ProvidedTokens, SyncTokens, configure
from ._paging import AsyncPage, Paging, SyncPage
from ._placement import body, place
from ._placement import set_header as _set_header
from ._streaming import (
    AsyncStream,
    AsyncStreamedResponse,
    Stream,
    StreamedResponse,
    Streaming,
)

T = TypeVar("T")

FileContent = bytes | IO[bytes]
# A file to upload: its content, or (filename, content) or (filename, content, content type).
FileInput = (
    FileContent | tuple[str | None, FileContent] | tuple[str | None, FileContent, str | None]
)

DEFAULT_TIMEOUT = httpx.Timeout(80.0, connect=30.0)
DEFAULT_MAX_RETRIES = 2
INITIAL_RETRY_DELAY = 0.5  # seconds before the first retry; doubles on each one after it
MAX_RETRY_DELAY = 8.0  # backoff never waits longer than this
MAX_RETRY_AFTER = 60.0  # a server's Retry-After is honoured up to this many seconds
_RETRY_STATUSES = frozenset({409, 429})
_NO_BODY_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
# A multipart body without a single part (every field left out): httpx cannot write one.
_BOUNDARY = "ocg-empty-multipart"
_EMPTY_MULTIPART = f"--{_BOUNDARY}--\r\n".encode()
# Methods HTTP does not promise are idempotent: repeating one may act twice.
_WRITE_METHODS = frozenset({"POST", "PATCH"})
# Responses that say the server did not act on the request, so even a write may be sent again.
_NOT_ACTED_STATUSES = frozenset({429, 503})
# Failures before the request left (no connection, or none free in time): safe to repeat.
_NOT_SENT_FAILURES = (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout)
# Failures worth another attempt: the network or the server let us down. Anything else
# (an unsupported URL scheme, a header httpx refuses to send, a proxy refusing the tunnel) would
# fail the same way again.
_RETRY_FAILURES = (
    httpx.TimeoutException,
    httpx.NetworkError,
    httpx.RemoteProtocolError,
)


class RequestOptions(TypedDict, total=False):
    """Per-call settings, accepted by every method as ``request_options``.

    When an operation has a parameter of its own called ``request_options``, the parameter
    keeps that name and the options move to ``request_options_2`` (``_3`` if that is taken too).
    """

    timeout: float | httpx.Timeout | None
    """Seconds (or an ``httpx.Timeout``) for this call; ``None`` waits forever."""
    max_retries: int
    """Retries for this call; ``0`` never retries."""
    extra_headers: Mapping[str, str]
    """Headers to add or override."""
    extra_query: Mapping[str, Any]
    """Query parameters to add, for parameters the spec does not list yet."""
    extra_body: Mapping[str, Any]
    """Body fields to add, for parameters the spec does not list yet."""


@dataclass(frozen=True)
class ClientConfig:
    """What the spec and the API's profile say about the client; generated once per package."""

    package: str
    base_url: str
    api_version: str
    version_header: str | None = None
    retry_hint_header: str | None = None
    client_headers: Mapping[str, str] = field(default_factory=dict)  # keyword -> header
    # Errors: status ("404", "4XX", "default") -> class, body "type" -> class (_exceptions.py)
    status_errors: Mapping[str, type[ClientError]] = field(default_factory=dict)
    error_types: Mapping[str, type[ClientError]] = field(default_factory=dict)
    rate_limit_codes: tuple[str, ...] = ()
    # "brackets": every query parameter is bracket-encoded as in a form body (``expand[0]=a``),
    # whatever its style; None: each parameter in its own OpenAPI style.
    param_style: str | None = None
    error_message: str | None = None  # JSON pointer to an error body's message
    idempotency_header: str | None = None  # sent on every write, which makes writes retryable
    # Credential arguments of the client, and the alternatives operations use by default.
    credentials: Mapping[str, Credential] = field(default_factory=dict)
    security: tuple[tuple[str, ...], ...] = ()
    oauth: OAuthConfig | None = None  # OAuth2 grants the client can run itself

    @cached_property  # a frozen dataclass still has a __dict__ for it: computed once
    def option_keys(self) -> frozenset[str]:
        """The keys ``request_options`` may have: any other is a typo, or an option of another API."""
        keys = set(RequestOptions.__annotations__) | set(self.client_headers)
        if self.idempotency_header:
            keys.add("idempotency_key")
        return frozenset(keys)


class Operation(Generic[T]):
    """One API operation: where each argument goes and how to read the response.

    Arguments are sent under their own name unless ``wire_names`` says otherwise; those not
    listed as path, query, header or cookie parameters go in the body. ``styles`` gives the
    OpenAPI style of a parameter that does not use its location's default (see ``_encode``),
    ``reserved`` the query parameters sent with ``allowReserved``. ``body`` is how the body is
    sent: "json" (as ``media_type``, ``application/json`` by default), "form", "multipart"
    (``parts`` gives a part's content type) or "raw" (bytes, text or a file, as ``media_type``).
    ``nullable`` names body arguments for which ``None`` is sent as JSON ``null``. A JSON body
    that is not ``body_required`` is left out when none of its fields is given.
    """

    __slots__ = (
        "_error_models",
        "_parsers",
        "accept",
        "body",
        "body_required",
        "cookies",
        "deprecated",
        "errors",
        "fixed_query",
        "headers",
        "media_type",
        "method",
        "nullable",
        "paging",
        "parts",
        "path",
        "path_params",
        "query",
        "reserved",
        "response",
        "responses",
        "security",
        "server",
        "stream",
        "styles",
        "whole_body",
        "wire_names",
    )

    def __init__(
        self,
        method: str,
        path: str,
        *,
        path_params: str = "",
        query: str = "",
        headers: str = "",
        wire_names: Mapping[str, str] | None = None,
        body: Literal["form", "json", "multipart", "raw"] | None = None,
        whole_body: str | None = None,
        response: str | None = None,
        server: str | None = None,
        deprecated: Mapping[str, str] | None = None,
        cookies: str = "",
        styles: Mapping[str, str] | None = None,
        reserved: str = "",
        media_type: str | None = None,
        parts: Mapping[str, str] | None = None,
        nullable: str = "",
        responses: Mapping[str, str] | None = None,
        errors: Mapping[str, str] | None = None,
        body_required: bool = False,
        security: tuple[tuple[str, ...], ...] | None = None,
        accept: str | None = None,
        paging: Paging | None = None,
        stream: Streaming | None = None,
        fixed_query: str = "",
    ) -> None:
        self.method = method
        self.path = path
        self.fixed_query = fixed_query  # the query its path key carries, sent with every call
        # Names of the arguments sent in each place, space-separated in the descriptor (compact
        # to generate and to format); small tuples test membership as fast as sets.
        self.path_params = tuple(path_params.split())
        self.query = tuple(query.split())
        self.headers = tuple(headers.split())
        self.wire_names = wire_names or {}
        self.body = body
        self.whole_body = whole_body  # the argument that is the whole (non-object) body
        # "module:Name" below the package; "bytes" for a binary response, "json" for untyped JSON,
        # None for no content.
        # A string, so the model is imported on the first call, not when the client loads.
        self.response = response
        # Media type -> how a response in it is read ("text" for str), JSON first: the media
        # types the operation declares. Given only when it is not just JSON as ``response``.
        if responses is None and response is not None:
            responses = {_DEFAULT_MEDIA.get(response, "application/json"): response}
        self.responses = dict(responses or {})
        # The Accept header: the declared media types, unless the spec allows only some values
        self.accept = accept or ", ".join(self.responses) or None
        self.server = server
        self.deprecated = deprecated or {}  # argument name ("" = the operation) -> message
        self.cookies = tuple(cookies.split())
        self.styles = styles or {}
        self.reserved = tuple(reserved.split())
        self.media_type = media_type
        self.parts = parts or {}
        self.nullable = tuple(nullable.split())
        self.body_required = body_required
        self._parsers: dict[str, Callable[[bytes], Any]] = {}
        # Declared error responses: status ("404", "4XX", "default") -> "module:Name" of the
        # error model, imported on the first error response that needs it.
        self.errors = errors or {}
        self._error_models: dict[str, Any] = {}
        # Alternatives of credential arguments (None: the client's default; (): send none).
        self.security = security
        self.paging = paging  # how the response leads to the next page (a SyncPage/AsyncPage)
        self.stream = stream  # how the response is read as it arrives (a Stream/AsyncStream)

    def target(self, media: str | None) -> str | None:
        """How to read a response of media type ``media`` (no Content-Type: the first declared
        type); None when the operation does not declare it."""
        if media is None:
            return next(iter(self.responses.values()), None)
        found = self.responses.get(media)
        if found is None:  # a declared range: text/*, */*
            found = self.responses.get(media.partition("/")[0] + "/*") or self.responses.get("*/*")
        return found

    def parser(self, package: str, target: str) -> Callable[[bytes], Any]:
        """The parser for ``target`` (one of the values of ``responses``), made on first use."""
        found = self._parsers.get(target)
        if found is None:
            found = self._parsers[target] = _make_parser(package, target)
        return found

    def error_model(self, package: str, status: int) -> Any:
        """The model the spec declares for an error response of ``status``, or None."""
        key = next(
            (k for k in (str(status), f"{status // 100}XX", "default") if k in self.errors),
            None,
        )
        if key is None:
            return None
        if key not in self._error_models:
            module_name, _, attr = self.errors[key].partition(":")
            module = importlib.import_module(f"{package}.{module_name}")
            self._error_models[key] = getattr(module, attr)
        return self._error_models[key]


# What a legacy descriptor (``response`` alone) responses in.
_DEFAULT_MEDIA = {"bytes": "*/*"}


def _make_parser(package: str, response: str) -> Callable[[bytes], Any]:
    if response == "bytes":
        return lambda content: content
    if response == "json":
        return json.loads
    module_name, _, attr = response.partition(":")
    target = getattr(importlib.import_module(f"{package}.{module_name}"), attr)
    return lenient_parser(target, logging.getLogger(package))


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


class _RawRequest:
    """Marks the next call on ``client`` in this context as one that returns a RawResponse
    (``streamed``: a StreamedResponse, its body not read yet)."""

    __slots__ = ("client", "streamed", "taken")

    def __init__(self, client: object, streamed: bool = False) -> None:
        self.client = client
        self.taken = False
        self.streamed = streamed


_raw_request: ContextVar[_RawRequest | None] = ContextVar("_raw_request", default=None)


def _raw_result(result: object, marker: _RawRequest) -> Any:
    kind = StreamedResponse | AsyncStreamedResponse if marker.streamed else RawResponse
    if not marker.taken or not isinstance(result, kind):
        name = "with_streaming_response" if marker.streamed else "with_raw_response"
        raise TypeError(
            f"{name} expects a function that makes one call on the client it is given "
            "and returns that call's result, e.g. lambda c: c.some_method(...)"
        )
    return result


@dataclass
class _Prepared:
    method: str
    url: str
    query: list[tuple[str, str]]
    headers: dict[str, str]
    form: list[tuple[str, str]] | None
    json: Any
    files: list[tuple[str, Any]] | None
    timeout: float | httpx.Timeout | None
    max_retries: int
    content: bytes | None = None  # a raw body, sent as it is (its Content-Type is in headers)
    bearer: bool = False  # Authorization carries the current token of the token source


class _Base:
    _config: ClassVar[ClientConfig]
    _page_class: ClassVar[type[SyncPage[Any] | AsyncPage[Any]]]
    _stream_class: ClassVar[type[Stream[Any] | AsyncStream[Any]]]
    _streamed_response_class: ClassVar[type[StreamedResponse | AsyncStreamedResponse]]

    def __init__(
        self,
        *,
        credentials: Mapping[str, str | None],
        base_url: str | None,
        server_urls: Mapping[str, str] | None,
        timeout: float | httpx.Timeout | None,
        max_retries: int,
        client_headers: Mapping[str, str | None],
        auth: Mapping[str, Any] | None = None,
    ) -> None:
        config = self._config
        self._credentials = configured(config.credentials, credentials)
        mask_in_logs(config.credentials)
        self.base_url = (base_url or config.base_url).rstrip("/")
        self._auth_setup(dict(auth or {}))
        self._base_url_given = base_url is not None
        self.server_urls = {k.rstrip("/"): v.rstrip("/") for k, v in (server_urls or {}).items()}
        self.timeout = timeout
        self.max_retries = max_retries
        self._log = logging.getLogger(config.package)
        self._headers: dict[str, str] = {}
        for keyword, value in client_headers.items():
            header = config.client_headers[keyword]
            if value is not None:
                self._headers[header] = value
        if config.version_header and config.version_header not in self._headers:
            # Send the version the models were generated from, so responses match them.
            self._headers[config.version_header] = config.api_version

    def __repr__(self) -> str:  # never show the key
        return f"{type(self).__name__}(base_url={self.base_url!r})"

    def _auth_setup(self, given: dict[str, Any]) -> None:
        """A bearer token fetched per call: from ``token_provider``, or from the OAuth2 grant
        the keywords (or their variables) complete. A fixed token, when configured, wins."""
        config = self._config
        self._provider = given.pop("token_provider", None)
        self._on_refresh_token = given.pop("on_refresh_token", None)
        self._grant = None
        bearer = config.oauth.argument if config.oauth is not None else None
        bearer = bearer or next(
            (a for a, c in config.credentials.items() if c.kind == "bearer"), None
        )
        self._values = self._credentials  # what ``choose`` and ``send`` see
        self._dynamic = False
        if bearer is None or bearer in self._credentials:
            return
        if self._provider is None and config.oauth is not None:
            self._grant = configure(config.oauth, given, self.base_url)
        if self._provider is not None or self._grant is not None:
            self._values = {**self._credentials, bearer: ""}  # set per attempt
            self._dynamic = True

    def _take_raw(self) -> _RawRequest | None:
        """The marker when this call returns a RawResponse or StreamedResponse (the first call
        made by a with_raw_response function on this client); read before the first ``await``."""
        marker = _raw_request.get()
        if marker is None or marker.taken or marker.client is not self:
            return None
        marker.taken = True
        return marker

    # Request building --------------------------------------------------------------------
    def _prepare(
        self,
        op: Operation[Any],
        args: Mapping[str, Any],
        options: RequestOptions | None,
        next_url: str | None = None,
    ) -> _Prepared:
        """``next_url``: a next page's URL from the server, which already holds the query."""
        for name, message in op.deprecated.items():
            if name == "" or args.get(name) is not None:
                warnings.warn(message, DeprecationWarning, stacklevel=4)
        options = options or {}
        unknown = set(options) - self._config.option_keys if options else None
        if unknown:
            raise TypeError(
                f"unknown request_options key {', '.join(map(repr, sorted(unknown)))}; this "
                f"client takes {', '.join(sorted(self._config.option_keys))}"
            )
        headers = dict(self._headers)
        if op.accept is not None:  # extra_headers may still override it
            headers["Accept"] = op.accept
        placed = place(op, args, brackets=self._config.param_style == "brackets")
        for name, text in placed.headers.items():
            _set_header(headers, name, text)
        query, cookies = placed.query, placed.cookies
        security = self._config.security if op.security is None else op.security
        chosen = choose(security, self._values)
        bearer = self._dynamic and any(self._config.credentials[a].kind == "bearer" for a in chosen)
        if chosen:
            send(
                chosen,
                self._values,
                self._config.credentials,
                headers,
                query,
                cookies,
            )
        if cookies:
            _set_header(headers, "Cookie", "; ".join(cookies))
        for keyword, header in self._config.client_headers.items():
            value = options.get(keyword)
            if value is not None:
                _set_header(headers, header, str(value))
        if next_url is None:  # a next page's URL holds the query already
            query.update(options.get("extra_query") or {})
        extra_body = options.get("extra_body")
        if op.body == "json" and placed.whole is not None:
            placed.whole = _merge_extra_body(placed.whole, extra_body)
        elif extra_body:
            placed.fields.update(extra_body)
        for header, value in (options.get("extra_headers") or {}).items():
            _set_header(headers, header, value)
        method = op.method.upper()
        idempotency = self._config.idempotency_header
        if idempotency and method not in _NO_BODY_METHODS:
            # One key per logical call, made here (once) and sent on every retry of it.
            key = (
                cast(Mapping[str, str], options).get("idempotency_key")
                or _get_header(headers, idempotency)
                or str(uuid.uuid4())
            )
            _set_header(headers, idempotency, key)
        encoded = body(op, placed)
        content, files = encoded.content, encoded.files
        if encoded.content_type is not None and encoded.form is None:
            _set_header(headers, "Content-Type", encoded.content_type)
        if files == []:  # httpx would send an empty form instead of an empty multipart body
            content, files = _EMPTY_MULTIPART, None
            _set_header(headers, "Content-Type", f"multipart/form-data; boundary={_BOUNDARY}")
        url = self._server(op) + placed.path
        if next_url is not None:  # it holds the query, but maybe not a credential sent there
            credentials = self._config.credentials
            url, placed.styled = with_query_credentials(next_url, chosen, credentials, query), []
            query = {}
        if placed.styled:  # the query goes in the URL as it is: httpx would re-encode a string
            url += "?" + placed.query_string()
            query = {}
        return _Prepared(
            method=method,
            url=url,
            query=flatten(query),
            headers=headers,
            form=encoded.form,
            json=encoded.json,
            files=files,
            content=content,
            timeout=options.get("timeout", self.timeout),
            max_retries=max(0, options.get("max_retries", self.max_retries)),
            bearer=bearer,
        )

    def _server(self, op: Operation[Any]) -> str:
        server = op.server or self._config.base_url
        if server in self.server_urls:
            return self.server_urls[server]
        if op.server is None or self._base_url_given:
            # An explicit base_url (a gateway, a mock) takes every call, whatever its server.
            return self.base_url
        return op.server

    def _request_kwargs(self, prepared: _Prepared) -> dict[str, Any]:
        kwargs: dict[str, Any] = {
            "headers": prepared.headers,
            "timeout": prepared.timeout,
        }
        if prepared.query:
            kwargs["params"] = encode(prepared.query)
        if prepared.content is not None:
            kwargs["content"] = prepared.content
        elif prepared.files is not None:
            kwargs["files"] = prepared.files
        elif prepared.form is not None:
            kwargs["content"] = encode(prepared.form).encode()
            headers = dict(prepared.headers)
            _set_header(headers, "Content-Type", "application/x-www-form-urlencoded")
            kwargs["headers"] = headers
        elif prepared.json is not None:
            kwargs["json"] = prepared.json
        return kwargs

    # Responses -----------------------------------------------------------------------------
    def _outcome(
        self,
        op: Operation[Any],
        response: httpx.Response,
        args: Mapping[str, Any],
        options: RequestOptions | None,
    ) -> Any:
        if response.is_success:
            if op.stream is not None and op.stream.wanted(args):
                item = op.stream.item
                decode = op.parser(self._config.package, item) if item else None
                return self._stream_class(response, op.stream, decode)
            result = self._parse_success(op, response)
            if op.paging is not None:
                return self._page_class(
                    op.paging,
                    result,
                    response,
                    args,
                    lambda next_args, url: self._call(op, next_args, options, url),  # type: ignore[attr-defined]
                )
            # Pages are models of the pagination module, which is only imported by packages
            # that have list or search responses: when it is not loaded, nothing is a page.
            pagination = sys.modules.get(f"{self._config.package}._pagination")
            if pagination is not None and isinstance(result, pagination.Page):
                # let it fetch the pages after it with the same call
                # (only by an argument the operation takes: a page of another API's list
                # shaped like Stripe's would otherwise ask for its first page again forever)
                accepts = op.query if op.body is None else None
                result.bind(lambda next_args: self._call(op, next_args, options), args, accepts)  # type: ignore[attr-defined]
            return result
        raise self._error(op, response)

    def _parse_success(self, op: Operation[Any], response: httpx.Response) -> Any:
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
            return op.parser(self._config.package, target)(response.content)
        except ValueError as exc:  # json.JSONDecodeError and pydantic's ValidationError included
            raise APIResponseValidationError(
                f"HTTP {response.status_code} response does not match the spec: {exc}",
                status_code=response.status_code,
                request_id=request_id_of(response.headers),
                body=response.text,
                headers=response.headers,
            ) from exc

    def _error(self, op: Operation[Any], response: httpx.Response) -> ClientError:
        try:
            body: Any = response.json()
        except ValueError:
            body = response.text or None
        config = self._config
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

    def _step(
        self,
        op: Operation[Any],
        args: Mapping[str, Any],
        options: RequestOptions | None,
        prepared: _Prepared,
        attempt: int,
        started: float,
        response: httpx.Response | None,
        failure: httpx.TransportError | None,
        raw: bool,
    ) -> tuple[bool, Any]:
        """After one attempt: ``(True, result)`` to finish, ``(False, delay)`` to retry; raises
        when the call failed for good. Shared by the sync and async loops."""
        last = attempt >= prepared.max_retries
        if response is None:
            kind = type(failure).__name__
            timed_out = isinstance(failure, httpx.TimeoutException)
            self._log_attempt(prepared, attempt, started, None, kind)
            unsafe = self._unsafe_write(prepared) and not isinstance(failure, _NOT_SENT_FAILURES)
            if last or unsafe or not isinstance(failure, _RETRY_FAILURES):
                note = (
                    f"; not retried: the {prepared.method} was sent and may have reached the "
                    "server, so sending it again could repeat it"
                    if unsafe and not last and isinstance(failure, _RETRY_FAILURES)
                    else ""
                )
                if timed_out:
                    raise APITimeoutError(f"request timed out ({kind}){note}") from failure
                raise APIConnectionError(f"connection failed ({kind}){note}") from failure
            return False, self._retry_delay(prepared, attempt, None)
        self._log_attempt(prepared, attempt, started, response)
        if response.is_success and raw:
            return True, RawResponse(response, lambda: self._outcome(op, response, args, options))
        if response.is_success or last or not self._should_retry(prepared, response):
            return True, self._outcome(op, response, args, options)
        return False, self._retry_delay(prepared, attempt, response)

    def _renew(self, prepared: _Prepared, response: httpx.Response | None, renewed: bool) -> bool:
        """Whether a 401 to a fetched token is responded by renewing it and sending once more."""
        if response is None or response.status_code != 401 or not prepared.bearer:
            return False
        if renewed:
            return False
        self._log.info(
            "%s %s -> 401: token refused, renewing it and sending once more",
            prepared.method,
            httpx.URL(prepared.url).path,
        )
        return True

    def _unsafe_write(self, prepared: _Prepared) -> bool:
        """A write that carries no idempotency key: the server could act on it twice."""
        return prepared.method in _WRITE_METHODS and not self._config.idempotency_header

    def _should_retry(self, prepared: _Prepared, response: httpx.Response) -> bool:
        hint = self._config.retry_hint_header
        if hint and hint in response.headers:  # the server knows best: "true" or "false"
            return response.headers[hint].strip().lower() == "true"
        if self._unsafe_write(prepared):
            return response.status_code in _NOT_ACTED_STATUSES
        return response.status_code in _RETRY_STATUSES or response.status_code >= 500

    def _retry_delay(
        self, prepared: _Prepared, attempt: int, response: httpx.Response | None
    ) -> float:
        delay = _delay(attempt, response)
        if self._log.isEnabledFor(logging.INFO):
            self._log.info(
                "%s %s retrying in %.2fs (retry %d of %d)",
                prepared.method, httpx.URL(prepared.url).path, delay, attempt + 1, prepared.max_retries,
            )  # fmt: skip
        return delay

    def _log_attempt(
        self,
        prepared: _Prepared,
        attempt: int,
        started: float,
        response: httpx.Response | None,
        error: str = "",
    ) -> None:
        # Method, path (never the query), status, request id, attempt, time: nothing sent in a
        # header, query or body appears.
        if not self._log.isEnabledFor(logging.INFO):
            return
        path = httpx.URL(prepared.url).path
        status = response.status_code if response is not None else error
        request_id = (request_id_of(response.headers) if response is not None else None) or "-"
        self._log.info(
            "%s %s -> %s request_id=%s attempt=%d/%d elapsed=%.3fs",
            prepared.method, path, status, request_id, attempt + 1, prepared.max_retries + 1,
            time.monotonic() - started,
        )  # fmt: skip


def _delay(attempt: int, response: httpx.Response | None) -> float:
    """Seconds to wait before retry number ``attempt + 1``: exponential backoff with jitter, or
    the server's ``Retry-After`` (capped at MAX_RETRY_AFTER) when that is longer."""
    delay: float = min(MAX_RETRY_DELAY, INITIAL_RETRY_DELAY * 2.0**attempt)
    delay *= 1 - 0.25 * random.random()  # jitter spreads clients that failed together
    after = _retry_after(response) if response is not None else None
    if after is not None:
        delay = max(delay, min(after, MAX_RETRY_AFTER))
    return delay


def _retry_after(response: httpx.Response) -> float | None:
    """``Retry-After`` in seconds: a number of seconds or an HTTP date; None if absent or bad."""
    value = response.headers.get("retry-after")
    if value is None:
        return None
    try:
        seconds = float(value)
    except ValueError:
        try:
            from email.utils import parsedate_to_datetime  # rare: not paid at import

            when = parsedate_to_datetime(value)
        except (TypeError, ValueError, IndexError):
            return None
        seconds = when.timestamp() - time.time()  # a naive date is read as UTC (RFC 9110)
    return max(0.0, seconds) if math.isfinite(seconds) else None


def _merge_extra_body(whole_body: Any, extra: Mapping[str, Any] | None) -> Any:
    if not extra:
        return whole_body
    if not isinstance(whole_body, Mapping):
        raise TypeError("extra_body needs a JSON object body; this call's body is not one")
    return {**whole_body, **extra}


def _get_header(headers: Mapping[str, str], name: str) -> str | None:
    lower = name.lower()
    return next((v for k, v in headers.items() if k.lower() == lower), None)


async def _sleep(seconds: float) -> None:
    # asyncio is imported on the first retry of an async call: importing it costs ~35 ms,
    # and a sync application never needs it.
    import asyncio

    await asyncio.sleep(seconds)


class SyncBaseClient(_Base):
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
        marker = _RawRequest(self)
        token = _raw_request.set(marker)
        try:
            result = call(self)
        finally:
            _raw_request.reset(token)
        return cast(RawResponse[T], _raw_result(result, marker))

    def with_streaming_response(self, call: Callable[[Self], Any]) -> StreamedResponse:
        """Make one call and read its response as it arrives, without holding it in memory:
        ``with client.with_streaming_response(lambda c: c.some_method(...)) as response:
        response.write_to(path)`` (or ``for chunk in response.iter_bytes()``). An error response
        raises the usual typed error; the connection is released when the block exits."""
        marker = _RawRequest(self, streamed=True)
        token = _raw_request.set(marker)
        try:
            result = call(self)
        finally:
            _raw_request.reset(token)
        return cast(StreamedResponse, _raw_result(result, marker))

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
                            prepared.method, prepared.url, **self._request_kwargs(prepared)
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
                        prepared.method, prepared.url, **self._request_kwargs(prepared)
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


class AsyncBaseClient(_Base):
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
        marker = _RawRequest(self)
        token = _raw_request.set(marker)
        try:
            result = await call(self)
        finally:
            _raw_request.reset(token)
        return cast(RawResponse[T], _raw_result(result, marker))

    async def with_streaming_response(
        self, call: Callable[[Self], Awaitable[Any]]
    ) -> AsyncStreamedResponse:
        """Make one call and read its response as it arrives (see the sync client's);
        ``async with await client.with_streaming_response(...) as response``."""
        marker = _RawRequest(self, streamed=True)
        token = _raw_request.set(marker)
        try:
            result = await call(self)
        finally:
            _raw_request.reset(token)
        return cast(AsyncStreamedResponse, _raw_result(result, marker))

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
                            prepared.method, prepared.url, **self._request_kwargs(prepared)
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
                        prepared.method, prepared.url, **self._request_kwargs(prepared)
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
            await _sleep(value)
            attempt += 1

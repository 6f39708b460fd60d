"""The HTTP engine behind the generated clients: request building, retries, response parsing.

Generated methods only describe an operation (an ``Operation``) and pass their arguments; all
behaviour lives here, in plain Python shared by the sync and async clients.
"""

from __future__ import annotations

import asyncio
import importlib
import json
import logging
import os
import random
import time
import uuid
import warnings
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import IO, Any, ClassVar, Generic, Literal, TypedDict, TypeVar, cast

import httpx
from pydantic import BaseModel, TypeAdapter

from ._encode import encode, flatten, path_segment
from ._errors import APIConnectionError, APITimeoutError, ClientError, error_from_response
from ._pagination import Page

T = TypeVar("T")
_S = TypeVar("_S", bound="SyncBaseClient")
_A = TypeVar("_A", bound="AsyncBaseClient")

FileContent = bytes | IO[bytes]
# A file to upload: its content, or (filename, content) or (filename, content, content type).
File = FileContent | tuple[str | None, FileContent] | tuple[str | None, FileContent, str | None]

DEFAULT_TIMEOUT = httpx.Timeout(80.0, connect=30.0)
DEFAULT_MAX_RETRIES = 2
INITIAL_RETRY_DELAY = 0.5
MAX_RETRY_DELAY = 8.0
MAX_RETRY_AFTER = 60.0
_RETRY_STATUSES = frozenset({409, 429})
_NO_BODY_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


class RequestOptions(TypedDict, total=False):
    """Per-call settings, accepted by every method as ``request_options``."""

    idempotency_key: str
    timeout: float | httpx.Timeout | None
    max_retries: int
    extra_headers: Mapping[str, str]
    extra_query: Mapping[str, Any]
    extra_body: Mapping[str, Any]


@dataclass(frozen=True)
class ClientConfig:
    """What the spec and the API's profile say about the client; generated once per package."""

    package: str
    base_url: str
    api_key_env: str
    api_version: str
    version_header: str | None = None
    retry_hint_header: str | None = None
    client_headers: Mapping[str, str] = field(default_factory=dict)  # keyword -> header
    error_types: Mapping[str, str] = field(default_factory=dict)  # body "type" -> class name
    rate_limit_codes: tuple[str, ...] = ()


class Operation(Generic[T]):
    """One API operation: where each argument goes and how to read the answer.

    Arguments are sent under their own name unless ``wire_names`` says otherwise; those not
    listed as path, query or header parameters go in the body.
    """

    __slots__ = (
        "_parse",
        "body",
        "deprecated",
        "headers",
        "method",
        "options_arg",
        "path",
        "path_params",
        "query",
        "response",
        "server",
        "whole_body",
        "wire_names",
    )

    def __init__(
        self,
        method: str,
        path: str,
        *,
        path_params: tuple[str, ...] = (),
        query: tuple[str, ...] = (),
        headers: tuple[str, ...] = (),
        wire_names: Mapping[str, str] | None = None,
        body: Literal["form", "json", "multipart"] | None = None,
        whole_body: str | None = None,
        response: str | None = None,
        server: str | None = None,
        deprecated: Mapping[str, str] | None = None,
        options_arg: str = "request_options",
    ) -> None:
        self.method = method
        self.path = path
        self.path_params = frozenset(path_params)
        self.query = frozenset(query)
        self.headers = frozenset(headers)
        self.wire_names = wire_names or {}
        self.body = body
        self.whole_body = whole_body  # the argument that is the whole (non-object) body
        # "module:Name" below the package; "bytes" for a binary answer, "json" for untyped JSON,
        # None for no content.
        # A string, so the model is imported on the first call, not when the client loads.
        self.response = response
        self.server = server
        self.deprecated = deprecated or {}  # argument name ("" = the operation) -> message
        self.options_arg = options_arg
        self._parse: Callable[[bytes], Any] | None = None

    def parser(self, package: str) -> Callable[[bytes], Any]:
        if self._parse is None:
            self._parse = _make_parser(package, self.response)
        return self._parse


def _make_parser(package: str, response: str | None) -> Callable[[bytes], Any]:
    if response is None:
        return lambda content: None
    if response == "bytes":
        return lambda content: content
    if response == "json":
        return json.loads
    module_name, _, attr = response.partition(":")
    target = getattr(importlib.import_module(f"{package}.{module_name}"), attr)
    if isinstance(target, type) and issubclass(target, BaseModel):
        return target.model_validate_json
    return TypeAdapter(target).validate_json


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


class _Base:
    _config: ClassVar[ClientConfig]

    def __init__(
        self,
        *,
        api_key: str | None,
        base_url: str | None,
        server_urls: Mapping[str, str] | None,
        timeout: float | httpx.Timeout | None,
        max_retries: int,
        client_headers: Mapping[str, str | None],
    ) -> None:
        config = self._config
        self.api_key = api_key if api_key is not None else os.environ.get(config.api_key_env) or None
        self.base_url = (base_url or config.base_url).rstrip("/")
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
            # Send the version the models were generated from, so answers match them.
            self._headers[config.version_header] = config.api_version
        if self.api_key:
            self._headers["Authorization"] = f"Bearer {self.api_key}"

    def __repr__(self) -> str:  # never show the key
        return f"{type(self).__name__}(base_url={self.base_url!r})"

    # Request building --------------------------------------------------------------------
    def _prepare(self, op: Operation[Any], args: Mapping[str, Any]) -> _Prepared:
        for name, message in op.deprecated.items():
            if name == "" or args.get(name) is not None:
                warnings.warn(message, DeprecationWarning, stacklevel=4)
        options = cast(RequestOptions, args.get(op.options_arg) or {})
        path = op.path
        query: dict[str, Any] = {}
        headers = dict(self._headers)
        body: dict[str, Any] = {}
        whole_body: Any = None
        for name, value in args.items():
            if value is None or name == "self" or name == op.options_arg:
                continue
            wire = op.wire_names.get(name, name)
            if name in op.path_params:
                path = path.replace("{" + wire + "}", path_segment(value))
            elif name in op.query:
                query[wire] = value
            elif name in op.headers:
                headers[wire] = str(value)
            elif name == op.whole_body:
                whole_body = value
            else:
                body[wire] = value
        for keyword, header in self._config.client_headers.items():
            value = options.get(keyword)
            if value is not None:
                headers[header] = str(value)
        query.update(options.get("extra_query") or {})
        body.update(options.get("extra_body") or {})
        headers.update(options.get("extra_headers") or {})
        method = op.method
        if method not in _NO_BODY_METHODS:
            headers["Idempotency-Key"] = options.get("idempotency_key") or str(uuid.uuid4())
        form = files = json_body = None
        if op.body == "form":
            form = flatten(body)
        elif op.body == "multipart":
            form, files = _split_files(body)
        elif op.body == "json":
            json_body = whole_body if whole_body is not None else body
        return _Prepared(
            method=method,
            url=self._server(op) + path,
            query=flatten(query),
            headers=headers,
            form=form,
            json=json_body,
            files=files,
            timeout=options.get("timeout", self.timeout),
            max_retries=options.get("max_retries", self.max_retries),
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
        kwargs: dict[str, Any] = {"headers": prepared.headers, "timeout": prepared.timeout}
        if prepared.query:
            kwargs["params"] = encode(prepared.query)
        if prepared.files is not None:
            kwargs["data"] = dict(prepared.form or [])
            kwargs["files"] = prepared.files
        elif prepared.form is not None:
            kwargs["content"] = encode(prepared.form).encode()
            kwargs["headers"] = {**prepared.headers, "Content-Type": "application/x-www-form-urlencoded"}
        elif prepared.json is not None:
            kwargs["json"] = prepared.json
        return kwargs

    # Answers -----------------------------------------------------------------------------
    def _outcome(self, op: Operation[Any], response: httpx.Response, args: Mapping[str, Any]) -> Any:
        if response.is_success:
            result = op.parser(self._config.package)(response.content)
            if isinstance(result, Page):  # let it fetch the pages after it with the same call
                result.bind(lambda next_args: self._call(op, next_args), args)  # type: ignore[attr-defined]
            return result
        raise self._error(response)

    def _error(self, response: httpx.Response) -> ClientError:
        try:
            body: Any = response.json()
        except ValueError:
            body = response.text or None
        return error_from_response(
            response.status_code,
            body,
            response.headers,
            error_types=self._config.error_types,
            rate_limit_codes=self._config.rate_limit_codes,
        )

    def _step(
        self,
        op: Operation[Any],
        args: Mapping[str, Any],
        prepared: _Prepared,
        attempt: int,
        started: float,
        response: httpx.Response | None,
        failure: httpx.TransportError | None,
    ) -> tuple[bool, Any]:
        """After one attempt: ``(True, result)`` to finish, ``(False, delay)`` to retry; raises
        when the call failed for good. Shared by the sync and async loops."""
        last = attempt >= prepared.max_retries
        if response is None:
            timed_out = isinstance(failure, httpx.TimeoutException)
            self._log_attempt(prepared, attempt, started, None, "timeout" if timed_out else "connection error")
            if last:
                kind = type(failure).__name__
                if timed_out:
                    raise APITimeoutError(f"request timed out ({kind})") from failure
                raise APIConnectionError(f"connection failed ({kind})") from failure
            return False, self._delay(attempt, None)
        self._log_attempt(prepared, attempt, started, response)
        if response.is_success or last or not self._should_retry(response):
            return True, self._outcome(op, response, args)
        return False, self._delay(attempt, response)

    def _should_retry(self, response: httpx.Response) -> bool:
        hint = self._config.retry_hint_header
        if hint and hint in response.headers:
            return response.headers[hint].lower() == "true"
        return response.status_code in _RETRY_STATUSES or response.status_code >= 500

    def _delay(self, attempt: int, response: httpx.Response | None) -> float:
        if response is not None:
            after = _retry_after(response)
            if after is not None:
                return after
        delay: float = min(MAX_RETRY_DELAY, INITIAL_RETRY_DELAY * 2.0**attempt)
        return delay * (1 - 0.25 * random.random())  # jitter spreads clients that failed together

    def _log_attempt(
        self, prepared: _Prepared, attempt: int, started: float, response: httpx.Response | None, error: str = ""
    ) -> None:
        if not self._log.isEnabledFor(logging.INFO):
            return
        path = httpx.URL(prepared.url).path
        status = response.status_code if response is not None else error
        request_id = response.headers.get("request-id", "-") if response is not None else "-"
        self._log.info(
            "%s %s -> %s request_id=%s attempt=%d elapsed=%.3fs",
            prepared.method, path, status, request_id, attempt + 1, time.monotonic() - started,
        )  # fmt: skip


def _retry_after(response: httpx.Response) -> float | None:
    value = response.headers.get("retry-after")
    if value is None:
        return None
    try:
        seconds = float(value)
    except ValueError:
        return None
    return seconds if 0 <= seconds <= MAX_RETRY_AFTER else None


def _split_files(body: Mapping[str, Any]) -> tuple[list[tuple[str, str]], list[tuple[str, Any]]]:
    fields: dict[str, Any] = {}
    files: list[tuple[str, Any]] = []
    for key, value in body.items():
        if isinstance(value, bytes | bytearray | tuple) or hasattr(value, "read"):
            files.append((key, value))
        else:
            fields[key] = value
    return flatten(fields), files


class SyncBaseClient(_Base):
    def __init__(
        self,
        *,
        api_key: str | None = None,
        base_url: str | None = None,
        server_urls: Mapping[str, str] | None = None,
        timeout: float | httpx.Timeout | None = DEFAULT_TIMEOUT,
        max_retries: int = DEFAULT_MAX_RETRIES,
        http_client: httpx.Client | None = None,
        client_headers: Mapping[str, str | None] | None = None,
    ) -> None:
        super().__init__(
            api_key=api_key,
            base_url=base_url,
            server_urls=server_urls,
            timeout=timeout,
            max_retries=max_retries,
            client_headers=client_headers or {},
        )
        self._owns_http = http_client is None
        self._http = http_client or httpx.Client(timeout=timeout)

    def close(self) -> None:
        """Close the HTTP client, unless it was passed in (then its owner closes it)."""
        if self._owns_http:
            self._http.close()

    def __enter__(self: _S) -> _S:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _call(self, op: Operation[T], args: Mapping[str, Any]) -> T:
        prepared = self._prepare(op, args)
        attempt = 0
        while True:
            started = time.monotonic()
            response: httpx.Response | None = None
            failure: httpx.TransportError | None = None
            try:
                response = self._http.request(prepared.method, prepared.url, **self._request_kwargs(prepared))
            except httpx.TransportError as exc:
                failure = exc
            done, value = self._step(op, args, prepared, attempt, started, response, failure)
            if done:
                return value  # type: ignore[no-any-return]
            time.sleep(value)
            attempt += 1


class AsyncBaseClient(_Base):
    def __init__(
        self,
        *,
        api_key: str | None = None,
        base_url: str | None = None,
        server_urls: Mapping[str, str] | None = None,
        timeout: float | httpx.Timeout | None = DEFAULT_TIMEOUT,
        max_retries: int = DEFAULT_MAX_RETRIES,
        http_client: httpx.AsyncClient | None = None,
        client_headers: Mapping[str, str | None] | None = None,
    ) -> None:
        super().__init__(
            api_key=api_key,
            base_url=base_url,
            server_urls=server_urls,
            timeout=timeout,
            max_retries=max_retries,
            client_headers=client_headers or {},
        )
        self._owns_http = http_client is None
        self._http = http_client or httpx.AsyncClient(timeout=timeout)

    async def close(self) -> None:
        """Close the HTTP client, unless it was passed in (then its owner closes it)."""
        if self._owns_http:
            await self._http.aclose()

    async def __aenter__(self: _A) -> _A:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    async def _call(self, op: Operation[T], args: Mapping[str, Any]) -> T:
        prepared = self._prepare(op, args)
        attempt = 0
        while True:
            started = time.monotonic()
            response: httpx.Response | None = None
            failure: httpx.TransportError | None = None
            try:
                response = await self._http.request(
                    prepared.method, prepared.url, **self._request_kwargs(prepared)
                )
            except httpx.TransportError as exc:
                failure = exc
            done, value = self._step(op, args, prepared, attempt, started, response, failure)
            if done:
                return value  # type: ignore[no-any-return]
            await asyncio.sleep(value)
            attempt += 1



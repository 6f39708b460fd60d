"""What generated code tells the runtime: the client's configuration (``ClientConfig``), each
operation (``Operation``) and the per-call options every method accepts (``RequestOptions``).

Plain data read by the request builder (``_request``) and the response reader (``_responses``);
the only behaviour here is finding, on first use, the model that reads a response.
"""

from __future__ import annotations

import importlib
import json
import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, Generic, Literal, TypedDict, TypeVar

import httpx

from ._auth import Credential
from ._errors import ClientError
from ._models import lenient_parser
from ._oauth import OAuthConfig
from ._paging import Paging
from ._streaming import Streaming

T = TypeVar("T")


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
        self.path_params, self.query = tuple(path_params.split()), tuple(query.split())
        self.headers, self.cookies = tuple(headers.split()), tuple(cookies.split())
        self.wire_names = wire_names or {}
        self.body = body
        self.whole_body = whole_body  # the argument that is the whole (non-object) body
        # "module:Name" below the package (a string: the model is imported on the first call, not
        # when the client loads); "bytes" for a binary response, "json" for untyped JSON, or None.
        self.response = response
        self.responses, self.accept = _media_types(response, responses, accept)
        self.server = server
        self.deprecated = deprecated or {}  # argument name ("" = the operation) -> message
        self.styles = styles or {}
        self.reserved = tuple(reserved.split())
        self.media_type = media_type
        self.parts = parts or {}
        self.nullable = tuple(nullable.split())
        self.body_required = body_required
        # Declared error responses: status ("404", "4XX", "default") -> "module:Name" of the
        # error model, imported on the first error response that needs it.
        self.errors = errors or {}
        self._error_models: dict[str, Any] = {}
        self._parsers: dict[str, Callable[[bytes], Any]] = {}
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


def _media_types(
    response: str | None, responses: Mapping[str, str] | None, accept: str | None
) -> tuple[dict[str, str], str | None]:
    """What an operation reads and asks for: media type -> how a response in it is read ("text"
    for str), JSON first: the media types the operation declares, given only when it is not just
    JSON as ``response``; and the Accept header: the declared media types, unless the spec allows
    only some values."""
    if responses is None and response is not None:
        responses = {_DEFAULT_MEDIA.get(response, "application/json"): response}
    declared = dict(responses or {})
    return declared, accept or ", ".join(declared) or None


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

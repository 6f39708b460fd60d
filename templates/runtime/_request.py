"""Request preparation: an operation's arguments and a call's options turned into what is sent
(``Prepared``): URL, query, headers, credentials, body. Once per call; retries resend it as it is.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from typing import IO, Any, cast

import httpx

from ._auth import Credential, send, with_query_credentials
from ._descriptors import ClientConfig, Operation, RequestOptions
from ._encode import encode
from ._placement import Body, Placed, body
from ._placement import set_header as _set_header

FileContent = bytes | IO[bytes]
# A file to upload: its content, or (filename, content) or (filename, content, content type).
FileInput = (
    FileContent | tuple[str | None, FileContent] | tuple[str | None, FileContent, str | None]
)

_NO_BODY_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
# A multipart body without a single part (every field left out): httpx cannot write one.
_BOUNDARY = "ocg-empty-multipart"
_EMPTY_MULTIPART = f"--{_BOUNDARY}--\r\n".encode()


@dataclass
class Prepared:
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


def check_options(options: RequestOptions, allowed: frozenset[str]) -> None:
    """Refuse a ``request_options`` key this client does not take (a typo, another API's)."""
    unknown = set(options) - allowed if options else None
    if unknown:
        raise TypeError(
            f"unknown request_options key {', '.join(map(repr, sorted(unknown)))}; this "
            f"client takes {', '.join(sorted(allowed))}"
        )


def authorize(
    chosen: tuple[str, ...],
    values: Mapping[str, str],
    credentials: Mapping[str, Credential],
    headers: dict[str, str],
    placed: Placed,
) -> None:
    """Send the ``chosen`` credentials where they go, then the cookies (credentials among them)."""
    if chosen:
        send(chosen, values, credentials, headers, placed.query, placed.cookies)
    if placed.cookies:
        _set_header(headers, "Cookie", "; ".join(placed.cookies))


def apply_options(
    op: Operation[Any],
    placed: Placed,
    options: RequestOptions,
    headers: dict[str, str],
    config: ClientConfig,
    next_url: str | None,
) -> None:
    """The call's options on top of its arguments: client headers, extra query, body and
    headers (last, so they override anything)."""
    for keyword, header in config.client_headers.items():
        value = options.get(keyword)
        if value is not None:
            _set_header(headers, header, str(value))
    if next_url is None:  # a next page's URL holds the query already
        placed.query.update(options.get("extra_query") or {})
    extra_body = options.get("extra_body")
    if op.body == "json" and placed.whole is not None:
        placed.whole = _merge_extra_body(placed.whole, extra_body)
    elif extra_body:
        placed.fields.update(extra_body)
    for header, value in (options.get("extra_headers") or {}).items():
        _set_header(headers, header, value)


def add_idempotency_key(
    method: str, options: RequestOptions, headers: dict[str, str], config: ClientConfig
) -> None:
    """One key per logical call, made here (once) and sent on every retry of it."""
    idempotency = config.idempotency_header
    if idempotency and method not in _NO_BODY_METHODS:
        key = (
            cast(Mapping[str, str], options).get("idempotency_key")
            or _get_header(headers, idempotency)
            or str(uuid.uuid4())
        )
        _set_header(headers, idempotency, key)


def encode_body(
    op: Operation[Any], placed: Placed, headers: dict[str, str]
) -> tuple[Body, bytes | None, list[tuple[str, Any]] | None]:
    """The body as ``(encoded, content, files)``; its Content-Type goes in ``headers``."""
    encoded = body(op, placed)
    content, files = encoded.content, encoded.files
    if encoded.content_type is not None and encoded.form is None:
        _set_header(headers, "Content-Type", encoded.content_type)
    if files == []:  # httpx would send an empty form instead of an empty multipart body
        content, files = _EMPTY_MULTIPART, None
        _set_header(headers, "Content-Type", f"multipart/form-data; boundary={_BOUNDARY}")
    return encoded, content, files


def target(
    url: str,
    placed: Placed,
    next_url: str | None,
    chosen: tuple[str, ...],
    credentials: Mapping[str, Credential],
) -> tuple[str, dict[str, Any]]:
    """The URL to send to, and the query httpx still has to add to it."""
    query = placed.query
    if next_url is not None:  # it holds the query, but maybe not a credential sent there
        url, placed.styled = with_query_credentials(next_url, chosen, credentials, query), []
        query = {}
    if placed.styled:  # the query goes in the URL as it is: httpx would re-encode a string
        url += "?" + placed.query_string()
        query = {}
    return url, query


def request_kwargs(prepared: Prepared) -> dict[str, Any]:
    """What httpx's ``request``/``build_request`` take besides the method and URL."""
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


def _merge_extra_body(whole_body: Any, extra: Mapping[str, Any] | None) -> Any:
    if not extra:
        return whole_body
    if not isinstance(whole_body, Mapping):
        raise TypeError("extra_body needs a JSON object body; this call's body is not one")
    return {**whole_body, **extra}


def _get_header(headers: Mapping[str, str], name: str) -> str | None:
    lower = name.lower()
    return next((v for k, v in headers.items() if k.lower() == lower), None)

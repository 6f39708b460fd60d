"""Credentials: which of the API's security schemes an operation uses, and how each is sent.

The generated ``_operations.py`` lists each credential argument of the client (a
``Credential``: where it goes and which environment variable it falls back to) and, per
operation, the alternatives the spec accepts. For each call the first alternative whose
credentials are all configured is sent; when none is, nothing is (for a gateway that adds
credentials itself). Credentials that travel in the query string are masked in httpx's own
log of request URLs.
"""

from __future__ import annotations

import base64
import logging
import os
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal
from urllib.parse import parse_qsl, quote, urlencode, urlsplit


@dataclass(frozen=True)
class Credential:
    """How one constructor argument is sent: ``kind`` "bearer" (``Authorization: Bearer``),
    "basic" (``name`` is "username" or "password"), or an API key in a "header", the "query"
    or a "cookie", under ``name``."""

    kind: Literal["bearer", "basic", "header", "query", "cookie"]
    name: str = ""
    env: str = ""  # the environment variable used when the argument is not given


def configured(
    credentials: Mapping[str, Credential], given: Mapping[str, str | None]
) -> dict[str, str]:
    """Argument -> value for every credential set, by argument or else by its variable."""
    values = {}
    for argument, credential in credentials.items():
        value = given.get(argument)
        if value is None and credential.env:
            value = os.environ.get(credential.env) or None
        if value:
            values[argument] = value
    return values


def choose(alternatives: tuple[tuple[str, ...], ...], values: Mapping[str, str]) -> tuple[str, ...]:
    """The first alternative whose credentials are all configured; () when none is."""
    return next((alt for alt in alternatives if all(a in values for a in alt)), ())


def send(
    chosen: tuple[str, ...],
    values: Mapping[str, str],
    credentials: Mapping[str, Credential],
    headers: dict[str, str],
    query: dict[str, Any],
    cookies: list[str],
) -> None:
    """Put the chosen credentials where they go (headers and query are changed in place)."""
    basic: dict[str, str] = {}
    for argument in chosen:
        credential, value = credentials[argument], values[argument]
        if credential.kind == "bearer":
            headers["Authorization"] = f"Bearer {value}"
        elif credential.kind == "basic":
            basic[credential.name] = value
        elif credential.kind == "header":
            headers[credential.name] = value
        elif credential.kind == "query":
            query[credential.name] = value
        else:
            cookies.append(f"{credential.name}={quote(value, safe='')}")
    if basic:
        pair = f"{basic.get('username', '')}:{basic.get('password', '')}"
        headers["Authorization"] = "Basic " + base64.b64encode(pair.encode()).decode()


def with_query_credentials(
    url: str,
    chosen: tuple[str, ...],
    credentials: Mapping[str, Credential],
    query: Mapping[str, Any],
) -> str:
    """``url`` plus the chosen query credentials (from ``query``, as ``send`` placed them) it
    lacks; the rest of its query is kept as the server wrote it. A next-page URL from the
    server usually leaves the API key out; paging follows one only on the API's own origin, so
    the key goes back where it came from."""
    present = {name for name, _ in parse_qsl(urlsplit(url).query, keep_blank_values=True)}
    names = {credentials[a].name for a in chosen if credentials[a].kind == "query"}
    missing = [(name, query[name]) for name in sorted(names - present) if name in query]
    if not missing:
        return url
    base, fragment = url.split("#", 1) if "#" in url else (url, "")
    joiner = "&" if urlsplit(base).query else ("" if base.endswith("?") else "?")
    return base + joiner + urlencode(missing) + ("#" + fragment if fragment else "")


class _MaskQuery(logging.Filter):
    """Replaces the values of credential query parameters in httpx's "HTTP Request: ..." line."""

    def __init__(self) -> None:
        super().__init__()
        self.names: set[str] = set()

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, tuple) and self.names:
            record.args = tuple(self._mask(a) for a in record.args)
        return True

    def _mask(self, arg: Any) -> Any:
        text = str(arg)
        base, sep, query = text.partition("?")
        if not sep or not any(name in query for name in self.names):
            return arg
        pairs = parse_qsl(query, keep_blank_values=True)
        masked = [(k, "***" if k in self.names else v) for k, v in pairs]
        return f"{base}?{urlencode(masked, safe='[]*')}"


_MASK = _MaskQuery()


def mask_in_logs(credentials: Mapping[str, Credential]) -> None:
    """Mask this API's query credentials in httpx's log of request URLs, from now on (httpcore
    logs no URLs)."""
    names = {c.name for c in credentials.values() if c.kind == "query"}
    if names - _MASK.names:
        _MASK.names |= names
        target = logging.getLogger("httpx")
        if _MASK not in target.filters:
            target.addFilter(_MASK)

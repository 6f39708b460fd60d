"""OAuth2 access tokens the client obtains and refreshes itself (RFC 6749).

A ``Grant`` says which exchange to run at which token endpoint; ``Secrets`` holds what it needs.
``SyncTokens`` and ``AsyncTokens`` hand out the current access token: the first caller fetches
it while every concurrent caller waits for that one fetch (one lock, checked again inside), it
is reused until shortly before ``expires_in`` runs out, and ``invalidate`` (after a 401) makes
the next caller fetch a new one. A refresh token received with a token is used for the next
fetch; a new one is handed to ``on_refresh_token`` so the application can store it.

Secrets never reach a log line, a ``repr`` or an exception message: logs say which grant ran and
when the token expires, errors carry the endpoint's ``error`` and ``error_description`` only.
Needs the standard library and httpx only (the gateway loads this very file).
"""

from __future__ import annotations

import base64
import json
import logging
import os
import threading
import time
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal
from urllib.parse import quote_plus, urljoin

import httpx

if TYPE_CHECKING:
    import asyncio

_log = logging.getLogger(__name__.rpartition(".")[0] or __name__)

GrantKind = Literal["client_credentials", "password", "refresh_token"]
MAX_LEEWAY = 60.0  # seconds before expiry a token is refreshed, at most (10 % of its life)
ROLES = ("client_id", "client_secret", "username", "password", "refresh_token")
# A callable that returns a bearer token (asked on every call; after a 401, once more).
TokenProvider = Callable[[], str]
AsyncTokenProvider = Callable[[], "str | Awaitable[str]"]


class TokenError(Exception):
    """The token endpoint refused the request or could not be used.

    ``error`` is the OAuth2 error code (``invalid_client``, ``invalid_grant``, ...; None when
    the endpoint sent none or could not be reached), ``error_description`` its explanation,
    ``status_code`` the HTTP status (None when no response came).
    """

    def __init__(
        self,
        message: str,
        *,
        error: str | None = None,
        error_description: str | None = None,
        status_code: int | None = None,
    ) -> None:
        super().__init__(message)
        self.error = error
        self.error_description = error_description
        self.status_code = status_code


@dataclass(frozen=True)
class Grant:
    kind: GrantKind
    token_url: str  # absolute
    scopes: tuple[str, ...] = ()
    client_auth: Literal["basic", "body"] = "basic"  # how the client authenticates


class Secrets:
    """What a grant sends; shown by ``repr`` only as which of them are set."""

    __slots__ = ("client_id", "client_secret", "password", "refresh_token", "username")

    def __init__(
        self,
        *,
        client_id: str | None = None,
        client_secret: str | None = None,
        username: str | None = None,
        password: str | None = None,
        refresh_token: str | None = None,
    ) -> None:
        self.client_id = client_id
        self.client_secret = client_secret
        self.username = username
        self.password = password
        self.refresh_token = refresh_token

    def __repr__(self) -> str:
        return f"Secrets(set={[n for n in self.__slots__ if getattr(self, n)]})"

    def values(self) -> list[str]:
        return [v for v in (getattr(self, n) for n in self.__slots__) if v]


def pick(flows: Sequence[tuple[GrantKind, str]], secrets: Secrets) -> tuple[GrantKind, str] | None:
    """The (grant, token URL) the configured secrets can run: a refresh token first (the
    user's own grant), then username and password, then client credentials; None when none
    can."""
    for kind, ready in (
        ("refresh_token", bool(secrets.refresh_token)),
        ("password", bool(secrets.username and secrets.password)),
        ("client_credentials", bool(secrets.client_id and secrets.client_secret)),
    ):
        found = next((f for f in flows if f[0] == kind), None)
        if ready and found is not None:
            return found
    return None


def token_url(url: str, base_url: str) -> str:
    """A spec's token URL, which may be relative to the server URL (RFC 3986 resolution)."""
    return urljoin(base_url.rstrip("/") + "/", url)


@dataclass(frozen=True)
class OAuthConfig:
    """What the spec says about the OAuth2 grants of a generated client (``_operations.py``)."""

    argument: str  # the bearer credential argument a token fills
    flows: tuple[tuple[GrantKind, str], ...]  # (grant, token URL as the spec spells it)
    client_auth: Literal["basic", "body"] = "basic"
    env: Mapping[str, str] = field(default_factory=dict)  # role -> environment variable


def configure(
    config: OAuthConfig, given: Mapping[str, Any], base_url: str
) -> tuple[Grant, Secrets] | None:
    """The grant the client runs: from the constructor's keywords (``ROLES``, ``scopes``,
    ``token_url``), each secret falling back to its variable; None when no grant is complete.
    Raises ValueError when keywords were given that complete none (a typo, a missing half)."""
    values = {r: given.get(r) or os.environ.get(config.env.get(r, "")) or None for r in ROLES}
    secrets = Secrets(**values)
    found = pick(config.flows, secrets)
    if found is None:
        named = [r for r in ROLES if given.get(r)]
        if named:
            runs = ", ".join(kind for kind, _ in config.flows)
            raise ValueError(
                f"OAuth2: {', '.join(named)} given, which completes none of this API's grants "
                f"({runs}): client_credentials needs client_id and client_secret, password "
                "username and password, refresh_token a refresh_token"
            )
        return None
    kind, url = found
    scopes = tuple(given.get("scopes") or ())
    url = given.get("token_url") or token_url(url, base_url)
    return Grant(kind, url, scopes, config.client_auth), secrets


@dataclass
class Token:
    access_token: str = field(repr=False)
    refresh_at: float | None  # clock reading from which it is fetched again; None: never
    refresh_token: str | None = field(default=None, repr=False)


class _Exchange:
    """The sans-I/O part: the request to send, and what its response means."""

    def __init__(
        self,
        grant: Grant,
        secrets: Secrets,
        on_refresh_token: Callable[[str], object] | None,
        clock: Callable[[], float],
    ) -> None:
        self.grant = grant
        self.secrets = secrets
        self.on_refresh_token = on_refresh_token
        self.clock = clock
        self.refresh_token = secrets.refresh_token

    def __repr__(self) -> str:
        return f"{type(self).__name__}(grant={self.grant.kind!r})"

    def fresh(self, token: Token | None) -> bool:
        return token is not None and (token.refresh_at is None or self.clock() < token.refresh_at)

    def request(self, use_refresh: bool) -> tuple[dict[str, str], dict[str, str]]:
        """(headers, form) of one token request."""
        g, s = self.grant, self.secrets
        form: dict[str, str] = {}
        if use_refresh and self.refresh_token:
            form |= {"grant_type": "refresh_token", "refresh_token": self.refresh_token}
        elif g.kind == "password":
            form |= {"grant_type": "password", "username": s.username or "",
                     "password": s.password or ""}  # fmt: skip
        else:
            form["grant_type"] = "client_credentials"
        if g.scopes and form["grant_type"] != "refresh_token":
            form["scope"] = " ".join(g.scopes)
        headers = {"Accept": "application/json"}
        if s.client_id and s.client_secret and g.client_auth == "basic":
            # RFC 6749 2.3.1: each part form-encoded, then joined and base64-encoded
            pair = f"{quote_plus(s.client_id)}:{quote_plus(s.client_secret)}"
            headers["Authorization"] = "Basic " + base64.b64encode(pair.encode()).decode()
        elif s.client_id:
            form["client_id"] = s.client_id
            if s.client_secret:
                form["client_secret"] = s.client_secret
        return headers, form

    def accept(self, status: int, content: bytes) -> Token:
        """The token of a 200 response; raises ``TokenError`` for anything else."""
        try:
            data = json.loads(content) if content else None
        except ValueError:
            data = None
        if not isinstance(data, dict):
            raise TokenError(
                f"the token endpoint responded {status} without a JSON object",
                status_code=status,
            )
        if status != 200 or not isinstance(data.get("access_token"), str):
            error = _text(data.get("error"))
            description = self._scrub(_text(data.get("error_description")))
            said = f": {error}" if error else " without an access_token"
            raise TokenError(
                f"the token endpoint responded {status}{said}"
                + (f" ({description})" if description else ""),
                error=error,
                error_description=description,
                status_code=status,
            )
        lifetime = _seconds(data.get("expires_in"))
        refresh_at = None
        if lifetime is not None:
            refresh_at = self.clock() + lifetime - min(MAX_LEEWAY, lifetime / 10)
        rotated = _text(data.get("refresh_token"))
        if rotated and rotated != self.refresh_token:
            self.refresh_token = rotated
            if self.on_refresh_token is not None:
                self.on_refresh_token(rotated)
        _log.debug(
            "OAuth2 token obtained (%s grant), %s",
            self.grant.kind,
            f"expires in {lifetime:g}s" if lifetime is not None else "no expiry given",
        )
        return Token(data["access_token"], refresh_at, rotated)

    def _scrub(self, text: str | None) -> str | None:
        """An endpoint may echo what it was sent: never pass a secret on."""
        if text:
            for secret in [*self.secrets.values(), self.refresh_token or ""]:
                if secret:
                    text = text.replace(secret, "***")
        return text


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None


def _seconds(value: Any) -> float | None:
    try:
        seconds = float(value)
    except (TypeError, ValueError):
        return None
    return seconds if seconds > 0 else None


def _unreachable(exc: httpx.HTTPError) -> TokenError:
    return TokenError(f"the token endpoint could not be reached ({type(exc).__name__})")


class SyncTokens:
    """The current access token for a synchronous client; safe to share between threads."""

    def __init__(
        self,
        grant: Grant,
        secrets: Secrets,
        http: httpx.Client,
        *,
        on_refresh_token: Callable[[str], object] | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._exchange = _Exchange(grant, secrets, on_refresh_token, clock)
        self._http = http
        self._token: Token | None = None
        self._lock = threading.Lock()

    def __repr__(self) -> str:
        return f"SyncTokens(grant={self._exchange.grant.kind!r})"

    def get(self) -> str:
        token = self._token
        if token is not None and self._exchange.fresh(token):
            return token.access_token
        with self._lock:  # one fetch: whoever waited here finds the new token
            if not self._exchange.fresh(self._token):
                self._token = self._fetch()
            assert self._token is not None
            return self._token.access_token

    def invalidate(self, used: str) -> None:
        """The API refused ``used``: the next ``get`` fetches another (once, however many
        calls were refused with it)."""
        with self._lock:
            if self._token is not None and self._token.access_token == used:
                self._token = None

    def _fetch(self) -> Token:
        ex = self._exchange
        use_refresh = True
        while True:
            headers, form = ex.request(use_refresh)
            try:
                response = self._http.post(ex.grant.token_url, data=form, headers=headers)
            except httpx.HTTPError as exc:
                raise _unreachable(exc) from None
            try:
                return ex.accept(response.status_code, response.content)
            except TokenError:
                if not _fall_back(ex, form):
                    raise
                use_refresh = False


class AsyncTokens:
    """The current access token for an asynchronous client; one fetch for all waiting tasks."""

    def __init__(
        self,
        grant: Grant,
        secrets: Secrets,
        http: httpx.AsyncClient,
        *,
        on_refresh_token: Callable[[str], object] | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._exchange = _Exchange(grant, secrets, on_refresh_token, clock)
        self._http = http
        self._token: Token | None = None
        self._lock: asyncio.Lock | None = None  # made in the loop that first needs it

    def __repr__(self) -> str:
        return f"AsyncTokens(grant={self._exchange.grant.kind!r})"

    async def get(self) -> str:
        token = self._token
        if token is not None and self._exchange.fresh(token):
            return token.access_token
        if self._lock is None:
            import asyncio

            self._lock = asyncio.Lock()
        async with self._lock:
            if not self._exchange.fresh(self._token):
                self._token = await self._fetch()
            assert self._token is not None
            return self._token.access_token

    def invalidate(self, used: str) -> None:
        if self._token is not None and self._token.access_token == used:
            self._token = None

    async def _fetch(self) -> Token:
        ex = self._exchange
        use_refresh = True
        while True:
            headers, form = ex.request(use_refresh)
            try:
                response = await self._http.post(ex.grant.token_url, data=form, headers=headers)
            except httpx.HTTPError as exc:
                raise _unreachable(exc) from None
            try:
                return ex.accept(response.status_code, response.content)
            except TokenError:
                if not _fall_back(ex, form):
                    raise
                use_refresh = False


def _fall_back(ex: _Exchange, form: dict[str, str]) -> bool:
    """After a refused refresh token that the client received itself (password or client
    credentials grant): forget it and run the grant again. A user's own refresh token has
    nothing to fall back to."""
    if form.get("grant_type") != "refresh_token" or ex.grant.kind == "refresh_token":
        return False
    ex.refresh_token = None
    return True


class ProvidedTokens:
    """A token from the application's own callable (a vault, a cloud identity), asked for on
    every call; the async client awaits what it returns when that is awaitable."""

    def __init__(self, provider: Callable[[], str | Awaitable[str]]) -> None:
        self._provider = provider

    def __repr__(self) -> str:
        return "ProvidedTokens()"

    def get(self) -> str:
        value = self._provider()
        if not isinstance(value, str):
            raise TypeError("token_provider must return a str in a synchronous client")
        return value

    async def aget(self) -> str:
        value = self._provider()
        return value if isinstance(value, str) else await value

    def invalidate(self, used: str) -> None:
        """Nothing to forget: the provider is asked again."""

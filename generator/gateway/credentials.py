"""What the gateway adds to an upstream request: the credentials the spec's security schemes ask
for, each secret from its own environment variable.

The variables are the generated client's (``Credential.env``: ``<PREFIX>_<ARGUMENT>``, Stripe's
``STRIPE_API_KEY``); OAuth2 client credentials come from ``<PREFIX>_CLIENT_ID`` and
``<PREFIX>_CLIENT_SECRET`` (scopes from ``<PREFIX>_SCOPES``, space-separated), and the token is
obtained and refreshed by the runtime's own ``_oauth`` module. Per operation the first of its
security alternatives whose credentials are all configured is chosen, by the runtime's
``_auth`` rules, so the gateway and the client never disagree. The choice is made once per
operation at start; a call only adds the current OAuth2 token. What the client sent in
``Authorization`` or ``Cookie`` (its gateway token) is never forwarded (``proxy``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote_plus, urlencode

import httpx

from generator.errors import GeneratorError
from generator.ir import Api, Operation
from generator.templates.runtime import _auth, _oauth

Headers = list[tuple[bytes, bytes]]


class CredentialsUnavailable(Exception):
    """The OAuth2 token endpoint refused or failed (the message carries no secret)."""


@dataclass(frozen=True)
class Additions:
    """What one operation's upstream requests get: fixed headers and query pairs, and whether
    ``Authorization`` carries the current OAuth2 token."""

    headers: tuple[tuple[bytes, bytes], ...]
    query: tuple[tuple[str, str], ...]
    oauth: bool = False


def plan(
    api: Api, op: Operation, values: Mapping[str, str], oauth_argument: str | None = None
) -> Additions:
    """The credentials ``op`` is sent with, given the configured ``values`` (argument -> secret)
    and the bearer argument an OAuth2 token fills (if any). Pure."""
    credentials = {c.argument: _auth.Credential(c.kind, c.name, c.env) for c in api.credentials}
    present = dict(values)
    if oauth_argument is not None:
        present[oauth_argument] = ""  # the token is added per call
    security = api.default_security if op.security is None else op.security
    chosen = _auth.choose(security, present)
    headers: dict[str, str] = {}
    query: dict[str, Any] = {}
    cookies: list[str] = []
    _auth.send(chosen, present, credentials, headers, query, cookies)
    oauth = oauth_argument in chosen
    if oauth:
        headers.pop("Authorization", None)
    if cookies:
        headers["Cookie"] = "; ".join(cookies)
    return Additions(
        headers=tuple(
            (k.lower().encode("latin-1"), v.encode("latin-1")) for k, v in headers.items()
        ),
        query=tuple((k, str(v)) for k, v in query.items()),
        oauth=oauth,
    )


class UpstreamCredentials:
    """The gateway's upstream credentials: ``add`` is the one call the proxy makes."""

    def __init__(
        self,
        api: Api,
        values: Mapping[str, str],
        tokens: _oauth.AsyncTokens | None = None,
        http: httpx.AsyncClient | None = None,  # the token fetches' client, closed by close()
    ) -> None:
        self._http = http
        self._values = dict(values)
        self._tokens = tokens  # the runtime's AsyncTokens, when an OAuth2 grant fills a token
        argument = api.oauth.argument if api.oauth is not None and tokens is not None else None
        self._plans = {op.operation_id: plan(api, op, values, argument) for op in api.operations}
        self._names = {k: frozenset(n for n, _ in p.headers) for k, p in self._plans.items()}
        self._static = tuple(sorted({v.encode() for v in values.values()}, key=len, reverse=True))
        self._last: bytes = b""  # the OAuth2 token most recently added
        self._secrets = self._static

    def __repr__(self) -> str:
        return f"UpstreamCredentials(arguments={sorted(self._values)})"

    @property
    def secrets(self) -> tuple[bytes, ...]:
        """Every secret a response must not echo (the current OAuth2 token included)."""
        return self._secrets  # the same object until the OAuth2 token changes

    async def add(self, op: Operation, headers: Headers, query: str) -> tuple[Headers, str]:
        """``op``'s upstream headers and (encoded) query string with its credentials in them,
        replacing anything the caller sent under the same names. Raises
        ``CredentialsUnavailable`` when an OAuth2 token cannot be obtained."""
        found = self._plans[op.operation_id]
        added = list(found.headers)
        if found.oauth and self._tokens is not None:
            try:
                token = await self._tokens.get()
            except _oauth.TokenError as exc:
                raise CredentialsUnavailable(str(exc)) from None
            if token.encode() != self._last:
                self._last = token.encode()
                self._secrets = (*self._static, self._last)
            added.append((b"authorization", b"Bearer " + self._last))
        return _merged(found, added, headers, query)

    def add_now(self, op: Operation, headers: Headers, query: str) -> tuple[Headers, str] | None:
        """``add`` without a coroutine when ``op`` needs no OAuth2 token (None when it does):
        nothing else waits, and this runs on every call."""
        found = self._plans[op.operation_id]
        if found.oauth and self._tokens is not None:
            return None
        if found.query or not self._names[op.operation_id].isdisjoint([n for n, _ in headers]):
            return _merged(found, found.headers, headers, query)
        return headers + list(found.headers), query  # nothing of the caller's to replace

    def refused(self, op: Operation) -> None:
        """The upstream responded 401: the next call fetches a new OAuth2 token. (The refused
        call is not replayed: the gateway never sends a request twice.)"""
        if self._plans[op.operation_id].oauth and self._tokens is not None and self._last:
            self._tokens.invalidate(self._last.decode())

    async def close(self) -> None:
        if self._http is not None:
            await self._http.aclose()

    @classmethod
    def from_env(
        cls,
        api: Api,
        env: Mapping[str, str],
        upstream: str,
        *,
        api_key: str | None = None,
        timeout: httpx.Timeout | None = None,
    ) -> UpstreamCredentials:
        """Read every credential's variable; ``api_key`` (``GatewaySettings.api_key``) fills
        the bearer argument, or the first credential when there is no bearer one. Raises
        ``GeneratorError`` when nothing is configured, or a value cannot go in a header."""
        values = {c.argument: env[c.env] for c in api.credentials if c.env and env.get(c.env)}
        if api_key:
            bearer = [c.argument for c in api.credentials if c.kind == "bearer"]
            target = bearer or [c.argument for c in api.credentials]
            if target:
                values[target[0]] = api_key
        for c in api.credentials:
            value = values.get(c.argument)
            in_header = c.kind in ("bearer", "header")  # the others are encoded
            if value is not None and in_header and not _header_safe(value):
                # it goes into a header line: a line break there would add headers
                raise GeneratorError(f"{c.env} holds spaces or control characters")
        grant = _oauth_grant(api, env, upstream, values)
        if not values and grant is None:
            raise GeneratorError(f"set the upstream credentials: {', '.join(variables(api))}")
        if grant is None:
            return cls(api, values)
        http = httpx.AsyncClient(timeout=timeout or httpx.Timeout(30.0), trust_env=False)
        return cls(api, values, _oauth.AsyncTokens(*grant, http), http)


def _merged(
    found: Additions, added: Sequence[tuple[bytes, bytes]], headers: Headers, query: str
) -> tuple[Headers, str]:
    if added:
        names = {name for name, _ in added}
        headers = [h for h in headers if h[0] not in names]
        headers += added
    if found.query:
        names_q = {name for name, _ in found.query}
        kept = [
            piece
            for piece in query.split("&")
            if piece and unquote_plus(piece.partition("=")[0]) not in names_q
        ]
        query = "&".join([*kept, urlencode(found.query)])
    return headers, query


def _header_safe(value: str) -> bool:
    return value.isprintable() and value.isascii() and " " not in value


def variables(api: Api) -> list[str]:
    """The environment variables the gateway reads for this API, in signature order."""
    names = [c.env for c in api.credentials if c.env]
    if api.oauth is not None and any(f.grant == "client_credentials" for f in api.oauth.flows):
        env = {role: var for role, _, var in api.oauth.keywords}
        names += [env["client_id"], env["client_secret"]]
    return list(dict.fromkeys(names))


def _oauth_grant(
    api: Api, env: Mapping[str, str], upstream: str, values: Mapping[str, str]
) -> tuple[_oauth.Grant, _oauth.Secrets] | None:
    """An OAuth2 client-credentials grant, when its variables are set and no fixed token fills
    the same argument."""
    oauth = api.oauth
    if oauth is None or oauth.argument in values:
        return None
    flow = next((f for f in oauth.flows if f.grant == "client_credentials"), None)
    var = {role: name for role, _, name in oauth.keywords}
    client_id, client_secret = env.get(var["client_id"]), env.get(var["client_secret"])
    if flow is None or not client_id or not client_secret:
        return None
    scopes = tuple(env.get(f"{api.profile.env_prefix}_SCOPES".lstrip("_"), "").split())
    grant = _oauth.Grant(
        "client_credentials",
        _oauth.token_url(flow.token_url, upstream),
        scopes,
        oauth.client_auth,
    )
    return grant, _oauth.Secrets(client_id=client_id, client_secret=client_secret)

"""What a gateway is configured with, and the parsing of its textual forms (rate, tokens)."""

from __future__ import annotations

import hashlib
import hmac
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

import httpx

from generator.errors import GeneratorError

if TYPE_CHECKING:
    from generator.ir import Api

TOKENS_ENV = "GATEWAY_TOKENS"
DEFAULT_BODY_LIMIT = 1024 * 1024
DEFAULT_RESPONSE_LIMIT = 32 * 1024 * 1024
DEFAULT_TIMEOUT = 30.0  # a hung upstream holds a client no longer than this
_RATE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*/\s*(s|m|h)\s*(?:,\s*burst\s*=\s*(\d+)\s*)?$")
_PER = {"s": 1.0, "m": 60.0, "h": 3600.0}
_DIGEST = re.compile(r"^sha256:([0-9a-fA-F]{64})$")


@dataclass(frozen=True)
class RateLimit:
    rate: float  # tokens added per second
    burst: int  # bucket size

    @classmethod
    def parse(cls, text: str) -> RateLimit:
        """``25/s``, ``600/m``, ``25/s,burst=50``; the burst defaults to the number given
        (25 for ``25/s``, at least 1)."""
        found = _RATE.match(text)
        if found is None:
            raise GeneratorError(f"rate limit {text!r} is not like 25/s or 25/s,burst=50")
        count, unit, burst = found.groups()
        rate = float(count) / _PER[unit]
        if rate <= 0:
            raise GeneratorError("a rate limit must be above zero")
        size = int(burst) if burst is not None else max(1, round(float(count)))
        if size < 1:
            raise GeneratorError("a burst must be at least 1")
        return cls(rate=rate, burst=size)


@dataclass(frozen=True)
class Tokens:
    """Client tokens, kept only as sha256 digests; a presented token is checked against every
    one of them in constant time."""

    digests: tuple[bytes, ...]

    @classmethod
    def parse(cls, lines: Iterable[str]) -> Tokens:
        digests: list[bytes] = []
        for raw in lines:
            line = raw.strip()
            if not line or line.startswith("#"):
                continue
            found = _DIGEST.match(line)
            digests.append(bytes.fromhex(found.group(1)) if found else digest(line))
        return cls(tuple(dict.fromkeys(digests)))

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> Tokens:
        return cls.parse(env.get(TOKENS_ENV, "").split(","))

    @classmethod
    def from_file(cls, path: Path) -> Tokens:
        try:
            return cls.parse(path.read_text(encoding="utf-8").splitlines())
        except OSError as exc:
            raise GeneratorError(
                f"cannot read tokens file: {exc.strerror}", file=str(path)
            ) from None

    def match(self, token: str) -> bytes | None:
        """The digest of ``token`` when it is one of ours. Every digest is compared, so the time
        taken does not tell how close a guess was or which token it matched."""
        presented = digest(token)
        found = False
        for known in self.digests:
            found |= hmac.compare_digest(presented, known)
        return presented if found else None


def digest(token: str) -> bytes:
    return hashlib.sha256(token.encode()).digest()


def token_id(token_digest: bytes) -> str:
    """What logs show of a token: a short prefix of its sha256, never the token."""
    return token_digest.hex()[:10]


@dataclass(frozen=True)
class GatewaySettings:
    """Everything ``create_app`` needs. Either ``spec`` (a path; the IR is built as ``generate``
    builds it) or ``api`` (a prebuilt IR) names the API.

    Secrets: the upstream credentials come from their own variables (``gateway.credentials``;
    ``api_key``, when given, fills the bearer one: ``STRIPE_API_KEY`` for Stripe) and
    ``tokens`` from ``GATEWAY_TOKENS``, all read when the app is created; none is shown by
    ``repr``.
    """

    spec: Path | None = None
    api: Api | None = None
    profile: str | None = None  # a profile of [tool.generator.profiles]; else the target's
    operations: tuple[str, ...] = ()  # only these operation IDs (empty: all)
    upstream: str | None = None  # where the API's own server's operations go; default: the spec's
    upstream_for: Mapping[str, str] = field(default_factory=dict)  # spec server URL -> upstream
    tokens: Tokens | None = field(default=None, repr=False)
    api_key: str | None = field(default=None, repr=False)
    insecure_no_client_auth: bool = False  # no client tokens (only for loopback binds)
    rate_limit: RateLimit | None = None
    redis_url: str | None = field(default=None, repr=False)  # may carry a password
    body_limit: int = DEFAULT_BODY_LIMIT
    response_limit: int = DEFAULT_RESPONSE_LIMIT  # bytes of an upstream response passed on
    timeout: float = DEFAULT_TIMEOUT  # one upstream exchange, from sending to the response's end
    connect_timeout: float = 5.0
    access_log: TextIO | None = field(default=None, repr=False)  # JSON lines; None: no log
    cors_origins: tuple[str, ...] = ()
    root: Path = field(default_factory=Path.cwd)  # where pyproject.toml is looked for


def upstreams(api: Api, settings: GatewaySettings) -> dict[str | None, str]:
    """Where each operation server's calls go: the API's own server to ``upstream`` (default:
    the spec's), another server only where ``upstream_for`` maps it."""
    out: dict[str | None, str] = {None: settings.upstream or api.base_url}
    for server, url in settings.upstream_for.items():
        key = server.rstrip("/")
        if key == api.base_url.rstrip("/"):
            out[None] = url
        for s in api.servers:
            if s.rstrip("/") == key:
                out[s] = url
    for url in out.values():
        if httpx.URL(url).scheme not in ("http", "https") or not httpx.URL(url).host:
            raise GeneratorError(f"upstream {url!r} is not an http(s) URL")
    return out

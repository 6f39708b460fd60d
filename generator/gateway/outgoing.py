"""What the client gets of an upstream response: its headers sorted (hop-by-hop and cookies
dropped, the length checked against the cap), any spelling of an upstream secret scrubbed
(``redact``) from headers and body, and the body passed on whole or as it streams, up to
``response_limit`` bytes."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

from generator.gateway.accesslog import Entry
from generator.gateway.credentials import UpstreamCredentials
from generator.gateway.errors import Headers
from generator.gateway.incoming import Refusal
from generator.gateway.redact import Redactor, Scrubber
from generator.gateway.server import RESPONSE
from generator.gateway.upstream import Exchange, UpstreamError

Message = MutableMapping[str, Any]
Send = Callable[[Message], Awaitable[None]]

# RFC 9110 7.6.1, plus what the gateway sets itself or must never pass on.
HOP_BY_HOP = frozenset(
    {
        b"connection", b"keep-alive", b"proxy-authenticate", b"proxy-authorization",
        b"proxy-connection", b"te", b"trailer", b"trailers", b"transfer-encoding", b"upgrade",
    }
)  # fmt: skip
_RESPONSE_DROP = HOP_BY_HOP | {b"content-length", b"set-cookie", b"server", b"date"}
_UNSCANNABLE = frozenset({b"", b"identity"})
_NOTED = frozenset({b"connection", b"content-length", b"content-encoding", b"request-id"})
# a response head's header positions to pass on and to look at, with their lower-case names
_Plan = tuple[tuple[tuple[int, bytes], ...], tuple[tuple[int, bytes], ...]]


class ResponseTooLarge(Exception):
    """The upstream's response passed the size cap after its head was sent: the client's
    connection is cut (the server aborts it when the app raises)."""


class Responses:
    def __init__(self, credentials: UpstreamCredentials, response_limit: int) -> None:
        self.credentials = credentials
        self.response_limit = response_limit
        self._redactor = Redactor(credentials.secrets)
        self._plans: dict[tuple[bytes, ...], _Plan] = {}  # see _plan
        self._connection_names: dict[bytes, tuple[bytes, ...]] = {}  # see _hop_names

    def whole(self, exchange: Exchange, out: Headers) -> Message:
        """The response as one ``gateway.response`` message: the head encoded once, and one
        scan of the header values and the body for a hint of a secret."""
        redactor = self.redactor()
        body = exchange.take()
        if redactor.may_hold(b"\n".join([value for _, value in out]) + b"\n" + body):
            out = [(name, redactor.scrub(value)) for name, value in out]
            body = redactor.scrub(body)
        head = b"\r\n".join(map(b": ".join, out)) + b"\r\n" if out else b""
        if not out or out[-1][0] != b"content-length":  # the last, when there is one
            head += b"content-length: %d\r\n" % len(body)
        return {"type": RESPONSE, "status": exchange.status, "head": head, "body": body}

    async def stream(self, exchange: Exchange, out: Headers, send: Send, entry: Entry) -> None:
        """The response passed on as it arrives, scrubbed piece by piece, up to the cap."""
        redactor = self.redactor()
        status = exchange.status
        if redactor.may_hold(b"\n".join([value for _, value in out])):
            out = [(name, redactor.scrub(value)) for name, value in out]
        await send({"type": "http.response.start", "status": status, "headers": out})
        scrubber: Scrubber | None = None  # made when the body comes in more than one piece
        size = 0
        while True:
            try:
                chunk = await exchange.read()
            except UpstreamError as exc:
                entry.error = str(exc)
                raise ResponseTooLarge("the upstream failed mid-response") from None
            if chunk is None:
                break
            size += len(chunk)
            if size > self.response_limit:
                entry.error = "response over the size limit"
                raise ResponseTooLarge(f"the response passed {self.response_limit} bytes")
            if exchange.done and not exchange.chunks:  # the last piece: one final write
                body = redactor.scrub(chunk) if scrubber is None else scrubber.feed(chunk)
                if scrubber is not None:
                    body += scrubber.end()
                await send({"type": "http.response.body", "body": body})
                return
            if scrubber is None:
                scrubber = redactor.stream()
            safe = scrubber.feed(chunk)
            if safe:
                await send({"type": "http.response.body", "body": safe, "more_body": True})
        await send({"type": "http.response.body", "body": scrubber.end() if scrubber else b""})

    def headers(self, upstream_headers: Headers, entry: Entry) -> Headers:
        """The upstream's headers as the client gets them (hop-by-hop and cookies dropped, the
        length checked against the cap), not yet scrubbed. Refuses an encoded or oversized
        response (502)."""
        names = tuple([name for name, _ in upstream_headers])
        plan = self._plans.get(names) or self._plan(names)
        out = [(lower, upstream_headers[i][1]) for i, lower in plan[0]]
        named: list[bytes] = []
        length: int | None = None
        for i, lower in plan[1]:
            value = upstream_headers[i][1]
            if lower == b"connection":
                hop = self._connection_names.get(value)
                named += hop if hop is not None else self._hop_names(value)
            elif lower == b"content-length":
                length = int(value) if value.strip().isdigit() else None
            elif lower == b"content-encoding":
                if value.strip().lower() not in _UNSCANNABLE:
                    # asked for identity; an encoded response cannot be scanned for the key
                    raise Refusal(
                        502, "The upstream API responded with an encoding the gateway refuses"
                    )
            else:  # request-id: logged (and passed on)
                entry.upstream_request_id = value.decode("latin-1")
        if named:  # names the upstream's Connection header made hop-by-hop
            out = [(name, value) for name, value in out if name not in named]
        if length is not None:
            if length > self.response_limit:
                raise Refusal(
                    502, "The upstream API's response is larger than the gateway passes on"
                )
            out.append((b"content-length", b"%d" % length))
        return out

    def _plan(self, names: tuple[bytes, ...]) -> _Plan:
        """For a response head with these header names, in this order: the positions passed on
        (with their lower-case names) and the positions looked at. Remembered for the next
        response with the same names (most are), a bounded number of them."""
        kept, noted = [], []
        for i, name in enumerate(names):
            lower = name.lower()
            if lower in _NOTED:
                noted.append((i, lower))
            if lower not in _RESPONSE_DROP:
                kept.append((i, lower))
        plan = (tuple(kept), tuple(noted))
        if len(self._plans) < 256 and len(names) <= 64:
            self._plans[names] = plan
        return plan

    def _hop_names(self, value: bytes) -> tuple[bytes, ...]:
        """The header names a ``Connection`` value lists that are not dropped anyway (usually
        none: ``keep-alive``), remembered for the next response as ``_plan`` is."""
        names = {v.strip().lower() for v in value.split(b",")} - _RESPONSE_DROP
        found = tuple(names)
        if len(self._connection_names) < 64 and len(value) <= 128:
            self._connection_names[value] = found
        return found

    def redactor(self) -> Redactor:
        redactor = self._redactor
        if redactor.secrets is not self.credentials.secrets:  # a new OAuth2 token
            secrets = self.credentials.secrets
            if secrets != redactor.secrets:
                redactor = self._redactor = Redactor(secrets)
        return redactor

"""The forwarding path: authenticate, match, limit, read, validate, forward, stream back, log.

A raw ASGI app (no Starlette, no httpx objects) because it runs on every proxied call. Every
refusal happens before the upstream is contacted. The upstream credentials (``credentials``,
the one call that adds them) go into the outgoing request only, and are scrubbed (``redact``)
from anything the upstream sends back; what the client gets of a response is ``outgoing``'s.
"""

from __future__ import annotations

import itertools
import math
import secrets
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any
from urllib.parse import urlsplit

from generator.gateway.accesslog import AccessLog, Entry
from generator.gateway.compiled import Validators
from generator.gateway.credentials import CredentialsUnavailable, UpstreamCredentials
from generator.gateway.errors import Headers, error_body, problems_message
from generator.gateway.forms import FormError
from generator.gateway.incoming import Refusal, decode_body, malformed, steered
from generator.gateway.outgoing import HOP_BY_HOP, Responses
from generator.gateway.query import read_query
from generator.gateway.ratelimit import (
    FailureThrottle,
    Limiter,
    LimiterUnavailable,
    MemoryLimiter,
)
from generator.gateway.routing import Router
from generator.gateway.server import RESPONSE
from generator.gateway.settings import Tokens, token_id
from generator.gateway.upstream import (
    Origin,
    UpstreamClient,
    UpstreamError,
    UpstreamTimeout,
)
from generator.ir import Api, Operation

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]

_NEVER_FORWARD = {
    "authorization", "host", "cookie", "content-length", "content-type", "accept-encoding",
    "forwarded", "x-forwarded-for", "x-forwarded-host", "x-forwarded-proto", "x-real-ip",
} | {h.decode() for h in HOP_BY_HOP}  # fmt: skip
# Methods a server must treat as idempotent (RFC 9110 9.2.2, and QUERY, safe and idempotent by
# its own definition, OpenAPI 3.2's ``query`` operations): safe to send twice, never given an
# idempotency key.
_IDEMPOTENT = frozenset({"GET", "HEAD", "OPTIONS", "PUT", "DELETE", "TRACE", "QUERY"})


class Proxy:
    def __init__(
        self,
        api: Api,
        *,
        credentials: UpstreamCredentials,
        tokens: Tokens | None,
        upstreams: dict[str | None, str],  # operation server (None: the API's own) -> URL
        limiter: Limiter | None,
        body_limit: int,
        timeout: float,
        connect_timeout: float,
        response_limit: int,
        paths: tuple[str, ...] = (),  # every path of the spec, served or not
        throttle: FailureThrottle | None = None,
        log: AccessLog | None = None,
    ) -> None:
        self.api = api
        self.shape = api.profile.error_shape
        served = [op for op in api.operations if op.server in upstreams]
        self.router = Router(served, paths or tuple(op.path for op in api.operations))
        self.unserved = {op.operation_id for op in api.operations if op.server not in upstreams}
        self.origins: dict[str | None, tuple[Origin, bytes, str]] = {}
        for server, url in upstreams.items():
            parts = urlsplit(url)
            port = parts.port or (443 if parts.scheme == "https" else 80)
            origin = (parts.scheme, parts.hostname or "", port)
            host_line = b" HTTP/1.1\r\nhost: " + parts.netloc.encode()
            self.origins[server] = (origin, host_line, parts.path.rstrip("/"))
        self.tokens = tokens
        self._token_ids: dict[bytes, tuple[str, str]] = {}  # digest -> (log id, bucket key)
        self.limiter = limiter
        self._take_now = limiter.take_now if isinstance(limiter, MemoryLimiter) else None
        self.throttle = throttle
        self.body_limit = body_limit
        self.response_limit = response_limit
        self.brackets = api.profile.param_style == "brackets"  # Stripe's query strings
        self.validators = Validators(api)  # compiled per operation, once
        # idempotency keys the gateway adds: unique (a random prefix per process, then a
        # count), not secret; no system call per request
        self._key_prefix = secrets.token_hex(12).encode()
        self._keys = itertools.count(1)
        idem = api.profile.idempotency_header
        self.idempotency = idem.lower().encode() if idem else None
        self._key_line = b"\r\n%s: gw-%s-" % (self.idempotency or b"", self._key_prefix)
        self.credentials = credentials
        self.responses = Responses(credentials, response_limit)
        passed = {"accept", "idempotency-key", "user-agent"}
        passed |= {name.lower() for _, name in api.profile.client_headers}
        if api.profile.version_header:
            passed.add(api.profile.version_header.lower())
        if idem:
            passed.add(idem.lower())
        for op in api.operations:
            passed |= {p.wire_name.lower() for p in op.parameters if p.location == "header"}
        self.passed = frozenset(passed - _NEVER_FORWARD)
        self._passed_bytes = frozenset(p.encode("latin-1") for p in self.passed)
        self.upstream = UpstreamClient(timeout, connect_timeout)
        self.log = log or AccessLog(None)

    async def close(self) -> None:
        await self.upstream.aclose()
        await self.credentials.close()
        if self.limiter is not None:
            await self.limiter.close()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":  # websockets: nothing in an OpenAPI spec to forward
            await send({"type": "websocket.close", "code": 1008})
            return
        entry = Entry(scope["method"])
        try:
            await self._handle(scope, receive, send, entry)
        except Refusal as refusal:
            kind, body = error_body(
                self.shape,
                refusal.status,
                refusal.message,
                code=refusal.code,
                param=refusal.param,
                problems=refusal.problems,
            )
            entry.status = refusal.status
            entry.error = refusal.code or refusal.message
            headers = [(b"content-type", kind), *refusal.headers]
            headers.append((b"request-id", f"gw_{secrets.token_hex(8)}".encode()))
            headers.append((b"content-length", b"%d" % len(body)))
            await send(
                {"type": "http.response.start", "status": refusal.status, "headers": headers}
            )
            await send({"type": "http.response.body", "body": body})
        finally:
            self.log.write(entry)

    async def _handle(self, scope: Scope, receive: Receive, send: Send, entry: Entry) -> None:
        pairs = scope["headers"]
        headers: dict[bytes, bytes] = dict(pairs)
        if len(headers) != len(pairs):  # a repeated header is joined, as RFC 9110 allows for lists
            headers = {}
            for name, value in pairs:
                headers[name] = headers[name] + b", " + value if name in headers else value
        key = self._authenticate(headers.get(b"authorization"), scope.get("client"), entry)
        raw_path = scope.get("raw_path") or scope["path"].encode()
        match = self.router.match(scope["method"], raw_path.decode("latin-1"))
        if match is None or steered(headers):
            raise Refusal(404, "Unrecognized request URL: no operation of this API matches it")
        op = match.operation
        entry.operation = op
        if self._take_now is not None:  # an in-memory limit: no coroutine
            self._limited(self._take_now(key))
        elif self.limiter is not None:
            await self._limit(key)
        raw_body = await self._read_body(headers, receive)
        query_string = scope["query_string"]
        query: dict[str, Any] = {}
        forwarded = ""
        if query_string:
            try:
                query, forwarded = read_query(query_string.decode("latin-1"), op, self.brackets)
            except FormError as exc:
                raise malformed("query", exc) from None
        body_value, out_body, content_type = decode_body(
            op, raw_body, headers.get(b"content-type", b"")
        )
        self._check(op, match.path_params, query, headers, body_value)
        passed = [(n, v) for n, v in headers.items() if n in self._passed_bytes]
        # the one place credentials are added (gateway.credentials decides which)
        added = self.credentials.add_now(op, passed, forwarded)
        if added is None:  # an OAuth2 token: it may have to be fetched
            try:
                added = await self.credentials.add(op, passed, forwarded)
            except CredentialsUnavailable:
                raise Refusal(
                    502, "The gateway could not obtain its upstream credentials"
                ) from None
        passed, forwarded = added
        method = scope["method"]
        origin, data, replayable = self._request(
            op, method, match.upstream_path, headers, passed, forwarded, out_body, content_type
        )
        whole = RESPONSE in (scope.get("extensions") or ())
        await self._forward(origin, data, method, replayable, send, entry, whole)
        if entry.status == 401:
            self.credentials.refused(op)

    def _check(
        self,
        op: Operation,
        path: Any,
        query: Any,
        headers: dict[bytes, bytes],
        body: Any,
    ) -> None:
        """Refuses (400, every problem named) a request the operation's validators reject."""
        plan = self.validators.plans[op.operation_id]
        form = op.body is None or op.body.encoding in ("form", "multipart")
        values = (
            {k.decode("latin-1"): v.decode("latin-1") for k, v in headers.items()}
            if plan.header
            else {}
        )
        if plan.passes(path, query, values, body, form):  # certainly fine: the usual case
            return
        problems = self.validators.check(
            op, path=path, query=query, headers=values, body=body, form=form
        )
        if problems:
            first = problems[0]
            raise Refusal(
                400,
                problems_message(problems),
                code=first.code,
                param=first.param,
                problems=problems,
            )

    def _request(
        self,
        op: Operation,
        method: str,
        upstream_path: str,
        headers: dict[bytes, bytes],
        passed: Headers,
        forwarded: str,
        out_body: bytes,
        content_type: bytes,
    ) -> tuple[Origin, bytes, bool]:
        """The upstream's origin, the whole request to write to it, and whether it may be
        sent twice (idempotent by method, or carrying an idempotency key, ours if need be)."""
        origin, host_line, base = self.origins[op.server]
        target = base + upstream_path
        if forwarded:
            target += "?" + forwarded
        # one join of byte strings (a bytes format costs more than the whole join)
        parts = [method.encode(), b" ", target.encode("ascii"), host_line]
        for name, value in passed:
            parts += (b"\r\n", name, b": ", value)
        lines = 1 + len(passed)  # the line breaks put in here: any other is inside a value
        replayable = method in _IDEMPOTENT
        idempotency = self.idempotency
        if idempotency is not None and method == "POST":
            if idempotency not in headers:  # so a replay, ours or the client's, is safe
                parts += (self._key_line, str(next(self._keys)).encode())
                lines += 1
            replayable = True
        elif idempotency is not None and idempotency in headers:
            replayable = True
        if content_type:
            parts += (b"\r\ncontent-type: ", content_type)
            lines += 1
        if out_body or method not in ("GET", "HEAD", "DELETE", "OPTIONS"):
            parts += (b"\r\ncontent-length: ", str(len(out_body)).encode())
            lines += 1
        parts.append(b"\r\naccept-encoding: identity")
        head = b"".join(parts)
        if head.count(b"\n") != lines + 1 or head.count(b"\r") != lines + 1:
            raise Refusal(400, "A header value holds a line break")
        data = head + b"\r\n\r\n" + out_body
        return origin, data, replayable

    async def _limit(self, key: str) -> None:
        assert self.limiter is not None
        try:
            wait = await self.limiter.take(key)
        except LimiterUnavailable:
            raise Refusal(
                503, "The gateway's rate-limit store is unreachable; try again shortly"
            ) from None
        self._limited(wait)

    @staticmethod
    def _limited(wait: float | None) -> None:
        if wait is not None:
            raise Refusal(
                429,
                "Too many requests for this token; slow down",
                code="rate_limit",
                headers=[(b"retry-after", str(max(1, math.ceil(wait))).encode())],
            )

    def _authenticate(self, header: bytes | None, client: Any, entry: Entry) -> str:
        """The bucket key of the caller's token; refuses a missing or unknown one, and an
        address that has failed too often lately (429) before checking anything."""
        if self.tokens is None:  # --insecure-no-client-auth: one shared bucket
            return "anonymous"
        address = client[0] if client else ""
        throttle = self.throttle
        if throttle is not None and address in throttle.buckets:  # failed lately
            wait = throttle.blocked(address)
            if wait is not None:
                raise Refusal(
                    429,
                    "Too many failed token checks from this address; wait before trying again",
                    code="rate_limit",
                    headers=[(b"retry-after", str(max(1, math.ceil(wait))).encode())],
                )
        scheme, _, token = (header or b"").decode("latin-1").partition(" ")
        found = self.tokens.match(token.strip()) if scheme.lower() == "bearer" else None
        if found is None:
            if throttle is not None:
                throttle.failed(address)
            raise Refusal(
                401,
                "Missing or unknown gateway token: send Authorization: Bearer <your gateway token>",
                headers=[(b"www-authenticate", b'Bearer realm="gateway"')],
            )
        ids = self._token_ids.get(found)
        if ids is None:  # one entry per configured token at most
            ids = self._token_ids[found] = (token_id(found), found.hex()[:32])
        entry.token = ids[0]
        return ids[1]

    async def _read_body(self, headers: dict[bytes, bytes], receive: Receive) -> bytes:
        declared = headers.get(b"content-length")
        if declared is not None and (not declared.isdigit() or int(declared) > self.body_limit):
            raise Refusal(413, f"The request body is larger than {self.body_limit} bytes")
        message = await receive()
        if message["type"] == "http.request" and not message.get("more_body", False):
            body: bytes = message.get("body", b"")  # the whole body in one piece, as usual
            if len(body) > self.body_limit:
                raise Refusal(413, f"The request body is larger than {self.body_limit} bytes")
            return body
        chunks: list[bytes] = []
        size = 0
        while True:
            if message["type"] == "http.disconnect":
                raise Refusal(400, "The client went away before sending the whole body")
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > self.body_limit:  # a chunked body has no Content-Length to go by
                raise Refusal(413, f"The request body is larger than {self.body_limit} bytes")
            chunks.append(chunk)
            if not message.get("more_body", False):
                return chunks[0] if len(chunks) == 1 else b"".join(chunks)
            message = await receive()

    async def _forward(
        self,
        origin: Origin,
        data: bytes,
        method: str,
        replayable: bool,
        send: Send,
        entry: Entry,
        whole: bool,
    ) -> None:
        try:
            exchange = await self.upstream.exchange(
                origin, data, replayable=replayable, head_only=method == "HEAD"
            )
        except UpstreamTimeout:
            raise Refusal(504, "The upstream API did not respond in time") from None
        except UpstreamError as exc:
            entry.error = str(exc)
            raise Refusal(502, "The upstream API could not be reached") from None
        try:
            responses = self.responses
            out = responses.headers(exchange.headers, entry)
            entry.status = exchange.status
            if whole and exchange.done and exchange.buffered <= self.response_limit:
                await send(responses.whole(exchange, out))  # all of it is here: the common case
            else:
                await responses.stream(exchange, out, send, entry)
        finally:
            exchange.finish()

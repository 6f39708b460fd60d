"""The forwarding path: authenticate, match, limit, read, validate, forward, answer, log.

A raw ASGI app (no Starlette request objects) because it runs on every proxied call. Every
refusal happens before the upstream is contacted. The upstream credentials (``credentials``)
are added to the outgoing request only, and scrubbed from anything the upstream sends back.
"""

from __future__ import annotations

import json
import logging
import math
import secrets
import time
from collections.abc import Awaitable, Callable, MutableMapping
from dataclasses import dataclass, field
from typing import Any

import httpx

from generator.gateway.credentials import CredentialsUnavailable, UpstreamCredentials
from generator.gateway.errors import Headers, error_body, problems_message
from generator.gateway.forms import (
    FormError,
    Problem,
    decode,
    decode_multipart,
    decode_styled,
    encode_pairs,
    parse_pairs,
)
from generator.gateway.ratelimit import Limiter, LimiterUnavailable
from generator.gateway.routing import Router
from generator.gateway.settings import Tokens, token_id
from generator.gateway.upstream import UpstreamTransport
from generator.gateway.validate import validate
from generator.ir import Api, Operation

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]

access_log = logging.getLogger("generator.gateway.access")

# RFC 9110 7.6.1, plus what the gateway sets itself or must never pass on.
HOP_BY_HOP = frozenset(
    {
        "connection", "keep-alive", "proxy-authenticate", "proxy-authorization", "proxy-connection",
        "te", "trailer", "trailers", "transfer-encoding", "upgrade",
    }
)  # fmt: skip
_RESPONSE_DROP = HOP_BY_HOP | {"content-length", "content-encoding", "set-cookie", "server", "date"}
_NEVER_FORWARD = HOP_BY_HOP | {
    "authorization", "host", "cookie", "content-length", "content-type", "accept-encoding",
    "forwarded", "x-forwarded-for", "x-forwarded-host", "x-forwarded-proto", "x-real-ip",
}  # fmt: skip
_FORM = "application/x-www-form-urlencoded"


class _Refusal(Exception):
    def __init__(
        self,
        status: int,
        message: str,
        *,
        code: str | None = None,
        param: str | None = None,
        problems: list[Problem] | None = None,
        headers: Headers | None = None,
    ) -> None:
        super().__init__(message)
        self.status, self.message, self.code, self.param = status, message, code, param
        self.problems = problems or []
        self.headers = headers or []


@dataclass
class _Entry:
    """What one access-log line says."""

    method: str
    path: str | None = None  # the operation's path template: a raw path may carry anything
    token: str = "-"
    operation: str | None = None
    status: int = 0
    upstream_request_id: str | None = None
    error: str | None = None
    started: float = field(default_factory=time.perf_counter)


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
        timeout: httpx.Timeout,
    ) -> None:
        self.api = api
        self.shape = api.profile.error_shape
        self.router = Router([op for op in api.operations if op.server in upstreams])
        self.unserved = {op.operation_id for op in api.operations if op.server not in upstreams}
        self.upstreams = {k: v.rstrip("/") for k, v in upstreams.items()}
        self.tokens = tokens
        self.limiter = limiter
        self.body_limit = body_limit
        self.brackets = api.profile.param_style == "brackets"  # Stripe's query strings
        self.credentials = credentials
        passed = {"accept", "idempotency-key", "user-agent"}
        passed |= {name.lower() for _, name in api.profile.client_headers}
        if api.profile.version_header:
            passed.add(api.profile.version_header.lower())
        for op in api.operations:
            passed |= {p.wire_name.lower() for p in op.parameters if p.location == "header"}
        self.passed = frozenset(passed - _NEVER_FORWARD)
        # The transport directly, not an httpx.AsyncClient: the client's cookie jar, redirect
        # and environment handling (proxies, .netrc) are all unwanted here, and cost a third of
        # a millisecond per call.
        self.transport = UpstreamTransport(timeout)

    async def close(self) -> None:
        await self.transport.aclose()
        await self.credentials.close()
        if self.limiter is not None:
            await self.limiter.close()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":  # websockets: nothing in an OpenAPI spec to forward
            await send({"type": "websocket.close", "code": 1008})
            return
        raw_path = bytes(scope.get("raw_path") or scope["path"].encode()).decode("latin-1")
        entry = _Entry(method=scope["method"])
        try:
            status, headers, body = await self._handle(scope, receive, raw_path, entry)
        except _Refusal as refusal:
            kind, body = error_body(
                self.shape,
                refusal.status,
                refusal.message,
                code=refusal.code,
                param=refusal.param,
                problems=refusal.problems,
            )
            status = refusal.status
            entry.error = refusal.code or refusal.message
            headers = [(b"content-type", kind), *refusal.headers]
            headers.append((b"request-id", f"gw_{secrets.token_hex(8)}".encode()))
        headers.append((b"content-length", str(len(body)).encode()))
        entry.status = status
        await send({"type": "http.response.start", "status": status, "headers": headers})
        await send({"type": "http.response.body", "body": body})
        _log(entry)

    async def _handle(
        self, scope: Scope, receive: Receive, raw_path: str, entry: _Entry
    ) -> tuple[int, Headers, bytes]:
        headers: dict[bytes, bytes] = {}
        for name, value in scope["headers"]:
            if name in headers:  # a repeated header is joined, as RFC 9110 allows for lists
                headers[name] += b", " + value
            else:
                headers[name] = value
        key = self._authenticate(headers.get(b"authorization"), entry)
        match = self.router.match(scope["method"], raw_path)
        if match is None or _steered(headers):
            raise _Refusal(404, "Unrecognized request URL: no operation of this API matches it")
        op = match.operation
        entry.operation, entry.path = op.operation_id, op.path
        if self.limiter is not None:
            try:
                wait = await self.limiter.take(key)
            except LimiterUnavailable:
                raise _Refusal(
                    503, "The gateway's rate-limit store is unreachable; try again shortly"
                ) from None
            if wait is not None:
                raise _Refusal(
                    429,
                    "Too many requests for this token; slow down",
                    code="rate_limit",
                    headers=[(b"retry-after", str(max(1, math.ceil(wait))).encode())],
                )
        raw_body = await self._read_body(headers, receive)
        query_pairs, query = _decoded(
            scope["query_string"].decode("latin-1"), "query", op, self.brackets
        )
        body_value, out_body, out_headers = _body(op, raw_body, headers.get(b"content-type", b""))
        problems = validate(
            self.api,
            op,
            path=match.path_params,
            query=query,
            headers={k.decode("latin-1"): v.decode("latin-1") for k, v in headers.items()},
            body=body_value,
            form=op.body is None or op.body.encoding in ("form", "multipart"),
        )
        if problems:
            first = problems[0]
            raise _Refusal(
                400,
                problems_message(problems),
                code=first.code,
                param=first.param,
                problems=problems,
            )
        for name, value in headers.items():
            if name.decode("latin-1") in self.passed:
                out_headers.append((name, value))
        try:
            out_headers, query_pairs = await self.credentials.add(op, out_headers, query_pairs)
        except CredentialsUnavailable:
            raise _Refusal(502, "The gateway could not obtain its upstream credentials") from None
        out_headers.append((b"accept-encoding", b"identity"))
        url = self.upstreams[op.server] + match.upstream_path
        if query_pairs:
            url += "?" + encode_pairs(query_pairs)
        answer = await self._forward(scope["method"], url, out_headers, out_body, entry)
        if answer[0] == 401:
            self.credentials.refused(op)
        return answer

    def _authenticate(self, header: bytes | None, entry: _Entry) -> str:
        """The bucket key of the caller's token; refuses a missing or unknown one."""
        if self.tokens is None:  # --insecure-no-client-auth: one shared bucket
            return "anonymous"
        scheme, _, token = (header or b"").decode("latin-1").partition(" ")
        found = self.tokens.match(token.strip()) if scheme.lower() == "bearer" else None
        if found is None:
            raise _Refusal(
                401,
                "Missing or unknown gateway token: send Authorization: Bearer <your gateway token>",
                headers=[(b"www-authenticate", b'Bearer realm="gateway"')],
            )
        entry.token = token_id(found)
        return found.hex()[:32]

    async def _read_body(self, headers: dict[bytes, bytes], receive: Receive) -> bytes:
        declared = headers.get(b"content-length")
        if declared is not None and (not declared.isdigit() or int(declared) > self.body_limit):
            raise _Refusal(413, f"The request body is larger than {self.body_limit} bytes")
        chunks: list[bytes] = []
        size = 0
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                raise _Refusal(400, "The client went away before sending the whole body")
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > self.body_limit:  # a chunked body has no Content-Length to go by
                raise _Refusal(413, f"The request body is larger than {self.body_limit} bytes")
            chunks.append(chunk)
            if not message.get("more_body", False):
                return b"".join(chunks)

    async def _forward(
        self, method: str, url: str, headers: Headers, body: bytes, entry: _Entry
    ) -> tuple[int, Headers, bytes]:
        try:
            request = httpx.Request(method, url, headers=headers, content=body)
            response = await self.transport.handle_async_request(request)
        except httpx.TimeoutException:
            raise _Refusal(504, "The upstream API did not answer in time") from None
        except httpx.HTTPError as exc:
            entry.error = type(exc).__name__
            raise _Refusal(502, "The upstream API could not be reached") from None
        content = response.content
        secrets = self.credentials.secrets
        for secret in secrets:
            if secret in content:
                content = content.replace(secret, b"[redacted]")
        out: Headers = []
        named = {v.strip().lower() for v in response.headers.get("connection", "").split(",")}
        for name, value in response.headers.raw:
            lower = name.decode("latin-1").lower()
            if lower in _RESPONSE_DROP or lower in named:
                continue
            for secret in secrets:
                value = value.replace(secret, b"[redacted]")
            out.append((lower.encode("latin-1"), value))
        entry.upstream_request_id = response.headers.get("request-id")
        return response.status_code, out, content


def _steered(headers: dict[bytes, bytes]) -> bool:
    """Whether the request names a host other than the one it was sent to (``X-Forwarded-Host``
    or ``Forwarded: host=``): the gateway has one upstream and takes no directions."""
    host = headers.get(b"host", b"").strip().lower()
    named = [v.strip() for v in headers.get(b"x-forwarded-host", b"").split(b",") if v.strip()]
    for element in headers.get(b"forwarded", b"").replace(b",", b";").split(b";"):
        key, _, value = element.partition(b"=")
        if key.strip().lower() == b"host":
            named.append(value.strip().strip(b'"'))
    return any(name.lower() != host for name in named)


def _body(op: Operation, raw: bytes, content_type: bytes) -> tuple[Any, bytes, Headers]:
    """The decoded body to validate, the bytes to forward and their content type."""
    kind = content_type.split(b";")[0].strip().lower().decode("latin-1")
    if op.body is None:
        if raw:
            raise _Refusal(400, "This operation takes no request body")
        return None, b"", []
    if not raw:
        return None, b"", []
    media = op.body.media_type
    if op.body.encoding == "form":
        if kind != _FORM:
            raise _Refusal(400, f"The request body must be {_FORM}")
        pairs, value = _decoded(_text(raw), "body", op, True)  # bodies are bracket-encoded
        return value, encode_pairs(pairs).encode(), [(b"content-type", _FORM.encode())]
    if op.body.encoding == "json":
        if kind != "application/json" and not kind.endswith("+json"):
            raise _Refusal(400, f"The request body must be {media}")
        try:
            value = json.loads(raw)
        except ValueError:
            raise _Refusal(400, "The request body is not valid JSON") from None
        # Forward what was validated, not bytes another parser might read otherwise.
        out = json.dumps(value, separators=(",", ":")).encode()
        return value, out, [(b"content-type", media.encode())]
    if op.body.encoding == "multipart":
        if kind != "multipart/form-data":
            raise _Refusal(400, "The request body must be multipart/form-data")
        try:
            value = decode_multipart(content_type.decode("latin-1"), raw)
        except FormError as exc:
            raise _Refusal(
                400, f"Malformed body: {exc.problem.message}", param=exc.problem.param
            ) from None
        # forwarded as sent: re-encoding files is costly, and the fields were read from it
        return value, raw, [(b"content-type", content_type)]
    return raw, raw, [(b"content-type", content_type)]  # a raw body: any bytes


def _text(raw: bytes) -> str:
    try:
        return raw.decode("ascii")
    except UnicodeDecodeError:  # urlencoded data is ASCII; anything else is not what it says
        raise _Refusal(400, "The form body must be percent-encoded ASCII") from None


def _decoded(
    text: str, where: str, op: Operation, brackets: bool
) -> tuple[list[tuple[str, str]], dict[str, Any]]:
    try:
        pairs = parse_pairs(text)
        return pairs, decode(pairs) if brackets else decode_styled(pairs, op.parameters)
    except FormError as exc:
        p = exc.problem
        raise _Refusal(400, f"Malformed {where}: {p.message}", param=p.param) from None


def _log(entry: _Entry) -> None:
    if not access_log.isEnabledFor(logging.INFO):
        return
    record = {
        "ts": round(time.time(), 3),
        "token": entry.token,
        "method": entry.method,
        "path": entry.path,
        "operation": entry.operation,
        "status": entry.status,
        "ms": round((time.perf_counter() - entry.started) * 1000, 2),
        "upstream_request_id": entry.upstream_request_id,
    }
    if entry.error:
        record["error"] = entry.error
    access_log.info(json.dumps(record))

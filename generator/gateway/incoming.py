"""What the proxy reads of a request before it is forwarded: the body decoded for validation
(and re-encoded as what is forwarded), whether the request tries to steer the upstream host, and
the refusal raised when something is wrong (``Refusal``: status, message, the parameter)."""

from __future__ import annotations

import json
from typing import Any

from generator.gateway.errors import Headers
from generator.gateway.forms import (
    FormError,
    Problem,
    decode,
    decode_multipart,
    encode_pairs,
    is_canonical_bytes,
    parse_pairs,
)
from generator.ir import Operation

FORM = "application/x-www-form-urlencoded"
_FORM = FORM.encode()


class Refusal(Exception):
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


def steered(headers: dict[bytes, bytes]) -> bool:
    """Whether the request names a host other than the one it was sent to (``X-Forwarded-Host``
    or ``Forwarded: host=``): the gateway has one upstream and takes no directions."""
    if b"x-forwarded-host" not in headers and b"forwarded" not in headers:
        return False
    host = headers.get(b"host", b"").strip().lower()
    named = [v.strip() for v in headers.get(b"x-forwarded-host", b"").split(b",") if v.strip()]
    for element in headers.get(b"forwarded", b"").replace(b",", b";").split(b";"):
        key, _, value = element.partition(b"=")
        if key.strip().lower() == b"host":
            named.append(value.strip().strip(b'"'))
    return any(name.lower() != host for name in named)


def decode_body(op: Operation, raw: bytes, content_type: bytes) -> tuple[Any, bytes, bytes]:
    """The decoded body to validate, the bytes to forward and their content type."""
    kind = _KINDS.get(content_type) or _kind(content_type)
    if op.body is None:
        if raw:
            raise Refusal(400, "This operation takes no request body")
        return None, b"", b""
    if not raw:
        return None, b"", b""
    media = op.body.media_type
    if op.body.encoding == "form":
        if kind != FORM:
            raise Refusal(400, f"The request body must be {FORM}")
        text = _text(raw)
        try:  # bodies are bracket-encoded
            pairs = parse_pairs(text)
            value = decode(pairs)
        except FormError as exc:
            raise malformed("body", exc) from None
        # forwarded as the canonical encoding of what was validated (the same bytes when the
        # client already wrote it so)
        return value, raw if is_canonical_bytes(raw) else encode_pairs(pairs).encode(), _FORM

    if op.body.encoding == "json":
        if kind != "application/json" and not kind.endswith("+json"):
            raise Refusal(400, f"The request body must be {media}")
        try:
            value = json.loads(raw)
        except (ValueError, RecursionError):
            raise Refusal(400, "The request body is not valid JSON") from None
        # Forward what was validated, not bytes another parser might read otherwise.
        return value, json.dumps(value, separators=(",", ":")).encode(), media.encode()
    if op.body.encoding == "multipart":
        if kind != "multipart/form-data":
            raise Refusal(400, "The request body must be multipart/form-data")
        try:
            value = decode_multipart(content_type.decode("latin-1"), raw)
        except FormError as exc:
            raise Refusal(
                400, f"Malformed body: {exc.problem.message}", param=exc.problem.param
            ) from None
        # forwarded as sent: re-encoding files is costly, and the fields were read from it
        return value, raw, content_type
    # a raw body (octet-stream, text, an image...): any bytes, of a media type the spec names
    if not kind:
        return raw, raw, media.encode()
    if not _media_matches(media, kind) and not any(
        _media_matches(m, kind) for m in op.body.alternatives
    ):
        raise Refusal(400, f"The request body must be {media}")
    return raw, raw, content_type


# a Content-Type header's media type (lower case, no parameters), for the few values clients
# send again and again
_KINDS: dict[bytes, str] = {}


def _kind(content_type: bytes) -> str:
    kind = content_type.split(b";")[0].strip().lower().decode("latin-1")
    if len(_KINDS) < 64 and len(content_type) <= 128:  # a client's header: bounded memory
        _KINDS[content_type] = kind
    return kind


def _media_matches(declared: str, kind: str) -> bool:
    declared = declared.split(";")[0].strip().lower()
    if declared in ("*/*", kind):
        return True
    major, _, minor = declared.partition("/")
    return minor == "*" and kind.startswith(major + "/")


def _text(raw: bytes) -> str:
    try:
        return raw.decode("ascii")
    except UnicodeDecodeError:  # urlencoded data is ASCII; anything else is not what it says
        raise Refusal(400, "The form body must be percent-encoded ASCII") from None


def malformed(where: str, exc: FormError) -> Refusal:
    return Refusal(400, f"Malformed {where}: {exc.problem.message}", param=exc.problem.param)

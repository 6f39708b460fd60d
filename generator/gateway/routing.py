"""Which spec operation a request is, from its method and raw path, and nothing else.

Matching works on the raw (still percent-encoded) path, segment by segment: literal segments
must be byte-equal to the template's, and each path parameter is one non-empty segment that,
decoded, is neither ``.`` nor ``..`` and holds no ``/`` or ``\\``. So traversal, encoded slashes
and absolute-form targets (``http://other/...``) match nothing and are never forwarded. The
upstream path is rebuilt from the template with each value re-escaped, never copied from the
request.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import quote, unquote

from generator.ir import Operation

_PARAM = re.compile(r"\{([^{}]+)\}")
# what a literal segment of a template may hold unescaped (RFC 3986 pchar)
_SEGMENT_SAFE = "-._~!$&'()*+,;=:@"


@dataclass(frozen=True)
class Match:
    operation: Operation
    path_params: dict[str, str]  # decoded
    upstream_path: str  # the template with each value re-escaped


@dataclass(frozen=True)
class _Templated:
    pattern: re.Pattern[str]
    pieces: tuple[str, ...]  # escaped literal text at even indices, parameter names at odd ones


@dataclass(frozen=True)
class _Route:
    operation: Operation
    segments: tuple[str | _Templated, ...]  # a literal segment (escaped) or a templated one


class Router:
    def __init__(self, operations: tuple[Operation, ...] | list[Operation]) -> None:
        self._by_method: dict[str, dict[int, list[_Route]]] = {}
        for op in operations:
            segments: list[str | _Templated] = []
            for seg in op.path.split("/")[1:]:
                split = _PARAM.split(seg)
                if len(split) == 1:
                    segments.append(quote(seg, safe=_SEGMENT_SAFE))
                    continue
                pieces = tuple(
                    p if i % 2 else quote(p, safe=_SEGMENT_SAFE) for i, p in enumerate(split)
                )
                pattern = "".join(
                    "([^/]+)" if i % 2 else re.escape(p) for i, p in enumerate(pieces)
                )
                segments.append(_Templated(re.compile(f"^{pattern}$"), pieces))
            by_len = self._by_method.setdefault(op.method, {})
            by_len.setdefault(len(segments), []).append(_Route(op, tuple(segments)))
        # Literal segments win over parameters (``/v1/customers/search`` before
        # ``/v1/customers/{customer}``), as in the upstream's own router.
        for by_len in self._by_method.values():
            for routes in by_len.values():
                routes.sort(key=lambda r: tuple(isinstance(s, _Templated) for s in r.segments))

    def match(self, method: str, raw_path: str) -> Match | None:
        if not raw_path.startswith("/"):  # absolute-form or asterisk-form target
            return None
        parts = raw_path.split("/")[1:]
        for route in self._by_method.get(method, {}).get(len(parts), ()):
            found = _match(route, parts)
            if found is not None:
                return found
        return None


def _match(route: _Route, parts: list[str]) -> Match | None:
    params: dict[str, str] = {}
    rebuilt: list[str] = []
    for seg, part in zip(route.segments, parts, strict=True):
        if isinstance(seg, str):
            if part != seg:
                return None
            rebuilt.append(seg)
            continue
        found = seg.pattern.match(part)
        if found is None:
            return None
        out = []
        for i, piece in enumerate(seg.pieces):
            if i % 2 == 0:
                out.append(piece)
                continue
            value = _segment_value(found.group(i // 2 + 1))
            if value is None:
                return None
            params[piece] = value
            out.append(quote(value, safe=""))
        rebuilt.append("".join(out))
    return Match(route.operation, params, "/" + "/".join(rebuilt))


def _segment_value(raw: str) -> str | None:
    """A path parameter's decoded value, or None when it could step out of its segment."""
    try:
        value = unquote(raw, errors="strict")
    except UnicodeDecodeError:
        return None
    if not value or value in (".", "..") or "/" in value or "\\" in value:
        return None
    if any(ord(c) < 0x20 or ord(c) == 0x7F for c in value):
        return None
    return value

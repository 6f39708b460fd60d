"""Which spec operation a request is, from its method and raw path, and nothing else.

Matching works on the raw (still percent-encoded) path, segment by segment: literal segments
must be byte-equal to the template's, and each path parameter is one non-empty segment that,
decoded, is neither ``.`` nor ``..`` and holds no ``/`` or ``\\``. So traversal, encoded slashes
and absolute-form targets (``http://other/...``) match nothing and are never forwarded. The
upstream path is rebuilt from the template with each value re-escaped, never copied from the
request.

Routing knows the spec's *whole* path set, served or not: a parameter value equal (once
decoded) to a literal segment that another path of the spec has at that position, after the same
prefix, is not a parameter value. Otherwise ``/v1/customers/search`` (or ``%73earch``) would
reach the upstream's search endpoint through ``/v1/customers/{customer}`` when only the latter
is allowed. A parameter in the ``label`` (``.a``) or ``matrix`` (``;id=a``) style is read and
rebuilt in its style; a list parameter's items are split as its style and ``explode`` say.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from urllib.parse import quote, unquote

from generator.ir import ListOf, Operation, Parameter, TypeRef, UnionOf

_PARAM = re.compile(r"\{([^{}]+)\}")
# what a literal segment of a template may hold unescaped (RFC 3986 pchar)
_SEGMENT_SAFE = "-._~!$&'()*+,;=:@"

PathValue = str | list[str]


@dataclass(frozen=True)
class Match:
    operation: Operation
    path_params: dict[str, PathValue]  # decoded
    upstream_path: str  # the template with each value re-escaped


@dataclass(frozen=True)
class _Templated:
    pattern: re.Pattern[str]
    pieces: tuple[str, ...]  # escaped literal text at even indices, parameter names at odd ones
    styled: Parameter | None  # the one parameter filling the whole segment, when styled/listed
    siblings: frozenset[str]  # decoded literals other paths have here: never a value


@dataclass(frozen=True)
class _Route:
    operation: Operation
    segments: tuple[str | _Templated, ...]  # a literal segment (escaped) or a templated one


def _is_param(segment: str) -> bool:
    return _PARAM.search(segment) is not None


def _siblings(template: list[str], i: int, paths: Sequence[list[str]]) -> frozenset[str]:
    """Literal segments at position ``i`` of the paths whose first ``i`` segments could match
    the same requests as ``template``'s."""
    out = set()
    for other in paths:
        if len(other) <= i or _is_param(other[i]):
            continue
        if all(
            a == b or _is_param(a) or _is_param(b)
            for a, b in zip(template[:i], other[:i], strict=True)
        ):
            out.add(other[i])
    return frozenset(out)


class Router:
    def __init__(self, operations: Iterable[Operation], paths: Iterable[str] = ()) -> None:
        operations = list(operations)
        every = [p.split("/")[1:] for p in dict.fromkeys([*paths, *(op.path for op in operations)])]
        self._by_method: dict[str, dict[int, list[_Route]]] = {}
        for op in operations:
            template = op.path.split("/")[1:]
            in_path = {p.wire_name: p for p in op.parameters if p.location == "path"}
            segments: list[str | _Templated] = []
            for i, seg in enumerate(template):
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
                whole = (
                    in_path.get(split[1])
                    if split[0] == split[2] == "" and len(split) == 3
                    else None
                )
                styled = (
                    whole
                    if whole is not None
                    and (whole.style in ("label", "matrix") or _is_list(whole.type))
                    else None
                )
                segments.append(
                    _Templated(re.compile(f"^{pattern}$"), pieces, styled, _siblings(template, i, every))
                )  # fmt: skip
            by_len = self._by_method.setdefault(op.method, {})
            by_len.setdefault(len(segments), []).append(_Route(op, tuple(segments)))
        # Literal segments win over parameters (``/v1/customers/search`` before
        # ``/v1/customers/{customer}``), as in the upstream's own router.
        for by_len in self._by_method.values():
            for routes in by_len.values():
                routes.sort(key=lambda r: tuple(isinstance(s, _Templated) for s in r.segments))
        # so a path without parameters is one dict lookup (the first route it would match)
        self._literal: dict[tuple[str, str], Match] = {}
        for method, by_len in self._by_method.items():
            for routes in by_len.values():
                for route in routes:
                    parts = [s for s in route.segments if isinstance(s, str)]
                    found = _match(route, parts) if len(parts) == len(route.segments) else None
                    if found is not None:
                        self._literal.setdefault((method, found.upstream_path), found)

    def match(self, method: str, raw_path: str) -> Match | None:
        literal = self._literal.get((method, raw_path))
        if literal is not None:
            return literal
        if not raw_path.startswith("/"):  # absolute-form or asterisk-form target
            return None
        parts = raw_path.split("/")[1:]
        for route in self._by_method.get(method, {}).get(len(parts), ()):
            found = _match(route, parts)
            if found is not None:
                return found
        return None


def _match(route: _Route, parts: list[str]) -> Match | None:
    params: dict[str, PathValue] = {}
    rebuilt: list[str] = []
    for seg, part in zip(route.segments, parts, strict=True):
        if isinstance(seg, str):
            if part != seg:
                return None
            rebuilt.append(seg)
            continue
        if seg.siblings and unquote(part) in seg.siblings:
            return None  # another path's literal segment: not a value of this parameter
        if seg.styled is not None:
            styled = _styled(seg.styled, part)
            if styled is None:
                return None
            params[seg.styled.wire_name], text = styled
            rebuilt.append(text)
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


def _styled(param: Parameter, raw: str) -> tuple[PathValue, str] | None:
    """A whole-segment parameter read in its style (simple, label or matrix; a list split by
    its delimiter), and the segment rebuilt from the decoded value(s)."""
    listed = _is_list(param.type)
    name = quote(param.wire_name, safe="")
    if param.style == "label":
        if not raw.startswith("."):
            return None
        body, prefix, sep = raw[1:], ".", ("." if param.explode else ",")
    elif param.style == "matrix":
        head = f";{name}="
        if not raw.startswith(head):
            return None
        body, prefix = raw[len(head) :], head
        sep = head if param.explode else ","
    else:
        body, prefix, sep = raw, "", ","
    items = body.split(sep) if listed else [body]
    values = [_segment_value(item) for item in items]
    if any(v is None for v in values) or (not listed and not body):
        return None
    decoded = [v for v in values if v is not None]
    text = prefix + sep.join(quote(v, safe="") for v in decoded)
    return (decoded if listed else decoded[0]), text


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


def _is_list(t: TypeRef) -> bool:
    return isinstance(t, ListOf) or (
        isinstance(t, UnionOf) and any(isinstance(m, ListOf) for m in t.members)
    )

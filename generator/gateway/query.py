"""A request's query string read into values, and the query the upstream receives instead.

Stripe-like APIs (profile ``param_style = "brackets"``) write every parameter in bracket syntax
(``forms``). Any other API's query parameters are read each by its OpenAPI style with the
runtime's codec (``_values.query_pairs`` and ``query_value``), on the *escaped* values: an
escaped delimiter inside an item (``ids=a%2Cb,c``: two items, ``a,b`` and ``c``) is data, not a
delimiter, so the gateway reads a list the way a client wrote it. What is forwarded is the
runtime's own encoding (``_encode.query_param``) of what was read and validated, never the
client's bytes, so the upstream cannot read the query another way than the gateway checked it.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote, unquote_plus

from generator.gateway.forms import FormError, Problem, decode, encode_pairs, parse_pairs
from generator.ir import ListOf, MapOf, Operation, ParamsRef, TypeRef, UnionOf
from generator.templates.runtime import _encode, _values


def read_query(text: str, op: Operation, brackets: bool) -> tuple[dict[str, Any], str]:
    """The query's values (text leaves, for ``validate``) and the canonical query string to
    forward. Raises ``FormError`` on a query that cannot be read one way only."""
    if not text:
        return {}, ""
    if brackets:
        pairs = parse_pairs(text)
        return decode(pairs), encode_pairs(pairs)
    return _styled(text, op)


def _styled(text: str, op: Operation) -> tuple[dict[str, Any], str]:
    params = [p for p in op.parameters if p.location == "query" and p.wire_name]
    fixed = {k for k, _ in _values.query_pairs(op.fixed_query)}
    names = frozenset({p.wire_name for p in params} | fixed)
    pairs = [(k, v) for k, v in _values.query_pairs(text) if k or v]  # ``a=1&&b=2``: no pair
    values: dict[str, Any] = {}
    pieces: list[str] = []
    claimed: set[str] = set()  # pair names a parameter has read
    for p in params:
        style, shape = p.style_code, _shape(p.type)
        try:
            value = _values.query_value(p.wire_name, pairs, style, shape, names)
        except _values.Invalid as exc:
            raise FormError(Problem(p.wire_name, f"{p.wire_name}: {exc}")) from None
        if style.startswith("deepObject"):
            claimed |= {k for k, _ in pairs if k.startswith(p.wire_name + "[")}
        elif style == "form*" and shape == "object":
            claimed |= {k for k, _ in pairs if k not in names}
        else:
            claimed.add(p.wire_name)
        if value is not None:
            values[p.wire_name] = value
            pieces += _encode.query_param(p.wire_name, value, style, p.allow_reserved)
    for key, raw in pairs:  # the operation's fixed keys, and names ``validate`` will refuse
        if key in claimed:
            continue
        value = unquote_plus(raw)
        if key not in fixed and key in values:
            raise FormError(Problem(key, f"{key} is given more than once"))
        values.setdefault(key, value)
        pieces.append(f"{quote(key, safe='')}={quote(value, safe='')}")
    for key in fixed:
        values.pop(key, None)
    return values, "&".join(pieces)


def _shape(t: TypeRef) -> _values.Shape:
    """How a value of ``t`` travels: as one text, items, or name/value members."""
    members = t.members if isinstance(t, UnionOf) else (t,)
    if any(isinstance(m, ListOf) for m in members):
        return "array"
    if any(isinstance(m, MapOf | ParamsRef) for m in members):
        return "object"
    return "scalar"

"""Realistic argument values for an operation: what the docs' snippets fill in.

A pure function of the IR. A value comes from the spec where it gives one (``example``,
``examples``, ``default``), else from the type (an enum's first value, a list of one item, a
dict of the required keys of a TypedDict), its ``format`` and its name: a URL for ``format:
uri`` or names ending in ``_url``, an ID with the profile's prefix for names in
``id_prefixes`` (``account`` → ``"acct_123"``), a date for ``date``/``date-time``.
"""

from __future__ import annotations

from typing import Any

from generator.ir import (
    Api,
    ListOf,
    Lit,
    MapOf,
    ModelRef,
    Operation,
    ParamsRef,
    Prim,
    TypeRef,
    UnionOf,
    Value,
)
from generator.primitives import format_example, primitive

_EMAIL = "jenny.rosen@example.com"


def example_args(api: Api, op: Operation) -> dict[str, Any]:
    """Values for the operation's required parameters, by Python keyword name, in order."""
    return Examples(api).args(op)


class Examples:
    """Example values for one API (keeps its TypedDicts by name across many operations)."""

    def __init__(self, api: Api) -> None:
        self.api = api
        self.prefixes = dict(api.profile.id_prefixes)

    def args(self, op: Operation) -> dict[str, Any]:
        return {
            p.py_name: self.value(
                p.type, p.wire_name or p.py_name, p.example or p.default, p.format
            )
            for p in op.parameters
            if p.required
        }

    def value(
        self,
        t: TypeRef,
        name: str,
        given: Value | None = None,
        fmt: str | None = None,
        seen: frozenset[str] = frozenset(),
    ) -> Any:
        if given is not None:
            return given.value
        if isinstance(t, Lit):
            return next((v for v in t.values if v not in (None, "")), t.values[0])
        if isinstance(t, ListOf):
            return [self.value(t.item, name, fmt=fmt, seen=seen)]
        if isinstance(t, MapOf):
            return {"key": self.value(t.value, "value", seen=seen)}
        if isinstance(t, UnionOf):
            return self.value(_likeliest(t), name, fmt=fmt, seen=seen)
        if isinstance(t, ParamsRef):
            return self._typed_dict(t.name, seen)
        if isinstance(t, ModelRef):  # request types are TypedDicts; never met in practice
            return {}
        return self._scalar(t, name, fmt)

    def _typed_dict(self, name: str, seen: frozenset[str]) -> dict[str, Any]:
        if not self.api.has_params_type(name) or name in seen:  # requires itself: stop at {}
            return {}
        params = self.api.params_type(name)
        inner = seen | {name}
        # an object with no required keys gets its first one, so something reaches the wire
        chosen = [f for f in params.fields if f.required] or list(params.fields[:1])
        return {
            f.wire_name: self.value(f.type, f.wire_name, f.example or f.default, f.format, inner)
            for f in chosen
        }

    def _scalar(self, t: Prim, name: str, fmt: str | None) -> Any:
        lower = name.lower()
        if t.name == "str":
            if fmt == "uri" or lower == "url" or lower.endswith("_url"):
                return f"https://example.com/{lower.removesuffix('_url') or 'page'}"
            prefix = self.prefixes.get(lower) or next(
                (p for key, p in self.prefixes.items() if lower.endswith("_" + key)), None
            )
            if prefix is not None:
                return prefix + "123"
            if fmt == "email" or lower == "email" or lower.endswith("_email"):
                return _EMAIL
            formatted = format_example(fmt)
            if formatted is not None:
                return formatted
        if t.name == "int" and fmt == "unix-time":
            return 1704067200  # 2024-01-01
        return primitive(t.name).example


def _likeliest(t: UnionOf) -> TypeRef:
    """The member a caller most likely means: not ``None``, not the ``""`` that Stripe's
    "emptyable" unions add to clear a value."""
    for member in t.members:
        if member == Prim("None") or (isinstance(member, Lit) and set(member.values) <= {"", None}):
            continue
        return member
    return t.members[0]

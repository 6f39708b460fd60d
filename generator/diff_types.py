"""The type side of ``diff``: IR types made comparable across two APIs, and their verdicts.

Names are taken out before types are compared: a model is its component key (a renamed class
is the same type), a named response union is the union it names, and every TypedDict is alike
(``diff`` compares their keys on their own, position by position). What is left is compared as
the sets of values a parameter accepts (requests) or an attribute may hold (responses).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace

from generator import pytypes
from generator.ir import (
    Api,
    Field,
    ListOf,
    Lit,
    MapOf,
    ModelRef,
    Operation,
    ParamsRef,
    Prim,
    TypeRef,
    UnionOf,
    walk,
)
from generator.primitives import primitive

NONE = Prim("None")
Verdict = tuple[str, bool, str]  # (kind suffix, breaking, detail)


class Index:
    """One API's operations by method name (what a diff pairs them by), and its types in a
    form comparable across APIs."""

    def __init__(self, api: Api) -> None:
        self.api = api
        self.ops = {op.py_name: op for op in api.operations}

    def canon(self, t: TypeRef) -> TypeRef:
        """``t`` with its names taken out: models by component key, aliases expanded, every
        TypedDict alike (their keys are compared on their own), unions as sets, no
        discriminator machinery."""
        if isinstance(t, ModelRef):
            if (model := self.api.model(t.name)) is not None:
                return ModelRef(model.schema_key, "")
            if (alias := self.api.alias(t.name)) is not None:
                return self.canon(alias.type)
            return ModelRef(t.name, "")
        if isinstance(t, ParamsRef):
            return ParamsRef("")
        if isinstance(t, ListOf):
            return ListOf(self.canon(t.item))
        if isinstance(t, MapOf):
            return MapOf(self.canon(t.value))
        if isinstance(t, UnionOf):
            members: dict[TypeRef, None] = {}
            for m in t.members:
                c = self.canon(m)
                for part in c.members if isinstance(c, UnionOf) else (c,):
                    members[part] = None
            if len(members) == 1:
                return next(iter(members))
            return UnionOf(tuple(sorted(members, key=repr)))
        if isinstance(t, Lit):
            return Lit(tuple(sorted(set(t.values), key=_value_key)), t.open)
        return t

    def reachable(self, ops: Iterable[Operation]) -> set[str]:
        """Component keys of the models these operations can return, however deeply."""
        seen: set[str] = set()
        todo = [t for op in ops if (t := op.response.type) is not None]
        while todo:
            for u in walk(todo.pop()):
                if not isinstance(u, ModelRef):
                    continue
                if (alias := self.api.alias(u.name)) is not None:
                    todo.append(alias.type)
                elif (model := self.api.model(u.name)) and model.schema_key not in seen:
                    seen.add(model.schema_key)
                    todo.extend(f.type for f in model.fields)
                    todo.extend(t for t in (model.extra_values, model.item_type) if t)
        return seen

    def spell(self, t: TypeRef, request: bool, expand: bool = False) -> str:
        """``t`` as the client annotates it (response unions without their discriminator
        machinery); with ``expand``, named response unions spelled out."""
        if expand:
            t = self._expanded(t)
        return pytypes.request_type(t) if request else pytypes.readable_type(t)

    def _expanded(self, t: TypeRef) -> TypeRef:
        if isinstance(t, ModelRef) and (alias := self.api.alias(t.name)) is not None:
            return self._expanded(alias.type)
        if isinstance(t, UnionOf):
            return UnionOf(tuple(self._expanded(m) for m in t.members))
        if isinstance(t, ListOf):
            return ListOf(self._expanded(t.item))
        if isinstance(t, MapOf):
            return MapOf(self._expanded(t.value))
        return t


def compare(
    old: Index, new: Index, before: TypeRef, after: TypeRef, request: bool
) -> Verdict | None:
    """None when the types are the same to a user; else (kind suffix, breaking, detail)."""
    a, b = old.canon(before), new.canon(after)
    if a == b:
        return None
    if _enumless(a) == _enumless(b):
        was, now = _values(a), _values(b)
        added, removed = now - was, was - now
        if added or removed:
            parts = [
                f"{label}: {', '.join(pytypes.literal(v) for _, v in sorted(vs))}"
                for label, vs in (("values added", added), ("values removed", removed))
                if vs
            ]
            closed = any(isinstance(u, Lit) and not u.open for u in walk(b))
            breaking = bool(removed) or (not request and bool(added) and closed)
            return "enum_changed", breaking, "; ".join(parts)
    if not request:
        return "type_changed", True, "type changed"
    wider, narrower = accepts(b, a), accepts(a, b)
    if wider and narrower:
        return None  # the same values either way (int | float and float)
    if wider:
        return "type_changed", False, "type widened (accepts more)"
    if narrower:
        return "type_changed", True, "type narrowed (accepts less)"
    return "type_changed", True, "type changed"


def returns(op: Operation) -> TypeRef:
    """What the method returns, as its annotation says."""
    r = op.response
    if r.kind == "none":
        return NONE
    if r.kind == "binary":
        return Prim("bytes")
    return r.type if r.type is not None else Prim("Any")


def read_type(f: Field) -> TypeRef:
    """What reading the attribute gives: an optional field reads as None when absent."""
    if f.required or f.nullable:
        return f.type
    members = f.type.members if isinstance(f.type, UnionOf) else (f.type,)
    return UnionOf((*members, NONE))


def _enumless(t: TypeRef) -> TypeRef:
    """``t`` with every enum emptied: equal for two types that differ only in enum values."""
    if isinstance(t, Lit):
        return replace(t, values=())
    if isinstance(t, ListOf):
        return ListOf(_enumless(t.item))
    if isinstance(t, MapOf):
        return MapOf(_enumless(t.value))
    if isinstance(t, UnionOf):
        return UnionOf(tuple(_enumless(m) for m in t.members))
    return t


_Value = str | int | float | bool | None


def _value_key(v: _Value) -> tuple[str, str]:
    # True == 1 and 1 == 1.0 in Python; enum values of different types are different values
    return type(v).__name__, repr(v)


def _values(t: TypeRef) -> set[tuple[tuple[str, str], _Value]]:
    return {(_value_key(v), v) for u in walk(t) if isinstance(u, Lit) for v in u.values}


def accepts(a: TypeRef, b: TypeRef) -> bool:
    """Whether a request parameter typed ``a`` accepts every value one typed ``b`` does (both
    in ``Index.canon`` form). TypedDicts count as alike: their keys are compared apart."""
    if a == b or a == Prim("Any"):
        return True
    if isinstance(b, UnionOf):
        return all(accepts(a, m) for m in b.members)
    if isinstance(a, UnionOf):
        if isinstance(b, Lit):  # Literal["a"] | Literal["b"] accepts Literal["a", "b"]
            return all(any(accepts(m, Lit((v,))) for m in a.members) for v in b.values) and (
                not b.open or any(accepts(m, Prim("str")) for m in a.members)
            )
        return any(accepts(m, b) for m in a.members)
    if isinstance(a, Prim):
        kinds = primitive(a.name).values
        if not kinds:
            return False
        if isinstance(b, Prim):
            return b.name == a.name or (a.name == "float" and b.name == "int")
        if isinstance(b, Lit):
            ok = all(
                isinstance(v, kinds) and (a.name == "bool") == isinstance(v, bool) for v in b.values
            )
            return ok and (not b.open or a.name == "str")
        return False
    if isinstance(a, Lit):
        if isinstance(b, Prim):
            return a.open and b.name == "str"
        if isinstance(b, Lit):
            mine = {_value_key(v) for v in a.values}
            extra = [v for v in b.values if _value_key(v) not in mine]
            return all(a.open and isinstance(v, str) for v in extra) and (a.open or not b.open)
        return False
    if isinstance(a, ListOf) and isinstance(b, ListOf):
        return accepts(a.item, b.item)
    if isinstance(a, MapOf) and isinstance(b, MapOf):
        return accepts(a.value, b.value)
    return False

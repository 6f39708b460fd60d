"""Pure operations on IR types: unions, optionality, nesting depth."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from generator.ir import ListOf, Lit, MapOf, ModelRef, Prim, TypeRef, UnionOf, walk

NONE = Prim("None")
ANY = Prim("Any")


def union(types: list[TypeRef]) -> TypeRef:
    flat: list[TypeRef] = []
    matched = False
    for t in types:
        if isinstance(t, UnionOf) and t.discriminator is None:
            matched = matched or t.matched
        for m in t.members if isinstance(t, UnionOf) and t.discriminator is None else (t,):
            if m not in flat:
                flat.append(m)
    lits = [m for m in flat if isinstance(m, Lit)]
    if len(lits) > 1:  # Literal["a"] | Literal["b"] -> Literal["a", "b"]
        merged = Lit(
            distinct(v for lit in lits for v in lit.values),
            open=any(lit.open for lit in lits),
            lenient=any(lit.lenient for lit in lits),
        )
        flat = [m for m in flat if not isinstance(m, Lit)]
        flat.insert(0, merged)
    if NONE in flat:  # None last reads best: X | None
        flat = [m for m in flat if m != NONE] + [NONE]
    if len(flat) == 1:
        return flat[0]
    # A matched union stays matched with more members (``with_none``), while it has models to match.
    matched = matched and sum(isinstance(m, ModelRef) for m in flat) > 1
    return UnionOf(tuple(flat), matched=matched)


def distinct(values: Iterable[str | int | float | bool | None]) -> tuple[Any, ...]:
    """Values without repeats, in order; ``1`` and ``true`` stay two values (Python would take
    them for one, and pydantic would then response ``1`` for ``true``)."""
    return tuple({(type(v), v): v for v in values}.values())


def nesting(t: TypeRef) -> int:
    """How deep brackets nest in the annotation for ``t``."""
    if isinstance(t, ListOf):
        return 1 + nesting(t.item)
    if isinstance(t, MapOf):
        return 1 + nesting(t.value)
    if isinstance(t, UnionOf):
        return max(nesting(m) for m in t.members) + (3 if t.discriminator or t.matched else 0)
    return 1 if isinstance(t, Lit) else 0


def with_none(t: TypeRef) -> TypeRef:
    return union([t, NONE])


def has_none(t: TypeRef) -> bool:
    return t == NONE or (isinstance(t, UnionOf) and NONE in t.members)


def model_refs(t: TypeRef) -> Iterator[ModelRef]:
    return (u for u in walk(t) if isinstance(u, ModelRef))

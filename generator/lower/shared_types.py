"""Request-side types shared by several operations, named after what they are.

An inline object met twice with the same fields is one TypedDict, first named after the
place that met it first (``GetAccountsCreated``, used by 43 of Stripe's list operations).
Once every operation is built, a type that more than one operation uses takes its schema's
``title`` instead (Stripe's ``range_query_specs``: ``RangeQuerySpecs``), so the client, its
docs and the explorer call it what it is. A type without a title, or whose title names
something else already, keeps its first name.
"""

from __future__ import annotations

from dataclasses import replace

from generator import naming
from generator.ir import ListOf, MapOf, Operation, ParamsRef, ParamsType, TypeRef, UnionOf
from generator.lower.registry import Registry


def shared_names(registry: Registry) -> dict[str, str]:
    """Old name -> new name of the shared inline types that have a title."""
    taken = set(registry.taken)
    renamed: dict[str, str] = {}
    for name in registry.params:
        title = registry.params_title(name)
        if title is None or len(registry.params_owners(name)) < 2:
            continue
        wanted = naming.class_name(title)
        if wanted == name or wanted in taken:  # a model or another type has it: no "_2" names
            continue
        taken.add(wanted)
        renamed[name] = wanted
    return renamed


def rename(
    names: dict[str, str], ops: list[Operation], params: list[ParamsType]
) -> tuple[list[Operation], list[ParamsType]]:
    """The operations and request types with every reference to a renamed type renamed."""
    if not names:
        return ops, params
    ops = [
        replace(op, parameters=tuple(replace(p, type=_type(p.type, names)) for p in op.parameters))
        for op in ops
    ]
    params = [
        replace(
            t,
            name=names.get(t.name, t.name),
            fields=tuple(replace(f, type=_type(f.type, names)) for f in t.fields),
        )
        for t in params
    ]
    return ops, params


def _type(t: TypeRef, names: dict[str, str]) -> TypeRef:
    if isinstance(t, ParamsRef):
        return ParamsRef(names.get(t.name, t.name))
    if isinstance(t, ListOf):
        return replace(t, item=_type(t.item, names))
    if isinstance(t, MapOf):
        return replace(t, value=_type(t.value, names))
    if isinstance(t, UnionOf):
        return replace(t, members=tuple(_type(m, names) for m in t.members))
    return t

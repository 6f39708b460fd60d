"""Unions (``anyOf``/``oneOf``) and telling their members apart."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from generator.build.typeops import NONE, union
from generator.errors import join
from generator.ir import ModelRef, Side, TypeRef, UnionOf

if TYPE_CHECKING:
    from generator.build.schemas import Schemas


def lower_union(
    s: Schemas, node: dict[str, Any], key: str, where: str, side: Side, name: str, owner: str
) -> TypeRef:
    members = node[key]
    needs_name = [i for i, m in enumerate(members) if _needs_name(m, join(where, key, i))]
    lowered: list[TypeRef] = []
    for i, member in enumerate(members):
        # One inline object among the members takes the plain name (Stripe's emptyable
        # `anyOf: [object, enum [""]]`); several are numbered in spec order.
        suffix = str(needs_name.index(i) + 1) if len(needs_name) > 1 and i in needs_name else ""
        lowered.append(s.lower(member, join(where, key, i), side, name + suffix, owner))
    type_ = union(lowered)
    if side == "response" and isinstance(type_, UnionOf):
        type_ = discriminate(s, type_, node)
    return type_


def _needs_name(member: Any, where: str) -> bool:
    if not isinstance(member, dict) or "$ref" in member:
        return False
    return "properties" in member or "allOf" in member or member.get("type") in ("object", "array")


def discriminate(s: Schemas, found: UnionOf, node: dict[str, Any]) -> UnionOf:
    """Tell the model members apart by a property with one constant value per model
    (Stripe's ``object``). Other members (an expandable field's ID string, None) stay
    beside the discriminated part: ``str | <Card or BankAccount by object> | None``. Without
    such a property, the union is ``matched``: each answer goes to the model it fits."""
    prop = (node.get("discriminator") or {}).get("propertyName") or "object"
    refs = [m for m in found.members if isinstance(m, ModelRef)]
    if len(refs) < 2:
        return found
    tags: list[str] = []
    for member in refs:
        tag = _constant_of(s, member, prop)
        if tag is None or tag in tags:
            # No property tells them apart: an answer is matched to the member it fits.
            return UnionOf(found.members, matched=True)
        tags.append(tag)
    tagged = UnionOf(tuple(refs), discriminator=prop, tags=tuple(tags))
    others = [m for m in found.members if not isinstance(m, ModelRef)]
    if others == [] or others == [NONE]:
        return UnionOf((*refs, *others), discriminator=prop, tags=tuple(tags))
    head = [m for m in others if m != NONE]
    return UnionOf((*head, tagged, *([NONE] if NONE in others else [])))


def _constant_of(s: Schemas, ref: ModelRef, prop: str) -> str | None:
    where = s.component_by_name.get(ref.name)
    if where is None:  # an inline model: no constant to go by
        return None
    node = s.component(where)
    schema = (node.get("properties") or {}).get(prop)
    if isinstance(schema, dict):
        values = schema.get("enum") or ([schema["const"]] if "const" in schema else [])
        if len(values) == 1 and isinstance(values[0], str):
            return values[0]
    return None

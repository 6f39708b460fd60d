"""Unions (``anyOf``/``oneOf``) and telling their members apart."""

from __future__ import annotations

from typing import Any, Protocol

from generator.errors import join
from generator.ir import ModelRef, Side, TypeRef, UnionOf
from generator.lower.registry import Registry
from generator.lower.typeops import NONE, union
from generator.refs import Resolver


class Lowering(Protocol):
    """What unions need of the schema lowering (``schemas.Schemas`` is one): lowering each
    member, and reading a component model's properties to find its constant."""

    registry: Registry
    resolver: Resolver

    def lower(self, node: object, where: str, side: Side, name: str, owner: str) -> TypeRef: ...

    def component(self, where: str) -> Any: ...

    def object_properties(
        self, node: dict[str, Any], where: str
    ) -> tuple[list[tuple[str, Any, str]], set[str]]: ...


def lower_union(
    s: Lowering, node: dict[str, Any], key: str, where: str, side: Side, name: str, owner: str
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


def _needs_name(member: object, where: str) -> bool:
    if not isinstance(member, dict) or "$ref" in member:
        return False
    return "properties" in member or "allOf" in member or member.get("type") in ("object", "array")


def discriminate(s: Lowering, found: UnionOf, node: dict[str, Any]) -> UnionOf:
    """Tell the model members apart by a property with one constant value per model
    (Stripe's ``object``, or the spec's ``discriminator``: its ``mapping``, else each member's
    constant, else its schema name). Other members (an expandable field's ID string, None) stay
    beside the discriminated part: ``str | <Card or BankAccount by object> | None``. Without
    such a property, the union is ``matched``: each response goes to the model it fits."""
    discriminator = node.get("discriminator")
    if not isinstance(discriminator, dict):
        discriminator = {}
    declared = isinstance(discriminator.get("propertyName"), str)
    prop = discriminator["propertyName"] if declared else "object"
    refs = [m for m in found.members if isinstance(m, ModelRef)]
    if len(refs) < 2:
        return found
    mapped = _mapping(s, discriminator) if declared else {}
    tags: list[str] = []
    for member in refs:
        tag = mapped.get(member.name) or _constant_of(s, member, prop)
        if tag is None and declared:  # implicit mapping: the schema's own name
            where = s.registry.pointer_of(member.name)
            tag = where.rsplit("/", 1)[1] if where else None
        if tag is None or tag in tags:
            # No property tells them apart: a response is matched to the member it fits.
            return UnionOf(found.members, matched=True)
        tags.append(tag)
    tagged = UnionOf(tuple(refs), discriminator=prop, tags=tuple(tags))
    others = [m for m in found.members if not isinstance(m, ModelRef)]
    if others == [] or others == [NONE]:
        return UnionOf((*refs, *others), discriminator=prop, tags=tuple(tags))
    head = [m for m in others if m != NONE]
    return UnionOf((*head, tagged, *([NONE] if NONE in others else [])))


def _mapping(s: Lowering, discriminator: dict[str, Any]) -> dict[str, str]:
    """Model class name -> its one value in the discriminator's ``mapping``. A model named by
    two values is left out (a tag is one value), and so is a target that is no component."""
    mapping = discriminator.get("mapping")
    found: dict[str, list[str]] = {}
    for value, target in (mapping if isinstance(mapping, dict) else {}).items():
        ref = str(target) if str(target).startswith("#") else f"#/components/schemas/{target}"
        model = s.registry.components.get(ref[1:])
        if model is not None:
            found.setdefault(model[0], []).append(str(value))
    return {name: values[0] for name, values in found.items() if len(values) == 1}


def _constant_of(s: Lowering, ref: ModelRef, prop: str) -> str | None:
    where = s.registry.pointer_of(ref.name)
    if where is None:  # an inline model: no constant to go by
        return None
    node = s.component(where)
    props = {w: schema for w, schema, _ in s.object_properties(node, where)[0]}
    schema = props.get(prop)
    if isinstance(schema, dict) and "$ref" in schema:
        schema = s.resolver.deref(schema, where)[0]
    if isinstance(schema, dict):
        values = schema.get("enum") or ([schema["const"]] if "const" in schema else [])
        if len(values) == 1 and isinstance(values[0], str):
            return values[0]
    return None

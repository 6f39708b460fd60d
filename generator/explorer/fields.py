"""The explorer's form, from the IR: one field per parameter, nested objects as groups.

Each field knows the key its value goes under (the Python keyword at the top level, the wire
name inside nested objects, as the generated client's TypedDicts spell them), the name the API
uses for it in messages (bracket syntax, ``collection_options[fields]``) and how it is entered.
The same IR types turn the form's values back into typed arguments (``coerce``), so the page
sends plain strings and the server, which knows the types, decides what they mean.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Literal

from markupsafe import Markup

from generator.explorer.sanitize import sanitize
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
)
from generator.primitives import Input, Name, primitive
from generator.pytypes import request_type
from generator.templates.runtime import _values  # the one value codec

Kind = Input | Literal["select", "array", "map", "group"]
MAX_DEPTH = 4


@dataclass(frozen=True)
class Field:
    kind: Kind
    key: str  # where the value goes in its parent (Python keyword at the top level)
    label: str  # the wire name (what the API and its docs call it)
    param: str  # bracket-syntax name, as the API names it in error messages
    dom_id: str
    required: bool
    description: Markup  # sanitised HTML
    type_text: str  # the type as the generated client spells it
    location: str
    deprecated: str | None = None
    options: tuple[str, ...] = ()  # select values, as sent in a form
    children: tuple[Field, ...] = ()  # group members
    item: Field | None = None  # array and map items
    emptyable: bool = False  # "" is allowed too (Stripe's way to clear a value)


def operation_fields(api: Api, op: Operation) -> list[Field]:
    """The form's top-level fields, in the operation's parameter order (required first)."""
    return [
        _field(
            api,
            p.type,
            key=p.py_name,
            label=p.wire_name or "body",
            param=p.wire_name,
            required=p.required,
            description=p.description_source,
            location=p.location,
            deprecated=p.deprecated,
            depth=0,
        )
        for p in op.parameters
    ]


def _field(
    api: Api,
    t: TypeRef,
    *,
    key: str,
    label: str,
    param: str,
    required: bool,
    description: str,  # the spec's prose, sanitised here
    location: str,
    deprecated: str | None = None,
    depth: int,
) -> Field:
    inner, emptyable = _unwrap(t)
    common: dict[str, Any] = {
        "key": key,
        "label": label,
        "param": param,
        "dom_id": _dom_id(location, (param or key).replace("[]", "-item")),
        "required": required,
        "description": Markup(sanitize(description)),
        "type_text": request_type(t),
        "location": location,
        "deprecated": deprecated,
        "emptyable": emptyable,
    }
    if isinstance(inner, Prim):
        return Field(kind=primitive(inner.name).input, **common)
    if isinstance(inner, Lit) and not inner.open:
        options = tuple(_values.text(v) for v in inner.values)
        return Field(kind="select", options=options, **common)
    if isinstance(inner, ParamsRef) and depth < MAX_DEPTH:
        members = _group_members(api, inner, param, location, depth)
        return Field(kind="group", children=members, **common)
    if isinstance(inner, ListOf | MapOf) and depth < MAX_DEPTH:
        item = _item(api, inner, label, param, location, depth)
        return Field(kind="array" if isinstance(inner, ListOf) else "map", item=item, **common)
    if isinstance(inner, Lit | UnionOf) and all(isinstance(m, Prim | Lit) for m in _members(inner)):
        return Field(kind="text", **common)  # scalars of several kinds: typed as text
    return Field(kind="json", **common)


def _group_members(
    api: Api, t: ParamsRef, param: str, location: str, depth: int
) -> tuple[Field, ...]:
    """A nested object's fields, keyed and named by their wire names."""
    return tuple(
        _field(
            api,
            f.type,
            key=f.wire_name,
            label=f.wire_name,
            param=f"{param}[{f.wire_name}]" if param else f.wire_name,
            required=f.required,
            description=f.description_source,
            location=location,
            # a nested field's own description says what replaces it
            deprecated=f"'{f.wire_name}' is deprecated." if f.deprecated else None,
            depth=depth + 1,
        )
        for f in api.params_type(t.name).fields
    )


def _item(api: Api, t: ListOf | MapOf, label: str, param: str, location: str, depth: int) -> Field:
    """The one field a list's items or a map's values are entered in, repeated by the page."""
    return _field(
        api,
        t.item if isinstance(t, ListOf) else t.value,
        key="",
        label=f"{label} item" if isinstance(t, ListOf) else f"{label} value",
        param=f"{param}[]",
        required=True,
        description="",
        location=location,
        depth=depth + 1,
    )


def _dom_id(location: str, name: str) -> str:
    return "f-" + re.sub(r"[^A-Za-z0-9_-]+", "-", f"{location}-{name}").strip("-")


def _unwrap(t: TypeRef) -> tuple[TypeRef, bool]:
    """The type the form enters, and whether ``""`` is allowed beside it (``X | ""``)."""
    if not isinstance(t, UnionOf):
        return t, False
    empty = [m for m in t.members if isinstance(m, Lit) and m.values == ("",)]
    rest = [m for m in t.members if m not in empty]
    if empty and len(rest) == 1:
        return rest[0], True
    return t, False


def _members(t: TypeRef) -> list[TypeRef]:
    return list(t.members) if isinstance(t, UnionOf) else [t]


# From the form's values back to typed arguments -------------------------------------------
def coerce(api: Api, t: TypeRef, value: Any) -> Any:
    """The page's value for a field of type ``t`` as the client would take it: text becomes a
    number, boolean or JSON where the type says so. A value that does not fit is returned as
    it came, for validation to name."""
    if isinstance(t, Prim):
        return _prim(t.name, value)
    if isinstance(t, Lit):
        for allowed in t.values:
            if value == allowed and type(value) is type(allowed):
                return allowed
        if isinstance(value, str):
            try:
                return _values.literal(t.values, value)
            except ValueError:
                return value
        return value
    if isinstance(t, ListOf):
        return [coerce(api, t.item, v) for v in value] if isinstance(value, list) else value
    if isinstance(t, MapOf):
        if isinstance(value, dict):
            return {k: coerce(api, t.value, v) for k, v in value.items()}
        return value
    if isinstance(t, ParamsRef):
        if not isinstance(value, dict):
            return value
        fields = {f.wire_name: f for f in api.params_type(t.name).fields}
        return {k: coerce(api, fields[k].type, v) if k in fields else v for k, v in value.items()}
    if isinstance(t, UnionOf):
        if value == "" and any(isinstance(m, Lit) and "" in m.values for m in t.members):
            return ""
        for member in t.members:
            if _fits(member, value):
                return coerce(api, member, value)
        return value
    assert isinstance(t, ModelRef)
    return value


def _prim(name: Name, value: Any) -> Any:
    kind = primitive(name).command  # the codec's name for it
    if not isinstance(value, str) or kind not in _values.SCALARS:
        return value
    try:
        return _values.scalar(kind, value)
    except ValueError:
        return value  # for validation to name


def _fits(t: TypeRef, value: Any) -> bool:
    """Whether a union member is the one a form value of this shape means."""
    if isinstance(value, dict):
        return isinstance(t, ParamsRef | MapOf)
    if isinstance(value, list):
        return isinstance(t, ListOf)
    return isinstance(t, Prim | Lit)

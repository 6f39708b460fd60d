"""IR types to Python annotation text. Pure functions, used by templates as filters."""

from __future__ import annotations

from generator.ir import ListOf, Lit, MapOf, ModelRef, ParamsRef, Prim, TypeRef, UnionOf, walk


def literal(value: object) -> str:
    """A Python literal for a scalar from the spec: data, never code."""
    if isinstance(value, str):
        return _string(value)
    if value is None or isinstance(value, bool | int):
        return repr(value)
    if isinstance(value, float):
        return (
            repr(value) if value == value and value not in (float("inf"), float("-inf")) else "None"
        )
    raise TypeError(f"not a scalar: {value!r}")


def _string(value: str) -> str:
    # repr() escapes quotes, backslashes and control characters; it leaves U+2028/2029 alone,
    # which is fine inside a string literal.
    text = repr(value)
    if text.startswith("'") and '"' not in value:
        text = '"' + text[1:-1].replace("\\'", "'") + '"'
    return text


def response_type(t: TypeRef) -> str:
    """Annotation in a response model: lenient (open enums, discriminated unions with fallback)."""
    return _render(t, request=False)


def readable_type(t: TypeRef) -> str:
    """A response type as a reader wants it (docs, change reports): ``A | B`` for unions, without
    the ``Annotated[Union[...], ...]`` machinery the models need to tell members apart."""
    return _render(_untagged(t), request=False)


def _untagged(t: TypeRef) -> TypeRef:
    if isinstance(t, UnionOf):
        return UnionOf(tuple(_untagged(m) for m in t.members))
    if isinstance(t, ListOf):
        return ListOf(_untagged(t.item))
    if isinstance(t, MapOf):
        return MapOf(_untagged(t.value))
    return t


def request_type(t: TypeRef) -> str:
    """Annotation for a request parameter: strict, and accepting read-only containers."""
    return _render(t, request=True)


# Strings of these formats, read leniently by the runtime (``_models``): the value or the str.
LENIENT = {"datetime": "DateTimeOrStr", "date": "DateOrStr", "UUID": "UUIDOrStr"}


def _render(t: TypeRef, request: bool) -> str:
    if isinstance(t, Prim):
        return LENIENT.get(t.name, t.name)
    if isinstance(t, Lit):
        # Literal cannot hold floats (PEP 586): a float value widens the type to float.
        exact = [v for v in t.values if not isinstance(v, float)]
        parts = [f"Literal[{', '.join(literal(v) for v in exact)}]"] if exact else []
        if len(exact) != len(t.values):
            parts.append("float")
        if t.open:
            parts.append("str")
        return " | ".join(parts)
    if isinstance(t, ListOf):
        return f"{'Sequence' if request else 'list'}[{_render(t.item, request)}]"
    if isinstance(t, MapOf):
        return f"{'Mapping' if request else 'dict'}[str, {_render(t.value, request)}]"
    if isinstance(t, ModelRef | ParamsRef):
        return t.name
    if isinstance(t, UnionOf):
        if t.discriminator and not request:
            return _discriminated(t)
        if t.matched and not request:
            return _matched(t)
        return " | ".join(_render(m, request) for m in t.members)
    raise TypeError(f"unknown IR type {t!r}")


def _discriminated(t: UnionOf) -> str:
    refs = [m for m in t.members if isinstance(m, ModelRef)]
    members = ", ".join(
        f"Annotated[{m.name}, Tag({literal(tag)})]" for m, tag in zip(refs, t.tags, strict=True)
    )
    tags = ", ".join(literal(tag) for tag in t.tags)
    union = (
        f"Annotated[Union[{members}, Annotated[UnknownObject, Tag(OTHER)]], "
        f"Discriminator(tag_by({literal(t.discriminator or '')}, ({tags},)))]"
    )
    return union + (" | None" if len(refs) != len(t.members) else "")


def _matched(t: UnionOf) -> str:
    refs = [m for m in t.members if isinstance(m, ModelRef)]
    members = ", ".join(f"Annotated[{m.name}, Tag({literal(m.name)})]" for m in refs)
    union = (
        f"Annotated[Union[{members}, Annotated[UnknownObject, Tag(OTHER)]], "
        f"Discriminator(match_by({', '.join(m.name for m in refs)}))]"
    )
    none = Prim("None")
    others = [_render(m, False) for m in t.members if not isinstance(m, ModelRef) and m != none]
    return " | ".join([*others, union, *(["None"] if none in t.members else [])])


def json_types(t: TypeRef) -> set[str] | None:
    """The JSON types a value of ``t`` may have on the wire; None for any."""
    if isinstance(t, Prim):
        return _JSON_TYPES.get(t.name)
    if isinstance(t, Lit):
        found = {_JSON_OF_VALUE[type(v)] for v in t.values}
        return found | {"string"} if t.open else found
    if isinstance(t, ListOf):
        return {"array"}
    if isinstance(t, MapOf | ModelRef | ParamsRef):
        return {"object"}
    found = set()
    for m in t.members:
        inner = json_types(m)
        if inner is None:
            return None
        found |= inner
    return found


_JSON_TYPES: dict[str, set[str] | None] = {
    "str": {"string"}, "datetime": {"string"}, "date": {"string"}, "UUID": {"string"},
    "bytes": {"string"}, "FileInput": {"string"}, "int": {"integer"}, "float": {"number"},
    "bool": {"boolean"}, "None": {"null"}, "Any": None,
}  # fmt: skip
_JSON_OF_VALUE = {
    str: "string",
    int: "integer",
    float: "number",
    bool: "boolean",
    type(None): "null",
}


def model_names(t: TypeRef) -> set[str]:
    """Names of the models and TypedDicts a type refers to (what its module must import)."""
    return {u.name for u in walk(t) if isinstance(u, ModelRef | ParamsRef)}

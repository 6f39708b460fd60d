"""IR types to Python annotation text. Pure functions, used by templates as filters."""

from __future__ import annotations

from collections.abc import Iterable

from generator.ir import ListOf, Lit, MapOf, ModelRef, ParamsRef, Prim, TypeRef, UnionOf, walk
from generator.primitives import primitive


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


def literal_tuple(values: Iterable[object]) -> str:
    """A tuple of scalars, one item spelled ``(x,)`` as black writes it (text black would not
    change costs it one pass, not two); more items end with a comma, one per line in black's
    hands."""
    items = [literal(v) for v in values]
    if len(items) == 1:
        return f"({items[0]},)"
    return "(" + "".join(f"{item}, " for item in items) + ")"


def tuple_display(values: Iterable[object], indent: str = "") -> str:
    """A tuple of scalars laid out as black lays out one that ends with a comma: ``()``,
    ``(x,)``, else one item per line under ``indent`` (the indent of the line it starts on)."""
    items = list(values)
    if len(items) < 2:  # () and (x,) as black leaves them
        return literal_tuple(items)
    return "(\n" + "".join(f"{indent}    {literal(v)},\n" for v in items) + indent + ")"


def dict_display(pairs: Iterable[tuple[str, str]], indent: str = "") -> str:
    """``{key: value, ...}`` from source text pairs, laid out as black lays out a dict that ends
    with a comma: ``{}`` when empty, else one pair per line under ``indent`` (the indent of the
    line it starts on), so the text needs no black pass."""
    lines = "".join(f"{indent}    {key}: {value},\n" for key, value in pairs)
    return "{\n" + lines + indent + "}" if lines else "{}"


def _string(value: str) -> str:
    # repr() escapes quotes, backslashes and control characters; it leaves U+2028/2029 alone,
    # which is fine inside a string literal.
    text = repr(value)
    if text.startswith("'") and '"' not in value:
        text = '"' + text[1:-1].replace("\\'", "'") + '"'
    return text


def response_type(t: TypeRef) -> str:
    """Annotation in a response model: lenient (open enums, discriminated unions with fallback)."""
    return _Spelling(request=False).of(t)


def readable_type(t: TypeRef) -> str:
    """A response type as a reader wants it (docs, change reports): ``A | B`` for unions, without
    the ``Annotated[A | B, ...]`` machinery the models need to tell members apart."""
    return _Spelling(request=False).of(_untagged(t))


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
    return _Spelling(request=True).of(t)


def names_in(types: Iterable[TypeRef], *, request: bool) -> set[str]:
    """Every name the annotations of ``types`` spell (``Literal``, ``Sequence``, a model's class,
    ``DateTimeOrStr``, ...) but builtins: what the module printing them must import. The same
    walk spells the annotation, so the two cannot disagree."""
    spelling = _Spelling(request=request)
    for t in types:
        spelling.of(t)
    return spelling.names


_BUILTINS = frozenset({"list", "dict"})


class _Spelling:
    """Spells IR types as annotations, noting every name it writes."""

    def __init__(self, *, request: bool) -> None:
        self.request = request
        self.names: set[str] = set()

    def _name(self, name: str) -> str:
        if name not in _BUILTINS:
            self.names.add(name)
        return name

    def of(self, t: TypeRef) -> str:
        if isinstance(t, Prim):
            row = primitive(t.name)
            return row.annotation if row.home is None else self._name(row.annotation)
        if isinstance(t, Lit):
            # Literal cannot hold floats (PEP 586): a float value widens the type to float.
            exact = [v for v in t.values if not isinstance(v, float)]
            parts = (
                [f"{self._name('Literal')}[{', '.join(literal(v) for v in exact)}]"]
                if exact
                else []
            )
            if len(exact) != len(t.values):
                parts.append("float")
            if t.open:
                parts.append("str")
            return " | ".join(parts)
        if isinstance(t, ListOf):
            return f"{self._name('Sequence' if self.request else 'list')}[{self.of(t.item)}]"
        if isinstance(t, MapOf):
            return f"{self._name('Mapping' if self.request else 'dict')}[str, {self.of(t.value)}]"
        if isinstance(t, ModelRef | ParamsRef):
            return self._name(t.name)
        if isinstance(t, UnionOf):
            if t.discriminator and not self.request:
                return self._discriminated(t)
            if t.matched and not self.request:
                return self._matched(t)
            return " | ".join(self.of(m) for m in t.members)
        raise TypeError(f"unknown IR type {t!r}")

    def _tagged_union(self, members: str, discriminator: str) -> str:
        for name in ("Annotated", "UnknownObject", "Tag", "OTHER", "Discriminator"):
            self._name(name)
        return (
            f"Annotated[{members} | Annotated[UnknownObject, Tag(OTHER)], "
            f"Discriminator({discriminator})]"
        )

    def _discriminated(self, t: UnionOf) -> str:
        refs = [m for m in t.members if isinstance(m, ModelRef)]
        members = " | ".join(
            f"Annotated[{self.of(m)}, Tag({literal(tag)})]"
            for m, tag in zip(refs, t.tags, strict=True)
        )
        tags = ", ".join(literal(tag) for tag in t.tags)
        self._name("tag_by")
        union = self._tagged_union(members, f"tag_by({literal(t.discriminator or '')}, ({tags},))")
        return union + (" | None" if len(refs) != len(t.members) else "")

    def _matched(self, t: UnionOf) -> str:
        refs = [m for m in t.members if isinstance(m, ModelRef)]
        members = " | ".join(f"Annotated[{self.of(m)}, Tag({literal(m.name)})]" for m in refs)
        self._name("match_by")
        union = self._tagged_union(members, f"match_by({', '.join(m.name for m in refs)})")
        none = Prim("None")
        others = [self.of(m) for m in t.members if not isinstance(m, ModelRef) and m != none]
        return " | ".join([*others, union, *(["None"] if none in t.members else [])])


def or_none(annotation: str) -> str:
    """An optional parameter's type: ``| None`` added unless the type already admits None
    (a duplicate union member is a ruff finding, PYI016)."""
    return annotation if "None" in annotation.split(" | ") else annotation + " | None"


def or_not_given(annotation: str) -> str:
    """A nullable body property's type with ``NotGiven`` added, ``None`` kept last (ruff RUF036)."""
    if annotation.endswith(" | None"):
        return annotation.removesuffix(" | None") + " | NotGiven | None"
    return annotation + " | NotGiven"


def json_types(t: TypeRef) -> set[str] | None:
    """The JSON types a value of ``t`` may have on the wire; None for any."""
    if isinstance(t, Prim):
        json = primitive(t.name).json
        return set(json) if json is not None else None
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

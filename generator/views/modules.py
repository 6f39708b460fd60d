"""Views of the ``models`` and ``params`` packages: one per module, with its imports decided
from the names its classes spell (``generator.views.imports``)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from generator import pytypes
from generator.format import CHUNK, LINE_LENGTH
from generator.ir import (
    Alias,
    Api,
    Field,
    Lit,
    Model,
    ModelRef,
    ParamsField,
    ParamsType,
    UnionOf,
    walk,
)
from generator.views import wrap
from generator.views.imports import SOURCES, Imports

_PAGE_BASES = {"list": "ListObject", "search": "SearchResult"}
_INDENT = 4  # a field's line in its class body


@dataclass(frozen=True)
class ModuleView:
    """One module of the ``models`` or ``params`` package and what it must import."""

    name: str
    models: tuple[Model, ...]
    aliases: tuple[Alias, ...]
    params: tuple[ParamsType, ...]
    imports: str  # the import block at the top
    late_imports: str = ""  # models of other modules, imported after this module's classes
    shapes: dict[str, str] = field(default_factory=dict)  # model -> its Shape(...), if matched
    bases: dict[str, str] = field(default_factory=dict)  # model -> its base class
    # model or TypedDict -> (the line declaring each field or key, its description)
    lines: dict[str, list[tuple[str, str]]] = field(default_factory=dict)
    # model -> indexes of the fields that start a piece black formats on its own (format.CHUNK)
    pieces_at: dict[str, frozenset[int]] = field(default_factory=dict)
    # model -> the line before its ``__match__``: blank, or format.CHUNK where the line is too
    # long (the statement and what follows it are then a piece of their own for black)
    before_shape: dict[str, str] = field(default_factory=dict)


class _Lines:
    """Field lines of a module's classes, noting every name they spell."""

    def __init__(self) -> None:
        self.names: set[str] = set()

    def model_field(self, f: Field) -> str:
        """``name: type = default``: ``REQUIRED`` or ``None``, through ``Field(..., alias=)``
        when the wire name is not the Python name."""
        annotation = pytypes.response_type(f.type)
        self.names |= pytypes.names_in([f.type], request=False)
        if not f.required and not f.nullable:
            annotation += " | None"
        value = "REQUIRED" if f.required else "None"
        self.names |= {value} - {"None"}
        if f.py_name != f.wire_name:
            self.names.add("Field")
            return _field_call(
                f.py_name, annotation, f"{value}, alias={pytypes.literal(f.wire_name)}"
            )
        return wrap.annotated(_INDENT, f.py_name, annotation, value)

    def params_key(self, p: ParamsType, f: ParamsField) -> str:
        """A TypedDict key: ``key: type`` in a class, ``"key": "type"`` in the functional
        syntax (keys that are not identifiers); ``Required[...]`` when the key is required."""
        annotation = pytypes.request_type(f.type)
        self.names |= pytypes.names_in([f.type], request=True)
        if f.required:
            self.names.add("Required")
            annotation = f"Required[{annotation}]"
        if p.identifiers_only:
            return wrap.annotated_key(_INDENT, f.wire_name, annotation)
        return f"{pytypes.literal(f.wire_name)}: {pytypes.literal(annotation)}"


def _field_call(name: str, annotation: str, arguments: str) -> str:
    """``name: annotation = Field(arguments)``, split as black splits it when the line is too long
    for a class body and its head and arguments each fit: black then leaves the module as it is
    and formats it in one pass instead of two. Black ignores line breaks inside brackets (this
    adds no trailing comma), so a layout that guesses wrong still formats to the same bytes."""
    head = f"{name}: {annotation} = Field("
    line = f"{head}{arguments})"
    if _INDENT + len(line) <= LINE_LENGTH:
        return line
    if _INDENT + len(head) > LINE_LENGTH or 2 * _INDENT + len(arguments) > LINE_LENGTH:
        return wrap.annotated(_INDENT, name, annotation, f"Field({arguments})")
    return f"{head}\n{' ' * 2 * _INDENT}{arguments}\n{' ' * _INDENT})"


def model_homes(api: Api) -> dict[str, str]:
    """Class name -> the module defining it, from the package root (``.models.account``), of
    every model, alias and TypedDict."""
    homes = {m.name: f".models.{m.module}" for m in api.models}
    homes |= {a.name: f".models.{a.module}" for a in api.aliases}
    return homes | {p.name: f".params.{p.module}" for p in api.params_types}


def model_modules(api: Api) -> list[ModuleView]:
    homes = model_homes(api)
    shapes = _shapes(api)
    models: dict[str, list[Model]] = defaultdict(list)
    aliases: dict[str, list[Alias]] = defaultdict(list)
    for m in api.models:
        models[m.module].append(m)
    for a in api.aliases:
        aliases[a.module].append(a)
    views = []
    for name in sorted(set(models) | set(aliases)):
        here = {m.name: shapes[m.name] for m in models[name] if m.name in shapes}
        bases = {m.name: _PAGE_BASES.get(m.paging or "", "BaseObject") for m in models[name]}
        spelled = _Lines()
        lines = {
            m.name: [(spelled.model_field(f), f.description) for f in m.fields]
            for m in models[name]
        }
        used = spelled.names | _other_names(models[name], aliases[name]) | set(bases.values())
        used |= {"Shape"} if here else set()
        top = Imports("models", homes).add("__future__", "annotations")
        # Models refer to each other in cycles: a module defining classes imports other
        # modules' models after them; one holding only aliases has nothing to wait for.
        late = Imports("models", homes) if models[name] else top
        for n in sorted(used):
            if n in SOURCES:
                top.use(n)
            elif homes[n] != f".models.{name}":
                late.use(n)
        views.append(
            ModuleView(
                name=name,
                models=tuple(models[name]),
                aliases=tuple(aliases[name]),
                params=(),
                imports=top.block(),
                late_imports=late.block() if late is not top else "",
                shapes=here,
                bases=bases,
                lines=lines,
                pieces_at={model: _pieces_at(fields) for model, fields in lines.items()},
                before_shape={
                    model: (
                        CHUNK.rstrip("\n") if lines[model] and _long(f"__match__ = {shape}") else ""
                    )
                    for model, shape in here.items()
                },
            )
        )
    return views


def _long(line: str) -> bool:
    return _INDENT + len(line) > LINE_LENGTH


def _pieces_at(fields: list[tuple[str, str]]) -> frozenset[int]:
    """Where a model's fields are cut into pieces for black: around each field whose line is
    too long. black rewrites such a line, and formats any text it changed a second time; a
    model module in one piece was formatted twice whole for one long field, now only the
    field's own piece is. Never before the first field (its blank line after the class line is
    black's to decide), and never elsewhere: each piece costs black a call."""
    long = [any(_long(x) for x in line.split("\n")) for line, _ in fields]
    return frozenset(i for i in range(1, len(fields)) if long[i] or long[i - 1])


def _other_names(models: list[Model], aliases: list[Alias]) -> set[str]:
    """The names the module's aliases and page methods print."""
    types = [a.type for a in aliases]
    types += [m.item_type for m in models if m.paging and m.item_type is not None]
    used = pytypes.names_in(types, request=False)
    if any(m.paging for m in models):
        used |= {"Iterator", "AsyncIterator"}
    return used


def _shapes(api: Api) -> dict[str, str]:
    """``Shape(...)`` source of every model some union without a discriminator matches."""
    types = [f.type for m in api.models for f in m.fields] + [a.type for a in api.aliases]
    types += [t for m in api.models for t in (m.extra_values, m.item_type) if t is not None]
    types += [a.type for op in api.operations for a in op.response.media if a.type is not None]
    matched = {
        r.name
        for t in types
        for u in walk(t)
        if isinstance(u, UnionOf) and u.matched
        for r in u.members
        if isinstance(r, ModelRef)
    }
    return {m.name: _shape(m) for m in api.models if m.name in matched}


def _shape(model: Model) -> str:
    required = [f.wire_name for f in model.fields if f.required]
    types: dict[str, str] = {}
    consts: dict[str, str] = {}
    for f in model.fields:
        found = pytypes.json_types(f.type)
        if found is not None and not f.required:
            found = found | {"null"}  # the model takes null for a property it does not require
        types[f.wire_name] = " ".join(sorted(found)) if found is not None else ""
        if isinstance(f.type, Lit) and len(f.type.values) == 1:
            consts[f.wire_name] = pytypes.literal(f.type.values[0])
    literal = pytypes.literal
    parts = []
    if required:
        parts.append(f"required={pytypes.literal_tuple(required)}")
    if types:
        parts.append(
            f"types={{{', '.join(f'{literal(k)}: {literal(v)}' for k, v in types.items())}}}"
        )
    if consts:
        parts.append(f"consts={{{', '.join(f'{literal(k)}: {v}' for k, v in consts.items())}}}")
    return f"Shape({', '.join(parts)})"


def params_modules(api: Api) -> list[ModuleView]:
    homes = model_homes(api)
    grouped: dict[str, list[ParamsType]] = defaultdict(list)
    for p in api.params_types:
        grouped[p.module].append(p)
    views = []
    for name in sorted(grouped):
        spelled = _Lines()
        lines = {
            p.name: [(spelled.params_key(p, f), f.description) for f in p.fields]
            for p in grouped[name]
        }
        used = spelled.names | {"TypedDict"}
        top = Imports("params", homes).add("__future__", "annotations")
        checking = Imports("params", homes)  # TypedDicts are for type checkers only
        for n in sorted(used):
            if SOURCES.get(n) in ("typing", "collections.abc"):
                top.use(n)
            elif homes.get(n) != f".params.{name}":
                checking.use(n)
        views.append(
            ModuleView(
                name=name,
                models=(),
                aliases=(),
                params=tuple(grouped[name]),
                imports=with_type_checking(top, checking),
                lines=lines,
            )
        )
    return views


def with_type_checking(top: Imports, checking: Imports) -> str:
    """The top block, then the imports only type checkers need under ``if TYPE_CHECKING:``."""
    if not checking:
        return top.block()
    top.use("TYPE_CHECKING")
    return f"{top.block()}\n\nif TYPE_CHECKING:\n{checking.block(indent='    ')}"

"""Markdown reference docs from the IR: an index, a page per operation and a page per model.

Written into the package's ``docs/`` folder by ``generate`` (and compared by ``check``). Links
are relative, so the pages work on GitHub and in any Markdown viewer. Types are spelled the way
the client spells them (``pytypes``); the snippet on each operation page comes from the one
snippet builder (``generator.snippets``) with example values (``generator.examples``).

Tables are built here as text, the page around them by ``templates/docs/*.md.jinja``.
"""

from __future__ import annotations

import hashlib
import posixpath
import re
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, replace
from typing import Any

from generator import pytypes, runtime
from generator.commands import command_name
from generator.examples import Examples
from generator.ir import (
    Api,
    Field,
    ListOf,
    Lit,
    MapOf,
    Model,
    ModelRef,
    Operation,
    Parameter,
    ParamsRef,
    ParamsType,
    TypeRef,
    UnionOf,
    Value,
    walk,
)
from generator.snippets import snippet_for

DOCS = "docs"
_MAX_STEM = 120  # characters of a page's file name; class names of deep inline types are longer
_BACKTICKS = re.compile("`+")
_SURROGATES = re.compile("[\ud800-\udfff]")  # JSON specs may hold lone ones; UTF-8 cannot
PARAMETER_COLUMNS = (
    "Python name",
    "Wire name",
    "In",
    "Type",
    "Required",
    "Default",
    "Values",
    "Deprecated",
    "Description",
)
ERROR_COLUMNS = ("Status", "Raises", "Body")
FIELD_COLUMNS = ("Python name", "Wire name", "Type", "Required", "Nullable", "Description")


def render_docs(api: Api, import_name: str, env: Any) -> dict[str, str]:
    """Every docs page, by path relative to the package directory (``docs/...``)."""
    site = _Site(api, import_name)
    files: dict[str, str] = {}
    operation = env.get_template("docs/operation.md.jinja")
    model = env.get_template("docs/model.md.jinja")
    for op in api.operations:
        files[site.op_page[op.py_name]] = _page(operation.render(**site.operation_view(op)))
    for m in api.models:
        files[site.model_page[m.name]] = _page(model.render(**site.model_view(m)))
    index = env.get_template("docs/index.md.jinja")
    files[f"{DOCS}/README.md"] = _page(index.render(**site.index_view()))
    return files


def _page(text: str) -> str:
    return text.rstrip("\n") + "\n"


def group_of(op: Operation, prefix_len: int) -> str:
    """The index group: the operation's first tag, else the first path segment after the
    ``prefix_len`` segments every path shares."""
    if op.tags:
        return op.tags[0]
    segments = op.path.strip("/").split("/")
    return segments[prefix_len] if len(segments) > prefix_len else "(root)"


def common_prefix_len(paths: list[str]) -> int:
    """Leading segments all paths share, leaving at least one segment of the shortest."""
    split = [p.strip("/").split("/") for p in paths]
    if not split:
        return 0
    shortest = min(len(s) for s in split)
    n = 0
    while n < shortest - 1 and all(s[n] == split[0][n] for s in split):
        n += 1
    return n


class _Site:
    def __init__(self, api: Api, import_name: str) -> None:
        self.api = api
        self.import_name = import_name
        self.examples = Examples(api)
        self.params: dict[str, ParamsType] = {p.name: p for p in api.params_types}
        self.models: dict[str, Model] = {m.name: m for m in api.models}
        self.op_page = {op.py_name: f"{DOCS}/operations/{op.py_name}.md" for op in api.operations}
        self.model_page = _model_pages(api.models)
        self.prefix_len = common_prefix_len([op.path for op in api.operations])
        self.errors = _error_classes(api)
        self.status_errors = dict(api.profile.status_errors)

    # Views ---------------------------------------------------------------------------------
    def index_view(self) -> dict[str, Any]:
        groups: dict[str, list[Operation]] = defaultdict(list)
        for op in self.api.operations:
            groups[group_of(op, self.prefix_len)].append(op)
        here = f"{DOCS}/README.md"
        return {
            "api": self.api,
            "groups": [
                (name, [(op, self._link(here, self.op_page[op.py_name])) for op in ops])
                for name, ops in sorted(groups.items())
            ],
            "models": [
                (m, self._link(here, self.model_page[m.name]))
                for m in sorted(self.api.models, key=lambda m: m.name.lower())
            ],
            "errors": self.errors,
            "import_name": self.import_name,
        }

    def operation_view(self, op: Operation) -> dict[str, Any]:
        here = self.op_page[op.py_name]
        response = op.response
        model = self._model_of(response.type) if response.kind == "model" else None
        return {
            "api": self.api,
            "op": op,
            "index": self._link(here, f"{DOCS}/README.md"),
            "parameters": _table(PARAMETER_COLUMNS, self._parameter_rows(op)),
            "snippet": snippet_for(
                self.api, op, self.examples.args(op), package=self.import_name
            ).rstrip("\n"),
            "returns": self._type_with_links(here, response.type, False) if response.type else "",
            "response_kind": response.kind,
            "paging": response.paging,
            "item": (
                self._type_with_links(here, response.item_type, False) if response.item_type else ""
            ),
            "model_fields": _table(FIELD_COLUMNS, self._field_rows(model, here)) if model else "",
            "errors": _table(ERROR_COLUMNS, self._error_rows(op, here)),
            "type_errors": [
                (code(t, False), code(c, False)) for t, c in self.api.profile.error_types
            ],
            "error_base": self.api.profile.error_base,
            "import_name": self.import_name,
            "cli_name": command_name(op),
        }

    def model_view(self, m: Model) -> dict[str, Any]:
        here = self.model_page[m.name]
        return {
            "api": self.api,
            "model": m,
            "index": self._link(here, f"{DOCS}/README.md"),
            "fields": _table(FIELD_COLUMNS, self._field_rows(m, here)),
            "extra": self._type_with_links(here, m.extra_values, False) if m.extra_values else "",
            "item": self._type_with_links(here, m.item_type, False) if m.item_type else "",
            "import_name": self.import_name,
        }

    # Tables --------------------------------------------------------------------------------
    def _parameter_rows(self, op: Operation) -> Iterator[list[str]]:
        for p in op.parameters:
            yield self._parameter_row(p)
            yield from self._nested_rows(p.type, p.py_name, p.location, frozenset())

    def _parameter_row(self, p: Parameter) -> list[str]:
        return [
            code(p.py_name),
            code(p.wire_name) if p.wire_name else "(the whole body)",
            p.location,
            code(pytypes.request_type(p.type)),
            "yes" if p.required else "no",
            _value_cell(p.default),
            _enum_cell(p.type),
            cell(p.deprecated or ""),
            cell(p.description),
        ]

    def _nested_rows(
        self, t: TypeRef, path: str, location: str, seen: frozenset[str]
    ) -> Iterator[list[str]]:
        """Rows for the keys of every TypedDict in ``t``, under ``path`` (Python subscripts)."""
        for suffix, ref in _typed_dicts(t):
            params = self.params.get(ref.name)
            if params is None or ref.name in seen:  # a type inside itself: listed above
                continue
            inner = seen | {ref.name}
            for f in params.fields:
                key = f"{path}{suffix}[{pytypes.literal(f.wire_name)}]"
                yield [
                    code(key),
                    code(f.wire_name),
                    location,
                    code(pytypes.request_type(f.type)),
                    "yes" if f.required else "no",
                    _value_cell(f.default),
                    _enum_cell(f.type),
                    "yes" if f.deprecated else "",
                    cell(f.description),
                ]
                yield from self._nested_rows(f.type, key, location, inner)

    def _field_rows(self, m: Model, here: str) -> Iterator[list[str]]:
        for f in m.fields:
            yield self._field_row(f, here)

    def _field_row(self, f: Field, here: str) -> list[str]:
        return [
            code(f.py_name),
            code(f.wire_name),
            self._type_with_links(here, f.type),
            "yes" if f.required else "no",
            "yes" if f.nullable else "no",
            cell(("Deprecated. " if f.deprecated else "") + f.description),
        ]

    def _error_rows(self, op: Operation, here: str) -> Iterator[list[str]]:
        for e in op.errors:
            status = e.status.upper() if e.status != "default" else e.status
            keys = [status] if not status.isdigit() else [status, f"{status[0]}XX"]
            cls = next(
                (self.status_errors[k] for k in [*keys, "default"] if k in self.status_errors),
                "APIStatusError",
            )
            body = self._type_with_links(here, e.type) if e.type else cell(e.media_type or "")
            yield [code(e.status), code(cls), body]

    # Pieces --------------------------------------------------------------------------------
    def _model_of(self, t: TypeRef | None) -> Model | None:
        return self.models.get(t.name) if isinstance(t, ModelRef) else None

    def _type_with_links(self, here: str, t: TypeRef, in_table: bool = True) -> str:
        """The type as the client's models spell it, then links to the models it names."""
        if isinstance(t, ModelRef) and t.name in self.model_page:
            return f"[{code(t.name, in_table)}]({self._link(here, self.model_page[t.name])})"
        spelled = code(pytypes.response_type(_plain(t)), in_table)
        names = dict.fromkeys(u.name for u in walk(t) if isinstance(u, ModelRef))
        links = [
            f"[{n}]({self._link(here, self.model_page[n])})" for n in names if n in self.model_page
        ]
        return spelled + (f" ({', '.join(links)})" if links else "")

    @staticmethod
    def _link(here: str, target: str) -> str:
        start = posixpath.dirname(here)
        if posixpath.dirname(target) == start:
            return posixpath.basename(target)
        return posixpath.relpath(target, start)


def _error_classes(api: Api) -> list[tuple[str, str]]:
    """(class name, when it is raised) of every exception the package exports."""
    from generator.render import error_view  # render imports this module

    view = error_view(api)
    extra = dict(view.extra)
    errors = runtime.load("_errors")
    return [
        (name, cell(extra.get(name) or getattr(errors, name).__doc__ or "").replace("``", "`"))
        for name in view.exported
    ]


def _model_pages(models: tuple[Model, ...]) -> dict[str, str]:
    """Page path of each model: its class name, made unique ignoring case (file systems that
    ignore case would merge ``Foo.md`` and ``FOO.md``)."""
    pages: dict[str, str] = {}
    taken: set[str] = set()
    for m in sorted(models, key=lambda m: m.name):
        base = _bounded(m.name)
        stem, n = base, 1
        while stem.lower() in taken:
            n += 1
            stem = f"{base}_{n}"
        taken.add(stem.lower())
        pages[m.name] = f"{DOCS}/models/{stem}.md"
    return pages


def _bounded(name: str) -> str:
    """A file name stem file systems accept (255 bytes): long names keep a readable start and a
    hash of the whole."""
    if len(name) <= _MAX_STEM:
        return name
    return name[: _MAX_STEM - 17] + "_" + hashlib.sha256(name.encode()).hexdigest()[:16]


def _typed_dicts(t: TypeRef, suffix: str = "") -> Iterator[tuple[str, ParamsRef]]:
    """Every TypedDict a request type holds, with the subscripts that reach it."""
    if isinstance(t, ParamsRef):
        yield suffix, t
    elif isinstance(t, ListOf):
        yield from _typed_dicts(t.item, suffix + "[i]")
    elif isinstance(t, MapOf):
        yield from _typed_dicts(t.value, suffix + "[key]")
    elif isinstance(t, UnionOf):
        for member in t.members:
            yield from _typed_dicts(member, suffix)


def _plain(t: TypeRef) -> TypeRef:
    """A response type without its discriminator: ``A | B`` reads better in docs than the
    ``Annotated[Union[...], Discriminator(...)]`` the model needs."""
    if isinstance(t, UnionOf):
        return replace(t, members=tuple(_plain(m) for m in t.members), discriminator=None)
    if isinstance(t, ListOf):
        return ListOf(_plain(t.item))
    if isinstance(t, MapOf):
        return MapOf(_plain(t.value))
    return t


def _enum_cell(t: TypeRef) -> str:
    values = dict.fromkeys(v for u in walk(t) if isinstance(u, Lit) for v in u.values)
    return ", ".join(code(pytypes.literal(v)) for v in values)


def _value_cell(value: Value | None) -> str:
    return code(value.json) if value is not None else ""


@dataclass(frozen=True)
class _Table:
    columns: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]

    def __str__(self) -> str:
        lines = ["| " + " | ".join(self.columns) + " |", "|" + "---|" * len(self.columns)]
        lines += ["| " + " | ".join(row) + " |" for row in self.rows]
        return "\n".join(lines)


def _table(columns: tuple[str, ...], rows: Iterator[list[str]]) -> str:
    table = _Table(columns, tuple(tuple(r) for r in rows))
    return str(table) if table.rows else ""


def cell(text: str) -> str:
    """Prose for one table cell (or one line): on one line, ``|`` escaped, no raw HTML."""
    text = " ".join(_SURROGATES.sub("\ufffd", text).split())
    return text.replace("\\", "\\\\").replace("|", "\\|").replace("<", "&lt;").replace(">", "&gt;")


def prose(text: str) -> str:
    """Spec prose as Markdown paragraphs, with no raw HTML."""
    return _SURROGATES.sub("\ufffd", text).replace("<", "&lt;").replace(">", "&gt;")


def code(text: str, in_table: bool = True) -> str:
    """``text`` as an inline code span: fenced by more backticks than it holds; in a table
    cell ``|`` is escaped (GitHub reads ``\\|`` in a table's code span as ``|``)."""
    text = " ".join(_SURROGATES.sub("\ufffd", text).split())
    longest = max(map(len, _BACKTICKS.findall(text)), default=0)
    fence = "`" * (longest + 1)
    pad = " " if text.startswith("`") or text.endswith("`") or not text.strip() else ""
    if in_table:
        text = text.replace("|", "\\|")
    return f"{fence}{pad}{text}{pad}{fence}"

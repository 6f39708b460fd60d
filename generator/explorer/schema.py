"""What an operation returns, as the explorer shows it: the response model's fields as tables.

The first table is the success response's model; the models its fields refer to follow, each
linked from the rows that use it, breadth first, until a size budget is spent (an operation
page stays small even for Stripe's largest objects); the names of the rest are listed.
"""

from __future__ import annotations

from dataclasses import dataclass

from generator.ir import Api, Model, ModelRef, Operation, walk
from generator.pytypes import readable_type
from generator.text import first_sentence

BUDGET = 40  # rows over all tables


@dataclass(frozen=True)
class Row:
    name: str
    type_text: str
    description: str
    links: tuple[str, ...]  # models this field's type refers to


@dataclass(frozen=True)
class Table:
    name: str
    description: str
    rows: tuple[Row, ...]


def response_tables(api: Api, op: Operation) -> tuple[list[Table], list[str]]:
    """The tables to show and the names of the nested models left out."""
    start = op.response.type
    if start is None:
        return [], []
    queue = [t.name for t in walk(start) if isinstance(t, ModelRef) and api.model(t.name)]
    seen: set[str] = set(queue)
    tables: list[Table] = []
    left: list[str] = []
    rows = 0
    while queue:
        name = queue.pop(0)
        model = api.model(name)
        assert model is not None  # queued only when it is one
        if tables and rows + len(model.fields) > BUDGET:
            left.append(name)
            continue
        table = _table(model, api)
        tables.append(table)
        rows += len(table.rows)
        for row in table.rows:
            for link in row.links:
                if link not in seen:
                    seen.add(link)
                    queue.append(link)
    shown = {t.name for t in tables}
    return [_linked(t, shown) for t in tables], left


def _linked(table: Table, shown: set[str]) -> Table:
    """Links only to the tables that are on the page."""
    rows = tuple(
        Row(r.name, r.type_text, r.description, tuple(n for n in r.links if n in shown))
        for r in table.rows
    )
    return Table(table.name, table.description, rows)


def _table(model: Model, api: Api) -> Table:
    rows = tuple(
        Row(
            f.wire_name,
            readable_type(f.type),
            first_sentence(f.description),
            tuple(
                dict.fromkeys(
                    t.name for t in walk(f.type) if isinstance(t, ModelRef) and api.model(t.name)
                )
            ),
        )
        for f in model.fields
    )
    return Table(model.name, first_sentence(model.description), rows)

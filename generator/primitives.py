"""The table of primitive types: one row per ``ir.Prim`` name, read by every consumer.

A row says everything the generator decides per primitive: which schema lowers to it (JSON
Schema type and format, on which side), how the client annotates it, which JSON types it has on
the wire, which Python classes its values are (for comparing enums in change reports), an
example value (snippets, docs), its name in ``_commands.json`` (the try-it command line and the
runtime's value codec, ``_values.SCALARS``, read its text by that name), what a gateway says it
expected, and how the explorer's form enters it. Adding a primitive is one row here (and its
name in ``Name``, which mypy holds the table's keys to).

The runtime's codec (``templates/runtime/_values.py``) is copied verbatim into generated packages
and may import nothing from the generator, so its readers stay keyed by codec name there; the
``command`` column names them, and a test checks that every row's codec name is one it reads
(or a file, which it passes through).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Name = Literal[
    "str",
    "int",
    "float",
    "bool",
    "bytes",
    "Any",
    "None",
    "FileInput",
    "RawContent",
    "datetime",
    "date",
    "UUID",
]
# How the explorer's form enters a value of the type.
Input = Literal["text", "integer", "number", "checkbox", "json", "file"]
_Side = Literal["request", "response"]  # ``ir.Side``; the IR's types build on this module


@dataclass(frozen=True)
class Primitive:
    name: Name
    schema: tuple[str, str | None] | None  # (JSON Schema type, format) lowered to it
    side: _Side | None  # the one side that schema lowers to it on; None: both
    annotation: str  # how the client spells it (response strings of a format read leniently)
    home: str | None  # where generated code imports the annotation from; None: a builtin
    json: frozenset[str] | None  # JSON types of its values on the wire; None: any
    values: tuple[type, ...]  # Python classes an enum value may be to fit it; (): none compares
    example: object  # a realistic value (snippets, docs)
    command: str  # its name in ``_commands.json``, which the runtime's codec reads text as
    words: str  # what a gateway says it expected
    input: Input  # the explorer's form field


_STRING = frozenset({"string"})

_FILE = ("example.pdf", b"%PDF-1.4 example")


def _row(
    name: Name,
    schema: tuple[str, str | None] | None,
    annotation: str,
    json: frozenset[str] | None,
    example: object,
    command: str,
    words: str,
    input: Input = "text",
    values: tuple[type, ...] = (),
    side: _Side | None = None,
    home: str | None = None,
) -> tuple[Name, Primitive]:
    row = Primitive(
        name, schema, side, annotation, home, json, values, example, command, words, input
    )
    return name, row


# Columns: name, schema, annotation, json, example, command, words; then input, values, side
# and home where they are not the first row's.
PRIMITIVES: dict[Name, Primitive] = dict(
    [
        _row("str", ("string", None), "str", _STRING, "example", "str", "a string",
             values=(str,)),
        _row("int", ("integer", None), "int", frozenset({"integer"}), 1, "int", "an integer",
             "integer", (int,)),
        _row("float", ("number", None), "float", frozenset({"number"}), 1.5, "float",
             "a number", "number", (int, float)),
        _row("bool", ("boolean", None), "bool", frozenset({"boolean"}), True, "bool",
             "true or false", "checkbox", (bool,)),
        _row("None", ("null", None), "None", frozenset({"null"}), None, "none", "null",
             values=(type(None),)),
        _row("Any", None, "Any", None, "example", "any", "anything", "json", home="typing"),
        _row("bytes", ("string", "binary"), "bytes", _STRING, b"example", "bytes", "a file",
             "file", side="response"),
        _row("FileInput", ("string", "binary"), "FileInput", _STRING, _FILE, "file", "a file",
             "file", side="request", home="._base_client"),
        # a raw request body (bytes, text or a file object), sent as given
        _row("RawContent", None, "RawContent", None, b"example", "bytes", "a file", "file",
             home="._encode"),
        _row("datetime", ("string", "date-time"), "DateTimeOrStr", _STRING,
             "2024-01-01T00:00:00Z", "str", "a string", side="response", home="._models"),
        _row("date", ("string", "date"), "DateOrStr", _STRING, "2024-01-01", "str", "a string",
             side="response", home="._models"),
        _row("UUID", ("string", "uuid"), "UUIDOrStr", _STRING,
             "123e4567-e89b-12d3-a456-426614174000", "str", "a string", side="response",
             home="._models"),
    ]
)  # fmt: skip


def primitive(name: Name) -> Primitive:
    """The row of ``ir.Prim(name)``."""
    return PRIMITIVES[name]


def lowered(json_type: str, fmt: object, side: _Side) -> Name | None:
    """The primitive a schema of ``type: json_type`` and ``format: fmt`` is on ``side``: the row
    for that format, else the type's own (an unknown format is the plain type); None when the
    type has no row."""
    plain = None
    for row in PRIMITIVES.values():
        if row.schema is None or row.schema[0] != json_type or row.side not in (None, side):
            continue
        if row.schema[1] == fmt:
            return row.name
        if row.schema[1] is None:
            plain = row.name
    return plain


def format_example(fmt: str | None) -> object | None:
    """An example of a string of ``format: fmt`` where a row gives one (a request's date-time is
    a ``str``, yet the response side's row knows what one looks like)."""
    for row in PRIMITIVES.values():
        if row.schema == ("string", fmt) and fmt is not None and row.command == "str":
            return row.example
    return None

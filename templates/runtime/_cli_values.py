"""Command-line text to values, for ``_cli``: scalars by type, enums, JSON, files.

Types are as ``_commands.json`` writes them (see ``_cli``); every parser raises ValueError with
what was expected, which ``_cli`` reports against the option.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from . import _values

Type = Any  # a type as _commands.json writes it (see generator/commands.py)


class Upload(tuple[str, bytes]):
    """A file named on the command line: (its name, its content), sent as an upload."""

    path: str


def parse_file(text: str) -> Upload:
    try:
        upload = Upload((Path(text).name, Path(text).read_bytes()))
    except OSError as exc:
        raise ValueError(f"cannot read file {text!r}: {exc.strerror}") from None
    upload.path = text
    return upload


def parse_json(text: str) -> Any:
    try:
        return json.loads(text)
    except ValueError as exc:
        raise ValueError(f"invalid JSON: {exc}") from None


SCALARS: dict[str, Callable[[str], Any]] = {
    **_values.SCALARS,  # text as every other reader of it reads it (the one codec)
    "file": parse_file,
    "bytes": lambda text: parse_file(text)[1],
}


def members(t: Type) -> list[Type]:
    if isinstance(t, dict) and "union" in t:
        return [m for member in t["union"] for m in members(member)]
    return [t]


def enum_values(t: Type) -> list[Any] | None:
    """The values of an enum (or of the enums of a union of them); None if ``t`` has other
    members too."""
    values: list[Any] = []
    for member in members(t):
        if not (isinstance(member, dict) and "enum" in member):
            return None
        values += [v for v in member["enum"] if v not in values]
    return values


def is_open(t: Type) -> bool:
    return any(isinstance(m, dict) and m.get("open") for m in members(t))


def metavar(t: Type) -> str:
    if isinstance(t, str):
        return {"int": "INTEGER", "float": "NUMBER", "bool": "BOOL", "file": "PATH"}.get(
            t, "VALUE" if t in ("any", "none") else "TEXT"
        )
    return "VALUE"


def plain(value: Any) -> str:
    """An enum value as typed on the command line."""
    return _values.text(value)


def show(value: Any) -> str:
    return json.dumps(value)


def escape(text: str) -> str:
    return text.replace("%", "%%")  # argparse formats help with %


def merge(into: Any, value: Any) -> Any:
    if isinstance(into, dict) and isinstance(value, dict):
        merged = dict(into)
        for key, item in value.items():
            merged[key] = merge(merged.get(key), item)
        return merged
    return value

"""Between render and format: every generated module's imports, pruned and sorted, so the
package passes ``ruff check`` (rules F and I) with ruff's defaults, as a user's project runs it.

Templates import what a module of their kind may need; what a given module does not use is
dropped here (a name imported as itself, ``X as X``, is a re-export and stays). Each run of
imports is then written the way ruff's isort writes it: sections (``__future__``, standard
library, third party, relative) one blank line apart, ``import x`` before ``from x import``,
modules in case-insensitive order (the farthest relative first), names constants first, then
classes, then the rest. An import longer than 88 columns (ruff's default line length) is
written one name per line with a trailing comma, which black and ruff at any longer line
length both keep as it is.
"""

from __future__ import annotations

import ast
import hashlib
import re
import sys
from collections.abc import Iterator
from pathlib import Path

from generator import cache

LINE_LENGTH = 88  # ruff's default: a user's project checks the package with it
# The rules below are part of the cache key: editing this module invalidates what it cached.
_VERSION = hashlib.sha256(Path(__file__).read_bytes()).hexdigest()[:16]
_STDLIB = sys.stdlib_module_names
_BODIES = ("body", "orelse", "finalbody")


def tidy_imports(files: dict[str, str], pack: cache.Pack | None = None) -> dict[str, str]:
    """Every Python file tidied; results are cached by content in ``pack`` (parsing a big
    package's modules takes seconds, and a regeneration changes few of them)."""
    out = {}
    for path, text in files.items():
        if not path.endswith(".py"):
            out[path] = text
            continue
        key = hashlib.sha256(f"{_VERSION}\0{text}".encode()).hexdigest()
        hit = pack.get(key) if pack is not None else None
        if hit is None:
            hit = tidy(text)
            if pack is not None:
                pack.put(key, hit)
        out[path] = hit
    return out


def tidy(text: str) -> str:
    """``text`` with every run of import statements pruned and sorted. An ``if`` left with
    nothing in it (``if TYPE_CHECKING:`` whose imports all went) goes too, and the module is
    tidied again: what it imported may be unused now."""
    tree = ast.parse(text)
    used = _used_names(tree)
    lines = text.splitlines(keepends=True)
    emptied = False
    runs = sorted(_runs(tree), key=lambda pair: pair[0][0].lineno, reverse=True)
    for run, whole_body_of in runs:  # bottom up: earlier line numbers stay valid
        first, last = run[0], run[-1]
        comments = [_trailing_comment(lines, stmt) for stmt in run]
        new = _render(run, comments, used, " " * first.col_offset)
        assert last.end_lineno is not None
        if not new and whole_body_of is not None:
            lines[whole_body_of.lineno - 1 : last.end_lineno] = []
            emptied = True
            continue
        lines[first.lineno - 1 : last.end_lineno] = new
    out = "".join(lines)
    return tidy(out) if emptied else out


def _runs(tree: ast.AST) -> Iterator[tuple[list[ast.Import | ast.ImportFrom], ast.If | None]]:
    """Runs of consecutive import statements, in every statement list of the module, each with
    the ``if`` (without ``else``) it is the whole body of, if any."""
    for node in ast.walk(tree):
        for field in _BODIES:
            body = getattr(node, field, None)
            if not isinstance(body, list):
                continue
            whole = all(isinstance(s, ast.Import | ast.ImportFrom) for s in body)
            owner = node if whole and isinstance(node, ast.If) and not node.orelse else None
            run: list[ast.Import | ast.ImportFrom] = []
            for stmt in body:
                if isinstance(stmt, ast.Import | ast.ImportFrom):
                    run.append(stmt)
                    continue
                if run:
                    yield run, None
                run = []
            if run:
                yield run, owner


def _used_names(tree: ast.AST) -> set[str]:
    used: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Name):
            used.add(node.id)
        elif isinstance(node, ast.Constant) and isinstance(node.value, str):
            used.update(_names_in_annotation(node.value))
        elif isinstance(node, ast.Assign) and any(
            isinstance(t, ast.Name) and t.id == "__all__" for t in node.targets
        ):
            value = node.value
            if isinstance(value, ast.List | ast.Tuple):
                used.update(
                    e.value
                    for e in value.elts
                    if isinstance(e, ast.Constant) and isinstance(e.value, str)
                )
    return used


def _names_in_annotation(text: str) -> set[str]:
    """Names in a string that reads as an expression (a quoted annotation such as
    ``"Customer | None"``); nothing for prose."""
    if not text or len(text) > 200 or "\n" in text:
        return set()
    try:
        expression = ast.parse(text, mode="eval")
    except SyntaxError:
        return set()
    return {n.id for n in ast.walk(expression) if isinstance(n, ast.Name)}


def _trailing_comment(lines: list[str], stmt: ast.stmt) -> str:
    assert stmt.end_lineno is not None and stmt.end_col_offset is not None
    rest = lines[stmt.end_lineno - 1][stmt.end_col_offset :].strip()
    return rest if rest.startswith("#") else ""


# Rendering ---------------------------------------------------------------------------------
_SECTIONS = ("future", "stdlib", "thirdparty", "local")


def _section(stmt: ast.Import | ast.ImportFrom) -> str:
    if isinstance(stmt, ast.ImportFrom):
        if stmt.level:
            return "local"
        module = stmt.module or ""
    else:
        module = stmt.names[0].name
    top = module.split(".")[0]
    if top == "__future__":
        return "future"
    return "stdlib" if top in _STDLIB else "thirdparty"


def _render(
    run: list[ast.Import | ast.ImportFrom], comments: list[str], used: set[str], indent: str
) -> list[str]:
    # (section, straight?, module key, as-import?, names) -> [names], comment
    straight: dict[str, list[tuple[str, str, str | None]]] = {s: [] for s in _SECTIONS}
    froms: dict[tuple[str, str, int, str | None], list[tuple[str, str | None]]] = {}
    notes: dict[tuple[str, str, int, str | None], str] = {}
    for stmt, comment in zip(run, comments, strict=True):
        section = _section(stmt)
        for alias in stmt.names:
            if not _keep(stmt, alias, used):
                continue
            if isinstance(stmt, ast.Import):
                straight[section].append((alias.name, alias.name, alias.asname))
                continue
            module = stmt.module or ""
            # as-imports stay statements of their own (ruff's combine-as-imports = false)
            key = (section, module, stmt.level, alias.name if alias.asname else None)
            froms.setdefault(key, []).append((alias.name, alias.asname))
            if comment:
                notes[key] = comment
    out: list[str] = []
    for section in _SECTIONS:
        lines = [
            f"{indent}import {name}" + (f" as {asname}" if asname else "") + "\n"
            for _, name, asname in sorted(straight[section], key=lambda s: _module_key(s[0]))
        ]
        keys = sorted(
            (k for k in froms if k[0] == section),
            key=lambda k: (-k[2], _module_key(k[1]), k[3] is not None, _member_key(k[3] or "")),
        )
        for key in keys:
            names = sorted(dict.fromkeys(froms[key]), key=lambda n: _member_key(n[0]))
            lines += _from_import(indent, "." * key[2] + key[1], names, notes.get(key, ""))
        if lines:
            if out:
                out.append("\n")
            out += lines
    return out


def _keep(stmt: ast.Import | ast.ImportFrom, alias: ast.alias, used: set[str]) -> bool:
    if isinstance(stmt, ast.ImportFrom) and stmt.module == "__future__":
        return True
    if alias.asname is not None and alias.asname == alias.name:
        return True  # an explicit re-export
    bound = alias.asname or alias.name.split(".")[0]
    return bound in used


def _from_import(
    indent: str, module: str, names: list[tuple[str, str | None]], comment: str
) -> list[str]:
    parts = [n + (f" as {a}" if a else "") for n, a in names]
    note = f"  {comment}" if comment else ""
    one = f"{indent}from {module} import {', '.join(parts)}"
    if len(one) <= LINE_LENGTH:
        return [one + note + "\n"]
    return [
        f"{indent}from {module} import ({note}\n",
        *(f"{indent}    {p},\n" for p in parts),
        f"{indent})\n",
    ]


def _natural(text: str) -> tuple[tuple[int, int | str], ...]:
    """ruff's natural order, case-insensitive: ``Body5`` before ``Body10``."""
    return tuple(
        (0, int(part)) if part.isdigit() else (1, part)
        for part in re.split(r"([0-9]+)", text.lower())
        if part
    )


def _module_key(module: str) -> tuple[tuple[tuple[int, int | str], ...], str]:
    return _natural(module), module


def _member_key(name: str) -> tuple[int, tuple[tuple[int, int | str], ...], str]:
    """ruff's order-by-type: CONSTANTS, then Classes, then everything else."""
    if name.isupper() and len(name) > 1:
        rank = 0
    elif name[:1].isupper():
        rank = 1
    else:
        rank = 2
    return rank, _natural(name), name

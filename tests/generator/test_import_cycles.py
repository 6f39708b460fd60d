"""No import cycles in ``generator/`` (the runtime package included), counting imports made inside
functions: a cycle hidden by a late import is still a cycle.

Imports under ``if TYPE_CHECKING:`` count too: they never run, but two modules that name each
other's types are one design split in two files (``lower.schemas`` and ``lower.unions`` were;
unions now states what it needs as a ``Protocol``).
"""

from __future__ import annotations

import ast
import os
from pathlib import Path

from support.paths import ROOT


def module_files(package_dir: Path) -> dict[str, Path]:
    """Dotted module name -> file, for every module under ``package_dir`` (links followed:
    ``generator/templates`` links to ``templates/``)."""
    found: dict[str, Path] = {}
    base = package_dir.parent
    for folder, _, files in os.walk(package_dir, followlinks=True):
        for name in files:
            if not name.endswith(".py"):
                continue
            parts = list(Path(folder, name).relative_to(base).with_suffix("").parts)
            if parts[-1] == "__init__":
                parts.pop()
            found[".".join(parts)] = Path(folder, name)
    return found


def _imports(tree: ast.AST) -> list[ast.Import | ast.ImportFrom]:
    """Every import statement, at any depth (functions, classes, try blocks, ``if
    TYPE_CHECKING:``)."""
    return [n for n in ast.walk(tree) if isinstance(n, ast.Import | ast.ImportFrom)]


def import_graph(package_dir: Path) -> dict[str, set[str]]:
    """Module -> the modules of the same package it imports."""
    modules = module_files(package_dir)

    def known(name: str) -> str | None:
        while name and name not in modules:
            name = name.rpartition(".")[0]
        return name or None

    graph: dict[str, set[str]] = {m: set() for m in modules}
    for module, path in modules.items():
        package = module if path.name == "__init__.py" else module.rpartition(".")[0]
        for node in _imports(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            else:
                base = node.module or ""
                if node.level:
                    anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                    base = ".".join([*anchor, base] if base else anchor)
                # ``from pkg import mod`` imports the module; ``from mod import name`` the module
                names = [
                    f"{base}.{a.name}" if f"{base}.{a.name}" in modules else base
                    for a in node.names
                ]
            for name in names:
                target = known(name)
                if target is not None and target != module:
                    graph[module].add(target)
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected groups of more than one module (Tarjan), each sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    groups: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(graph[v]):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            group = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                group.append(w)
                if w == v:
                    break
            if len(group) > 1:
                groups.append(sorted(group))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return sorted(groups)


def test_generator_has_no_import_cycles() -> None:
    graph = import_graph(ROOT / "generator")
    assert "generator.templates.runtime._base_client" in graph  # the runtime is walked too
    assert "generator.pipeline" in graph["generator.cli"]
    assert cycles(graph) == []


def test_a_cycle_through_a_function_level_import_is_found(tmp_path: Path) -> None:
    pkg = tmp_path / "pkg"
    (pkg / "sub").mkdir(parents=True)
    (pkg / "__init__.py").write_text("")
    (pkg / "sub" / "__init__.py").write_text("")
    (pkg / "a.py").write_text("from pkg import b\n")
    (pkg / "b.py").write_text("def f():\n    from pkg.sub.c import g\n")
    (pkg / "sub" / "c.py").write_text("def g():\n    from ..a import x\n")
    (pkg / "d.py").write_text(
        "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from pkg.a import x\n"
    )
    (pkg / "e.py").write_text("import pkg.d\n")
    (pkg / "f.py").write_text("import pkg.d\n")
    (pkg / "a.py").write_text("from pkg import b\nfrom pkg import f\n")
    graph = import_graph(pkg)
    assert graph["pkg.e"] == {"pkg.d"}
    assert graph["pkg.d"] == {"pkg.a"}  # a type annotation's import counts
    assert cycles(graph) == [["pkg.a", "pkg.b", "pkg.d", "pkg.f", "pkg.sub.c"]]

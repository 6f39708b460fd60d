"""A fresh clone without ../shared beside it: the whole suite collects, and every test that reads
../shared skips cleanly (CI has ../shared; a new contributor does not)."""

from __future__ import annotations

import ast
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from support.paths import ROOT

pytestmark = pytest.mark.slow  # a clone plus two pytest runs over it

#: Names that mean "reads ../shared" where the tests start looking (support.paths).
SEEDS = {"SHARED", "SHARED_STRIPE", "shared_spec", "CORPUS_DIR"}


def _uses(node: ast.AST) -> set[str]:
    return {n.id for n in ast.walk(node) if isinstance(n, ast.Name)} | {
        n.attr for n in ast.walk(node) if isinstance(n, ast.Attribute)
    } | {a.arg for n in ast.walk(node) if isinstance(n, ast.arguments) for a in n.args}


def _defined(node: ast.stmt) -> set[str]:
    if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
        return {node.name}
    if isinstance(node, ast.Assign | ast.AnnAssign):
        targets = node.targets if isinstance(node, ast.Assign) else [node.target]
        return {n.id for t in targets for n in ast.walk(t) if isinstance(n, ast.Name)}
    return set()


def _spread(trees: list[ast.Module], names: set[str]) -> set[str]:
    """Names whose definitions use a name that reads ../shared, to a fixpoint: helpers, fixtures
    and constants built on the shared paths read them too."""
    names = set(names)
    while True:
        grown = {
            name
            for tree in trees
            for node in tree.body
            if _uses(node) & names
            for name in _defined(node)
        }
        if grown <= names:
            return names
        names |= grown


def shared_readers(tests: Path) -> list[str]:
    """Node ids (file::test or file::Class) of the tests that read ../shared, found statically."""
    support = [ast.parse(p.read_text(encoding="utf-8")) for p in tests.glob("support/*.py")]
    support.append(ast.parse((tests / "conftest.py").read_text(encoding="utf-8")))
    seeds = _spread(support, SEEDS)
    found = []
    for path in sorted(tests.rglob("test_*.py")):
        if "node_modules" in path.parts:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        names = _spread([tree], seeds)
        rel = path.relative_to(tests.parent).as_posix()
        found += [
            f"{rel}::{node.name}"
            for node in tree.body
            if isinstance(node, ast.FunctionDef | ast.ClassDef)
            and node.name.startswith(("test_", "Test"))
            and _uses(node) & names
        ]
    return found


def _pytest(clone: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST_", "HYPOTHESIS"))}
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", *args],
        cwd=clone,
        env=env,
        capture_output=True,
        text=True,
        timeout=1200,
    )


@pytest.fixture(scope="module")
def clone(tmp_path_factory: pytest.TempPathFactory) -> Path:
    if shutil.which("git") is None or not (ROOT / ".git").exists():
        pytest.skip("needs git and a git checkout to clone")
    where = tmp_path_factory.mktemp("fresh")
    done = subprocess.run(
        ["git", "clone", "-q", str(ROOT), str(where / "repo")], capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    assert not (where / "shared").exists()
    return where / "repo"


def test_the_whole_suite_collects_without_shared(clone: Path) -> None:
    done = _pytest(clone, "--collect-only", "-q")
    assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-2000:]
    assert re.search(r"^\d+ tests collected", done.stdout, re.M), done.stdout[-2000:]
    assert "error" not in done.stdout.lower().split("tests collected")[-1]


def test_every_test_reading_shared_skips_cleanly(clone: Path) -> None:
    readers = shared_readers(clone / "tests")
    # the known readers are found: full Stripe, the corpus, the shared-spec diff
    assert any("test_stripe_full.py" in r for r in readers), readers
    assert any("test_corpus.py" in r for r in readers), readers
    assert any("test_diff.py" in r for r in readers), readers
    done = _pytest(clone, "-q", "-rs", *readers)
    assert done.returncode == 0, done.stdout[-6000:] + done.stderr[-2000:]
    summary = done.stdout.strip().splitlines()[-1]
    assert "failed" not in summary and "error" not in summary, summary
    skips = [line for line in done.stdout.splitlines() if line.startswith("SKIPPED")]
    assert skips, done.stdout[-3000:]
    for line in skips:
        assert "absent" in line or "shared" in line, line

"""The corpus of 14 real APIs (``../shared/specs/corpus/``): every document generates (exit 0),
every module imports, ``mypy --strict`` and ``ruff check`` (F, I) pass on the output, every
warning names a JSON pointer, and each client has one method per operation the corpus README
counts, less the operations a warning says were skipped.

Each document is generated once per session (the ``corpus_packages`` fixture), two at a time.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from support.corpus import CORPUS, CORPUS_DIR, Generated, readme_operation_counts
from support.paths import ROOT
from support.ruff_rules import ruff_failures

pytestmark = pytest.mark.slow

# Documents the generator cannot read yet, with the reason: each is an expected failure that
# must start passing (strict) once the reason is gone.
NOT_YET: dict[str, str] = {}

MODELS_NOT_YET: dict[str, str] = {}

DOCS = [
    pytest.param(n, marks=pytest.mark.xfail(reason=NOT_YET[n], strict=True)) if n in NOT_YET else n
    for n in CORPUS
]

# A warning says where (a JSON pointer into the document) and what.
_POINTER_WARNING = re.compile(r"^#(/[^ ]*)?: \S")
# A warning that drops a whole operation says so; it names the operation's pointer.
_SKIPPED_OPERATION = re.compile(r"^#(/paths/[^/ ]+/[a-z]+): .*operation skipped")


def _generated(corpus_packages: dict[str, Generated], name: str) -> Generated:
    generated = corpus_packages[name]
    assert generated.ok, f"{name}: exit {generated.returncode}: {generated.error}"
    return generated


@pytest.fixture(scope="module")
def imported(corpus_packages: dict[str, Generated]) -> dict[str, dict[str, Any]]:
    """Each generated package imported whole in a fresh interpreter, two at a time."""
    script = ROOT / "tests" / "support" / "corpus_check.py"

    def check(generated: Generated) -> dict[str, Any]:
        result = subprocess.run(
            [sys.executable, str(script), str(generated.out), generated.package],
            capture_output=True,
            text=True,
            check=False,
        )
        if result.returncode != 0:
            return {"error": result.stderr[-3000:]}
        report: dict[str, Any] = json.loads(result.stdout.splitlines()[-1])
        return report

    ok = [g for g in corpus_packages.values() if g.ok]
    with ThreadPoolExecutor(max_workers=2) as pool:
        return dict(zip([g.name for g in ok], pool.map(check, ok), strict=True))


@pytest.mark.parametrize("name", DOCS)
def test_document_generates_with_exit_0(corpus_packages: dict[str, Generated], name: str) -> None:
    _generated(corpus_packages, name)


@pytest.mark.parametrize("name", DOCS)
def test_every_warning_names_a_pointer(corpus_packages: dict[str, Generated], name: str) -> None:
    generated = _generated(corpus_packages, name)
    unplaced = [w for w in generated.warnings if not _POINTER_WARNING.match(w)]
    assert not unplaced, unplaced[:10]


@pytest.mark.parametrize("name", DOCS)
def test_client_has_a_method_per_operation(
    corpus_packages: dict[str, Generated], imported: dict[str, dict[str, Any]], name: str
) -> None:
    generated = _generated(corpus_packages, name)
    report = imported[name]
    assert "error" not in report, report["error"]
    skipped = {m.group(1) for w in generated.warnings if (m := _SKIPPED_OPERATION.match(w))}
    expected = readme_operation_counts()[name] - len(skipped)
    assert len(report["methods"]) == expected
    assert report["async_methods"] == report["methods"]


@pytest.mark.parametrize(
    "name",
    [
        pytest.param(n, marks=pytest.mark.xfail(reason=MODELS_NOT_YET[n], strict=True))
        if n in MODELS_NOT_YET
        else n
        for n in DOCS
        if isinstance(n, str)
    ],
)
def test_every_model_builds(imported: dict[str, dict[str, Any]], name: str) -> None:
    """Models defer building their validators: a broken annotation shows only on first use."""
    report = imported[name]
    assert "error" not in report, report["error"]
    assert not report["problems"], report["problems"][:10]


def test_readme_counts_every_document() -> None:
    if not CORPUS_DIR.is_dir():
        pytest.skip(f"{CORPUS_DIR} is absent: the shared corpus sits beside the clone only in CI")
    assert set(readme_operation_counts()) == set(CORPUS)


def test_corpus_passes_mypy_strict(corpus_packages: dict[str, Generated]) -> None:
    """One mypy run over every package that generated (much cheaper than one per package)."""
    folders = [str(g.package_dir) for g in corpus_packages.values() if g.ok]
    result = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--no-incremental", *folders],
        cwd=next(iter(corpus_packages.values())).out,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout[-3000:]


def test_corpus_passes_ruff_check(corpus_packages: dict[str, Generated]) -> None:
    """ruff's default rules and the project's own, no unused noqa (support.ruff_rules)."""
    folders = [str(g.package_dir) for g in corpus_packages.values() if g.ok]
    assert ruff_failures(folders) == []

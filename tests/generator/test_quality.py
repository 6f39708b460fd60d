"""Generated code and the generator itself pass the strict checks we promise."""

from __future__ import annotations

import subprocess
import sys

import pytest
from support.paths import ROOT
from support.ruff_rules import ruff_failures

pytestmark = pytest.mark.slow  # the fast lane leaves it out: mypy --strict and black over the whole package

def _tool(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", *args], cwd=ROOT, capture_output=True, text=True)


def test_generated_package_passes_mypy_strict() -> None:
    result = _tool("mypy", "--strict", "--no-incremental", "generated/")
    assert result.returncode == 0, result.stdout


def test_generator_passes_mypy() -> None:
    result = _tool("mypy", "--no-incremental")
    assert result.returncode == 0, result.stdout


def test_project_is_ruff_clean() -> None:
    result = _tool("ruff", "check", "generator", "tests", "benchmarks")
    assert result.returncode == 0, result.stdout


def test_generated_package_passes_ruff_defaults_and_project_rules() -> None:
    """No finding and no unused noqa (RUF100 is in both sets) with the pinned ruff."""
    assert ruff_failures([str(ROOT / "generated" / "stripe")]) == []


def test_generated_package_is_black_stable() -> None:
    result = _tool(
        "black",
        "--check",
        "--quiet",
        "--line-length",
        "100",
        "--target-version",
        "py311",
        "generated/",
    )
    assert result.returncode == 0, result.stderr

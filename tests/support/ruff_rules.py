"""The two ruff rule sets generated code must pass, with the ruff pinned in the dev extra: ruff's
own defaults (what a user's ruff checks out of the box) and this project's rule set."""

from __future__ import annotations

import subprocess
import sys
import tomllib
from collections.abc import Sequence

from support.paths import ROOT

# For generated code the project's rules leave out what is deliberate there and not among ruff's
# defaults: E402 (models import each other at the bottom of their modules, for recursive
# schemas) and RUF001-RUF003 (docstrings and descriptions quote the spec's prose, en dashes and
# curly quotes included).
GENERATED_IGNORES = ("E402", "RUF001", "RUF002", "RUF003")


def project_rules() -> list[str]:
    lint = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["ruff"]
    rules = lint["lint"]
    ignore = [*rules.get("ignore", []), *GENERATED_IGNORES]
    return ["--select", ",".join(rules["select"]), "--ignore", ",".join(ignore)]


def ruff_failures(folders: Sequence[str]) -> list[str]:
    """What each rule set reports over ``folders`` (empty when both pass)."""
    failures = []
    for name, extra in (("ruff's defaults", []), ("the project's rules", project_rules())):
        done = subprocess.run(
            [sys.executable, "-m", "ruff", "check", "--isolated", "--output-format", "concise",
             "--target-version", "py311", *extra, *folders],
            capture_output=True,
            text=True,
            check=False,
        )  # fmt: skip
        if done.returncode != 0:
            failures.append(f"{name}:\n{done.stdout[-3000:]}{done.stderr[-1000:]}")
    return failures

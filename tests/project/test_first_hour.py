"""What a new contributor meets first: no test installs anything behind their back, and the test
script and CI run the same command."""

from __future__ import annotations

import ast
from pathlib import Path

from support.paths import ROOT

INSTALLERS = {"apt-get", "apt", "npm", "npx", "dpkg"}


def _commands_run(path: Path, base: Path = ROOT) -> list[str]:
    """Where a module builds an installer's command line: a list or tuple starting with an
    installer's name (["apt-get", "install", ...]) or with "ci" second ([npm, "ci"]).
    Looking is fine: shutil.which("npm") is not a command line."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if not (isinstance(node, ast.List | ast.Tuple) and node.elts):
            continue
        words = [e.value if isinstance(e, ast.Constant) else None for e in node.elts[:2]]
        if words[0] in INSTALLERS:
            found.append(f"{path.relative_to(base)}:{node.lineno}: {words[0]}")
        elif words[1:] == ["ci"]:  # [npm, "ci", ...] with npm found by shutil.which
            found.append(f"{path.relative_to(base)}:{node.lineno}: ci")
    return found


def test_no_test_or_fixture_runs_an_installer() -> None:
    files = [p for p in (ROOT / "tests").rglob("*.py") if "node_modules" not in p.parts]
    assert len(files) > 20
    assert [hit for path in files for hit in _commands_run(path)] == []


def test_the_scanner_sees_an_installer(tmp_path: Path) -> None:
    sample = tmp_path / "sample.py"
    sample.write_text('import shutil, subprocess\nshutil.which("npm")\nsubprocess.run(["npm", "ci"])\n')
    assert _commands_run(sample, tmp_path) == ["sample.py:3: npm"]


def test_ci_runs_the_readme_test_command() -> None:
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "scripts/test" in ci.split("set -euo pipefail")[-1]
    assert "\nscripts/test\n" in readme
    script = (ROOT / "scripts" / "test").read_text(encoding="utf-8")
    for part in ("redis-server", "chromium", "nodejs", "nginx", "wrk", "npm ci", '".[dev]"'):
        assert part in script, part

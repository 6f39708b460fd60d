"""The user guide builds: `mkdocs build --strict` fails on a broken link, a missing anchor or a
page left out of the nav (mkdocs.yml's validation settings), and the README's links resolve."""

from __future__ import annotations

import importlib.util
import os
import re
import subprocess
import sys

import pytest
from support.paths import ROOT


def test_mkdocs_build_strict_passes(tmp_path) -> None:
    if importlib.util.find_spec("mkdocs") is None or importlib.util.find_spec("material") is None:
        pytest.skip('mkdocs or its Material theme is not installed: `pip install -e ".[dev]"` installs it')
    done = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(tmp_path / "site")],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
        timeout=300,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert (tmp_path / "site" / "start" / "index.html").is_file()
    assert (tmp_path / "site" / "configuration" / "index.html").is_file()


def test_readme_links_resolve() -> None:
    """The README is the front door: every relative link in it names a file of the repository."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    targets = re.findall(r"\]\(([^)#\s]+)(?:#[^)]*)?\)", readme)
    local = [t for t in targets if not re.match(r"[a-z]+:", t)]
    assert local, "the README links to the guide"
    missing = [t for t in local if not (ROOT / t).exists()]
    assert missing == []

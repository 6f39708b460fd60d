"""The user guide builds: `mkdocs build --strict` fails on a broken link, a missing anchor or a
page left out of the nav (mkdocs.yml's validation settings), and the README's links resolve."""

from __future__ import annotations

import argparse
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


def _flags(parser: argparse.ArgumentParser, verb: str = "") -> set[tuple[str, str]]:
    found = set()
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                found |= _flags(sub, name)
        elif not isinstance(action, argparse._HelpAction | argparse._VersionAction):
            found |= {(verb, s) for s in action.option_strings if s.startswith("--")}
    return found


def test_the_configuration_reference_lists_every_flag() -> None:
    """One place for every CLI flag: a flag added to a verb must be added to the reference."""
    from generator.cli import _parser
    from generator.gateway.serve import parser as gateway_parser

    flags = _flags(_parser()) | {("gateway", f) for _, f in _flags(gateway_parser())}
    page = (ROOT / "docs" / "configuration.md").read_text(encoding="utf-8")
    sections = dict(re.findall(r"^### (\S+)\n(.*?)(?=^### |\Z)", page, re.M | re.S))
    missing = sorted(
        f"{verb} {flag}" for verb, flag in flags if f"`{flag}" not in sections.get(verb, "")
    )
    assert missing == []

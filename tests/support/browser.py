"""Headless Chromium for the explorer's tests: Debian's chromium, driven by playwright-core from
npm (the scripts in tests/browser/). A script gets a JSON config on its command line, walks the
pages as a person would and prints what it saw as JSON; screenshots go to tests/artifacts/."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from support.paths import ROOT

BROWSER_DIR = ROOT / "tests" / "browser"
ARTIFACTS = ROOT / "tests" / "artifacts"
CHROMIUM = Path("/usr/bin/chromium")


def browser_missing() -> str | None:
    """Why the browser tests cannot run here, or None when chromium and playwright-core are in
    place. Nothing is installed here: scripts/test installs both where it can."""
    if not CHROMIUM.exists():
        return (
            "Debian's chromium is not installed: scripts/test installs it as root "
            "(or `apt-get install chromium`)"
        )
    if shutil.which("node") is None:
        return (
            "Node.js is not installed, so playwright-core cannot drive chromium: scripts/test "
            "installs it as root (Debian's nodejs and npm) and runs `npm ci` in tests/browser"
        )
    if not (BROWSER_DIR / "node_modules" / "playwright-core").is_dir():
        return "playwright-core is not installed: run scripts/test, or `npm ci` in tests/browser"
    return None


def run_script(name: str, config: dict[str, Any]) -> dict[str, Any]:
    """Run ``tests/browser/<name>`` with ``config`` (plus the artifacts folder); its report.
    Skips the test when the browser cannot be had; fails on an error the script reports."""
    reason = browser_missing()
    if reason is not None:
        pytest.skip(reason)
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "failure.png").unlink(missing_ok=True)  # written only when a script fails
    done = subprocess.run(
        ["node", name, json.dumps({**config, "artifacts": str(ARTIFACTS)})],
        cwd=BROWSER_DIR,
        capture_output=True,
        text=True,
        check=False,
        timeout=180,
    )
    assert done.returncode == 0, done.stderr
    report: dict[str, Any] = json.loads(done.stdout)
    assert "error" not in report, report["error"] + "\nconsole: " + "\n".join(report["console"])
    return report

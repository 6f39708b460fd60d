"""The wheel built from the repo is the tool alone (the `generator` package with its templates),
and `generate` works from a plain install of it."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from support.paths import ROOT

# building the wheel and generating from it take tens of seconds on a busy machine
pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    wheels = tmp_path_factory.mktemp("wheels")
    build = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "-w", str(wheels), str(ROOT)],
        capture_output=True,
        text=True,
    )
    assert build.returncode == 0, build.stderr[-2000:]
    (built,) = wheels.glob("*.whl")
    return built


def test_wheel_holds_only_the_generator_package(wheel: Path) -> None:
    """No top-level `generated` (the checked-in Stripe demo): installing the tool must not shadow
    the folder a user generates into."""
    with zipfile.ZipFile(wheel) as archive:
        names = archive.namelist()
    top = {name.split("/")[0] for name in names if not name.split("/")[0].endswith(".dist-info")}
    assert top == {"generator"}
    assert "generator/templates/runtime/_base_client.py" in names


def test_generate_from_a_wheel_install(wheel: Path, tmp_path: Path) -> None:
    site = tmp_path / "site"
    install = subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "-q",
            "--no-deps",
            "--target",
            str(site),
            str(wheel),
        ],
        capture_output=True,
        text=True,
    )
    assert install.returncode == 0, install.stderr[-2000:]
    # the gateway's explorer pages: templates, CSS and JS ship too
    for shipped in ("explorer/__init__.py", "templates/explorer/explorer.js"):
        assert (site / "generator" / shipped).is_file(), shipped
    work = tmp_path / "elsewhere"
    work.mkdir()
    script = (
        "import sys, generator; print(generator.__file__); "
        "from generator.cli import main; raise SystemExit(main(sys.argv[1:]))"
    )
    spec = str(ROOT / "spec" / "stripe.yaml")
    trees = {}
    for name, pythonpath in (("wheel", str(site)), ("checkout", "")):
        env = {**os.environ, "PYTHONPATH": pythonpath, "GENERATOR_CACHE_DIR": str(tmp_path / name)}
        run = subprocess.run(
            [
                sys.executable,
                "-c",
                script,
                "generate",
                "-q",
                "--spec",
                spec,
                "--out",
                name,
                "--package",
                "stripe",
            ],
            cwd=work,
            env=env,
            capture_output=True,
            text=True,
        )
        assert run.returncode == 0, run.stderr
        assert run.stdout.startswith(str(site)) == (name == "wheel"), run.stdout
        root = work / name / "stripe"
        trees[name] = {p.relative_to(root): p.read_bytes() for p in root.rglob("*") if p.is_file()}
    assert len(trees["wheel"]) > 15
    assert trees["wheel"] == trees["checkout"]

"""Generate a client package from a spec (a dict or a file) in a subprocess and import it."""

from __future__ import annotations

import importlib
import json
import subprocess
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

ROOT = Path(__file__).resolve().parents[2]


def generate_package(
    spec: dict[str, Any] | Path, out: Path, package: str, *extra: str
) -> ModuleType:
    """Run ``python -m generator generate`` for ``spec`` into ``out/package`` and import it
    (``out`` is put on ``sys.path``; the caller's fixture removes it when done)."""
    if isinstance(spec, dict):
        path = out / f"{package}.json"
        path.write_text(json.dumps(spec), encoding="utf-8")
    else:
        path = spec
    command = [sys.executable, "-m", "generator", "generate", "--spec", str(path)]
    command += ["--out", str(out), "--package", package, "-q", *extra]
    result = subprocess.run(command, cwd=ROOT, capture_output=True, text=True)
    if result.returncode != 0:
        raise AssertionError(f"generation failed: {result.stderr}")
    if str(out) not in sys.path:
        sys.path.insert(0, str(out))
    return importlib.import_module(package)

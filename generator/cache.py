"""The on-disk cache shared by the stages: parsed documents and formatted files."""

from __future__ import annotations

import os
from pathlib import Path


def cache_dir() -> Path:
    base = os.environ.get("GENERATOR_CACHE_DIR")
    if base:
        return Path(base)
    xdg = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(xdg) / "openapi-client-generator"


def read(path: Path) -> bytes | None:
    try:
        return path.read_bytes()
    except OSError:
        return None


def write_quietly(target: Path, blob: bytes) -> None:
    """A cache is an optimisation: failing to write one must never fail generation."""
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = target.with_name(f"{target.name}.{os.getpid()}.tmp")
        tmp.write_bytes(blob)
        tmp.replace(target)
    except OSError:
        pass

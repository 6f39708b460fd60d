"""The on-disk cache shared by the stages: parsed documents and formatted files."""

from __future__ import annotations

import marshal
import os
from contextlib import suppress
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
    write(target, blob)


def write(target: Path, blob: bytes) -> bool:
    """Whether ``blob`` could be written (atomically: a reader sees the old or the new)."""
    tmp = target.with_name(f"{target.name}.{os.getpid()}.tmp")
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp.write_bytes(blob)
        tmp.replace(target)
    except OSError:
        with suppress(OSError):
            tmp.unlink(missing_ok=True)
        return False
    return True


class Pack:
    """Many small cached results in one file, read once and written once per run.

    A run of the pipeline formats hundreds of pieces; one file each cost more to write than
    some of the work they saved. A pack belongs to one target (its name says which), holds what
    that target's last run produced, and is rewritten with exactly what this run used, so it
    never grows beyond one package's worth."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._old: dict[str, str] = {}
        blob = read(path)
        if blob is not None:
            try:
                loaded = marshal.loads(blob)
            except (EOFError, ValueError, TypeError):
                loaded = None
            if isinstance(loaded, dict):
                self._old = loaded
        self._used: dict[str, str] = {}

    def get(self, key: str) -> str | None:
        hit = self._old.get(key)
        if hit is not None:
            self._used[key] = hit
        return hit

    def put(self, key: str, value: str) -> None:
        self._used[key] = value

    def save(self) -> None:
        if self._used != self._old:
            write_quietly(self.path, marshal.dumps(self._used))

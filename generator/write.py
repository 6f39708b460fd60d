"""Stage 7: put a package on disk all at once, or not at all, and compare one with what is there."""

from __future__ import annotations

import os
import shutil
from collections.abc import Collection
from pathlib import Path

from generator.errors import GeneratorError

MANIFEST = "manifest.json"  # per package: the spec and its sha256, the generator version


def write_package(target: Path, files: dict[str, str], unchanged: Collection[str] = ()) -> None:
    """Write every file to a temporary tree beside ``target``, then swap it into place, so a
    failure part-way leaves the old package untouched.

    Files in ``unchanged`` are already in ``target`` with the right content: they are
    hard-linked into the new tree instead of written again (a one-operation change of a big API
    touches three files of a thousand)."""
    parent = target.parent
    parent.mkdir(parents=True, exist_ok=True)
    staging = parent / f".{target.name}.new-{os.getpid()}"
    retired = parent / f".{target.name}.old-{os.getpid()}"
    shutil.rmtree(staging, ignore_errors=True)
    try:
        for rel, text in files.items():
            path = staging / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            if rel in unchanged and _link(target / rel, path):
                continue
            path.write_bytes(text.encode("utf-8"))
        if target.exists():
            target.rename(retired)
        staging.rename(target)
    except OSError as exc:
        shutil.rmtree(staging, ignore_errors=True)
        if retired.exists() and not target.exists():
            retired.rename(target)
        raise GeneratorError(f"cannot write {target}: {exc.strerror}") from None
    shutil.rmtree(retired, ignore_errors=True)


def _link(source: Path, destination: Path) -> bool:
    try:
        os.link(source, destination)
    except OSError:  # no hard links on this file system, or the file went away: write it
        return False
    return True


def stale_files(target: Path, files: dict[str, str]) -> list[str]:
    """Paths (relative to ``target``) that differ from ``files``: changed, missing or extra."""
    stale = []
    for rel, text in sorted(files.items()):
        try:
            if (target / rel).read_bytes() != text.encode("utf-8"):
                stale.append(rel)
        except OSError:
            stale.append(rel)
    if target.is_dir():
        on_disk = {
            p.relative_to(target).as_posix()
            for p in target.rglob("*")
            if p.is_file() and "__pycache__" not in p.parts
        }
        stale.extend(sorted(on_disk - set(files)))
    return stale


def split_stale(
    target: Path, files: dict[str, str], stale: list[str]
) -> tuple[list[str], list[str], list[str]]:
    """Stale paths as (added, changed, removed): new files, rewritten ones, files to delete."""
    added = [p for p in stale if p in files and not (target / p).is_file()]
    removed = [p for p in stale if p not in files]
    changed = [p for p in stale if p in files and p not in added]
    return added, changed, removed


def read_text(path: Path) -> str | None:
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return None

"""One SHA-256 per generated package tree, to hold the generator's output byte-identical.

A tree's digest covers every file's path (relative, ``/``-separated) and bytes, in path order,
so it changes when any file is added, removed, renamed or edited, and not with where the tree
sits. ``tests/e2e/data/output_digests.json`` records the digests of the corpus and the full
Stripe specs as generated today; a change to the generator that is meant to change output is
recorded by re-running its test with ``UPDATE_OUTPUT_DIGESTS=1`` and reviewing the diff.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

DIGESTS = Path(__file__).resolve().parents[1] / "e2e" / "data" / "output_digests.json"


def tree_digest(root: Path) -> str:
    total = hashlib.sha256()
    for path in sorted(p for p in root.rglob("*") if p.is_file() and "__pycache__" not in p.parts):
        relative = path.relative_to(root).as_posix()
        total.update(relative.encode() + b"\0")
        total.update(hashlib.sha256(path.read_bytes()).digest())
    return total.hexdigest()


def recorded() -> dict[str, str]:
    return dict(json.loads(DIGESTS.read_text(encoding="utf-8"))) if DIGESTS.exists() else {}


def record(name: str, digest: str) -> None:
    digests = recorded() | {name: digest}
    text = json.dumps(dict(sorted(digests.items())), indent=2) + "\n"
    DIGESTS.write_text(text, encoding="utf-8")

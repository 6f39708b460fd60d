"""Count, per document of the corpus of real APIs, the properties readOnly and writeOnly move
off one side (issue 20), and print a Markdown table:

    .venv/bin/python benchmarks/read_write_only.py [NAME ...]

"readOnly left out of requests": distinct property schemas (by JSON pointer) that a request
TypedDict or body keyword no longer offers; "writeOnly left out of responses": those a response
model no longer has. A property counts once however many operations reach it; one that no
operation reaches on that side (only marked) is not counted. Marked: properties in the
document with ``readOnly: true`` / ``writeOnly: true`` on themselves (a plain text count of the
keyword, for scale).
"""

from __future__ import annotations

import re
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT))

from support.corpus import CORPUS, CORPUS_DIR, target_for  # noqa: E402

import generator.lower as lower  # noqa: E402
from generator.pipeline import build as build_target  # noqa: E402


def main(names: list[str]) -> int:
    if not CORPUS_DIR.is_dir():
        print(f"{CORPUS_DIR} is absent", file=sys.stderr)
        return 1
    made: list[Any] = []
    plain = lower.Schemas

    class Recording(plain):  # type: ignore[misc,valid-type]
        def __init__(self, *args: Any) -> None:
            super().__init__(*args)
            made.append(self)

    lower.Schemas = Recording  # type: ignore[misc]
    print(
        "| document | readOnly marked | readOnly left out of requests "
        "| writeOnly marked | writeOnly left out of responses |"
    )
    print("| --- | ---: | ---: | ---: | ---: |")
    for name in names or list(CORPUS):
        doc = CORPUS[name]
        spec = CORPUS_DIR / doc.spec
        made.clear()
        build_target(target_for(spec, Path("/tmp/rw-count"), doc.package))
        sides = made[-1].one_sided
        text = "".join(p.read_text(errors="replace") for p in _files(spec))
        counts = [
            len(_MARKED["readOnly"].findall(text)),
            sum(1 for _, k in sides if k == "readOnly"),
            len(_MARKED["writeOnly"].findall(text)),
            sum(1 for _, k in sides if k == "writeOnly"),
        ]
        print(f"| {name} | " + " | ".join(str(c) for c in counts) + " |", flush=True)
    return 0


_MARKED = {k: re.compile(rf"[\"']?{k}[\"']?\s*:\s*true") for k in ("readOnly", "writeOnly")}


def _files(spec: Path) -> list[Path]:
    if spec.parent == CORPUS_DIR:
        return [spec]
    return sorted(p for p in spec.parent.rglob("*") if p.suffix in (".yaml", ".yml", ".json"))


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))

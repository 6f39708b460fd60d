"""Generate each document of the corpus of real APIs (``../shared/specs/corpus/``) cold, one at
a time, and print a Markdown table (issue 8):

    .venv/bin/python benchmarks/corpus.py [NAME ...]

Each document runs as ``python -m generator generate --spec ... --out TMP --package NAME`` in a
fresh process with an empty generator cache (YAML parse, black and everything else from
scratch). Columns: the client's operation methods (``def`` in the sync client class, less
``__init__``), warnings printed, wall and CPU seconds of the process tree, lines of Python written.
"""

from __future__ import annotations

import os
import re
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from support.corpus import CORPUS, CORPUS_DIR  # noqa: E402


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def main(names: list[str]) -> int:
    if not CORPUS_DIR.is_dir():
        print(f"{CORPUS_DIR} is absent", file=sys.stderr)
        return 1
    print("| document | operations | warnings | seconds (wall) | seconds (CPU) | lines |")
    print("| --- | ---: | ---: | ---: | ---: | ---: |")
    for name in names or list(CORPUS):
        doc = CORPUS[name]
        with tempfile.TemporaryDirectory() as tmp:
            env = {**os.environ, "GENERATOR_CACHE_DIR": str(Path(tmp) / "cache")}
            command = [sys.executable, "-m", "generator", "generate", "--spec"]
            command += [str(CORPUS_DIR / doc.spec), "--out", tmp, "--package", doc.package]
            cpu, started = _children_cpu(), time.monotonic()
            result = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True)
            wall, cpu = time.monotonic() - started, _children_cpu() - cpu
            if result.returncode != 0:
                print(f"| {doc.spec} | exit {result.returncode}: {result.stderr[-200:]} |")
                continue
            package = Path(tmp) / doc.package
            client = (package / "_client.py").read_text(encoding="utf-8")
            methods = len(re.findall(r"^    def (?!__)\w+\(", client, flags=re.M))
            warnings = sum(line.startswith("warning: ") for line in result.stderr.splitlines())
            lines = sum(p.read_bytes().count(b"\n") for p in package.rglob("*.py"))
            print(f"| {doc.spec} | {methods} | {warnings} | {wall:.1f} | {cpu:.1f} | {lines:,} |")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

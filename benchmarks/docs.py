"""What the docs and the try-it command line cost, on the full 2023 Stripe spec (468 operations).

    .venv/bin/python benchmarks/docs.py [--runs N]

- cold generation (empty caches, black included) with the docs and without them (the same
  generator with ``render_docs`` replaced by one that writes nothing, in the child process);
  target: docs add at most 25 %;
- regeneration with nothing changed (warm caches, output present), with and without docs;
  target: docs add at most 0.1 s;
- ``python -m stripe_full post-account-links --help`` (and the package's ``--help``) in a fresh
  process; target: under 0.5 s.

Each variant has its own cache folder and output folder. Figures are medians of ``--runs``.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SPEC = (ROOT.parent / "shared" / "specs" / "stripe" / "spec3.2023-09-12.yaml").resolve()
PACKAGE = "stripe_full"
# Runs the generator's command line, optionally with the docs switched off.
GENERATE = """
import sys
import generator.render
if sys.argv[1] == "off":
    generator.render.render_docs = lambda api, import_name, env: {}
from generator.cli import main
raise SystemExit(main(sys.argv[2:]))
"""


def _cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def run(argv: list[str], cwd: Path, env: dict[str, str]) -> tuple[float, float]:
    """(wall seconds, CPU seconds of the process tree): CPU time moves far less than wall time
    when other work shares the machine."""
    cpu, started = _cpu(), time.perf_counter()
    subprocess.run(argv, cwd=cwd, env=env, check=True, capture_output=True)
    return time.perf_counter() - started, _cpu() - cpu


def generate(variant: str, out: Path, cache: Path) -> tuple[float, float]:
    args = ["generate", "-q", "--spec", str(SPEC), "--out", str(out), "--package", PACKAGE]
    env = {**os.environ, "GENERATOR_CACHE_DIR": str(cache)}
    return run([sys.executable, "-c", GENERATE, variant, *args], ROOT, env)


def timed(argv: list[str], cwd: Path) -> tuple[float, float]:
    return run(argv, cwd, {**os.environ, "PYTHONPATH": str(cwd)})


def _median(pairs: list[tuple[float, float]]) -> tuple[float, float]:
    return statistics.median(p[0] for p in pairs), statistics.median(p[1] for p in pairs)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3, help="runs per figure (median)")
    args = parser.parse_args()
    if not SPEC.is_file():
        print(f"{SPEC} is absent", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory(prefix="docs-bench-") as tmp:
        base = Path(tmp)
        cold: dict[str, list[tuple[float, float]]] = {"on": [], "off": []}
        warm: dict[str, list[tuple[float, float]]] = {"on": [], "off": []}
        for run in range(args.runs):
            for variant in ("on", "off"):  # alternate, so load changes hit both alike
                out, cache = base / f"{variant}-{run}", base / f"cache-{variant}-{run}"
                cold[variant].append(generate(variant, out, cache))
        for _ in range(args.runs + 2):
            for variant in ("on", "off"):
                out, cache = base / f"{variant}-0", base / f"cache-{variant}-0"
                warm[variant].append(generate(variant, out, cache))
        cwd = base / "on-0"
        op_help = [
            timed([sys.executable, "-m", PACKAGE, "post-account-links", "--help"], cwd)
            for _ in range(args.runs + 2)
        ]
        overview = [timed([sys.executable, "-m", PACKAGE, "--help"], cwd) for _ in range(3)]
        docs = list((cwd / PACKAGE / "docs").rglob("*.md"))
        size = sum(p.stat().st_size for p in docs)
    print(f"docs: {len(docs)} pages, {size / 1e6:.1f} MB")
    for label, table, target in (
        ("cold generation", cold, "docs add <= 25 %"),
        ("no-change regeneration", warm, "docs add <= 0.1 s"),
    ):
        (w_on, c_on), (w_off, c_off) = _median(table["on"]), _median(table["off"])
        print(
            f"{label}: wall {w_on:.3f} s with docs, {w_off:.3f} s without "
            f"(+{w_on - w_off:.3f} s, {(w_on / w_off - 1) * 100:+.1f} %); CPU {c_on:.3f} s vs "
            f"{c_off:.3f} s (+{c_on - c_off:.3f} s, {(c_on / c_off - 1) * 100:+.1f} %); {target}"
        )
    for label, pairs in (("post-account-links --help", op_help), ("package --help", overview)):
        wall, cpu = _median(pairs)
        print(f"{label}: wall {wall:.3f} s, CPU {cpu:.3f} s (target < 0.5 s)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

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


def generate(variant: str, out: Path, cache: Path) -> float:
    args = ["generate", "-q", "--spec", str(SPEC), "--out", str(out), "--package", PACKAGE]
    env = {**os.environ, "GENERATOR_CACHE_DIR": str(cache)}
    started = time.perf_counter()
    subprocess.run([sys.executable, "-c", GENERATE, variant, *args], cwd=ROOT, env=env, check=True)
    return time.perf_counter() - started


def timed(argv: list[str], cwd: Path) -> float:
    env = {**os.environ, "PYTHONPATH": str(cwd)}
    started = time.perf_counter()
    subprocess.run(argv, cwd=cwd, env=env, check=True, capture_output=True)
    return time.perf_counter() - started


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3, help="runs per figure (median)")
    args = parser.parse_args()
    if not SPEC.is_file():
        print(f"{SPEC} is absent", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory(prefix="docs-bench-") as tmp:
        base = Path(tmp)
        cold: dict[str, list[float]] = {"on": [], "off": []}
        warm: dict[str, list[float]] = {"on": [], "off": []}
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
    c_on, c_off = statistics.median(cold["on"]), statistics.median(cold["off"])
    w_on, w_off = statistics.median(warm["on"]), statistics.median(warm["off"])
    print(f"docs: {len(docs)} pages, {size / 1e6:.1f} MB")
    print(
        f"cold generation: {c_on:.2f} s with docs, {c_off:.2f} s without: "
        f"+{c_on - c_off:.2f} s ({(c_on / c_off - 1) * 100:+.1f} %; target <= +25 %)"
    )
    print(
        f"no-change regeneration: {w_on:.3f} s with docs, {w_off:.3f} s without: "
        f"+{w_on - w_off:.3f} s (target <= +0.1 s)"
    )
    print(
        f"post-account-links --help: {statistics.median(op_help):.3f} s (target < 0.5 s); "
        f"package --help: {statistics.median(overview):.3f} s"
    )
    print(f"runs: cold {cold}, warm {warm}, op --help {[round(t, 3) for t in op_help]}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

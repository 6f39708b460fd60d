"""Time ``python -m generator diff`` on the two full shared Stripe specs (issue 12).

    .venv/bin/python benchmarks/diff.py [--runs N]

Each run is a fresh process, as a user would run it (start-up included), writing the JSON
report to /dev/null. *Cold*: an empty generator cache, so the 2023 spec's YAML is parsed from
scratch. *Cached*: the same cache again, holding that parse. Targets: cold ≤ 20 s, cached ≤ 5 s.
Prints the median wall and CPU time of N runs (default 5) of each, and every run's wall time;
on a machine shared with other work, CPU time is the steadier figure.
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
STRIPE = ROOT.parent / "shared" / "specs" / "stripe"
OLD, NEW = STRIPE / "spec3.2022-04-12.json", STRIPE / "spec3.2023-09-12.yaml"
TARGETS = {"cold": 20.0, "cached": 5.0}


def _run(cache: Path) -> tuple[float, float]:
    """Wall time and CPU time (user + system) of one run."""
    env = {**os.environ, "GENERATOR_CACHE_DIR": str(cache)}
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "generator", "diff", str(OLD), str(NEW), "--format", "json"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        check=True,
    )
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    runs = parser.parse_args().runs
    if not (OLD.is_file() and NEW.is_file()):
        print(f"the shared Stripe specs are absent ({STRIPE})", file=sys.stderr)
        return 2
    times: dict[str, list[tuple[float, float]]] = {"cold": [], "cached": []}
    for _ in range(runs):
        with tempfile.TemporaryDirectory(prefix="ocg-diff-bench-") as tmp:
            times["cold"].append(_run(Path(tmp)))
            times["cached"].append(_run(Path(tmp)))
    failed = False
    for name, values in times.items():
        wall = statistics.median(v[0] for v in values)
        cpu = statistics.median(v[1] for v in values)
        ok = wall <= TARGETS[name]
        failed |= not ok
        each = ", ".join(f"{v[0]:.2f}" for v in values)
        print(
            f"diff of the two full Stripe specs, {name:6}: median {wall:5.2f} s wall, "
            f"{cpu:5.2f} s CPU (target ≤ {TARGETS[name]:.0f} s: {'met' if ok else 'MISSED'}; "
            f"wall of each run: {each})"
        )
    # other processes' load makes wall time swing on a shared machine; CPU time does not
    print(f"load average at the end: {os.getloadavg()[0]:.2f} on {os.cpu_count()} CPUs")
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())

"""Cold start of a resource-surface client beside the flat one (issue 23: lazy namespaces keep
``import`` and construction cheap).

Generates the full 2023 Stripe spec twice with the Stripe profile, flat and with
``surface = "resources"``, then times fresh processes that import the package, build the
client and create one account link on 127.0.0.1 (``scenarios/coldstart_ours.py``): the flat
client through ``post_account_links``, the resource one through ``account_links.create``
(which imports only ``resources/account_links.py``). Runs alternate; medians are printed side
by side.

    .venv/bin/python benchmarks/surface.py [--runs 9]
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from generator.config import make_target  # noqa: E402
from generator.pipeline import produce  # noqa: E402
from generator.profiles import BUILTIN  # noqa: E402
from generator.write import write_package  # noqa: E402

SPEC = ROOT.parent / "shared" / "specs" / "stripe" / "spec3.2023-09-12.yaml"
SCENARIOS = Path(__file__).resolve().parent / "scenarios"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=9)
    runs = parser.parse_args().runs
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp)
        for package, surface in (("flat_stripe", "flat"), ("resources_stripe", "resources")):
            target = make_target(
                ROOT, SPEC, out, package, (), {**BUILTIN["stripe"], "surface": surface}
            )
            write_package(target.package_dir, produce(target).files)
        subprocess.run([sys.executable, "-m", "compileall", "-q", str(out)], check=True)
        server = subprocess.Popen(
            [sys.executable, str(SCENARIOS / "localserver.py")], stdout=subprocess.PIPE, text=True
        )
        try:
            assert server.stdout is not None
            url = f"http://127.0.0.1:{server.stdout.readline().strip()}"
            contenders = {
                "flat (post_account_links)": ["flat_stripe", url],
                "resources (account_links.create)": ["resources_stripe", url, "resources"],
            }
            walls: dict[str, list[float]] = {name: [] for name in contenders}
            phases: dict[str, list[list[float]]] = {name: [] for name in contenders}
            for i in range(runs + 1):  # the first round warms the page cache
                for name, args in contenders.items():
                    started = time.perf_counter()
                    done = subprocess.run(
                        [sys.executable, str(SCENARIOS / "coldstart_ours.py"), *args],
                        capture_output=True,
                        text=True,
                        cwd=out,
                        env={"PYTHONPATH": str(out), "PATH": "/usr/bin:/bin"},
                        check=True,
                    )
                    wall = time.perf_counter() - started
                    if i:
                        walls[name].append(wall)
                        fields = dict(f.split("=") for f in done.stdout.split()[1:])
                        phases[name].append(
                            [float(fields[k]) for k in ("import", "construct", "call")]
                        )
        finally:
            server.terminate()
            server.wait()
    print(f"cold start, full 2023 Stripe spec, median of {runs} fresh processes each")
    print(f"{'':34} {'wall':>9} {'import':>9} {'construct':>10} {'first call':>11}")
    base = statistics.median(walls["flat (post_account_links)"])
    for name in contenders:
        med = [statistics.median(p[k] for p in phases[name]) for k in range(3)]
        wall = statistics.median(walls[name])
        print(
            f"{name:34} {wall * 1000:7.1f}ms {med[0] * 1000:7.1f}ms {med[1] * 1000:8.2f}ms"
            f" {med[2] * 1000:9.1f}ms  ({wall / base:.2f}x flat)"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

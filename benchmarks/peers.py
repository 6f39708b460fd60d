"""Cold and warm generation, ours beside openapi-python-client, on the corpus and full Stripe:

    .venv/bin/python benchmarks/peers.py                     # every corpus document + Stripe
    .venv/bin/python benchmarks/peers.py petstore airflow    # some corpus documents
    .venv/bin/python benchmarks/peers.py --baseline main     # add our generator at a git ref

Per document, in one run and in this order: ours cold (empty generator cache, no output), ours
warm (the same command again: cache and output present, nothing changed), openapi-python-client
cold and warm (it keeps no cache, so its warm run is a second cold one; ``--overwrite``). With
``--baseline REF``, the generator as committed at REF runs the same two steps first, so a change
is measured against what it replaces under the same machine load.

Figures are the CPU seconds (user + system) of each process tree, its wall seconds and the
peak RSS of its largest process (printed in the table); everything runs through the shim of ``run.py`` (exact
``wait4`` figures) on a snapshot of the generator (edits made meanwhile cannot leak in).
openapi-python-client 0.29.1 runs from its own venv under ``$OCG_BENCH_HOME`` with
``literal_enums: true`` and its ruff post-hooks, as ``run.py generate`` runs it; a document it
refuses is reported as such. Prints a Markdown table; ``--json FILE`` also writes the figures.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable
from functools import partial
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH_DIR.parent))
sys.path.insert(0, str(BENCH_DIR.parent / "tests"))

from support.corpus import CORPUS, CORPUS_DIR  # noqa: E402

from benchmarks.run import (  # noqa: E402
    ROOT,
    SPEC_2023,
    Context,
    Run,
    Settings,
    child_env,
    log,
    other_busy_cores,
    precompile,
    run_measured,
    site_packages,
)

STRIPE = "stripe_2023"


def documents(names: list[str]) -> dict[str, tuple[Path, str]]:
    """name -> (spec, package) for the documents asked for (all, by default)."""
    known = {name: (CORPUS_DIR / doc.spec, doc.package) for name, doc in CORPUS.items()}
    known[STRIPE] = (SPEC_2023, "stripe_full")
    chosen = names or list(known)
    unknown = [n for n in chosen if n not in known]
    if unknown:
        raise SystemExit(f"unknown documents {unknown}; known: {', '.join(known)}")
    missing = [n for n in chosen if not known[n][0].is_file()]
    if missing:
        raise SystemExit(f"absent (../shared is beside the clone only in CI): {missing}")
    return {n: known[n] for n in chosen}


def snapshot_at(ref: str, into: Path) -> Path:
    """The generator and templates as committed at ``ref``, laid out like run.py's snapshot."""
    snap = into / f"generator-{ref.replace('/', '_')}"
    for folder, target in (("generator", "generator"), ("templates", "generator/templates")):
        if (snap / target).is_symlink():  # newer checkouts link generator/templates to templates/
            (snap / target).unlink()
        (snap / target).mkdir(parents=True, exist_ok=True)
        archive = subprocess.run(
            ["git", "archive", ref, folder], cwd=ROOT, capture_output=True, check=True
        ).stdout
        subprocess.run(
            ["tar", "-x", "--strip-components=1", "-C", str(snap / target)],
            input=archive,
            check=True,
        )
    precompile(sys.executable, snap / "generator")
    return snap


def ours(snapshot: Path, spec: Path, package: str, out: Path, cache: Path) -> Run:
    command = [sys.executable, "-m", "generator", "generate", "--spec", str(spec)]
    command += ["--out", str(out), "--package", package, "-q"]
    env = child_env(GENERATOR_CACHE_DIR=str(cache), PYTHONPATH=str(snapshot))
    return run_measured(command, env=env, cwd=snapshot)


def theirs(ctx: Context, spec: Path, package: str, out: Path, cache: Path) -> Run:
    """``cache`` is unused: openapi-python-client keeps none."""
    python = ctx.venv("opc")
    config = ctx.tmp / "opc-config.yaml"
    config.write_text("literal_enums: true\n")
    bindir = python.parent
    command: list[str | Path] = [bindir / "openapi-python-client", "generate", "--path", spec]
    command += ["--meta", "none", "--config", config, "--output-path", out / package]
    command.append("--overwrite")
    env = child_env(PATH=f"{bindir}{os.pathsep}{os.environ.get('PATH', '')}")  # for ruff
    return run_measured(command, env=env, cwd=ctx.tmp)


def cold_and_warm(run: Callable[[Path, Path], Run], work: Path) -> tuple[Run, Run]:
    """Two runs of ``run(out, cache)`` with the same folders: the first cold, the second warm."""
    shutil.rmtree(work, ignore_errors=True)
    return run(work / "out", work / "cache"), run(work / "out", work / "cache")


def _load() -> str:
    return ", ".join(f"{x:.1f}" for x in os.getloadavg())


def cell(run: Run) -> str:
    if run.returncode != 0:
        return "fails"
    return f"{run.cpu_s:.2f} / {run.wall:.2f} / {run.max_rss_mb:.0f}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("names", nargs="*", help=f"documents (default: all): {', '.join(CORPUS)}")
    parser.add_argument("--baseline", metavar="REF", help="also run our generator at this ref")
    parser.add_argument("--json", type=Path, help="write the figures to this file too")
    args = parser.parse_args()
    docs = documents(args.names)
    settings = Settings(1, 1, 1, 1, 1, 1, False)
    with tempfile.TemporaryDirectory(prefix="peers-") as tmp:
        ctx = Context(settings, Path(tmp))
        ctx.take_snapshot()
        assert ctx.snapshot is not None
        contenders: dict[str, Path] = {"ours": ctx.snapshot}
        if args.baseline:
            contenders = {f"ours@{args.baseline}": snapshot_at(args.baseline, Path(tmp))}
            contenders["ours"] = ctx.snapshot
        precompile(sys.executable, site_packages(Path(sys.executable)))
        figures: dict[str, dict[str, dict[str, float | int]]] = {}
        for name, (spec, package) in docs.items():
            row: dict[str, tuple[Run, Run]] = {}
            for label, snap in contenders.items():
                log(f"{name}: {label}")
                runner = partial(ours, snap, spec, package)
                row[label] = cold_and_warm(runner, Path(tmp) / "work" / label)
            log(f"{name}: openapi-python-client")
            runner = partial(theirs, ctx, spec, package)
            row["openapi-python-client"] = cold_and_warm(runner, Path(tmp) / "work" / "opc")
            figures[name] = {
                f"{label} {phase}": {
                    "cpu_s": run.cpu_s,
                    "wall_s": run.wall,
                    "max_rss_mb": run.max_rss_mb,
                    "exit": run.returncode,
                }
                for label, runs in row.items()
                for phase, run in zip(("cold", "warm"), runs, strict=True)
            }
            if name == next(iter(docs)):
                header = [f"{label} {phase}" for label in row for phase in ("cold", "warm")]
                print(
                    "\nCPU s / wall s / peak RSS MB (largest process) per run; other busy cores"
                    f" at start: {other_busy_cores():.1f}; load average {_load()}"
                )
                print("| document | " + " | ".join(header) + " |")
                print("| --- |" + " ---: |" * len(header))
            cells = [cell(run) for runs in row.values() for run in runs]
            print(f"| {name} | " + " | ".join(cells) + " |", flush=True)
        print(f"load average at the end: {_load()}")
        if args.json:
            args.json.write_text(json.dumps(figures, indent=2) + "\n")
        ctx.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

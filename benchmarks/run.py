"""Benchmarks of issue 3, side by side in one run: medians, targets, pass/fail.

    .venv/bin/python benchmarks/run.py                 # everything (about 10 minutes)
    .venv/bin/python benchmarks/run.py --quick         # smoke run: N=1, few calls, no results.json
    .venv/bin/python benchmarks/run.py --only coldstart --diagnose

Benchmarks (``--only`` takes these names, repeatable):

- ``generate``: cold generation of the full 2023 Stripe spec (empty cache, black included), ours
  vs openapi-python-client 0.29.1 (``literal_enums: true``; its ruff post-hooks included).
- ``regen``: regeneration with warm caches and the output present: nothing changed, and one
  operation's description changed in a copy of the spec.
- ``size``: lines of Python written: ours vs openapi-python-client vs stripe-python's package.
- ``coldstart``: a fresh process imports the client, builds it and creates one account link
  against a local server: ours (the 2023 spec's package and the checked-in ``generated.stripe``)
  vs stripe-python 16.x vs a floor (httpx + pydantic by hand).
- ``percall``: client wall and CPU time per account-link call (encode, send, parse).

Comparison tools live in throwaway venvs under ``$OCG_BENCH_HOME`` (default
``~/.cache/ocg-bench``), created on first use and reused: openapi-python-client, stripe-python,
and a clean runtime venv holding only httpx and pydantic (the versions of the running venv) in
which our generated packages and the floor run, so that no editable-install hooks of the
development venv are timed. Child processes run without ``PYTHONDONTWRITEBYTECODE`` and every
package measured (all of each venv, our generator, the generated packages) is precompiled with
``compileall`` first, for every contender alike. All HTTP traffic goes to 127.0.0.1.

Peak memory: ``max RSS`` is the largest single process of the tree (exact: ``wait4`` in the
small scenarios/measure.py shim, since a child forked by this runner would report at least
this runner's own RSS);
``tree PSS``/``tree RSS`` are the largest sums over the whole process tree (black's and ruff's
workers included), sampled every 200 ms from ``/proc/<pid>/smaps_rollup``. PSS splits pages
shared between forked workers, so it is the tree's real footprint; RSS counts them twice.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import pstats
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from importlib.metadata import version
from pathlib import Path
from typing import Any

BENCH_DIR = Path(__file__).resolve().parent
ROOT = BENCH_DIR.parent
SCENARIOS = BENCH_DIR / "scenarios"
SPEC_2023 = (ROOT.parent / "shared" / "specs" / "stripe" / "spec3.2023-09-12.yaml").resolve()
BENCH_HOME = Path(os.environ.get("OCG_BENCH_HOME") or Path.home() / ".cache" / "ocg-bench")
DEFAULT_OUTPUT = BENCH_DIR / "results.json"
OPC_VERSION = "0.29.1"
STRIPE_REQUIREMENT = "stripe>=16,<17"
PACKAGE = "stripe_full"
# Reported in issue 3; measured again below when stripe-python is installed.
STRIPE_PYTHON_LINES_REPORTED = 339_000
EDIT_ANCHOR = "through the Connect Onboarding flow.</p>"  # in PostAccountLinks' description
BENCHMARKS = ("generate", "regen", "size", "coldstart", "percall")
MB = 1024 * 1024

Json = dict[str, Any]


# --------------------------------------------------------------------------------------------
# Running and measuring child processes


@dataclass
class Run:
    wall: float  # seconds, spawn to exit
    max_rss_mb: float  # largest single process of the tree (wait4's ru_maxrss)
    cpu_s: float  # user + system CPU of the process and the descendants it waited for
    tree_rss_mb: float | None  # largest sampled sum of RSS over the tree
    tree_pss_mb: float | None  # largest sampled sum of PSS over the tree
    returncode: int
    stdout: str
    stderr: str


def _proc_children() -> dict[int, list[int]]:
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", encoding="ascii", errors="replace") as f:
                stat = f.read()
        except OSError:
            continue
        # "pid (comm) state ppid ...": comm may hold spaces and parentheses.
        fields = stat[stat.rfind(")") + 2 :].split()
        if len(fields) > 1:
            children.setdefault(int(fields[1]), []).append(int(entry))
    return children


def _tree(root: int) -> list[int]:
    children = _proc_children()
    found, todo = [], [root]
    while todo:
        pid = todo.pop()
        found.append(pid)
        todo.extend(children.get(pid, ()))
    return found


def _rss_pss_kb(pid: int) -> tuple[int, int]:
    rss = pss = 0
    try:
        with open(f"/proc/{pid}/smaps_rollup", encoding="ascii") as f:
            for line in f:
                if line.startswith("Rss:"):
                    rss = int(line.split()[1])
                elif line.startswith("Pss:"):
                    pss = int(line.split()[1])
    except (OSError, ValueError):
        pass
    return rss, pss


class TreeSampler(threading.Thread):
    """Polls the memory of a process and all its descendants; keeps the peak sums."""

    def __init__(self, root: int, interval: float = 0.2) -> None:
        super().__init__(daemon=True)
        self.root = root
        self.interval = interval
        self.peak_rss_kb = 0
        self.peak_pss_kb = 0
        self.peak_processes = 0
        self._halt = threading.Event()

    def run(self) -> None:
        while not self._halt.is_set():
            pids = _tree(self.root)[1:]  # without the root: the measuring shim
            sums = [_rss_pss_kb(pid) for pid in pids]
            self.peak_rss_kb = max(self.peak_rss_kb, sum(r for r, _ in sums))
            self.peak_pss_kb = max(self.peak_pss_kb, sum(p for _, p in sums))
            self.peak_processes = max(self.peak_processes, sum(1 for r, _ in sums if r))
            self._halt.wait(self.interval)

    def stop(self) -> None:
        self._halt.set()
        self.join()


def child_env(**extra: str) -> dict[str, str]:
    env = dict(os.environ)
    env.pop("PYTHONDONTWRITEBYTECODE", None)  # measure what users get: cached bytecode
    env.pop("PYTHONPATH", None)
    env.pop("PYTHONPROFILEIMPORTTIME", None)
    env.update(extra)
    return env


def run_measured(
    cmd: Sequence[str | Path],
    *,
    env: dict[str, str],
    cwd: Path | None = None,
    sample_tree: bool = False,
) -> Run:
    """Run ``cmd`` under scenarios/measure.py, which times it and reads its exact peak RSS."""
    with (
        tempfile.TemporaryFile() as out,
        tempfile.TemporaryFile() as err,
        tempfile.NamedTemporaryFile(suffix=".json") as result,
    ):
        shim = [base_python(), "-I", "-S", str(SCENARIOS / "measure.py"), result.name]
        proc = subprocess.Popen([*shim, *map(str, cmd)], stdout=out, stderr=err, env=env, cwd=cwd)
        # The shim itself (~8 MB) is left out of the tree's sums: only what it runs counts.
        sampler = TreeSampler(proc.pid) if sample_tree else None
        if sampler is not None:
            sampler.start()
        proc.wait()
        if sampler is not None:
            sampler.stop()
        figures = json.loads(Path(result.name).read_text() or "{}")
        if not figures:
            raise SystemExit(f"measuring {cmd} failed: {err.read().decode()[-2000:]}")
        out.seek(0)
        err.seek(0)
        return Run(
            wall=figures["wall_s"],
            max_rss_mb=figures["max_rss_kb"] / 1024,  # kilobytes on Linux
            cpu_s=figures["cpu_s"],
            tree_rss_mb=sampler.peak_rss_kb / 1024 if sampler else None,
            tree_pss_mb=sampler.peak_pss_kb / 1024 if sampler else None,
            returncode=figures["exit"],
            stdout=out.read().decode("utf-8", "replace"),
            stderr=err.read().decode("utf-8", "replace"),
        )


def check_ok(run: Run, what: str) -> Run:
    if run.returncode != 0:
        tail = "\n".join((run.stdout + run.stderr).splitlines()[-15:])
        raise SystemExit(f"{what} failed with exit status {run.returncode}:\n{tail}")
    return run


def other_busy_cores(seconds: float = 1.0) -> float:
    """CPU cores kept busy by other work, over ``seconds`` while this runner waits idle.

    The load average would count this benchmark's own processes of the minute before.
    """

    def busy_jiffies() -> int:
        with open("/proc/stat", encoding="ascii") as f:
            fields = [int(x) for x in f.readline().split()[1:]]
        return sum(fields) - fields[3] - fields[4]  # all but idle and iowait

    before = busy_jiffies()
    time.sleep(seconds)
    return (busy_jiffies() - before) / os.sysconf("SC_CLK_TCK") / seconds


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def median(values: Sequence[float]) -> float:
    return statistics.median(values)


# --------------------------------------------------------------------------------------------
# Throwaway venvs


def base_python() -> str:
    return getattr(sys, "_base_executable", None) or sys.executable


def ensure_venv(name: str, requirements: list[str]) -> Path:
    """A venv under BENCH_HOME holding exactly ``requirements``; reused when it already does."""
    home = BENCH_HOME / name
    python = home / "bin" / "python"
    marker = home / ".bench-requirements"
    wanted = "\n".join(requirements)
    if python.exists() and marker.exists() and marker.read_text() == wanted:
        return python
    log(f"creating venv {home} with {' '.join(requirements)}")
    shutil.rmtree(home, ignore_errors=True)
    subprocess.run([base_python(), "-m", "venv", str(home)], check=True)
    subprocess.run(
        [str(python), "-m", "pip", "install", "--quiet", *requirements],
        check=True,
        env=child_env(),
    )
    marker.write_text(wanted)
    return python


def site_packages(python: Path) -> Path:
    out = subprocess.run(
        [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        check=True,
        capture_output=True,
        text=True,
    )
    return Path(out.stdout.strip())


def precompile(python: Path | str, *dirs: Path) -> None:
    subprocess.run(
        [str(python), "-m", "compileall", "-q", "-j0", *map(str, dirs)],
        check=True,
        env=child_env(),
        stdout=subprocess.DEVNULL,
    )


# --------------------------------------------------------------------------------------------
# Shared state of one benchmark run


@dataclass
class Settings:
    slow_runs: int  # cold generation
    regen_runs: int
    start_runs: int  # cold start processes per contender
    percall_runs: int  # processes per contender
    calls: int
    warmup_calls: int
    diagnose: bool


@dataclass
class Context:
    settings: Settings
    tmp: Path
    ours_out: Path | None = None  # the generated stripe_full package (2023 spec)
    opc_out: Path | None = None  # openapi-python-client's package
    server: subprocess.Popen[str] | None = None
    server_url: str = ""
    snapshot: Path | None = None
    _venvs: dict[str, Path] = field(default_factory=dict)
    _compiled: set[Path] = field(default_factory=set)

    # our generator ---------------------------------------------------------------------------
    def take_snapshot(self) -> None:
        """Copy the generator as it is now and run that copy: edits made to the work tree while
        the benchmarks run (others work here too) cannot mix two versions into one set of
        figures. Templates go inside the copy, where ``generator.templates`` resolves first."""
        snap = self.tmp / "generator-snapshot"
        ignore = shutil.ignore_patterns("__pycache__")
        # generator/templates is a link to templates/ in the checkout: the copy holds the files
        generator_ignore = shutil.ignore_patterns("__pycache__", "templates")
        shutil.copytree(ROOT / "generator", snap / "generator", ignore=generator_ignore)
        shutil.copytree(ROOT / "templates", snap / "generator" / "templates", ignore=ignore)
        shutil.copy2(ROOT / "pyproject.toml", snap / "pyproject.toml")
        self.snapshot = snap
        precompile(sys.executable, snap / "generator", site_packages(Path(sys.executable)))
        code = (
            "import generator, importlib.resources as r; "
            "print(generator.__file__); print(r.files('generator.templates'))"
        )
        probe = subprocess.run(
            [sys.executable, "-c", code],
            env=child_env(PYTHONPATH=str(snap)),
            cwd=snap,
            capture_output=True,
            text=True,
            check=True,
        )
        if not all(line.startswith(str(snap)) for line in probe.stdout.splitlines()):
            raise SystemExit(f"the generator snapshot is not what runs: {probe.stdout!r}")

    def generate(self, spec: Path, out: Path, cache: Path, *, sample_tree: bool = False) -> Run:
        assert self.snapshot is not None
        cmd: list[str | Path] = [
            "-m",
            "generator",
            "generate",
            "--spec",
            spec,
            "--out",
            out,
            "--package",
            PACKAGE,
        ]
        return run_measured(
            [sys.executable, *cmd],
            env=child_env(GENERATOR_CACHE_DIR=str(cache), PYTHONPATH=str(self.snapshot)),
            cwd=self.snapshot,
            sample_tree=sample_tree,
        )

    # venvs ---------------------------------------------------------------------------------
    def venv(self, name: str) -> Path:
        if name not in self._venvs:
            if name == "opc":
                python = ensure_venv(
                    f"opc-{OPC_VERSION}", [f"openapi-python-client=={OPC_VERSION}"]
                )
            elif name == "stripe":
                python = ensure_venv("stripe-16", [STRIPE_REQUIREMENT])
            else:
                reqs = [f"httpx=={version('httpx')}", f"pydantic=={version('pydantic')}"]
                python = ensure_venv("runtime", reqs)
            self.compiled(python, site_packages(python))
            self._venvs[name] = python
        return self._venvs[name]

    def compiled(self, python: Path | str, path: Path) -> None:
        if path not in self._compiled:
            precompile(python, path)
            self._compiled.add(path)

    # artifacts -----------------------------------------------------------------------------
    def ensure_ours_out(self) -> Path:
        if self.ours_out is None:
            out = self.tmp / "artifacts" / "ours"
            log("generating our stripe_full package (cache under the bench home)")
            run = self.generate(SPEC_2023, out, BENCH_HOME / "generator-cache")
            check_ok(run, "our generator")
            self.ours_out = out / PACKAGE
        return self.ours_out

    def ensure_opc_out(self) -> Path:
        if self.opc_out is None:
            log(f"running openapi-python-client {OPC_VERSION} once for its output")
            out = self.tmp / "artifacts" / "opc"
            check_ok(run_opc(self, out), "openapi-python-client")
            self.opc_out = out
        return self.opc_out

    # local server --------------------------------------------------------------------------
    def url(self) -> str:
        if self.server is None:
            self.server = subprocess.Popen(
                [sys.executable, str(SCENARIOS / "localserver.py")],
                stdout=subprocess.PIPE,
                text=True,
                env=child_env(),
            )
            assert self.server.stdout is not None
            port = int(self.server.stdout.readline())
            self.server_url = f"http://127.0.0.1:{port}"
        return self.server_url

    def close(self) -> None:
        if self.server is not None:
            self.server.terminate()
            self.server.wait()


# --------------------------------------------------------------------------------------------
# 1. Cold generation

PHASE_RE = re.compile(r"^\[\s*([\d.]+)s\] \S+: (\w+)", re.MULTILINE)
CHANGED_RE = re.compile(r"(\d+) of (\d+) files changed")


def run_opc(ctx: Context, out: Path) -> Run:
    python = ctx.venv("opc")
    config = ctx.tmp / "opc-config.yaml"
    config.write_text("literal_enums: true\n")
    bindir = python.parent
    return run_measured(
        [
            bindir / "openapi-python-client",
            "generate",
            "--path",
            SPEC_2023,
            "--meta",
            "none",
            "--config",
            config,
            "--output-path",
            out,
        ],
        env=child_env(PATH=f"{bindir}{os.pathsep}{os.environ.get('PATH', '')}"),  # for ruff
        cwd=ctx.tmp,
        sample_tree=True,
    )


def phases(stderr: str) -> dict[str, float]:
    """Seconds since the pipeline started at which each progress step was reported."""
    return {name: float(t) for t, name in PHASE_RE.findall(stderr)}


def summarize_runs(runs: list[Run]) -> Json:
    return {
        "wall_s": median([r.wall for r in runs]),
        "cpu_s": median([r.cpu_s for r in runs]),
        "max_rss_mb": median([r.max_rss_mb for r in runs]),
        "tree_pss_mb": median([r.tree_pss_mb or 0 for r in runs]),
        "tree_rss_mb": median([r.tree_rss_mb or 0 for r in runs]),
        "samples_wall_s": [round(r.wall, 3) for r in runs],
    }


def bench_generate(ctx: Context) -> Json:
    ctx.venv("opc")
    ours_runs: list[Run] = []
    opc_runs: list[Run] = []
    ours_phases: list[dict[str, float]] = []
    opc_notes: Json = {}
    for i in range(ctx.settings.slow_runs):
        work = ctx.tmp / f"generate-{i}"
        log(f"[generate {i + 1}/{ctx.settings.slow_runs}] ours, cold")
        run = check_ok(
            ctx.generate(SPEC_2023, work / "ours", work / "cache", sample_tree=True),
            "our generator",
        )
        ours_runs.append(run)
        ours_phases.append(phases(run.stderr))
        ctx.ours_out = work / "ours" / PACKAGE
        log(f"    {run.wall:.2f} s, tree PSS {run.tree_pss_mb:.0f} MB")
        log(f"[generate {i + 1}/{ctx.settings.slow_runs}] openapi-python-client {OPC_VERSION}")
        run = check_ok(run_opc(ctx, work / "opc"), "openapi-python-client")
        opc_runs.append(run)
        ctx.opc_out = work / "opc"
        opc_notes = opc_output_notes(run.stdout + run.stderr, work / "opc")
        log(f"    {run.wall:.2f} s, tree PSS {run.tree_pss_mb:.0f} MB")
    phase_names = sorted(
        {k for p in ours_phases for k in p}, key=lambda k: ours_phases[0].get(k, 0)
    )
    ours = summarize_runs(ours_runs)
    ours["phases_s"] = {k: median([p.get(k, 0.0) for p in ours_phases]) for k in phase_names}
    ours["warnings"] = sum(1 for line in ours_runs[-1].stderr.splitlines() if "warning" in line)
    built = re.search(r"built (\d+) operations", ours_runs[-1].stderr)
    ours["operations"] = int(built.group(1)) if built else None
    opc = summarize_runs(opc_runs) | opc_notes
    ratio = ours["wall_s"] / opc["wall_s"]
    return {
        "ours": ours,
        "openapi_python_client": opc,
        "wall_ratio": ratio,
        "cpu_ratio": ours["cpu_s"] / opc["cpu_s"],
        "targets": [
            target("generate: wall vs openapi-python-client", ratio, 1 / 3, "x", ratio <= 1 / 3),
            target(
                "generate: peak memory (tree PSS)",
                ours["tree_pss_mb"],
                300,
                "MB",
                ours["tree_pss_mb"] <= 300,
            ),
        ],
    }


def opc_output_notes(output: str, out: Path) -> Json:
    endpoints = 0
    client_dir = out / "api"
    if client_dir.is_dir():
        endpoints = sum(1 for p in client_dir.rglob("*.py") if p.name != "__init__.py")
    return {
        "endpoint_modules": endpoints,
        "warning_lines": sum(1 for line in output.splitlines() if "WARNING" in line.upper()),
    }


# --------------------------------------------------------------------------------------------
# 2. Regeneration


def bench_regen(ctx: Context) -> Json:
    work = ctx.tmp / "regen"
    work.mkdir(parents=True)
    spec = work / SPEC_2023.name
    original = SPEC_2023.read_text(encoding="utf-8")
    if original.count(EDIT_ANCHOR) != 1:
        raise SystemExit(f"cannot find the one place to edit in {SPEC_2023}: {EDIT_ANCHOR!r}")
    spec.write_text(original, encoding="utf-8")
    log("[regen] priming caches and output (cold generation of a copy of the spec)")
    check_ok(ctx.generate(spec, work / "out", work / "cache"), "our generator")

    def timed(label: str) -> tuple[Run, int]:
        run = ctx.generate(spec, work / "out", work / "cache", sample_tree=True)
        check_ok(run, "our generator")
        found = CHANGED_RE.search(run.stderr)
        changed = int(found.group(1)) if found else -1
        log(f"[regen] {label}: {run.wall:.2f} s, {changed} file(s) changed")
        return run, changed

    same: list[Run] = []
    same_phases: list[dict[str, float]] = []
    for i in range(ctx.settings.regen_runs):
        run, changed = timed(f"nothing changed {i + 1}")
        if changed != 0:
            raise SystemExit(f"regeneration of an unchanged spec rewrote {changed} files")
        same.append(run)
        same_phases.append(phases(run.stderr))
    edited: list[Run] = []
    edited_phases: list[dict[str, float]] = []
    changed_files: list[int] = []
    for i in range(ctx.settings.regen_runs):
        token = f"Benchmark edit {i} {uuid.uuid4().hex[:8]}."
        spec.write_text(original.replace(EDIT_ANCHOR, f"{EDIT_ANCHOR[:-4]} {token}</p>"), "utf-8")
        run, changed = timed(f"one operation changed {i + 1}")
        edited.append(run)
        edited_phases.append(phases(run.stderr))
        changed_files.append(changed)

    def phase_medians(items: list[dict[str, float]]) -> dict[str, float]:
        names = sorted({k for p in items for k in p}, key=lambda k: items[0].get(k, 0))
        return {k: median([p.get(k, 0.0) for p in items]) for k in names}

    unchanged = summarize_runs(same) | {"phases_s": phase_medians(same_phases)}
    one = summarize_runs(edited) | {
        "phases_s": phase_medians(edited_phases),
        "files_changed": changed_files,
    }
    return {
        "nothing_changed": unchanged,
        "one_operation_changed": one,
        "targets": [
            target(
                "regen: nothing changed",
                unchanged["wall_s"],
                1.0,
                "s",
                unchanged["wall_s"] <= 1.0,
            ),
            target("regen: one operation changed", one["wall_s"], 3.0, "s", one["wall_s"] <= 3.0),
        ],
    }


# --------------------------------------------------------------------------------------------
# 3. Output size


def python_lines(root: Path) -> tuple[int, int]:
    files = lines = 0
    for path in root.rglob("*.py"):
        files += 1
        with path.open("rb") as f:
            lines += sum(1 for _ in f)
    return files, lines


def bench_size(ctx: Context) -> Json:
    ours_files, ours_lines = python_lines(ctx.ensure_ours_out())
    opc_files, opc_lines = python_lines(ctx.ensure_opc_out())
    stripe_pkg = site_packages(ctx.venv("stripe")) / "stripe"
    stripe_files, stripe_lines = python_lines(stripe_pkg)
    stripe_version = subprocess.run(
        [str(ctx.venv("stripe")), "-c", "import stripe; print(stripe.VERSION)"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    ratio = ours_lines / opc_lines
    return {
        "ours": {"files": ours_files, "lines": ours_lines},
        "openapi_python_client": {"files": opc_files, "lines": opc_lines},
        "stripe_python": {
            "version": stripe_version,
            "files": stripe_files,
            "lines": stripe_lines,
            "lines_reported_in_issue": STRIPE_PYTHON_LINES_REPORTED,
        },
        "ratio_vs_openapi_python_client": ratio,
        "targets": [
            target("size: lines vs openapi-python-client", ratio, 1 / 3, "x", ratio <= 1 / 3)
        ],
    }


# --------------------------------------------------------------------------------------------
# 4. Cold start to first result


@dataclass
class Contender:
    name: str
    python: Path
    args: list[str]
    pythonpath: str | None = None

    def env(self) -> dict[str, str]:
        return child_env(PYTHONPATH=self.pythonpath) if self.pythonpath else child_env()


def coldstart_contenders(ctx: Context) -> list[Contender]:
    runtime, stripe = ctx.venv("runtime"), ctx.venv("stripe")
    ours_out = ctx.ensure_ours_out()
    ctx.compiled(runtime, ours_out)
    ctx.compiled(runtime, ROOT / "generated")
    url = ctx.url()
    ours = str(SCENARIOS / "coldstart_ours.py")
    return [
        Contender(
            "ours (stripe_full, 2023 spec)", runtime, [ours, PACKAGE, url], str(ours_out.parent)
        ),
        Contender("ours (generated.stripe)", runtime, [ours, "generated.stripe", url], str(ROOT)),
        Contender("stripe-python", stripe, [str(SCENARIOS / "coldstart_stripe.py"), url]),
        Contender(
            "floor (httpx + pydantic)", runtime, [str(SCENARIOS / "coldstart_floor.py"), url]
        ),
    ]


START_RE = re.compile(r"^(\S+) import=([\d.]+) construct=([\d.]+) call=([\d.]+)$")


def bench_coldstart(ctx: Context) -> Json:
    contenders = coldstart_contenders(ctx)
    samples: dict[str, list[Run]] = {c.name: [] for c in contenders}
    inner: dict[str, list[tuple[float, float, float]]] = {c.name: [] for c in contenders}
    for c in contenders:  # warm-up: page cache, bytecode
        check_ok(run_measured([c.python, *c.args], env=c.env()), c.name)
    for i in range(ctx.settings.start_runs):
        for c in contenders[i % len(contenders) :] + contenders[: i % len(contenders)]:
            run = check_ok(run_measured([c.python, *c.args], env=c.env()), c.name)
            found = START_RE.match(run.stdout.strip())
            if not found or not found.group(1).startswith("https://connect.stripe.com/"):
                raise SystemExit(f"{c.name} printed {run.stdout!r}")
            samples[c.name].append(run)
            inner[c.name].append(tuple(float(found.group(k)) for k in (2, 3, 4)))  # type: ignore[arg-type]
    log(f"[coldstart] {ctx.settings.start_runs} runs per contender done")
    result: Json = {"runs_per_contender": ctx.settings.start_runs, "contenders": {}}
    for c in contenders:
        runs = samples[c.name]
        result["contenders"][c.name] = {
            "wall_s": median([r.wall for r in runs]),
            "max_rss_mb": median([r.max_rss_mb for r in runs]),
            "in_process_s": {
                phase: median([t[k] for t in inner[c.name]])
                for k, phase in enumerate(("import", "construct", "first_call"))
            },
            # Interpreter start-up before the script's first line, and shutdown after its last.
            "outside_script_s": median(
                [r.wall - sum(t) for r, t in zip(runs, inner[c.name], strict=True)]
            ),
        }
    floor = result["contenders"]["floor (httpx + pydantic)"]
    targets = []
    for name in ("ours (stripe_full, 2023 spec)", "ours (generated.stripe)"):
        me = result["contenders"][name]
        wall_ratio = me["wall_s"] / floor["wall_s"]
        rss_ratio = me["max_rss_mb"] / floor["max_rss_mb"]
        me["wall_vs_floor"], me["rss_vs_floor"] = wall_ratio, rss_ratio
        targets.append(
            target(f"coldstart: {name} wall vs floor", wall_ratio, 1.1, "x", wall_ratio <= 1.1)
        )
        targets.append(
            target(f"coldstart: {name} RSS vs floor", rss_ratio, 1.1, "x", rss_ratio <= 1.1)
        )
    stripe = result["contenders"]["stripe-python"]
    stripe["wall_vs_floor"] = stripe["wall_s"] / floor["wall_s"]
    stripe["rss_vs_floor"] = stripe["max_rss_mb"] / floor["max_rss_mb"]
    result["targets"] = targets
    if ctx.settings.diagnose:
        result["diagnosis"] = diagnose_imports(contenders[0], contenders[3])
    return result


def import_profile(c: Contender) -> tuple[dict[str, float], list[tuple[float, str]]]:
    """``-X importtime`` of one cold start: self ms per top-level package, and per module."""
    run = check_ok(run_measured([c.python, "-X", "importtime", *c.args], env=c.env()), c.name)
    by_root: dict[str, float] = {}
    modules: list[tuple[float, str]] = []
    for line in run.stderr.splitlines():
        if not line.startswith("import time:") or "self [us]" in line:
            continue
        self_us, _, name = line[len("import time:") :].split("|", 2)
        module = name.strip()
        ms = int(self_us) / 1000
        by_root[module.split(".")[0]] = by_root.get(module.split(".")[0], 0.0) + ms
        modules.append((ms, module))
    return by_root, modules


def diagnose_imports(ours: Contender, floor: Contender) -> Json:
    """Where our cold start's import time goes, beside the floor's (self time, one run each).

    Self times are grouped by top-level package; ``extra_vs_floor_ms`` is ours minus the floor
    per package, i.e. what importing our client costs beyond httpx + pydantic themselves.
    """
    ours_roots, ours_modules = import_profile(ours)
    floor_roots, floor_modules = import_profile(floor)
    extra = {
        k: round(ours_roots.get(k, 0.0) - floor_roots.get(k, 0.0), 2)
        for k in set(ours_roots) | set(floor_roots)
    }
    generated_root = ours.args[1].split(".")[0]
    own = sorted((m for m in ours_modules if m[1].split(".")[0] == generated_root), reverse=True)
    return {
        "contender": ours.name,
        "total_self_ms": {
            "ours": round(sum(ours_roots.values()), 1),
            "floor": round(sum(floor_roots.values()), 1),
        },
        "modules_imported": {"ours": len(ours_modules), "floor": len(floor_modules)},
        "generated_package_modules_imported": len(own),
        "extra_vs_floor_ms": dict(sorted(extra.items(), key=lambda kv: -kv[1])[:15]),
        "slowest_generated_modules_self_ms": {m: round(ms, 2) for ms, m in own[:10]},
        "slowest_modules_self_ms": {m: round(ms, 2) for ms, m in sorted(ours_modules)[::-1][:12]},
    }


# --------------------------------------------------------------------------------------------
# 5. Per-call cost


def bench_percall(ctx: Context) -> Json:
    runtime, stripe = ctx.venv("runtime"), ctx.venv("stripe")
    ours_out = ctx.ensure_ours_out()
    ctx.compiled(runtime, ours_out)
    ctx.compiled(runtime, ROOT / "generated")
    url = ctx.url()
    s = ctx.settings
    script = str(SCENARIOS / "percall.py")
    common = [str(s.calls), str(s.warmup_calls), url]
    contenders = [
        Contender(
            "ours (stripe_full)", runtime, [script, "ours", *common, PACKAGE], str(ours_out.parent)
        ),
        Contender(
            "ours (generated.stripe)",
            runtime,
            [script, "ours", *common, "generated.stripe"],
            str(ROOT),
        ),
        Contender("stripe-python", stripe, [script, "stripe", *common]),
        Contender("bare httpx.Client.post", runtime, [script, "httpx", *common]),
        Contender(
            "httpx + pydantic model (reference)", runtime, [script, "httpx_pydantic", *common]
        ),
    ]
    samples: dict[str, list[Json]] = {c.name: [] for c in contenders}
    for i in range(s.percall_runs):
        for c in contenders[i % len(contenders) :] + contenders[: i % len(contenders)]:
            run = check_ok(run_measured([c.python, *c.args], env=c.env()), c.name)
            samples[c.name].append(json.loads(run.stdout.strip().splitlines()[-1]))
        log(f"[percall] round {i + 1}/{s.percall_runs} done")
    result: Json = {"calls_per_process": s.calls, "processes": s.percall_runs, "contenders": {}}
    for c in contenders:
        result["contenders"][c.name] = {
            "wall_us": median([x["wall_us"] for x in samples[c.name]]),
            "cpu_us": median([x["cpu_us"] for x in samples[c.name]]),
        }
    bare = result["contenders"]["bare httpx.Client.post"]
    targets = []
    for name, me in result["contenders"].items():
        me["cpu_vs_bare_httpx"] = me["cpu_us"] / bare["cpu_us"]
        me["wall_vs_bare_httpx"] = me["wall_us"] / bare["wall_us"]
        if name.startswith("ours"):
            ratio = me["cpu_vs_bare_httpx"]
            targets.append(
                target(f"percall: {name} CPU vs bare httpx", ratio, 1.3, "x", ratio <= 1.3)
            )
    result["targets"] = targets
    if s.diagnose:
        result["diagnosis"] = diagnose_call(ctx, contenders[0])
    return result


def diagnose_call(ctx: Context, c: Contender) -> Json:
    """cProfile of our timed loop: own time per function and per package."""
    stats_file = ctx.tmp / "percall.pstats"
    check_ok(run_measured([c.python, *c.args, "--profile", str(stats_file)], env=c.env()), c.name)
    stats = pstats.Stats(str(stats_file))
    raw: dict[tuple[str, int, str], tuple[Any, ...]] = stats.stats  # type: ignore[attr-defined]
    total = sum(v[2] for v in raw.values())
    by_package: dict[str, float] = {}
    rows = []
    for (filename, line, func), (_, ncalls, tottime, cumtime, _) in raw.items():
        package = package_of(filename)
        by_package[package] = by_package.get(package, 0.0) + tottime
        rows.append((tottime, cumtime, ncalls, f"{package}:{Path(filename).name}:{line}({func})"))
    rows.sort(reverse=True)
    per_call = 1e6 / ctx.settings.calls
    return {
        "note": "cProfile inflates every figure; compare the shares, not the absolute values",
        "profiled_total_us_per_call": total * per_call,
        "own_time_share_by_package": {
            k: round(v / total, 3) for k, v in sorted(by_package.items(), key=lambda kv: -kv[1])
        },
        "top_functions_own_us_per_call": {
            name: {
                "own": round(t * per_call, 1),
                "cumulative": round(cum * per_call, 1),
                "calls_per_call": round(n / ctx.settings.calls, 2),
            }
            for t, cum, n, name in rows[:25]
        },
    }


def package_of(filename: str) -> str:
    if filename.startswith("~") or filename.startswith("<"):
        return "builtins"
    parts = Path(filename).parts
    if "site-packages" in parts:
        return parts[parts.index("site-packages") + 1].removesuffix(".py")
    for ours in (PACKAGE, "generated"):
        if ours in parts:
            return f"ours ({'/'.join(parts[parts.index(ours) :][:3])})"
    if "benchmarks" in parts:
        return "benchmark script"
    return "stdlib"


# --------------------------------------------------------------------------------------------
# Report


def target(name: str, value: float, limit: float, unit: str, ok: bool) -> Json:
    return {"name": name, "value": value, "target": limit, "unit": unit, "pass": ok}


def fmt(value: float, unit: str) -> str:
    if unit == "x":
        return f"{value:.2f}x"
    if unit == "s":
        return f"{value:.2f} s"
    return f"{value:.0f} {unit}"


def table(rows: list[list[str]]) -> str:
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    lines = ["  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)) for row in rows]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(line.rstrip() for line in lines)


def report(results: Json) -> str:
    out: list[str] = []
    if "generate" in results:
        g = results["generate"]
        ours, opc = g["ours"], g["openapi_python_client"]
        out.append("1. Cold generation of spec3.2023-09-12.yaml (median)")
        out.append(
            table(
                [
                    ["", "wall", "CPU", "max RSS (1 process)", "tree PSS", "tree RSS"],
                    *[
                        [
                            name,
                            f"{r['wall_s']:.2f} s",
                            f"{r['cpu_s']:.2f} s",
                            f"{r['max_rss_mb']:.0f} MB",
                            f"{r['tree_pss_mb']:.0f} MB",
                            f"{r['tree_rss_mb']:.0f} MB",
                        ]
                        for name, r in (
                            ("ours", ours),
                            (f"openapi-python-client {OPC_VERSION}", opc),
                        )
                    ],
                ]
            )
        )
        steps = ", ".join(f"{k} at {v:.2f} s" for k, v in ours["phases_s"].items())
        out.append(f"   ours, seconds since pipeline start: {steps}")
        out.append(
            f"   operations: ours {ours['operations']}, openapi-python-client "
            f"{opc['endpoint_modules']} endpoint modules ({opc['warning_lines']} warning lines)"
        )
        out.append(
            f"   CPU time ratio (less sensitive to other load than wall): "
            f"{ours['cpu_s'] / opc['cpu_s']:.2f}x"
        )
        out.append("")
    if "regen" in results:
        r = results["regen"]
        out.append("2. Regeneration, warm caches, output present (median)")
        out.append(
            table(
                [
                    ["", "wall", "CPU", "max RSS (1 process)", "tree PSS"],
                    *[
                        [
                            label,
                            f"{r[key]['wall_s']:.2f} s",
                            f"{r[key]['cpu_s']:.2f} s",
                            f"{r[key]['max_rss_mb']:.0f} MB",
                            # sampled every 200 ms: a shorter run may go unseen
                            f"{r[key]['tree_pss_mb']:.0f} MB" if r[key]["tree_pss_mb"] else "-",
                        ]
                        for label, key in (
                            ("nothing changed", "nothing_changed"),
                            ("one operation changed", "one_operation_changed"),
                        )
                    ],
                ]
            )
        )
        for key in ("nothing_changed", "one_operation_changed"):
            steps = ", ".join(f"{k} at {v:.2f} s" for k, v in r[key]["phases_s"].items())
            out.append(f"   {key}: {steps or 'no timed pipeline steps reported'}")
        out.append("")
    if "size" in results:
        s = results["size"]
        out.append("3. Output size (Python files, lines)")
        out.append(
            table(
                [
                    ["", "files", "lines"],
                    ["ours", str(s["ours"]["files"]), f"{s['ours']['lines']:,}"],
                    [
                        "openapi-python-client",
                        str(s["openapi_python_client"]["files"]),
                        f"{s['openapi_python_client']['lines']:,}",
                    ],
                    [
                        f"stripe-python {s['stripe_python']['version']} (package)",
                        str(s["stripe_python"]["files"]),
                        f"{s['stripe_python']['lines']:,}",
                    ],
                ]
            )
        )
        out.append("")
    if "coldstart" in results:
        c = results["coldstart"]
        out.append(f"4. Cold start to first result (median of {c['runs_per_contender']} processes)")
        out.append(
            table(
                [
                    [
                        "",
                        "wall",
                        "max RSS",
                        "vs floor (wall / RSS)",
                        "import",
                        "construct",
                        "first call",
                        "start + exit",
                    ],
                    *[
                        [
                            name,
                            f"{r['wall_s'] * 1000:.0f} ms",
                            f"{r['max_rss_mb']:.1f} MB",
                            f"{r.get('wall_vs_floor', 1):.2f}x / {r.get('rss_vs_floor', 1):.2f}x",
                            *(
                                f"{r['in_process_s'][k] * 1000:.1f} ms"
                                for k in ("import", "construct", "first_call")
                            ),
                            f"{r['outside_script_s'] * 1000:.1f} ms",
                        ]
                        for name, r in c["contenders"].items()
                    ],
                ]
            )
        )
        out.append("")
    if "percall" in results:
        p = results["percall"]
        out.append(
            f"5. Per call ({p['calls_per_process']} calls per process, median of {p['processes']})"
        )
        out.append(
            table(
                [
                    ["", "wall", "client CPU", "CPU vs bare httpx", "wall vs bare httpx"],
                    *[
                        [
                            name,
                            f"{r['wall_us']:.0f} us",
                            f"{r['cpu_us']:.0f} us",
                            f"{r['cpu_vs_bare_httpx']:.2f}x",
                            f"{r['wall_vs_bare_httpx']:.2f}x",
                        ]
                        for name, r in p["contenders"].items()
                    ],
                ]
            )
        )
        out.append("")
    for key in ("coldstart", "percall"):
        if "diagnosis" in results.get(key, {}):
            out.append(f"Diagnosis ({key}):")
            out.append(json.dumps(results[key]["diagnosis"], indent=2))
            out.append("")
    targets = [t for key in BENCHMARKS if key in results for t in results[key]["targets"]]
    if targets:
        out.append("Targets")
        out.append(
            table(
                [
                    ["", "measured", "target", "result"],
                    *[
                        [
                            t["name"],
                            fmt(t["value"], t["unit"]),
                            "<= " + fmt(t["target"], t["unit"]),
                            "PASS" if t["pass"] else "FAIL",
                        ]
                        for t in targets
                    ],
                ]
            )
        )
    return "\n".join(out)


def git(*args: str) -> str:
    done = subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True)
    return done.stdout.strip()


@contextmanager
def context(settings: Settings, keep: bool) -> Iterator[Context]:
    tmp = Path(tempfile.mkdtemp(prefix="ocg-bench-"))
    ctx = Context(settings=settings, tmp=tmp)
    try:
        ctx.take_snapshot()
        yield ctx
    finally:
        ctx.close()
        if keep:
            log(f"kept {tmp}")
        else:
            shutil.rmtree(tmp, ignore_errors=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--only", action="append", choices=BENCHMARKS, help="run only this one")
    parser.add_argument("--quick", action="store_true", help="smoke run: N=1, few calls")
    parser.add_argument("--runs", type=int, help="cold generations per contender (default 3)")
    parser.add_argument("--regen-runs", type=int, help="regenerations per case (default 5)")
    parser.add_argument("--start-runs", type=int, help="cold starts per contender (default 15)")
    parser.add_argument("--percall-runs", type=int, help="processes per contender (default 10)")
    parser.add_argument("--calls", type=int, help="timed calls per process (default 2000)")
    parser.add_argument("--diagnose", action="store_true", help="add -X importtime and cProfile")
    parser.add_argument(
        "--output",
        type=Path,
        help="results JSON (default benchmarks/results.json; --quick writes none unless given)",
    )
    parser.add_argument("--keep", action="store_true", help="keep the temporary directory")
    parser.add_argument("--show", action="store_true", help="print the tables of results.json")
    args = parser.parse_args(argv)
    if args.show:
        print(report(json.loads((args.output or DEFAULT_OUTPUT).read_text())))
        return 0
    quick = args.quick
    settings = Settings(
        slow_runs=args.runs or (1 if quick else 3),
        regen_runs=args.regen_runs or (1 if quick else 5),
        start_runs=args.start_runs or (1 if quick else 15),
        percall_runs=args.percall_runs or (1 if quick else 10),
        calls=args.calls or (200 if quick else 2000),
        warmup_calls=20 if quick else 100,
        diagnose=args.diagnose,
    )
    selected = [b for b in BENCHMARKS if not args.only or b in args.only]
    output: Path | None = args.output or (None if quick else DEFAULT_OUTPUT)
    runners: dict[str, Callable[[Context], Json]] = {
        "generate": bench_generate,
        "regen": bench_regen,
        "size": bench_size,
        "coldstart": bench_coldstart,
        "percall": bench_percall,
    }
    stamp = {
        "measured_at": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
        "git_commit": git("rev-parse", "HEAD"),
        # Uncommitted edits the measured generator snapshot included (work tree at start).
        "git_dirty_paths": git(
            "status", "--porcelain", "--", "generator", "templates", "pyproject.toml"
        ).splitlines(),
        "command": " ".join(["python", "benchmarks/run.py", *(argv or sys.argv[1:])]),
    }
    results: Json = {}
    with context(settings, args.keep) as ctx:
        for name in selected:
            log(f"== {name}")
            before = other_busy_cores()
            if before > 0.2:
                log(f"warning: other work keeps {before:.2f} CPU cores busy; figures will skew")
            results[name] = runners[name](ctx) | stamp
            # Other work on the machine skews every figure: record how busy it was (cores kept
            # busy by other processes, measured over one second before and after the section).
            results[name]["other_busy_cores"] = {"before": before, "after": other_busy_cores()}
    print(report(results))
    if output is not None:
        previous: Json = {}
        if output.exists():
            previous = json.loads(output.read_text())
        previous.update(results)
        previous["machine"] = {
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "platform": platform.platform(),
        }
        output.write_text(json.dumps(previous, indent=2, sort_keys=False) + "\n")
        log(f"wrote {output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

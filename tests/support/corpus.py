"""The corpus of real APIs in ``../shared/specs/corpus/``, generated once per test session.

``CORPUS`` names each document (name -> spec path inside the corpus folder, package name);
``generate_corpus`` runs the real command line on all of them, two at a time (the machine has
two cores), and records for each what happened: exit status, warnings, seconds, and the package
folder. A document that fails to generate is recorded with its error, not dropped, so a test
over the corpus reports it. ``Generated.api`` builds the IR of a document in-process on first
use (about a second for the biggest), for tests that reason about operations and models.

Use it through the fixtures in ``tests/conftest.py``: ``corpus_packages`` (all of them) and
``corpus_package`` (one, by name; skips with the reason when the document does not generate).
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from generator.config import Target
    from generator.ir import Api

ROOT = Path(__file__).resolve().parents[2]
CORPUS_DIR = ROOT.parent / "shared" / "specs" / "corpus"


@dataclass(frozen=True)
class CorpusDoc:
    spec: str  # inside CORPUS_DIR
    package: str  # the generated package's import name


CORPUS: dict[str, CorpusDoc] = {
    "petstore": CorpusDoc("petstore3.yaml", "petstore"),
    "museum": CorpusDoc("museum.yaml", "museum"),
    "vonage": CorpusDoc("vonage-numbers.yml", "vonage"),
    "figma": CorpusDoc("figma.yaml", "figma"),
    "kratos": CorpusDoc("ory-kratos.json", "kratos"),
    "airflow": CorpusDoc("airflow-rest-api-v2.yaml", "airflow"),
    "adyen_checkout": CorpusDoc("adyen-checkout-v71.json", "adyen_checkout"),
    "adyen_management": CorpusDoc("adyen-management-v3.json", "adyen_management"),
    "linode": CorpusDoc("linode-v4.yaml", "linode"),
    "xero": CorpusDoc("xero-accounting.yaml", "xero"),
    "mastodon": CorpusDoc("mastodon.json", "mastodon"),
    "plaid": CorpusDoc("plaid-2020-09-14.yml", "plaid"),
    "okta": CorpusDoc("okta-management.yaml", "okta"),
    "digitalocean": CorpusDoc(
        "digitalocean/specification/DigitalOcean-public.v2.yaml", "digitalocean"
    ),
}

# Biggest first, so the two workers finish close together.
_ORDER = ("okta", "plaid", "digitalocean", "xero", "linode", "mastodon", "figma")


@dataclass
class Generated:
    name: str
    spec: Path
    out: Path  # the folder holding the package (put it on sys.path to import it)
    package: str
    returncode: int
    stderr: str
    seconds: float
    warnings: list[str] = field(default_factory=list)  # "#/pointer: message", as in the IR

    @property
    def ok(self) -> bool:
        return self.returncode == 0

    @property
    def package_dir(self) -> Path:
        return self.out / self.package

    @property
    def error(self) -> str:
        """The command's error line(s), empty when it succeeded."""
        return "" if self.ok else "\n".join(_errors(self.stderr)) or self.stderr[-2000:]

    @cached_property
    def api(self) -> Api:
        """The IR the package was rendered from, built in-process with the same settings."""
        from generator.pipeline import build

        return build(target_for(self.spec, self.out, self.package))

    def lines(self) -> int:
        """Lines of Python in the generated package."""
        return sum(
            p.read_bytes().count(b"\n") for p in self.package_dir.rglob("*.py") if p.is_file()
        )


def target_for(spec: Path, out: Path, package: str) -> Target:
    """The target the command line makes for ``--spec/--out/--package`` run from ROOT."""
    from generator.config import make_target

    return make_target(ROOT, spec, out, package, (), {})


def generate_one(name: str, out: Path) -> Generated:
    doc = CORPUS[name]
    spec = CORPUS_DIR / doc.spec
    started = time.monotonic()
    command = [sys.executable, "-m", "generator", "generate"]
    command += ["--spec", str(spec), "--out", str(out), "--package", doc.package]
    result = subprocess.run(
        command, cwd=ROOT, capture_output=True, text=True, env=os.environ.copy(), check=False
    )
    seconds = time.monotonic() - started
    return Generated(
        name=name,
        spec=spec,
        out=out,
        package=doc.package,
        returncode=result.returncode,
        stderr=result.stderr,
        seconds=seconds,
        warnings=_warnings(result.stderr),
    )


def generate_corpus(out: Path, names: list[str] | None = None) -> dict[str, Generated]:
    """Generate the corpus documents (all by default) into ``out``, two at a time."""
    wanted = names or list(CORPUS)
    ordered = [n for n in _ORDER if n in wanted] + [n for n in wanted if n not in _ORDER]
    with ThreadPoolExecutor(max_workers=2) as pool:
        done = list(pool.map(lambda n: generate_one(n, out), ordered))
    by_name = {g.name: g for g in done}
    return {n: by_name[n] for n in wanted}


_WARNING = re.compile(r"^warning: [^#]*(#.*)$")


def _warnings(stderr: str) -> list[str]:
    """The warnings the command printed, without the spec label in front: ``#/ptr: message``.

    A warning line that names no pointer is kept whole, so a test can catch it."""
    found = []
    for line in stderr.splitlines():
        if not line.startswith("warning: "):
            continue
        match = _WARNING.match(line)
        found.append(match.group(1) if match else line)
    return found


def _errors(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if line.startswith("error: ")]


def readme_operation_counts() -> dict[str, int]:
    """Operations per document, as the corpus README's table counts them ("ops" column)."""
    text = (CORPUS_DIR / "README.md").read_text(encoding="utf-8")
    by_file = {doc.spec.split("/")[0]: name for name, doc in CORPUS.items()}
    counts: dict[str, int] = {}
    header: list[str] | None = None
    for line in text.splitlines():
        if not line.startswith("|"):
            header = None
            continue
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if header is None:
            header = cells
            continue
        if "ops" not in header or set(cells[0]) <= {"-", " "}:
            continue
        file = re.match(r"`([^`]+?)/?`", cells[0])
        ops = re.match(r"([0-9,]+)", cells[header.index("ops")])
        if file and ops and file.group(1) in by_file:
            counts[by_file[file.group(1)]] = int(ops.group(1).replace(",", ""))
    return counts

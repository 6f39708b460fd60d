"""Shared fixtures: project paths, the shared Stripe specs, the corpus of real APIs (generated
once per session), a recording HTTP server."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

sys.path.insert(0, str(Path(__file__).resolve().parent))

from support.corpus import CORPUS, CORPUS_DIR, Generated, generate_corpus
from support.full_stripe import full_packages, stripe_2023  # noqa: F401 (fixtures)
from support.recording_server import Recorder, recording_server

# Plain `pytest` is as deterministic as CI: the same examples every run, no example database, and
# no failure because a first draw was slow on a busy machine. HYPOTHESIS_PROFILE=explore draws
# new examples (random, with the database) when you want Hypothesis to search.
settings.register_profile(
    "deterministic",
    derandomize=True,
    database=None,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.register_profile("explore", deadline=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "deterministic"))


@pytest.fixture
def server() -> Iterator[tuple[str, Recorder]]:
    with recording_server() as pair:
        yield pair


@pytest.fixture(scope="session")
def corpus_packages(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Generated]:
    """Every corpus document generated once per session (``support.corpus``), by name.

    Failures are recorded in the result (``returncode``, ``error``), not raised; the folder
    holding the packages is put on ``sys.path``, so ``import petstore`` works."""
    if not CORPUS_DIR.is_dir():
        pytest.skip(f"{CORPUS_DIR} is absent: the shared corpus sits beside the clone only in CI")
    out = tmp_path_factory.mktemp("corpus")
    generated = generate_corpus(out)
    sys.path.insert(0, str(out))
    return generated


@pytest.fixture(scope="session")
def corpus_package(corpus_packages: dict[str, Generated]) -> Callable[[str], Generated]:
    """``corpus_package("petstore")``: one generated corpus document (see ``CORPUS``); skips,
    giving the generator's error, when that document does not generate yet."""

    def get(name: str) -> Generated:
        if name not in CORPUS:
            raise KeyError(f"no corpus document {name!r}; known: {', '.join(CORPUS)}")
        generated = corpus_packages[name]
        if not generated.ok:
            pytest.skip(f"corpus document {name} does not generate yet: {generated.error}")
        return generated

    return get

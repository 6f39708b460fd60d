"""Shared fixtures: project paths, the shared Stripe specs, a recording HTTP server."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SHARED_STRIPE = ROOT.parent / "shared" / "specs" / "stripe"
sys.path.insert(0, str(Path(__file__).resolve().parent))

from support.recording_server import Recorder, recording_server  # noqa: E402


def shared_spec(name: str) -> Path:
    """A spec from ../shared/specs/stripe, or a skip with the reason (a fresh clone lacks it)."""
    path = SHARED_STRIPE / name
    if not path.is_file():
        pytest.skip(f"{path} is absent: the shared Stripe specs sit beside the clone only in CI")
    return path


@pytest.fixture
def server() -> Iterator[tuple[str, Recorder]]:
    with recording_server() as pair:
        yield pair

"""Where things are: the project root and the shared test data beside the clone."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SHARED = ROOT.parent / "shared"
SHARED_STRIPE = SHARED / "specs" / "stripe"


def shared_spec(name: str) -> Path:
    """A spec from ../shared/specs/stripe, or a skip with the reason (a fresh clone lacks it)."""
    path = SHARED_STRIPE / name
    if not path.is_file():
        pytest.skip(f"{path} is absent: the shared Stripe specs sit beside the clone only in CI")
    return path

"""The generator's output stays byte-identical: every corpus document and both full Stripe specs
hash to the digests recorded in ``tests/e2e/data/output_digests.json`` (``support.digests``).

A speed change must not change a byte; a change meant to alter output re-records the digests
(``UPDATE_OUTPUT_DIGESTS=1 pytest tests/e2e/test_output_digests.py``) so the commit shows it.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from support.corpus import CORPUS, Generated
from support.digests import DIGESTS, record, recorded, tree_digest
from support.full_stripe import SPECS
from support.full_stripe import Generated as FullGenerated

UPDATE = os.environ.get("UPDATE_OUTPUT_DIGESTS") == "1"
HOW = f"if the change is meant, re-record with UPDATE_OUTPUT_DIGESTS=1 and review {DIGESTS.name}"


def _check(name: str, digest: str) -> None:
    if UPDATE:
        record(name, digest)
        return
    expected = recorded().get(name)
    assert expected is not None, f"no digest recorded for {name}: {HOW}"
    assert digest == expected, f"the output generated for {name} changed: {HOW}"


@pytest.mark.slow
@pytest.mark.parametrize("name", list(CORPUS))
def test_corpus_output_is_unchanged(corpus_packages: dict[str, Generated], name: str) -> None:
    generated = corpus_packages[name]
    assert generated.ok, generated.error
    _check(name, tree_digest(generated.package_dir))


@pytest.mark.slow
@pytest.mark.parametrize("name", list(SPECS))
def test_full_stripe_output_is_unchanged(
    full_packages: dict[str, FullGenerated], name: str
) -> None:
    _check(name, tree_digest(full_packages[name].root))


def test_tree_digest_sees_paths_and_bytes(tmp_path: Path) -> None:
    root = tmp_path
    (root / "a").mkdir()
    (root / "a" / "x.py").write_text("x = 1\n")
    first = tree_digest(root)
    (root / "a" / "x.py").write_text("x = 2\n")
    edited = tree_digest(root)
    (root / "a" / "x.py").rename(root / "a" / "y.py")
    renamed = tree_digest(root)
    assert len({first, edited, renamed}) == 3
    (root / "a" / "y.py").write_text("x = 1\n")
    (root / "a" / "y.py").rename(root / "a" / "x.py")
    assert tree_digest(root) == first

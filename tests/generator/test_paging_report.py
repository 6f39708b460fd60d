"""``python -m generator.paging_report``: the table the paging docs point users to, run as they
run it (a real subprocess)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

_ITEMS = {"type": "array", "items": {"type": "object", "properties": {"id": {"type": "string"}}}}
_SPEC = {
    "openapi": "3.1.0",
    "info": {"title": "Shelf", "version": "1"},
    "paths": {
        "/books": {
            "get": {
                "operationId": "listBooks",
                "parameters": [{"name": "cursor", "in": "query", "schema": {"type": "string"}}],
                "responses": {
                    "200": {
                        "description": "a page",
                        "content": {
                            "application/json": {
                                "schema": {
                                    "type": "object",
                                    "properties": {
                                        "items": _ITEMS,
                                        "next_cursor": {"type": "string"},
                                    },
                                }
                            }
                        },
                    }
                },
            }
        },
        "/shelves": {
            "get": {
                "operationId": "listShelves",
                "responses": {
                    "200": {
                        "description": "every shelf",
                        "content": {"application/json": {"schema": _ITEMS}},
                    }
                },
            }
        },
    },
}


def _report(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "generator.paging_report", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_the_report_names_style_and_the_reason_for_unpaged_lists(tmp_path: Path) -> None:
    spec = tmp_path / "shelf.json"
    spec.write_text(json.dumps(_SPEC), encoding="utf-8")
    detail = _report(str(spec))
    assert detail.returncode == 0, detail.stderr
    assert "| `listBooks` | cursor |" in detail.stdout
    assert "sets `cursor`" in detail.stdout and "from `next_cursor`" in detail.stdout
    assert "| `listShelves` | no page parameter" in detail.stdout
    summary = _report("--summary", str(spec))
    assert "| shelf.json | 1 | cursor 1 | 1 | 1 x no page parameter |" in summary.stdout


def test_an_unreadable_document_is_named_and_the_rest_reported(tmp_path: Path) -> None:
    spec = tmp_path / "shelf.json"
    spec.write_text(json.dumps(_SPEC), encoding="utf-8")
    missing = tmp_path / "missing.yaml"
    run = _report("--summary", str(missing), str(spec))
    assert run.returncode == 2
    assert str(missing) in run.stderr and "cannot read spec" in run.stderr
    assert "Traceback" not in run.stderr
    assert "| shelf.json | 1 |" in run.stdout

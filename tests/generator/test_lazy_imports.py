"""Start-up cost: modules every ``generate`` imports must not pull in what only some runs need.

About half a second of a small spec's cold run was importing; a warm run (output cached) needs
neither black nor the renderer, and no run needs httpx or the runtime's pydantic models.
"""

from __future__ import annotations

import json
import subprocess
import sys

from support.paths import ROOT


def _imported_after(statement: str) -> set[str]:
    code = f"import sys, json; {statement}; print(json.dumps(sorted(sys.modules)))"
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
    )
    return set(json.loads(done.stdout))


def test_the_command_line_and_pipeline_import_neither_black_nor_the_renderer() -> None:
    loaded = _imported_after("import generator.cli, generator.pipeline, generator.format")
    for heavy in ("black", "jinja2", "httpx", "importlib.metadata", "generator.render"):
        assert heavy not in loaded, heavy


def test_rendering_imports_neither_httpx_nor_the_runtime_client() -> None:
    loaded = _imported_after("import generator.render")
    for heavy in ("httpx", "pydantic", "generator.templates.runtime._base_client"):
        assert heavy not in loaded, heavy

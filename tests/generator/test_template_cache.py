"""Compiled templates kept between runs (``render.CompiledTemplates``): a run that finds them
compiles nothing and renders the same bytes; a damaged or stale entry is compiled again."""

from __future__ import annotations

from pathlib import Path

import jinja2
import pytest
from support.inline_specs import api_of

from generator import render
from generator.render import CompiledTemplates, render_package

PATHS = {
    "/pets/{id}": {
        "get": {
            "operationId": "getPet",
            "summary": "One pet, by its id.",
            "parameters": [
                {"name": "id", "in": "path", "required": True, "schema": {"type": "string"}}
            ],
            "responses": {"200": {"description": "ok"}},
        }
    }
}


@pytest.fixture
def compiles(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> list[str]:
    """The templates Jinja compiles, with both cache folders under tmp_path."""
    monkeypatch.setenv("GENERATOR_CACHE_DIR", str(tmp_path / "user"))
    beside = tmp_path / "beside"
    init = CompiledTemplates.__init__

    def init_here(self: CompiledTemplates, root: Path, settings: str) -> None:
        init(self, root, settings)
        self.beside = beside

    monkeypatch.setattr(CompiledTemplates, "__init__", init_here)
    seen: list[str] = []
    compile_ = jinja2.Environment.compile

    def counting(self: jinja2.Environment, source: str, name: str | None = None, *a, **k):  # type: ignore[no-untyped-def]
        seen.append(name or "")
        return compile_(self, source, name, *a, **k)

    monkeypatch.setattr(jinja2.Environment, "compile", counting)
    return seen


def test_a_second_run_compiles_nothing_and_renders_the_same_bytes(
    compiles: list[str], tmp_path: Path
) -> None:
    api = api_of(PATHS)
    first = render_package(api, "pets")
    assert "_client.py.jinja" in compiles
    assert list((tmp_path / "beside").iterdir()), "built-in templates keep theirs beside them"
    compiles.clear()
    assert render_package(api, "pets") == first
    assert compiles == []


def test_a_damaged_entry_is_compiled_again(compiles: list[str], tmp_path: Path) -> None:
    api = api_of(PATHS)
    first = render_package(api, "pets")
    for entry in (tmp_path / "beside").iterdir():
        entry.write_bytes(entry.read_bytes()[:20])
    compiles.clear()
    assert render_package(api, "pets") == first
    assert "_client.py.jinja" in compiles


def test_entries_depend_on_the_settings_and_the_template_file() -> None:
    root = Path(str(render.templates_root()))
    one = CompiledTemplates(root, "a")
    assert one.get_cache_key("x", str(root / "x")) != CompiledTemplates(root, "b").get_cache_key(
        "x", str(root / "x")
    )
    assert one.get_cache_key("x", str(root / "x")).startswith("b")  # built in: kept beside
    assert one.get_cache_key("x", "/elsewhere/x").startswith("u")  # an override: user cache

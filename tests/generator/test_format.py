"""Formatting: what is skipped is already formatted, parallel equals serial, and the one cache
file per target gives back exactly what black gave."""

from __future__ import annotations

import marshal
import subprocess
import sys
from pathlib import Path
from typing import Any

import jinja2
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from support.inline_specs import api_of, form_op, valid_spec

from generator import cache, format
from generator.config import make_profile
from generator.errors import GeneratorError
from generator.lower import BuildInput, build_api
from generator.render import (
    PREFORMATTED,
    RUNTIME_FILES,
    CompiledTemplates,
    header,
    render_package,
)
from generator.views.errors import errors_module


def test_runtime_files_are_tidy_and_formatted_already() -> None:
    """The pipeline copies runtime files verbatim, past black: it must leave them unchanged,
    whatever the spec path in their header (here one with spaces, quotes and braces), and their
    imports must already be as ruff's defaults (F, I) want them in a user's project."""
    head = header('specs/a b/ü "quoted" {x}.yaml')
    runtime = Path(format.__file__).parent.parent / "templates" / "runtime"
    files = {name: head + "\n" + (runtime / name).read_text() for name in RUNTIME_FILES}
    errors = (runtime / "_errors.py").read_text()
    files["_errors.py"] = head + "\n" + errors_module(errors, "PetShopError")  # renamed base
    assert format.format_files(files) == files
    ruff = [sys.executable, "-m", "ruff", "check", "--isolated", "--select", "F,I"]
    paths = [str(runtime / name) for name in RUNTIME_FILES]
    result = subprocess.run([*ruff, *paths], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout
    renamed = subprocess.run(
        [*ruff, "--stdin-filename", "_errors.py", "-"],
        input=files["_errors.py"],
        capture_output=True,
        text=True,
    )
    assert renamed.returncode == 0, renamed.stdout


def _pieces() -> list[str]:
    """The pieces of a small package (methods, constants, modules), smallest first."""
    api = api_of({"/things": form_op({"name": {"type": "string"}, "n": {"type": "integer"}})})
    rendered = render_package(api, "demo")
    every = {
        p
        for path, text in rendered.items()
        if path.endswith(".py") and path not in PREFORMATTED  # as the pipeline sends to black
        for p in text.split(format.CHUNK)
    }
    return sorted(every - {""}, key=len)


ALL_PIECES = _pieces()


PIECES = ALL_PIECES[:: max(1, len(ALL_PIECES) // 12)]  # a dozen
SERIAL = dict(
    zip(PIECES, format.format_pieces(["m.py"] * len(PIECES), PIECES, workers=0), strict=True)
)


def test_serial_formatting_is_black_piece_by_piece() -> None:
    assert {piece: format.format_piece("m.py", piece) for piece in PIECES} == SERIAL


def test_one_child_process_formats_as_this_one_does() -> None:
    assert format.format_pieces(["m.py"] * len(PIECES), PIECES, workers=1) == list(SERIAL.values())


def test_code_black_cannot_parse_is_reported_from_the_child() -> None:
    with pytest.raises(GeneratorError, match=r"generated code for bad\.py is not valid Python"):
        format.format_pieces(["ok.py", "bad.py"], ["x = 1\n", "def (:\n"], workers=2)


@settings(max_examples=3)
@given(pieces=st.permutations(PIECES))
def test_parallel_formatting_equals_serial_in_any_order(pieces: list[str]) -> None:
    parallel = format.format_pieces([f"m{i}.py" for i in range(len(pieces))], pieces, workers=2)
    assert parallel == [SERIAL[piece] for piece in pieces]


# Pieces black changes although every line fits: each must be sent to black.
BLACK_CHANGES = {
    "trailing blank line": "x = 1\n\n",
    "two blank lines between imports and a statement": "import os\n\n\nx = os.sep\n",
    "one blank line before a top-level class": "x = 1\n\nclass A:\n    pass\n",
    "docstring opening with a quote": 'class A:\n    """"Quoted" first."""\n',
    "docstring ending in a space": 'class A:\n    """Ends in a space. """\n',
    "docstring with a blank last line": 'def f() -> None:\n    """Get Health\n    """\n',
    "docstring indented deeper than its class": 'class A:\n    """First.\n\n        b\n        c"""\n',
    "float exponent with a plus": "x = 1e+20\n",
    "magic trailing comma": "x = f(a,)\n",
    "escaped quote": "x = 'a\\'b\"c'\n",
    "comment without its space": "x = 1  #note\n",
    # a one-item tuple's comma counts: this line is 101 columns
    "long line with a one-item tuple": f"x = f(({'a' * 84!r},), b=1)\n".replace("'", '"'),
}


@pytest.mark.parametrize("name", BLACK_CHANGES)
def test_a_piece_black_would_change_is_sent_to_black(name: str) -> None:
    piece = BLACK_CHANGES[name]
    assert format.format_piece("m.py", piece) != piece  # the example is one black changes
    assert format.needs_black(piece)


def test_only_a_docstring_closing_line_counts() -> None:
    """Black moves a docstring's closing quotes off a line they overfill; a string after a
    field is no docstring to black, so its long last line stays and the piece skips black."""
    words = "word " * 16 + "\n    " + "w" * 110
    docstring = f'class A:\n    """First {words}"""\n'
    attribute = f'class A:\n    x: int = 1\n    """First {words}"""\n'
    assert format.needs_black(docstring) and format.format_piece("m.py", docstring) != docstring
    assert not format.needs_black(attribute)
    assert format.format_piece("m.py", attribute) == attribute


def test_a_piece_not_sent_to_black_is_one_black_leaves_as_it_is() -> None:
    """Over every piece of a small package: those needs_black lets past black are black-stable,
    and they are most of them (the check is worth having)."""
    skipped = [p for p in ALL_PIECES if not format.needs_black(p)]
    assert len(skipped) >= len(ALL_PIECES) // 2
    assert [p for p in skipped if format.format_piece("m.py", p) != p] == []


def test_one_pack_per_target_gives_back_what_black_gave(tmp_path: Path) -> None:
    files = {"a.py": "x = [1,\n  2]\n" + format.CHUNK + "def f( ):\n  return 1\n", "b.txt": "t"}
    fresh = format.format_files(files)
    messages: list[str] = []
    pack = cache.Pack(tmp_path / "pack.marshal")
    assert format.format_files(files, messages.append, pack) == fresh
    pack.save()
    assert len(messages) == 1  # formatted once
    saved = marshal.loads((tmp_path / "pack.marshal").read_bytes())
    assert sorted(saved.values()) == sorted(["x = [1, 2]\n", "def f():\n    return 1\n"])

    messages.clear()
    again = cache.Pack(tmp_path / "pack.marshal")
    assert format.format_files(files, messages.append, again) == fresh
    assert messages == []  # nothing left for black
    # a later run keeps only what it used: the pack never outgrows one package
    again.save()
    smaller = cache.Pack(tmp_path / "pack.marshal")
    format.format_files({"a.py": "y = 2\n"}, messages.append, smaller)
    smaller.save()
    assert list(marshal.loads((tmp_path / "pack.marshal").read_bytes()).values()) == ["y = 2\n"]


def test_an_unreadable_pack_is_ignored(tmp_path: Path) -> None:
    (tmp_path / "pack.marshal").write_bytes(b"not marshal data")
    pack = cache.Pack(tmp_path / "pack.marshal")
    assert format.format_files({"a.py": "x=1\n"}, pack=pack) == {"a.py": "x = 1\n"}


def test_each_template_is_compiled_once_per_run(monkeypatch: pytest.MonkeyPatch) -> None:
    """Rendering a package with several models and operations compiles every template it uses
    once (Jinja recompiles a template its loader says is out of date, on every use)."""
    compiled: list[str | None] = []
    original = jinja2.Environment.compile

    def counting(
        self: jinja2.Environment, source: Any, name: str | None = None, *a: Any, **k: Any
    ) -> Any:
        compiled.append(name)
        return original(self, source, name, *a, **k)

    monkeypatch.setattr(jinja2.Environment, "compile", counting)
    # compiled templates kept from earlier runs would hide the compile step: start from none
    monkeypatch.setattr(CompiledTemplates, "load_bytecode", lambda self, bucket: None)
    paths = {
        f"/things{i}": form_op({"name": {"type": "string"}, "n": {"type": "integer"}})
        for i in range(3)
    }
    for i, path in enumerate(paths.values()):
        path["post"]["operationId"] = f"PostThings{i}"
    render_package(api_of(paths), "demo")
    assert compiled, "nothing was compiled: the test no longer sees Jinja's compile step"
    assert len(compiled) == len(set(compiled)), sorted(compiled)


def test_operation_descriptors_are_rendered_as_black_writes_them() -> None:
    """black formats a piece twice when its first pass changed it: the descriptors of
    ``_operations.py`` (the most pieces of a package) are laid out so that it changes nothing."""
    operation = {
        "operationId": "PutThing",
        "parameters": [
            {"name": "thingId", "in": "path", "required": True, "schema": {"type": "string"}},
            {
                "name": "expand",
                "in": "query",
                "schema": {"type": "array", "items": {"type": "string"}},
            },
        ],
        "security": [{"key": []}, {"key": [], "basic": []}],
        "requestBody": {
            "content": {
                "application/json": {
                    "schema": {"type": "object", "properties": {"photoUrls": {"type": "string"}}}
                }
            }
        },
        "responses": {
            "200": {
                "description": "ok",
                "content": {
                    "application/json": {"schema": {"type": "object"}},
                    "application/xml": {"schema": {"type": "object"}},
                },
            },
            "404": {
                "description": "no",
                "content": {"application/json": {"schema": {"$ref": "#/components/schemas/E"}}},
            },
        },
    }
    data = {
        "openapi": "3.0.0",
        "info": {"title": "Demo API", "version": "7"},
        "servers": [{"url": "https://api.example.com/"}],
        "security": [{"key": []}],
        "paths": {"/things/{thingId}": {"put": operation}},
        "components": {
            "schemas": {"E": {"type": "object", "properties": {"message": {"type": "string"}}}},
            "securitySchemes": {
                "key": {"type": "apiKey", "in": "header", "name": "X-Key"},
                "basic": {"type": "http", "scheme": "basic"},
            },
        },
    }
    api = build_api(BuildInput(valid_spec(data), "spec/s.yaml", make_profile({}, "Demo API")))
    text = render_package(api, "demo")["_operations.py"]
    for keyword in ("wire_names={", "responses={", "errors={", "security=(", "credentials={"):
        assert keyword in text, keyword  # the layouts under test are there
    for piece in text.split(format.CHUNK):
        assert format.format_piece("_operations.py", piece) == piece

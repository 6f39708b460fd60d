"""Loading (JSON/YAML, cache, errors) and OpenAPI validation."""

from __future__ import annotations

import ast
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from support.paths import ROOT

from generator.errors import GeneratorError
from generator.load import load_document
from generator.lower import build_api
from generator.parse import Spec, parse_document

MINIMAL = "openapi: 3.0.3\ninfo: {title: T, version: '1'}\npaths: {}\n"


@pytest.fixture(autouse=True)
def private_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GENERATOR_CACHE_DIR", str(tmp_path / "cache"))


def test_yaml_and_json_load_to_the_same_data(tmp_path: Path) -> None:
    yaml_file = tmp_path / "a.yaml"
    json_file = tmp_path / "a.json"
    yaml_file.write_text(MINIMAL)
    json_file.write_text(
        '{"openapi": "3.0.3", "info": {"title": "T", "version": "1"}, "paths": {}}'
    )
    assert load_document(yaml_file).data == load_document(json_file).data


def test_yaml_is_cached_by_content(tmp_path: Path) -> None:
    spec = tmp_path / "a.yaml"
    spec.write_text(MINIMAL)
    first = load_document(spec)
    cached = list((tmp_path / "cache" / "documents").iterdir())
    assert [p.name.split(".")[0] for p in cached] == [first.sha256]
    assert load_document(spec).data == first.data
    spec.write_text(MINIMAL.replace("title: T", "title: U"))
    assert load_document(spec).data["info"]["title"] == "U"


@pytest.mark.parametrize(
    ("name", "text", "expected"),
    [
        ("bad.yaml", "openapi: 3.0.0\ninfo: [\n", "invalid YAML at line 3, column 1"),
        ("bad.json", '{"openapi": "3.0.0",\n  "info": }', "invalid JSON at line 2, column 11"),
        ("list.yaml", "- 1\n- 2\n", "not a mapping"),
    ],
)
def test_syntax_errors_name_file_and_place(
    tmp_path: Path, name: str, text: str, expected: str
) -> None:
    path = tmp_path / name
    path.write_text(text)
    with pytest.raises(GeneratorError) as caught:
        load_document(path)
    assert expected in str(caught.value)
    assert str(path) in str(caught.value)


def test_missing_file_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(GeneratorError, match="cannot read spec"):
        load_document(tmp_path / "nope.yaml")


@pytest.mark.parametrize("version", ["3.0.0", "3.0.3", "3.1.0"])
def test_openapi_3_0_and_3_1_parse(tmp_path: Path, version: str) -> None:
    path = tmp_path / "s.yaml"
    path.write_text(MINIMAL.replace("3.0.3", version))
    spec = parse_document(load_document(path))
    assert spec.data["openapi"] == version
    assert spec.version == version[:3]
    assert (spec.title, spec.paths, spec.schemas) == ("T", {}, {})


def test_swagger_2_is_refused_with_its_version(tmp_path: Path) -> None:
    path = tmp_path / "s.yaml"
    path.write_text("swagger: '2.0'\ninfo: {title: T, version: '1'}\npaths: {}\n")
    with pytest.raises(GeneratorError, match=r"Swagger 2\.0.*OpenAPI 3\.0, 3\.1 or 3\.2 is needed"):
        parse_document(load_document(path))


def test_invalid_document_error_points_at_the_place(tmp_path: Path) -> None:
    path = tmp_path / "s.yaml"
    path.write_text(MINIMAL.replace("paths: {}", "paths:\n  /x:\n    get:\n      responses: 7\n"))
    with pytest.raises(GeneratorError) as caught:
        parse_document(load_document(path))
    assert caught.value.where == "/paths/~1x/get/responses"


def test_only_parsing_makes_the_spec_the_builder_takes() -> None:
    """``build_api`` takes a ``Spec`` (mypy holds every caller to it), and the one place in the
    generator that constructs a ``Spec`` is ``parse_document``, after validation."""
    assert build_api.__annotations__["inp"] == "BuildInput"
    from generator.lower import BuildInput

    assert BuildInput.__annotations__["spec"] == "Spec"
    makers = []
    for path in sorted((ROOT / "generator").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.Call)
                and getattr(node.func, "id", None) == Spec.__name__
            ):
                makers.append(path.relative_to(ROOT).as_posix())
    assert makers == ["generator/parse.py"]
    assert "return Spec(" in (ROOT / "generator" / "parse.py").read_text(
        encoding="utf-8"
    )


@pytest.mark.parametrize(
    ("version", "loaded", "left_out"),
    [("3.0.3", "v3_0", "v3_1"), ("3.1.0", "v3_1", "v3_0")],
)
def test_parsing_imports_only_the_models_of_the_documents_version(
    tmp_path: Path, version: str, loaded: str, left_out: str
) -> None:
    """openapi-pydantic's package builds the 3.0 and 3.1 models together; parsing loads only
    the version a document needs, and a plain import of the package afterwards still works.
    """
    path = tmp_path / "s.yaml"
    path.write_text(MINIMAL.replace("3.0.3", version))
    code = f"""
        import sys
        from pathlib import Path
        from generator.load import load_document
        from generator.parse import parse_document
        parse_document(load_document(Path({str(path)!r})))
        models = sorted(m for m in sys.modules if m.startswith("openapi_pydantic"))
        assert "openapi_pydantic.v3.{loaded}" in models, models
        assert "openapi_pydantic.v3.{left_out}" not in models, models
        assert "openapi_pydantic" not in models, models  # the package __init__ never ran
        import openapi_pydantic
        from openapi_pydantic.v3 import v3_0, v3_1
        assert openapi_pydantic.OpenAPI is v3_1.OpenAPI
        v3_0.OpenAPI.model_validate({{"openapi": "3.0.3", "info": {{"title": "T", "version": "1"}}, "paths": {{}}}})
        print("ok")
    """
    run = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env={"GENERATOR_CACHE_DIR": str(tmp_path / "cache"), "PATH": "/usr/bin:/bin"},
    )
    assert run.stdout.strip() == "ok", run.stderr

"""Tolerant reading: a local defect degrades only its own part, with a warning naming the
pointer and the field; only an unusable skeleton is refused, naming the field."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from generator.config import make_target
from generator.errors import GeneratorError
from generator.ir import Api, Lit, Operation, Prim, UnionOf
from generator.pipeline import build


@pytest.fixture(autouse=True)
def private_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GENERATOR_CACHE_DIR", str(tmp_path / "cache"))


def ok(schema: dict[str, Any] | None = None) -> dict[str, Any]:
    content = {"application/json": {"schema": schema or {"type": "string"}}}
    return {"200": {"description": "ok", "content": content}}


def spec(paths: dict[str, Any], version: str = "3.0.3", **extra: Any) -> dict[str, Any]:
    return {"openapi": version, "info": {"title": "T", "version": "1"}, "paths": paths, **extra}


def body(schema: dict[str, Any]) -> dict[str, Any]:
    return {"content": {"application/json": {"schema": schema}}}


def built(tmp_path: Path, document: dict[str, Any]) -> Api:
    path = tmp_path / "spec.yaml"
    path.write_text(yaml.safe_dump(document))
    return build(make_target(tmp_path, path, tmp_path / "out", "pkg", (), {}))


def op(api: Api, name: str) -> Operation:
    (found,) = [o for o in api.operations if o.py_name == name]
    return found


GOOD = {"get": {"operationId": "good", "responses": ok()}}


def test_an_empty_enum_becomes_the_plain_type(tmp_path: Path) -> None:
    color = {"type": "string", "enum": []}
    document = spec(
        {
            "/paint": {
                "post": {
                    "operationId": "paint",
                    "requestBody": body({"type": "object", "properties": {"color": color}}),
                    "responses": ok(),
                }
            },
            "/good": GOOD,
        }
    )
    api = built(tmp_path, document)
    where = "/paths/~1paint/post/requestBody/content/application~1json/schema/properties/color"
    assert api.warnings == (
        f"#{where}/enum: an empty 'enum' list is not allowed; its plain type stays",
    )
    (param,) = op(api, "paint").parameters
    assert param.wire_name == "color" and param.type == Prim("str")
    assert op(api, "good").response.type is not None


def test_a_3_1_keyword_in_a_3_0_document_is_read_as_3_1(tmp_path: Path) -> None:
    document = spec(
        {"/a": {"get": {"operationId": "a", "responses": ok({"type": ["string", "null"]})}}}
    )
    api = built(tmp_path, document)
    where = "/paths/~1a/get/responses/200/content/application~1json/schema"
    assert api.warnings == (
        f"#{where}/type: written as in OpenAPI 3.1, in a 3.0 document; read as OpenAPI 3.1",
    )
    response = op(api, "a").response
    assert response.kind == "model"  # a named alias of str | None


def test_other_unusable_schemas_are_typed_any(tmp_path: Path) -> None:
    document = spec({"/a": {"get": {"operationId": "a", "responses": ok({"type": "strin"})}}})
    api = built(tmp_path, document)
    (warning,) = api.warnings
    assert warning.startswith(
        "#/paths/~1a/get/responses/200/content/application~1json/schema: 'type': "
    )
    assert warning.endswith("(found 'strin'); the schema is typed as Any")
    assert op(api, "a").response.kind == "any"


def test_missing_responses_give_an_untyped_response(tmp_path: Path) -> None:
    api = built(tmp_path, spec({"/a": {"get": {"operationId": "a"}}, "/good": GOOD}))
    assert api.warnings == (
        "#/paths/~1a/get: no 'responses' (OpenAPI requires them); the response is untyped",
    )
    assert op(api, "a").response.kind == "any"


def test_an_unusable_operation_is_skipped_and_named(tmp_path: Path) -> None:
    bad = {"operationId": "bad", "parameters": [{"name": "x", "in": "body"}], "responses": ok()}
    api = built(tmp_path, spec({"/a": {"get": bad}, "/good": GOOD}))
    (warning,) = api.warnings
    assert warning.startswith("#/paths/~1a/get: parameters/0/in: ")
    assert warning.endswith("(found 'body'); operation skipped")
    assert [o.py_name for o in api.operations] == ["good"]


def test_a_document_left_without_operations_is_refused_naming_the_field(tmp_path: Path) -> None:
    bad = {"operationId": "bad", "parameters": [{"name": "x", "in": "body"}], "responses": ok()}
    with pytest.raises(GeneratorError) as caught:
        built(tmp_path, spec({"/a": {"get": bad}}))
    assert caught.value.where == "/paths/~1a/get/parameters/0/in"
    assert "found 'body'" in caught.value.message


def test_a_broken_skeleton_is_refused_naming_the_field(tmp_path: Path) -> None:
    with pytest.raises(GeneratorError) as caught:
        built(tmp_path, {"openapi": "3.0.3", "info": {"title": "T"}, "paths": {}})
    assert caught.value.where == "/info"
    assert "version" in caught.value.message or "Field required" in caught.value.message


def test_a_dangling_ref_in_a_response_leaves_that_response_untyped(tmp_path: Path) -> None:
    responses = {
        **ok({"$ref": "#/components/schemas/Nope"}),
        "404": {"$ref": "#/components/responses/Gone"},
    }
    api = built(tmp_path, spec({"/a": {"get": {"operationId": "a", "responses": responses}}}))
    assert api.warnings == (
        "#/paths/~1a/get/responses/200/content/application~1json/schema/$ref: dangling $ref:"
        " target /components/schemas/Nope does not exist; that response is untyped",
        "#/paths/~1a/get/responses/404/$ref: dangling $ref: target /components/responses/Gone"
        " does not exist; that response is untyped",
    )
    assert op(api, "a").response.kind == "any"


def test_a_dangling_ref_elsewhere_is_still_an_error(tmp_path: Path) -> None:
    request = {"operationId": "a", "requestBody": body({"$ref": "#/nope"}), "responses": ok()}
    with pytest.raises(GeneratorError, match="dangling \\$ref"):
        built(tmp_path, spec({"/a": {"post": request}}))


def test_examples_and_defaults_of_the_wrong_type_are_ignored(tmp_path: Path) -> None:
    flag = {"type": "boolean", "default": "false", "example": True}
    count = {"type": "integer", "example": None, "default": 3}
    params = [
        {"name": "flag", "in": "query", "schema": flag},
        {"name": "count", "in": "query", "schema": count},
    ]
    api = built(
        tmp_path,
        spec({"/a": {"get": {"operationId": "a", "parameters": params, "responses": ok()}}}),
    )
    assert api.warnings == (
        "#/paths/~1a/get/parameters/0/schema/default: 'false' is not of the schema's type (boolean); ignored",
        "#/paths/~1a/get/parameters/1/schema/example: None is not of the schema's type (integer); ignored",
    )
    flag_param, count_param = op(api, "a").parameters
    assert flag_param.default is None and flag_param.example is not None
    assert count_param.default is not None and count_param.example is None


def test_the_types_stay_exact_where_nothing_is_wrong(tmp_path: Path) -> None:
    schema = {"type": "string", "enum": ["a", "b"], "default": "a", "example": "b"}
    api = built(tmp_path, spec({"/a": {"get": {"operationId": "a", "responses": ok(schema)}}}))
    assert api.warnings == ()
    response = op(api, "a").response
    assert response.kind == "model"
    assert not isinstance(response.type, UnionOf | Lit)  # named: the alias of the literal

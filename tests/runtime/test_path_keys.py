"""Path keys that carry a query (``/responses/{id}?beta=true``) or a fragment
(``/web_links/{id}#add_shared_link``): checked on the wire, over real HTTP on 127.0.0.1.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from types import ModuleType
from typing import Any

import pytest
from support.inline_specs import api_of
from support.packages import generate_package
from support.recording_server import Recorder

from generator.explorer.preview import preview
from generator.gateway.validate import validate


def _query(name: str, required: bool = False) -> dict[str, Any]:
    return {
        "name": name,
        "in": "query",
        "required": required,
        "schema": {"type": "string"},
    }


_OK = {
    "200": {
        "description": "ok",
        "content": {"application/json": {"schema": {"type": "object"}}},
    }
}
PATHS: dict[str, Any] = {
    "/responses/{id}?beta=true&mode=a%20b": {
        "get": {
            "operationId": "get_response",
            "parameters": [
                {"name": "id", "in": "path", "required": True, "schema": {"type": "string"}},
                _query("include"),
                _query("mode"),
            ],
            "responses": _OK,
        }
    },
    "/web_links/{id}#add_shared_link": {
        "put": {
            "operationId": "add_shared_link",
            "parameters": [
                {"name": "id", "in": "path", "required": True, "schema": {"type": "string"}},
                _query("fields", required=True),
            ],
            "responses": _OK,
        }
    },
    "/web_links/{id}": {
        "put": {
            "operationId": "update_web_link",
            "parameters": [{"name": "id", "in": "path", "required": True, "schema": {"type": "string"}}],
            "responses": _OK,
        }
    },
}  # fmt: skip


def test_the_ir_carries_the_clean_path_and_the_fixed_query_and_warns_once() -> None:
    api = api_of(PATHS)
    ops = {op.py_name: op for op in api.operations}
    assert (ops["get_response"].path, ops["get_response"].fixed_query) == (
        "/responses/{id}",
        "beta=true&mode=a%20b",
    )
    assert (ops["add_shared_link"].path, ops["add_shared_link"].fixed_query) == (
        "/web_links/{id}",
        "",
    )
    assert ops["add_shared_link"].where == "/paths/~1web_links~1{id}#add_shared_link/put"
    query_warnings = [w for w in api.warnings if "a path key with a query string" in w]
    fragment_warnings = [w for w in api.warnings if "a path key with a fragment" in w]
    assert len(query_warnings) == 1 and "/paths/~1responses~1{id}?beta=true" in query_warnings[0]
    assert len(fragment_warnings) == 1 and "#add_shared_link" in fragment_warnings[0]


@pytest.fixture(scope="module")
def keys(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ModuleType]:
    out = tmp_path_factory.mktemp("keys")
    spec = {
        "openapi": "3.0.3",
        "info": {"title": "Keys API", "version": "1"},
        "servers": [{"url": "https://keys.example.com"}],
        "paths": PATHS,
    }
    yield generate_package(spec, out, "path_keys")
    sys.path.remove(str(out))


def test_fixed_query_and_fragment_on_the_wire(
    keys: ModuleType, server: tuple[str, Recorder]
) -> None:
    url, recorder = server
    with keys.KeysClient(base_url=url, max_retries=0) as client:
        client.get_response(id="r 1")
        client.get_response(id="r1", include="file")
        # a name given replaces the fixed one
        client.get_response(id="r1", mode="c", include="x")
        client.add_shared_link(id="12345", fields="shared_link")
        client.update_web_link(id="12345")
    assert [(r.method, r.path) for r in recorder.requests] == [
        ("GET", "/responses/r%201?beta=true&mode=a%20b"),
        ("GET", "/responses/r1?beta=true&mode=a%20b&include=file"),
        ("GET", "/responses/r1?beta=true&include=x&mode=c"),
        ("PUT", "/web_links/12345?fields=shared_link"),
        ("PUT", "/web_links/12345"),
    ]


def test_the_gateway_takes_the_fixed_query_as_the_operations_own() -> None:
    api = api_of(PATHS)
    op = next(o for o in api.operations if o.py_name == "get_response")
    assert validate(api, op, path={"id": "r1"}, query={"beta": "true", "include": "x"}) == []
    (problem,) = validate(api, op, path={"id": "r1"}, query={"alpha": "1"})
    assert problem.code == "parameter_unknown"


def test_the_explorer_preview_sends_what_the_client_sends() -> None:
    api = api_of(PATHS)
    ops = {o.py_name: o for o in api.operations}
    shown = preview(
        api,
        ops["get_response"],
        {"id": "r1", "include": "x"},
        package="path_keys",
        base_url=None,
    )
    assert (shown.method, shown.target, shown.problems) == (
        "GET",
        "/responses/r1?beta=true&mode=a%20b&include=x",
        [],
    )
    shown = preview(
        api,
        ops["add_shared_link"],
        {"id": "1", "fields": "a"},
        package="path_keys",
        base_url=None,
    )
    assert shown.target == "/web_links/1?fields=a"

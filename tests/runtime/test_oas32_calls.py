"""OpenAPI 3.2 documents end to end: a crafted document per feature, generated, imported and
called over real HTTP on 127.0.0.1 where a call is involved."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from support.packages import generate_package
from support.recording_server import Recorder, Reply

from generator.ir import Api, Tag
from generator.load import load_document
from generator.spec_ir import build_ir
from generator.views.tags import tag_label

SELF = "https://api.example.com/specs/openapi.json"
_JSON = "application/json"


def _response(schema_ref: str) -> dict[str, Any]:
    # no description: optional from 3.2 on
    return {"200": {"content": {_JSON: {"schema": {"$ref": schema_ref}}}}}


def _querystring(name: str, media: str) -> dict[str, Any]:
    return {
        "name": name,
        "in": "querystring",
        "content": {media: {"schema": {"$ref": "#/components/schemas/Filter"}}},
    }


SPEC: dict[str, Any] = {
    "openapi": "3.2.0",
    "$self": SELF,
    "info": {"title": "Shelf API", "version": "1"},
    "servers": [{"url": "https://shelf.example.com", "name": "production"}],
    "tags": [
        {"name": "items", "summary": "Items"},
        {"name": "books", "summary": "Books", "parent": "items", "kind": "nav"},
        {"name": "stray", "parent": "nowhere"},
    ],
    "paths": {
        "/items": {
            "query": {
                "operationId": "search_items",
                "tags": ["books"],
                "requestBody": {"required": True, "content": {_JSON: {"schema": {"$ref": "openapi.json#/components/schemas/Filter"}}}},
                "responses": _response(SELF + "#/components/schemas/Item"),
            },
        },
        "/items/{id}": {
            "parameters": [{"name": "id", "in": "path", "required": True, "schema": {"type": "string"}}],
            "get": {"operationId": "get_item", "tags": ["items"], "responses": _response("#/components/schemas/Item")},
            "additionalOperations": {
                "LINK": {"operationId": "link_item", "responses": {"204": {}}},
                "purge": {"operationId": "purge_item", "responses": {"204": {}}},
                "POST": {"operationId": "not_here", "responses": {"204": {}}},
            },
        },
        "/search": {"get": {"operationId": "search", "parameters": [_querystring("filter", "application/x-www-form-urlencoded")], "responses": _response("#/components/schemas/Item")}},
        "/search-json": {"get": {"operationId": "search_json", "parameters": [_querystring("filter", _JSON)], "responses": _response("#/components/schemas/Item")}},
        "/events": {
            "get": {
                "operationId": "events",
                "responses": {"200": {"content": {"text/event-stream": {"itemSchema": {"$ref": "#/components/schemas/Item"}, "itemEncoding": {"contentType": _JSON}}}}},
            }
        },
    },
    "components": {
        "schemas": {
            "Item": {"type": "object", "required": ["id"], "properties": {"id": {"type": "string"}, "title": {"type": "string"}}},
            "Filter": {"type": "object", "properties": {"term": {"type": "string"}, "limit": {"type": "integer"}}},
        },
        "securitySchemes": {
            "device": {
                "type": "oauth2",
                "flows": {"deviceAuthorization": {"deviceAuthorizationUrl": "https://shelf.example.com/device", "tokenUrl": "https://shelf.example.com/token", "scopes": {"read": "read"}}},
            }
        },
    },
    "security": [{"device": []}],
}  # fmt: skip


@pytest.fixture(scope="module")
def api(tmp_path_factory: pytest.TempPathFactory) -> Api:
    spec = tmp_path_factory.mktemp("shelf-ir") / "openapi.json"
    spec.write_text(json.dumps(SPEC))
    return build_ir(load_document(spec), "spec/openapi.json", {})


@pytest.fixture(scope="module")
def shelf(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ModuleType]:
    out = tmp_path_factory.mktemp("shelf")
    yield generate_package(SPEC, out, "shelf")
    sys.path.remove(str(out))


def test_operations_of_a_3_2_path_item(api: Api) -> None:
    ops = {op.py_name: (op.method, op.path, op.where) for op in api.operations}
    assert ops["search_items"] == ("QUERY", "/items", "/paths/~1items/query")
    assert ops["link_item"] == (
        "LINK",
        "/items/{id}",
        "/paths/~1items~1{id}/additionalOperations/LINK",
    )
    assert ops["purge_item"][0] == "purge"  # sent as the key spells it
    assert "not_here" not in ops
    (refused,) = [w for w in api.warnings if "additionalOperations/POST" in w]
    assert "'POST' has its own field" in refused and "operation skipped" in refused


def test_3_2_keywords_not_used_are_named_and_device_flow_is_warned(api: Api) -> None:
    text = "\n".join(api.warnings)
    assert "/paths/~1events/get/responses/200/content/text~1event-stream/itemEncoding" in text
    assert "#/servers/0/name: the server name (OpenAPI 3.2) is not used by the client" in text
    assert "OAuth2 flow 'deviceAuthorization' is not run by the client" in text
    assert [c.argument for c in api.credentials] == ["token"]


def test_tags_nest_under_their_parents(api: Api, shelf: ModuleType) -> None:
    assert api.tags[:2] == (
        Tag("items", summary="Items"),
        Tag("books", summary="Books", parent="items", kind="nav"),
    )
    assert api.tags[2].parent is None  # an undeclared parent: top-level, with a warning
    assert any("#/tags/2/parent: parent 'nowhere'" in w for w in api.warnings)
    assert tag_label(api, "books") == "Items / Books"
    index = (Path(shelf.__file__).parent / "docs" / "README.md").read_text()
    assert index.index("Items") < index.index("Items / Books")


def test_self_makes_absolute_and_relative_refs_local(api: Api) -> None:
    search = next(op for op in api.operations if op.py_name == "search_items")
    assert search.response.type is not None and search.response.type.name == "Item"  # type: ignore[union-attr]
    assert [p.wire_name for p in search.parameters] == ["term", "limit"]


def test_query_additional_operations_and_querystring_over_http(
    shelf: ModuleType, server: tuple[str, Recorder]
) -> None:
    url, recorder = server
    recorder.default = Reply(200, {"id": "i1", "title": "Dune"})
    with shelf.ShelfClient(base_url=url, token="tok", max_retries=0) as client:
        found = client.search_items(term="dune", limit=2)
        recorder.default = Reply(204, b"")
        client.link_item(id="i1")
        client.purge_item(id="i 2")
        recorder.default = Reply(200, {"id": "i1"})
        client.search(filter={"term": "a b", "limit": 3})
        client.search_json(filter={"term": "a&b"})
    assert found.id == "i1" and found.title == "Dune"
    sent = [(r.method, r.path, r.body) for r in recorder.requests]
    assert sent[0] == ("QUERY", "/items", b'{"term":"dune","limit":2}')
    # httpx sends every method upper-case, whatever the spec's spelling
    assert sent[1:3] == [("LINK", "/items/i1", b""), ("PURGE", "/items/i%202", b"")]
    assert sent[3][1] == "/search?term=a%20b&limit=3"
    assert sent[4][1] == "/search-json?%7B%22term%22%3A%22a%26b%22%7D"
    assert all(r.headers["authorization"] == "Bearer tok" for r in recorder.requests)

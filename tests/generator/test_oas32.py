"""OpenAPI 3.2 documents: read through 3.1's validator, their additions lowered into the IR."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from generator.ir import Api, ModelRef, Prim
from generator.load import load_document
from generator.spec_ir import build_ir


def doc32(paths: dict[str, Any], **extra: Any) -> dict[str, Any]:
    return {
        "openapi": "3.2.0",
        "info": {"title": "Demo 3.2", "version": "1"},
        "servers": [{"url": "https://api.example.com"}],
        "paths": paths,
        **extra,
    }


def built(tmp_path: Path, data: dict[str, Any]) -> Api:
    spec = tmp_path / "openapi.json"
    spec.write_text(json.dumps(data))
    return build_ir(load_document(spec), "spec/openapi.json", {})


EVENT = {
    "type": "object",
    "properties": {"event": {"type": "string"}, "data": {"type": "string"}},
    "required": ["data"],
}


def test_item_schema_is_recorded_per_media_type(tmp_path: Path) -> None:
    api = built(
        tmp_path,
        doc32(
            {
                "/events": {
                    "get": {
                        "operationId": "streamEvents",
                        "responses": {
                            "200": {
                                "description": "events",
                                "content": {
                                    "application/jsonl": {
                                        "itemSchema": {"$ref": "#/components/schemas/Event"}
                                    },
                                    "text/event-stream": {"$ref": "#/components/mediaTypes/Sse"},
                                },
                            }
                        },
                    }
                }
            },
            components={
                "schemas": {"Event": EVENT},
                "mediaTypes": {
                    "Sse": {
                        "itemSchema": {
                            "type": "object",
                            "properties": {"id": {"type": "integer"}},
                        }
                    }
                },
            },
        ),
    )
    (op,) = api.operations
    jsonl, sse = op.response.media
    assert jsonl.media_type == "application/jsonl"
    assert jsonl.item_type == ModelRef("Event", "event")
    assert sse.media_type == "text/event-stream"
    assert isinstance(sse.item_type, ModelRef)
    model = next(m for m in api.models if m.name == sse.item_type.name)
    assert [(f.wire_name, f.type) for f in model.fields] == [("id", Prim("int"))]
    assert model.where == "/components/mediaTypes/Sse/itemSchema"


def test_a_media_type_without_item_schema_has_no_item_type(tmp_path: Path) -> None:
    api = built(
        tmp_path,
        doc32(
            {
                "/things": {
                    "get": {
                        "operationId": "listThings",
                        "responses": {"200": {"content": {"application/json": {"schema": EVENT}}}},
                    }
                }
            }
        ),
    )
    (op,) = api.operations
    assert [m.item_type for m in op.response.media] == [None]
    assert op.response.kind == "model"


def test_request_item_schema_and_media_type_refs_everywhere(tmp_path: Path) -> None:
    api = built(
        tmp_path,
        doc32(
            {
                "/upload": {
                    "post": {
                        "operationId": "uploadEvents",
                        "requestBody": {
                            "content": {
                                "application/jsonl": {"$ref": "#/components/mediaTypes/Lines"}
                            }
                        },
                        "responses": {
                            "204": {},
                            "400": {
                                "content": {
                                    "application/json": {"$ref": "#/components/mediaTypes/Problem"}
                                }
                            },
                        },
                    }
                }
            },
            components={
                "schemas": {
                    "Event": EVENT,
                    "Problem": {
                        "type": "object",
                        "properties": {"title": {"type": "string"}},
                    },
                },
                "mediaTypes": {
                    "Lines": {"itemSchema": {"$ref": "#/components/schemas/Event"}},
                    "Problem": {"schema": {"$ref": "#/components/schemas/Problem"}},
                },
            },
        ),
    )
    (op,) = api.operations
    assert op.body is not None and op.body.media_type == "application/jsonl"
    assert op.body.item_type is not None and op.body.item_type.name == "EventParams"  # type: ignore[union-attr]
    (error,) = op.errors
    assert error.type == ModelRef("Problem", "problem")

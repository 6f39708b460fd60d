"""Example values are data: a key named ``$ref`` under ``example``, ``examples`` (an Example
Object's ``value``), ``default``, ``const``, ``enum`` or an extension is never followed, in a
single-file spec and in a multi-file one."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import yaml

from generator.ir import Value
from generator.load import load_document
from generator.spec_ir import build_ir

SCIM = {"members": [{"$ref": "https://scim.example.com/Users/1", "value": "1"}]}
GROUP = {
    "type": "object",
    "properties": {
        "members": {
            "type": "array",
            "items": {"type": "object", "properties": {"value": {"type": "string"}}},
            "default": [{"$ref": "#/nowhere", "value": "0"}],
            "x-sample": {"$ref": "other.yaml#/nothing"},
        },
        "kind": {
            "type": "object",
            "const": {"$ref": "#/not/a/ref"},
            "enum": [{"$ref": "x"}],
        },
    },
    "example": SCIM,
}


def _operation(schema_ref: str, response_ref: str) -> dict[str, Any]:
    return {
        "post": {
            "operationId": "createGroup",
            "x-payload": {"$ref": "https://elsewhere.example.com/spec.json"},
            "requestBody": {
                "content": {
                    "application/json": {
                        "schema": {"$ref": schema_ref},
                        "example": SCIM,
                        "examples": {
                            "scim": {"summary": "SCIM", "value": SCIM},
                            "shared": {"$ref": "#/components/examples/Scim"},
                        },
                    }
                }
            },
            "parameters": [
                {
                    "name": "filter",
                    "in": "query",
                    "schema": {"type": "object", "additionalProperties": True},
                    "examples": {"one": {"value": {"$ref": "#/dangling"}}},
                }
            ],
            "responses": {"201": {"$ref": response_ref}},
        }
    }


def _document(paths: dict[str, Any], components: dict[str, Any]) -> dict[str, Any]:
    return {
        "openapi": "3.1.0",
        "info": {"title": "SCIM", "version": "1"},
        "servers": [{"url": "https://scim.example.com"}],
        "paths": paths,
        "components": components,
    }


def _check(spec: Path) -> None:
    doc = load_document(spec)
    api = build_ir(doc, "spec/scim", {})
    (op,) = api.operations
    assert not [w for w in api.warnings if "$ref" in w], api.warnings
    members = next(p for p in op.parameters if p.wire_name == "members")
    assert members.default == Value(json.dumps([{"$ref": "#/nowhere", "value": "0"}]))
    flt = next(p for p in op.parameters if p.wire_name == "filter")
    assert flt.example is not None and flt.example.value == {"$ref": "#/dangling"}
    assert op.response.kind == "model"  # the response stays typed
    group = next(m for m in api.models if m.name == "Group")
    assert [f.wire_name for f in group.fields] == ["members", "kind"]


def test_refs_in_example_data_are_data_in_one_file(tmp_path: Path) -> None:
    components = {
        "schemas": {"Group": GROUP},
        "examples": {"Scim": {"value": SCIM, "x-note": {"$ref": "https://x.example.com"}}},
        "responses": {
            "Made": {
                "description": "made",
                "content": {
                    "application/json": {
                        "schema": {"$ref": "#/components/schemas/Group"},
                        "example": {"members": [{"$ref": "#/components/schemas/Missing"}]},
                    }
                },
            }
        },
    }
    paths = {"/Groups": _operation("#/components/schemas/Group", "#/components/responses/Made")}
    spec = tmp_path / "scim.json"
    spec.write_text(json.dumps(_document(paths, components)))
    _check(spec)


def test_refs_in_example_data_are_data_across_files(tmp_path: Path) -> None:
    (tmp_path / "group.yaml").write_text(yaml.safe_dump(GROUP, sort_keys=False))
    made = {
        "description": "made",
        "content": {
            "application/json": {
                "schema": {"$ref": "group.yaml"},
                "examples": {"scim": {"value": {"members": [{"$ref": "../outside.yaml"}]}}},
            }
        },
    }
    (tmp_path / "responses.yaml").write_text(yaml.safe_dump({"Made": made}, sort_keys=False))
    components = {"examples": {"Scim": {"value": SCIM}}}
    paths = {"/Groups": _operation("group.yaml", "responses.yaml#/Made")}
    spec = tmp_path / "openapi.yaml"
    spec.write_text(yaml.safe_dump(_document(paths, components), sort_keys=False))
    _check(spec)

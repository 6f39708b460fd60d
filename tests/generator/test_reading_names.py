"""snake_case Python names for parameters and model fields; the wire name is kept as the alias
and sent exactly; collisions resolve the same way whatever else the spec holds."""

from __future__ import annotations

import importlib
import json
import sys
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

import pytest
import yaml
from support.recording_server import Recorder, Reply

from generator import naming
from generator.config import make_target
from generator.pipeline import produce
from generator.write import write_package


@pytest.mark.parametrize(
    ("wire", "name"),
    [
        ("petId", "pet_id"),
        ("InvoiceID", "invoice_id"),
        ("api-key", "api_key"),
        ("X-Request-ID", "x_request_id"),
        ("HTTPServer", "http_server"),
        ("pageSize", "page_size"),
        ("ID", "id"),
        ("expand", "expand"),  # already snake_case: Stripe's names do not change
        ("payment_method_types", "payment_method_types"),
        ("class", "class_"),
        ("Class", "class_"),
        ("日本", "日本"),
        ("PayPal.Phone", "pay_pal_phone"),
    ],
)
def test_python_names_are_snake_case(wire: str, name: str) -> None:
    assert naming.python_name(wire) == name


def test_collisions_are_resolved_the_same_whatever_else_is_there() -> None:
    assert naming.field_names(["petId", "pet_id"]) == ["pet_id_2", "pet_id"]
    assert naming.field_names(["ID", "id", "Id"]) == ["id_2", "id", "id_3"]
    # unrelated names before, between or after change nothing
    assert naming.field_names(["aB", "petId", "zzTop", "pet_id", "other"]) == [
        "a_b",
        "pet_id_2",
        "zz_top",
        "pet_id",
        "other",
    ]
    assert naming.parameter_names(["PetId", "petId"]) == ["pet_id", "pet_id_2"]
    # a derived name never takes another parameter's exact wire name
    assert naming.parameter_names(["petId", "pet_id_2", "pet_id"]) == [
        "pet_id_3",
        "pet_id_2",
        "pet_id",
    ]


SPEC = {
    "openapi": "3.0.3",
    "info": {"title": "Snakes", "version": "1"},
    "paths": {
        "/pets/{petId}": {
            "post": {
                "operationId": "updatePet",
                "parameters": [
                    {
                        "name": "petId",
                        "in": "path",
                        "required": True,
                        "schema": {"type": "integer"},
                    },
                    {"name": "pageSize", "in": "query", "schema": {"type": "integer"}},
                    {"name": "X-Request-ID", "in": "header", "schema": {"type": "string"}},
                ],
                "requestBody": {
                    "content": {
                        "application/json": {
                            "schema": {
                                "type": "object",
                                "properties": {
                                    "ownerName": {"type": "string"},
                                    "owner_name": {"type": "string"},
                                },
                            }
                        }
                    }
                },
                "responses": {
                    "200": {
                        "description": "ok",
                        "content": {
                            "application/json": {"schema": {"$ref": "#/components/schemas/Invoice"}}
                        },
                    }
                },
            }
        }
    },
    "components": {
        "schemas": {
            "Invoice": {
                "type": "object",
                "properties": {
                    "InvoiceID": {"type": "string"},
                    "LineItems": {"type": "array", "items": {"type": "string"}},
                },
            }
        }
    },
}


def test_snake_case_names_send_and_read_the_wire_names(
    tmp_path: Path, server: tuple[str, Recorder]
) -> None:
    spec = tmp_path / "snakes.yaml"
    spec.write_text(yaml.safe_dump(SPEC))
    target = make_target(tmp_path, spec, tmp_path / "out", "snakes_pkg", (), {})
    output = produce(target)
    write_package(target.package_dir, output.files)
    (op,) = output.api.operations
    assert [(p.py_name, p.wire_name) for p in op.parameters] == [
        ("pet_id", "petId"),
        ("page_size", "pageSize"),
        ("x_request_id", "X-Request-ID"),
        ("owner_name_2", "ownerName"),  # the exact snake_case wire name keeps the plain name
        ("owner_name", "owner_name"),
    ]
    sys.path.insert(0, str(tmp_path / "out"))
    try:
        package = importlib.import_module("snakes_pkg")
    finally:
        sys.path.remove(str(tmp_path / "out"))
    url, recorder = server
    recorder.replies.append(Reply(200, {"InvoiceID": "inv_1", "LineItems": ["a"]}))
    with package.SnakesClient(api_key="k", base_url=url) as client:
        invoice = client.update_pet(
            pet_id=7, page_size=20, x_request_id="r1", owner_name_2="Ann", owner_name="ann"
        )
    assert invoice.invoice_id == "inv_1" and invoice.line_items == ["a"]
    assert invoice.model_dump(by_alias=True, exclude_unset=True) == {
        "InvoiceID": "inv_1",
        "LineItems": ["a"],
    }
    (request,) = recorder.requests
    assert urlsplit(request.path).path == "/pets/7"
    assert parse_qsl(urlsplit(request.path).query) == [("pageSize", "20")]
    assert request.headers["x-request-id"] == "r1"
    assert json.loads(request.body) == {"ownerName": "Ann", "owner_name": "ann"}

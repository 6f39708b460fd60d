"""A client for an API that is not Stripe's, built from a small petstore-style spec written
here: credentials from its security schemes, errors from its own error models, retries that
never repeat a write, no silently dropped options. Real HTTP on 127.0.0.1."""

from __future__ import annotations

import json
from collections.abc import Iterator
from types import ModuleType
from typing import Any

import pytest
from support.packages import generate_package
from support.recording_server import Recorder, Reply

ERROR = {
    "type": "object",
    "required": ["code", "message"],
    "properties": {"code": {"type": "integer"}, "message": {"type": "string"}},
}
PET = {
    "type": "object",
    "required": ["id", "name"],
    "properties": {"id": {"type": "integer"}, "name": {"type": "string"}},
}


def _json(ref: str, description: str = "") -> dict[str, Any]:
    schema = {"$ref": f"#/components/schemas/{ref}"}
    return {"description": description or ref, "content": {"application/json": {"schema": schema}}}


PETS_SPEC: dict[str, Any] = {
    "openapi": "3.0.3",
    "info": {"title": "Pet Shop API", "version": "1.0"},
    "servers": [{"url": "https://pets.example.com/v1"}],
    "paths": {
        "/pets": {
            "get": {
                "operationId": "list_pets",
                "responses": {
                    "200": {
                        "description": "pets",
                        "content": {
                            "application/json": {
                                "schema": {
                                    "type": "array",
                                    "items": {"$ref": "#/components/schemas/Pet"},
                                }
                            }
                        },
                    }
                },
            },
            "post": {
                "operationId": "create_pet",
                "requestBody": {
                    "required": True,
                    "content": {
                        "application/json": {"schema": {"$ref": "#/components/schemas/Pet"}}
                    },
                },
                "responses": {"201": _json("Pet"), "422": _json("ValidationProblem")},
            },
        },
        "/pets/{pet_id}": {
            "get": {
                "operationId": "get_pet",
                "parameters": [
                    {
                        "name": "pet_id",
                        "in": "path",
                        "required": True,
                        "schema": {"type": "integer"},
                    }
                ],
                "responses": {
                    "200": _json("Pet"),
                    "404": _json("Error"),
                    "default": _json("Error"),
                },
            },
        },
    },
    "components": {
        "schemas": {
            "Pet": PET,
            "Error": ERROR,
            "ValidationProblem": {
                "type": "object",
                "properties": {
                    "detail": {"type": "string"},
                    "fields": {"type": "array", "items": {"type": "string"}},
                },
            },
        }
    },
}


@pytest.fixture(scope="module")
def pets(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ModuleType]:
    yield generate_package(PETS_SPEC, tmp_path_factory.mktemp("pets"), "pet_shop")


def _client(pets: ModuleType, url: str, **kwargs: Any) -> Any:
    return pets.PetShopClient(base_url=url, max_retries=0, **kwargs)


# 2xx answers that are not what the spec declares ------------------------------------------
def test_2xx_that_is_not_json_raises_response_validation_error(
    pets: ModuleType, server: tuple[str, Recorder]
) -> None:
    url, recorder = server
    # Labelled JSON, as declared (an answer in an undeclared type fails before it is read).
    recorder.replies.append(Reply(200, b"<html>maintenance</html>"))
    with _client(pets, url) as client, pytest.raises(pets.APIResponseValidationError) as info:
        client.get_pet(pet_id=1)
    error = info.value
    assert isinstance(error, pets.PetShopError)
    assert error.status_code == 200
    assert error.body == "<html>maintenance</html>"
    assert "not valid JSON" in str(error)


@pytest.mark.parametrize("answer, kind", [([1, 2], "array"), ("pet", "string"), (None, "null")])
def test_2xx_of_another_json_type_raises_response_validation_error(
    pets: ModuleType, server: tuple[str, Recorder], answer: Any, kind: str
) -> None:
    url, recorder = server
    recorder.replies.append(Reply(200, json.dumps(answer).encode()))
    with _client(pets, url) as client, pytest.raises(pets.APIResponseValidationError) as info:
        client.get_pet(pet_id=1)
    assert f"a JSON {kind}" in str(info.value)


def test_a_drifted_field_still_parses(pets: ModuleType, server: tuple[str, Recorder]) -> None:
    url, recorder = server
    recorder.replies.append(Reply(200, {"id": "not-a-number", "name": "Rex", "new": 1}))
    with _client(pets, url) as client:
        pet = client.get_pet(pet_id=1)
    assert pet.name == "Rex" and pet.model_extra == {"new": 1}


def test_a_list_answer_that_is_an_object_raises(
    pets: ModuleType, server: tuple[str, Recorder]
) -> None:
    url, recorder = server
    recorder.replies.append(Reply(200, {"id": 1}))
    with _client(pets, url) as client, pytest.raises(pets.APIResponseValidationError) as info:
        client.list_pets()
    assert "a JSON object" in str(info.value)

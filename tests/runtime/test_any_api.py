"""A client for an API that is not Stripe's, built from a small petstore-style spec written
here: credentials from its security schemes, errors from its own error models, retries that
never repeat a write, no silently dropped options. Real HTTP on 127.0.0.1."""

from __future__ import annotations

import json
import logging
import socket
from collections.abc import Iterator
from types import ModuleType
from typing import Any

import pytest
from support.fault_server import FaultServer, Reset, Response, Stall, fault_server
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


# 2xx responses that are not what the spec declares ------------------------------------------
def test_2xx_that_is_not_json_raises_response_validation_error(
    pets: ModuleType, server: tuple[str, Recorder]
) -> None:
    url, recorder = server
    # Labelled JSON, as declared (a response in an undeclared type fails before it is read).
    recorder.replies.append(Reply(200, b"<html>maintenance</html>"))
    with _client(pets, url) as client, pytest.raises(pets.APIResponseValidationError) as info:
        client.get_pet(pet_id=1)
    error = info.value
    assert isinstance(error, pets.PetShopError)
    assert error.status_code == 200
    assert error.body == "<html>maintenance</html>"
    assert "not valid JSON" in str(error)


@pytest.mark.parametrize("response, kind", [([1, 2], "array"), ("pet", "string"), (None, "null")])
def test_2xx_of_another_json_type_raises_response_validation_error(
    pets: ModuleType, server: tuple[str, Recorder], response: Any, kind: str
) -> None:
    url, recorder = server
    recorder.replies.append(Reply(200, json.dumps(response).encode()))
    with _client(pets, url) as client, pytest.raises(pets.APIResponseValidationError) as info:
        client.get_pet(pet_id=1)
    assert f"a JSON {kind}" in str(info.value)


def test_a_drifted_field_still_parses(pets: ModuleType, server: tuple[str, Recorder]) -> None:
    url, recorder = server
    recorder.replies.append(Reply(200, {"id": "not-a-number", "name": "Rex", "new": 1}))
    with _client(pets, url) as client:
        pet = client.get_pet(pet_id=1)
    assert pet.name == "Rex"
    # the off-type value leaves its typed field but is kept as sent, beside the unknown field
    assert pet.model_extra == {"new": 1, "id": "not-a-number"}
    assert pet.model_dump(by_alias=True)["id"] == "not-a-number"


def test_a_list_response_that_is_an_object_raises(
    pets: ModuleType, server: tuple[str, Recorder]
) -> None:
    url, recorder = server
    recorder.replies.append(Reply(200, {"id": 1}))
    with _client(pets, url) as client, pytest.raises(pets.APIResponseValidationError) as info:
        client.list_pets()
    assert "a JSON object" in str(info.value)


# Errors from the spec's own error models ---------------------------------------------------
STATUS_CLASSES = [
    (400, "BadRequestError"),
    (401, "AuthenticationError"),
    (403, "PermissionDeniedError"),
    (404, "NotFoundError"),
    (409, "ConflictError"),
    (422, "UnprocessableEntityError"),
    (429, "RateLimitError"),
    (500, "InternalServerError"),
    (503, "InternalServerError"),
    (418, "APIStatusError"),
]


@pytest.mark.parametrize("status, class_name", STATUS_CLASSES)
def test_each_status_raises_its_class_with_the_declared_model_as_body(
    pets: ModuleType, server: tuple[str, Recorder], status: int, class_name: str
) -> None:
    url, recorder = server
    body = {"code": status, "message": f"pet 42: status {status} (verbatim, 'quoted')"}
    recorder.replies.append(Reply(status, body, {"X-Request-Id": "r-1"}))
    with _client(pets, url) as client, pytest.raises(pets.APIStatusError) as info:
        client.get_pet(pet_id=42)
    error = info.value
    assert type(error) is getattr(pets, class_name)
    assert isinstance(error, pets.PetShopError)
    # 404 is declared as Error, every other status falls to the declared default (also Error)
    assert isinstance(error.body, pets.Error)
    assert (error.body.code, error.body.message) == (status, body["message"])
    assert error.message == str(error) == body["message"]
    assert (error.status_code, error.request_id) == (status, "r-1")


def test_an_error_body_of_another_model_is_typed_by_its_status(
    pets: ModuleType, server: tuple[str, Recorder]
) -> None:
    url, recorder = server
    problem = {"detail": "name must not be empty", "fields": ["name"]}
    recorder.replies.append(Reply(422, problem))
    with _client(pets, url) as client, pytest.raises(pets.UnprocessableEntityError) as info:
        client.create_pet(id=1, name="")
    assert isinstance(info.value.body, pets.ValidationProblem)
    assert info.value.body.model_dump(by_alias=True, exclude_unset=True) == problem
    assert str(info.value) == "name must not be empty"


def test_a_raised_error_names_the_api_s_classes(
    pets: ModuleType, server: tuple[str, Recorder]
) -> None:
    """The base class is defined as ``PetShopError``, not exported under it: a traceback, the
    CLI's error line and ``repr`` name the classes a user can import and catch."""
    url, recorder = server
    recorder.replies.append(Reply(404, {"code": 404, "message": "no such pet"}))
    with _client(pets, url) as client, pytest.raises(pets.PetShopError) as info:
        client.get_pet(pet_id=7)
    error = info.value
    assert type(error).__name__ == "NotFoundError"
    names = [cls.__name__ for cls in type(error).__mro__]
    assert names == ["NotFoundError", "APIStatusError", "PetShopError", "Exception",
                     "BaseException", "object"]  # fmt: skip
    assert (pets.PetShopError.__module__, pets.PetShopError.__qualname__) == (
        "pet_shop._errors",
        "PetShopError",
    )
    assert repr(error).startswith("NotFoundError(message='no such pet'")


def test_an_error_body_that_fits_no_model_stays_raw(
    pets: ModuleType, server: tuple[str, Recorder]
) -> None:
    url, recorder = server
    recorder.replies.append(Reply(404, [{"message": "first"}]))
    recorder.replies.append(Reply(502, b"Bad gateway", {"Content-Type": "text/plain"}))
    with _client(pets, url) as client:
        with pytest.raises(pets.NotFoundError) as info:
            client.get_pet(pet_id=1)
        assert info.value.body == [{"message": "first"}]
        with pytest.raises(pets.InternalServerError) as info:
            client.get_pet(pet_id=1)
        assert info.value.body == "Bad gateway"
        assert str(info.value) == "HTTP 502 with no error message"


def test_no_stripe_names_in_another_apis_package(pets: ModuleType) -> None:
    from pathlib import Path

    text = "\n".join(p.read_text() for p in Path(pets.__file__).parent.rglob("*.py"))
    for name in ("CardError", "IdempotencyError", "InvalidRequestError", "class APIError"):
        assert name not in text
    assert "Idempotency-Key" not in (Path(pets.__file__).parent / "_operations.py").read_text()


# Retries that never repeat a write ----------------------------------------------------------
@pytest.fixture
def faults(pets: ModuleType, monkeypatch: pytest.MonkeyPatch) -> Iterator[FaultServer]:
    monkeypatch.setattr(pets._retries, "INITIAL_RETRY_DELAY", 0.002)
    monkeypatch.setattr(pets._retries, "MAX_RETRY_DELAY", 0.01)
    with fault_server() as server:
        yield server


PET_JSON = {"id": 7, "name": "Rex"}


def test_post_reset_after_it_was_read_is_sent_once(pets: ModuleType, faults: FaultServer) -> None:
    faults.script(Reset(), Response(201, body=PET_JSON))
    with (
        pets.PetShopClient(base_url=faults.url, max_retries=3) as client,
        pytest.raises(pets.APIConnectionError) as info,
    ):
        client.create_pet(id=7, name="Rex")
    assert len(faults.requests) == 1
    assert "not retried" in str(info.value) and "POST" in str(info.value)
    assert "idempotency-key" not in faults.requests[0].headers


def test_post_read_timeout_is_not_retried(pets: ModuleType, faults: FaultServer) -> None:
    faults.script(Stall(1.0), Response(201, body=PET_JSON))
    with (
        pets.PetShopClient(base_url=faults.url, max_retries=3, timeout=0.2) as client,
        pytest.raises(pets.APITimeoutError) as info,
    ):
        client.create_pet(id=7, name="Rex")
    assert len(faults.requests) == 1
    assert "not retried" in str(info.value)


@pytest.mark.parametrize("status", [429, 503])
def test_post_responded_429_or_503_with_retry_after_is_retried(
    pets: ModuleType, faults: FaultServer, status: int
) -> None:
    faults.script(
        Response(status, {"Retry-After": "0"}, {"message": "busy"}), Response(201, body=PET_JSON)
    )
    with pets.PetShopClient(base_url=faults.url) as client:
        pet = client.create_pet(id=7, name="Rex")
    assert pet.name == "Rex"
    assert [r.method for r in faults.requests] == ["POST", "POST"]


@pytest.mark.parametrize("status", [500, 502, 409])
def test_post_responded_another_error_is_not_retried(
    pets: ModuleType, faults: FaultServer, status: int
) -> None:
    faults.script(Response(status, body={"message": "boom"}), Response(201, body=PET_JSON))
    with pets.PetShopClient(base_url=faults.url) as client, pytest.raises(pets.APIStatusError):
        client.create_pet(id=7, name="Rex")
    assert len(faults.requests) == 1


def test_get_is_still_retried_after_a_reset_and_a_500(
    pets: ModuleType, faults: FaultServer
) -> None:
    faults.script(Reset(), Response(500, body={"message": "x"}), Response(200, body=PET_JSON))
    with pets.PetShopClient(base_url=faults.url) as client:
        assert client.get_pet(pet_id=7).name == "Rex"
    assert len(faults.requests) == 3


def test_post_refused_at_connect_is_retried(
    pets: ModuleType, faults: FaultServer, caplog: pytest.LogCaptureFixture
) -> None:
    with socket.socket() as probe:  # a port nothing listens on: connecting is refused
        probe.bind(("127.0.0.1", 0))
        closed = f"http://127.0.0.1:{probe.getsockname()[1]}"
    caplog.set_level(logging.INFO, logger="pet_shop")
    with (
        pets.PetShopClient(base_url=closed, max_retries=2) as client,
        pytest.raises(pets.APIConnectionError) as info,
    ):
        client.create_pet(id=7, name="Rex")
    attempts = [r.getMessage() for r in caplog.records if "ConnectError" in r.getMessage()]
    assert [a.split("attempt=")[1].split()[0] for a in attempts] == ["1/3", "2/3", "3/3"]
    assert "not retried" not in str(info.value)


# No silent drops ----------------------------------------------------------------------------
@pytest.mark.parametrize("key", ["timeuot", "stripe_account", "idempotency_key"])
def test_unknown_request_option_raises_type_error(
    pets: ModuleType, server: tuple[str, Recorder], key: str
) -> None:
    url, recorder = server
    with _client(pets, url) as client, pytest.raises(TypeError, match=repr(key)):
        client.get_pet(pet_id=1, request_options={key: "x"})
    assert recorder.requests == []


def test_known_request_options_still_work(pets: ModuleType, server: tuple[str, Recorder]) -> None:
    url, recorder = server
    recorder.replies.append(Reply(200, PET_JSON))
    with _client(pets, url) as client:
        client.get_pet(pet_id=1, request_options={"timeout": 5.0, "extra_query": {"x": "1"}})
    assert recorder.requests[0].path == "/pets/1?x=1"


def test_async_client_follows_the_same_rules(pets: ModuleType, faults: FaultServer) -> None:
    import asyncio

    faults.script(
        Reset(),  # the POST: sent once, not retried
        Response(404, body={"code": 404, "message": "pet 9 not found"}),
        Response(503, {"Retry-After": "0"}, {"message": "busy"}),  # a GET: retried
        Response(200, body=PET_JSON),
    )

    async def run() -> None:
        async with pets.AsyncPetShopClient("key-1", base_url=faults.url) as client:
            with pytest.raises(pets.APIConnectionError, match="not retried"):
                await client.create_pet(id=9, name="Rex")
            with pytest.raises(pets.NotFoundError) as info:
                await client.get_pet(pet_id=9)
            assert isinstance(info.value.body, pets.Error)
            assert str(info.value) == "pet 9 not found"
            assert (await client.get_pet(pet_id=7)).name == "Rex"

    asyncio.run(run())
    assert [r.method for r in faults.requests] == ["POST", "GET", "GET", "GET"]
    # a spec without security schemes keeps a bearer api_key (PET_SHOP_API_KEY)
    assert {r.headers.get("authorization") for r in faults.requests} == {"Bearer key-1"}

"""Streams through a generated client over real HTTP on 127.0.0.1: the profile's
``stream_sentinel`` ends a stream, and events whose schema is a ``oneOf`` of event models come
back as the right model each, told apart as responses are (by discriminator, else by shape)."""

from __future__ import annotations

import asyncio
import importlib
import json
import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from support.stream_server import StreamState, stream_server

from generator.config import make_target
from generator.pipeline import produce
from generator.write import write_package


def _obj(required: list[str], **props: Any) -> dict[str, Any]:
    return {"type": "object", "required": required, "properties": props}


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def _sse(op_id: str, schema: Any) -> dict[str, Any]:
    content = {"text/event-stream": {"schema": schema}}
    return {"get": {"operationId": op_id, "responses": {"200": {"description": "ok", "content": content}}}}


_S, _I = {"type": "string"}, {"type": "integer"}
SPEC: dict[str, Any] = {
    "openapi": "3.1.0",
    "info": {"title": "Chat Stream API", "version": "1"},
    "servers": [{"url": "https://chat.example.com"}],
    "paths": {
        "/raw": _sse("get_raw", _S),
        "/tokens": _sse("get_tokens", _ref("Token")),
        # told apart by the discriminator property "type"
        "/tagged": _sse(
            "get_tagged",
            {
                "oneOf": [_ref("Delta"), _ref("Usage"), _ref("Done")],
                "discriminator": {
                    "propertyName": "type",
                    "mapping": {"delta": _ref("Delta")["$ref"], "usage": _ref("Usage")["$ref"],
                                "done": _ref("Done")["$ref"]},
                },
            },
        ),
        # no discriminator: told apart by shape (required properties)
        "/shaped": _sse("get_shaped", {"oneOf": [_ref("Token"), _ref("Progress")]}),
    },
    "components": {
        "schemas": {
            "Token": _obj(["text"], text=_S),
            "Progress": _obj(["percent"], percent=_I),
            "Delta": _obj(["type", "text"], type={"type": "string", "enum": ["delta"]}, text=_S),
            "Usage": _obj(["type", "tokens"], type={"type": "string", "enum": ["usage"]},
                          tokens=_I),
            "Done": _obj(["type"], type={"type": "string", "enum": ["done"]}, reason=_S),
        }
    },
}  # fmt: skip


# OpenAPI 3.2's form: itemSchema describes each event.
SPEC_32: dict[str, Any] = {
    **SPEC,
    "openapi": "3.2.0",
    "paths": {
        "/tagged": {
            "get": {
                "operationId": "get_tagged",
                "responses": {
                    "200": {
                        "description": "ok",
                        "content": {
                            "text/event-stream": {
                                "itemSchema": SPEC["paths"]["/tagged"]["get"]["responses"]["200"][
                                    "content"
                                ]["text/event-stream"]["schema"]
                            }
                        },
                    }
                },
            }
        }
    },
}


def _generate(out: Path, spec: dict[str, Any], package: str) -> ModuleType:
    path = out / f"{package}.json"
    path.write_text(json.dumps(spec), encoding="utf-8")
    target = make_target(out, path, out, package, (), {"stream_sentinel": "[DONE]"})
    write_package(target.package_dir, produce(target).files)
    return importlib.import_module(package)


@pytest.fixture(scope="module")
def pkg(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ModuleType]:
    out = tmp_path_factory.mktemp("chat_stream")
    sys.path.insert(0, str(out))
    try:
        yield _generate(out, SPEC, "chat_stream")
    finally:
        sys.path.remove(str(out))


@pytest.fixture
def server() -> Iterator[StreamState]:
    with stream_server() as state:
        yield state


def _client(pkg: ModuleType, state: StreamState) -> Any:
    return pkg.ChatStreamClient(base_url=state.base, max_retries=0)


def test_the_profile_sentinel_ends_a_raw_stream_and_releases_it(
    pkg: ModuleType, server: StreamState
) -> None:
    server.script = [b"data: one\n\n", b"data: [DONE]\n\n", b"data: never\n\n"]
    with _client(pkg, server) as client:
        stream = client.get_raw()
        assert [e.data for e in stream] == ["one"]
        assert stream.http_response.is_closed


def test_the_profile_sentinel_ends_a_typed_stream_before_decoding(
    pkg: ModuleType, server: StreamState
) -> None:
    """``[DONE]`` is not JSON: decoding it as a Token would raise."""
    server.script = [b'data: {"text": "a"}\n\n', b"data: [DONE]\n\n", b'data: {"text": "z"}\n\n']
    with _client(pkg, server) as client:
        assert [t.text for t in client.get_tokens()] == ["a"]

    async def read() -> list[str]:
        async with pkg.AsyncChatStreamClient(base_url=server.base, max_retries=0) as client:
            return [t.text async for t in await client.get_tokens()]

    assert asyncio.run(read()) == ["a"]


def test_a_data_equal_to_the_sentinel_only_in_part_does_not_end_it(
    pkg: ModuleType, server: StreamState
) -> None:
    server.script = [b"data: [DONE] soon\n\n", b"data: [DONE]\n\n"]
    with _client(pkg, server) as client:
        assert [e.data for e in client.get_raw()] == ["[DONE] soon"]


def test_events_of_a_discriminated_one_of_come_back_as_their_models(
    pkg: ModuleType, server: StreamState
) -> None:
    server.script = [
        b'data: {"type": "delta", "text": "Hel"}\n\n',
        b'data: {"type": "delta", "text": "lo"}\n\n',
        b'data: {"type": "usage", "tokens": 2}\n\n',
        b'data: {"type": "done", "reason": "stop"}\n\n',
        b"data: [DONE]\n\n",
    ]
    with _client(pkg, server) as client:
        events = list(client.get_tagged())
    assert [type(e).__name__ for e in events] == ["Delta", "Delta", "Usage", "Done"]
    assert all(isinstance(e, (pkg.Delta, pkg.Usage, pkg.Done)) for e in events)
    assert "".join(e.text for e in events if isinstance(e, pkg.Delta)) == "Hello"
    assert events[2].tokens == 2 and events[3].reason == "stop"


def test_events_of_a_one_of_without_discriminator_are_told_apart_by_shape(
    pkg: ModuleType, server: StreamState
) -> None:
    server.script = [b'data: {"percent": 50}\n\n', b'data: {"text": "hi"}\n\n']
    with _client(pkg, server) as client:
        events = list(client.get_shaped())
    assert [type(e).__name__ for e in events] == ["Progress", "Token"]
    assert events[0].percent == 50 and events[1].text == "hi"


def test_an_event_of_an_unknown_kind_is_kept_not_fatal(
    pkg: ModuleType, server: StreamState
) -> None:
    """As for a whole response: a new event type the spec does not list yet arrives as an
    ``UnknownObject`` with its fields, and the stream goes on."""
    server.script = [b'data: {"type": "ping", "at": 3}\n\n', b'data: {"type": "done"}\n\n']
    with _client(pkg, server) as client:
        first, second = list(client.get_tagged())
    assert isinstance(first, pkg.UnknownObject) and first.model_dump() == {"type": "ping", "at": 3}
    assert type(second).__name__ == "Done"


def test_an_event_that_is_not_json_raises_a_validation_error(
    pkg: ModuleType, server: StreamState
) -> None:
    server.script = [b'data: {"type": "delta", "text": "a"}\n\n', b"data: {oops\n\n"]
    received: list[Any] = []
    with _client(pkg, server) as client, pytest.raises(pkg.APIResponseValidationError):
        for event in client.get_tagged():
            received.append(event)
    assert [type(e).__name__ for e in received] == ["Delta"]


def test_the_stream_is_typed_by_a_named_union_of_the_event_models(pkg: ModuleType) -> None:
    """Named like a JSON response's union (``<Op>Event``), so the runtime loads it by name."""
    client = (Path(pkg.__file__).parent / "_client.py").read_text(encoding="utf-8")
    assert "-> Stream[GetTaggedEvent]:" in client and "-> Stream[GetShapedEvent]:" in client
    alias = (Path(pkg.__file__).parent / "models" / "get_tagged_event.py").read_text("utf-8")
    assert all(f"Annotated[{m}, Tag(" in alias for m in ("Delta", "Usage", "Done")), alias


def test_item_schema_one_of_of_openapi_3_2_types_the_events_too(
    tmp_path: Path, server: StreamState
) -> None:
    sys.path.insert(0, str(tmp_path))
    try:
        pkg32 = _generate(tmp_path, SPEC_32, "chat_stream_32")
    finally:
        sys.path.remove(str(tmp_path))
    server.script = [b'data: {"type": "usage", "tokens": 7}\n\n', b"data: [DONE]\n\n"]
    with pkg32.ChatStreamClient(base_url=server.base, max_retries=0) as client:
        (event,) = list(client.get_tagged())
    assert type(event).__name__ == "Usage" and event.tokens == 7

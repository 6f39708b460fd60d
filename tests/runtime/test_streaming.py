"""Streamed responses over real HTTP on 127.0.0.1: server-sent events and JSON Lines arrive one
by one as the server sends them, typed by the spec (3.1 ``schema`` and 3.2 ``itemSchema``),
parsed by the WHATWG rules; ``break`` and ``with`` release the connection; a cut stream raises
APIConnectionError after the events received; ``stream=True`` overloads type-check."""

from __future__ import annotations

import asyncio
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import httpx
import pytest
from support.packages import generate_package
from support.stream_server import CUT, FOREVER, StreamState, stream_server

from generator.templates.runtime._streaming import (
    LineSplitter,
    ServerSentEvent,
    SSEDecoder,
    Stream,
    Streaming,
)

EVENT = {
    "type": "object",
    "required": ["n"],
    "properties": {"n": {"type": "integer"}, "text": {"type": "string"}},
}
_EVENT_REF = {"$ref": "#/components/schemas/Event"}


def _response(media: str, schema: Any) -> dict[str, Any]:
    return {"description": "ok", "content": {media: {"schema": schema}}}


SPEC: dict[str, Any] = {
    "openapi": "3.1.0",
    "info": {"title": "Stream Demo API", "version": "1"},
    "servers": [{"url": "https://stream.example.com"}],
    "paths": {
        "/events": {
            "get": {
                "operationId": "get_events",
                "responses": {
                    "200": _response("text/event-stream", _EVENT_REF),
                    "404": _response("application/json", {"type": "object"}),
                },
            }
        },
        "/raw": {
            "get": {
                "operationId": "get_raw",
                "responses": {"200": _response("text/event-stream", {"type": "string"})},
            }
        },
        "/download": {
            "get": {
                "operationId": "download",
                "responses": {
                    "200": _response(
                        "application/octet-stream", {"type": "string", "format": "binary"}
                    ),
                    "404": _response("application/json", {"type": "object"}),
                },
            }
        },
        "/lines": {
            "get": {
                "operationId": "get_lines",
                "responses": {"200": _response("application/x-ndjson", _EVENT_REF)},
            }
        },
        "/chat": {
            "post": {
                "operationId": "chat",
                "requestBody": {
                    "content": {
                        "application/json": {
                            "schema": {
                                "type": "object",
                                "required": ["prompt"],
                                "properties": {
                                    "prompt": {"type": "string"},
                                    "stream": {"type": "boolean"},
                                },
                            }
                        }
                    }
                },
                "responses": {
                    "200": {
                        "description": "ok",
                        "content": {
                            "application/json": {"schema": {"$ref": "#/components/schemas/Reply"}},
                            "text/event-stream": {"schema": _EVENT_REF},
                        },
                    }
                },
            }
        },
    },
    "components": {
        "schemas": {
            "Event": EVENT,
            "Reply": {"type": "object", "properties": {"text": {"type": "string"}}},
        }
    },
}
# The same stream in OpenAPI 3.2's form: itemSchema describes each event.
SPEC_32: dict[str, Any] = {
    "openapi": "3.2.0",
    "info": {"title": "Stream Demo API", "version": "1"},
    "servers": [{"url": "https://stream.example.com"}],
    "paths": {
        "/events": {
            "get": {
                "operationId": "get_events",
                "responses": {
                    "200": {
                        "description": "ok",
                        "content": {"text/event-stream": {"itemSchema": _EVENT_REF}},
                    }
                },
            }
        }
    },
    "components": {"schemas": {"Event": EVENT}},
}


@pytest.fixture(scope="module")
def pkg(tmp_path_factory: pytest.TempPathFactory) -> ModuleType:
    return generate_package(SPEC, tmp_path_factory.mktemp("streams"), "stream_demo")


@pytest.fixture
def server() -> Iterator[StreamState]:
    with stream_server() as state:
        yield state


def _client(pkg: ModuleType, state: StreamState) -> Any:
    return pkg.StreamDemoClient(base_url=state.base, max_retries=0)


def test_events_arrive_as_they_are_sent_typed_by_the_schema(
    pkg: ModuleType, server: StreamState
) -> None:
    released = threading.Event()
    server.script = [b'data: {"n": 1}\n\n', released, b'data: {"n": 2, "text": "b"}\n\n']
    with _client(pkg, server) as client, client.get_events() as stream:
        events = iter(stream)
        first = next(events)  # before the server sends the second event
        released.set()
        rest = list(events)
    assert not server.waited_too_long
    assert isinstance(first, pkg.Event) and first.n == 1
    assert [(e.n, e.text) for e in rest] == [(2, "b")]


def test_json_lines_arrive_one_typed_item_at_a_time(pkg: ModuleType, server: StreamState) -> None:
    released = threading.Event()
    server.media_type = "application/x-ndjson"
    server.script = [b'{"n": 1}\n', released, b'{"n": 2}\n\n{"n": 3}']
    with _client(pkg, server) as client:
        lines = iter(client.get_lines())
        first = next(lines)
        released.set()
        assert [first.n, *(e.n for e in lines)] == [1, 2, 3]
    assert not server.waited_too_long


def test_whatwg_rules_multiline_data_comments_names_ids_and_a_last_event_without_blank_line(
    pkg: ModuleType, server: StreamState
) -> None:
    server.script = [
        b": a comment\nevent: greet\ndata: line 1\ndata:line 2\nid: 7\nretry: 1500\n\n",
        b"event: ping\n\n",  # no data: not dispatched
        b"data: crlf\r\n\r",  # CRLF and a CR split across chunks
        b"\ndata: \xe2\x80\xa8 kept\n\n",  # U+2028 is not a line end
        b"data: tail",  # the stream ends without the blank line
    ]
    with _client(pkg, server) as client:
        events = [(e.event, e.data, e.id, e.retry) for e in client.get_raw()]
    assert events == [
        ("greet", "line 1\nline 2", "7", 1500),
        ("message", "crlf", "7", None),
        ("message", "\u2028 kept", "7", None),
        ("message", "tail", "7", None),
    ]


def test_a_cut_stream_raises_connection_error_after_the_events_received(
    pkg: ModuleType, server: StreamState
) -> None:
    server.script = [b'data: {"n": 1}\n\n', b'data: {"n": 2}\n\n', b'data: {"n": 3', CUT]
    received: list[int] = []
    with _client(pkg, server) as client, pytest.raises(pkg.APIConnectionError, match="cut"):
        for event in client.get_events():
            received.append(event.n)
    assert received == [1, 2]


def test_break_releases_the_connection_and_the_server_sees_it(
    pkg: ModuleType, server: StreamState
) -> None:
    server.script = [b'data: {"n": 1}\n\n', FOREVER]
    with _client(pkg, server) as client:
        for event in client.get_events():
            assert event.n == 1
            break
        assert server.gone.wait(5)


def test_an_error_before_the_first_byte_raises_the_typed_error(
    pkg: ModuleType, server: StreamState
) -> None:
    server.status = 404
    with _client(pkg, server) as client, pytest.raises(pkg.NotFoundError):
        client.get_events()


def test_async_stream_is_incremental_and_reports_a_cut(
    pkg: ModuleType, server: StreamState
) -> None:
    released = threading.Event()
    server.script = [b'data: {"n": 1}\n\n', released, b'data: {"n": 2}\n\n', CUT]

    async def read() -> tuple[list[int], BaseException | None]:
        got: list[int] = []
        async with pkg.AsyncStreamDemoClient(base_url=server.base, max_retries=0) as client:
            stream = await client.get_events()
            try:
                async with stream:
                    async for event in stream:
                        got.append(event.n)
                        released.set()
            except pkg.APIConnectionError as exc:
                return got, exc
        return got, None

    got, error = asyncio.run(read())
    assert got == [1, 2] and error is not None
    assert not server.waited_too_long


def test_stream_true_streams_and_the_default_responses_json(
    pkg: ModuleType, server: StreamState
) -> None:
    server.json_response = {"text": "whole"}
    server.script = [b'data: {"n": 5}\n\n']
    with _client(pkg, server) as client:
        whole = client.chat(prompt="hi", stream=False)
        streamed = [e.n for e in client.chat(prompt="hi", stream=True)]
    assert isinstance(whole, pkg.Reply) and whole.text == "whole"
    assert streamed == [5]
    assert server.bodies == [{"prompt": "hi", "stream": False}, {"prompt": "hi", "stream": True}]


def test_itemschema_of_openapi_3_2_types_the_events(
    tmp_path_factory: pytest.TempPathFactory, server: StreamState
) -> None:
    pkg32 = generate_package(SPEC_32, tmp_path_factory.mktemp("streams32"), "stream_demo_32")
    server.script = [b'data: {"n": 9}\n\n']
    with pkg32.StreamDemoClient(base_url=server.base, max_retries=0) as client:
        (event,) = list(client.get_events())
    assert type(event).__name__ == "Event" and event.n == 9


def test_a_sentinel_ends_the_stream(server: StreamState) -> None:
    server.script = [b"data: one\n\n", b"data: [DONE]\n\n", b"data: never\n\n"]
    with httpx.Client() as http:
        response = http.send(http.build_request("GET", server.base + "/raw"), stream=True)
        with Stream[ServerSentEvent](response, Streaming("sse", sentinel="[DONE]"), None) as s:
            assert [e.data for e in s] == ["one"]
        assert response.is_closed


def test_decoder_and_splitter_edge_cases() -> None:
    splitter = LineSplitter()
    lines = (
        splitter.feed(b"\xef\xbb\xbfdata: a\r")
        + splitter.feed(b"\n\rdata: \xc3")
        + splitter.feed(b"\xa9\n")
    )
    assert lines == ["data: a", "", "data: \u00e9"]
    decoder = SSEDecoder()
    assert decoder.line("id: bad\0id") is None and decoder.line("retry: 12x") is None
    assert decoder.line("data") is None  # a field name alone: empty data
    assert decoder.line("") == ServerSentEvent("message", "", None, None)


def test_a_binary_response_streams_to_a_file_as_it_arrives(
    pkg: ModuleType, server: StreamState, tmp_path: Path
) -> None:
    released = threading.Event()
    server.media_type = "application/octet-stream"
    server.script = [b"a" * 5000, released, b"b" * 5000]
    with _client(pkg, server) as client:
        with client.with_streaming_response(lambda c: c.download()) as response:
            assert response.status_code == 200
            chunks = response.iter_bytes()
            first = next(chunks)  # before the server sends the rest
            released.set()
            body = first + b"".join(chunks)
        assert body == b"a" * 5000 + b"b" * 5000 and first.startswith(b"a")
        assert not server.waited_too_long
        server.script = [b"c" * 3000]
        target = tmp_path / "out.bin"
        with client.with_streaming_response(lambda c: c.download()) as response:
            assert response.write_to(target) == 3000
        assert target.read_bytes() == b"c" * 3000


def test_a_streamed_download_reports_a_cut_and_errors_before_the_body(
    pkg: ModuleType, server: StreamState, tmp_path: Path
) -> None:
    server.media_type = "application/octet-stream"
    server.script = [b"x" * 100, CUT]
    with _client(pkg, server) as client:
        response = client.with_streaming_response(lambda c: c.download())
        with pytest.raises(pkg.APIConnectionError, match="after 100 bytes"):
            response.write_to(tmp_path / "cut.bin")
        server.status = 404
        with pytest.raises(pkg.NotFoundError):
            client.with_streaming_response(lambda c: c.download())

    async def fetch() -> int:
        server.status, server.script = 200, [b"y" * 10]
        async with pkg.AsyncStreamDemoClient(base_url=server.base, max_retries=0) as client:
            response = await client.with_streaming_response(lambda c: c.download())
            async with response:
                return int(await response.write_to(tmp_path / "async.bin"))

    assert asyncio.run(fetch()) == 10 and (tmp_path / "async.bin").read_bytes() == b"y" * 10


USAGE = """
from stream_demo import Event, Reply, StreamDemoClient
from stream_demo._streaming import Stream


def use(client: StreamDemoClient) -> None:
    reply: Reply = client.chat(prompt="hi")
    same: Reply = client.chat(prompt="hi", stream=False)
    events: Stream[Event] = client.chat(prompt="hi", stream=True)
    for event in client.get_events():
        n: int = event.n
    wrong: Reply = client.chat(prompt="hi", stream=True)
"""


@pytest.mark.slow
def test_stream_true_overloads_under_mypy_strict(pkg: ModuleType) -> None:
    out = Path(pkg.__file__).parent.parent
    (out / "uses_streams.py").write_text(USAGE, encoding="utf-8")
    result = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--no-incremental", "stream_demo", "uses_streams.py"],
        cwd=out, capture_output=True, text=True,
    )  # fmt: skip
    errors = [line for line in result.stdout.splitlines() if ": error:" in line]
    assert len(errors) == 1, result.stdout
    assert "uses_streams.py:12" in errors[0] and "Stream[Event]" in errors[0], errors

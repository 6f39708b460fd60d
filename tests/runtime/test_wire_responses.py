"""Responses read by the media type they come in, over real HTTP on 127.0.0.1: what each operation
asks for in ``Accept``, and what JSON, binary, text and undeclared responses come back as."""

from __future__ import annotations

import inspect
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from support.packages import generate_package
from support.paths import ROOT
from support.recording_server import Recorder, Reply

REPORT = {
    "type": "object",
    "required": ["id"],
    "properties": {"id": {"type": "string"}, "rows": {"type": "integer"}},
}


def _get(op_id: str, content: dict[str, Any], code: str = "200") -> dict[str, Any]:
    return {
        "get": {
            "operationId": op_id,
            "responses": {code: {"description": "ok", "content": content}},
        }
    }


SPEC: dict[str, Any] = {
    "openapi": "3.0.3",
    "info": {"title": "Media API", "version": "1"},
    "servers": [{"url": "https://media.example.com"}],
    "paths": {
        # zip offered before JSON: JSON is still asked for first
        "/report": _get(
            "get_report",
            {
                "application/zip": {"schema": {"type": "string", "format": "binary"}},
                "application/json; charset=utf-8": {"schema": {"$ref": "#/components/schemas/Report"}},
            },
        ),
        "/json": _get("get_json", {"application/json": {"schema": {"$ref": "#/components/schemas/Report"}}}),
        "/problem": _get("get_problem", {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Report"}}}),
        "/notes": _get("get_notes", {"text/plain": {"schema": {"type": "string"}}}),
        "/events": _get("get_events", {"text/event-stream": {"schema": {"type": "string"}}}),
        "/export": _get("get_export", {"application/x-ndjson": {"schema": {"type": "string"}}}),
        "/image": _get("get_image", {"image/*": {"schema": {"type": "string", "format": "binary"}}}),
        # FastAPI lists the Accept values it takes: a joined list is not one of them
        "/config": {
            "get": {
                "operationId": "get_config",
                "parameters": [{"name": "accept", "in": "header", "schema": {"type": "string", "enum": ["application/json", "text/plain", "*/*"]}}],
                "responses": {"200": {"description": "ok", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Report"}}, "text/plain": {"schema": {"type": "string"}}}}},
            }
        },
        "/thing": {
            "delete": {"operationId": "delete_thing", "responses": {"204": {"description": "gone"}}},
            "put": {
                "operationId": "put_thing",
                "responses": {
                    "200": {"description": "ok", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Report"}}}},
                    "201": {"description": "made", "content": {"application/xml": {"schema": {"type": "string"}}}},
                    "204": {"description": "unchanged"},
                },
            },
        },
    },
    "components": {"schemas": {"Report": REPORT}},
}  # fmt: skip


@pytest.fixture(scope="module")
def media(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ModuleType]:
    out = tmp_path_factory.mktemp("media")
    yield generate_package(SPEC, out, "media_answers")
    sys.path.remove(str(out))


def _client(media: ModuleType, url: str) -> Any:
    return media.MediaClient(base_url=url, max_retries=0)


@pytest.mark.parametrize(
    "method, accept",
    [
        ("get_report", "application/json, application/zip"),
        ("get_json", "application/json"),
        ("get_problem", "application/problem+json"),
        ("get_notes", "text/plain"),
        ("get_events", "text/event-stream"),
        ("get_export", "application/x-ndjson"),
        ("get_image", "image/*"),
        ("put_thing", "application/json, application/xml"),
        ("get_config", "application/json"),
    ],
)
def test_accept_lists_the_declared_media_types_json_first(
    media: ModuleType, server: tuple[str, Recorder], method: str, accept: str
) -> None:
    url, recorder = server
    recorder.default = Reply(200, b"{}", {"Content-Type": accept.split(",")[0]})
    with _client(media, url) as client:
        getattr(client, method)()
    assert recorder.requests[0].headers["accept"] == accept


def test_an_operation_without_content_sends_no_accept_of_its_own(
    media: ModuleType, server: tuple[str, Recorder]
) -> None:
    url, recorder = server
    recorder.replies.append(Reply(204, b""))
    with _client(media, url) as client:
        assert client.delete_thing() is None
    assert recorder.requests[0].headers["accept"] == "*/*"  # httpx's own


def test_json_binary_and_text_responses_come_back_as_model_bytes_and_str(
    media: ModuleType, server: tuple[str, Recorder]
) -> None:
    url, recorder = server
    zipped = b"PK\x03\x04 not json at all \xff"
    recorder.replies += [
        Reply(200, {"id": "r1", "rows": 3}, {"Content-Type": "application/json; charset=utf-8"}),
        Reply(200, zipped, {"Content-Type": "application/zip"}),
        Reply(200, {"id": "p1"}, {"Content-Type": "application/problem+json"}),
        Reply(200, "naïve £".encode("latin-1"), {"Content-Type": "text/plain; charset=iso-8859-1"}),
        Reply(200, b"data: 1\n\ndata: 2\n\n", {"Content-Type": "text/event-stream"}),
        Reply(200, b'{"a":1}\n{"a":2}\n', {"Content-Type": "application/x-ndjson"}),
        Reply(200, b"\x89PNG", {"Content-Type": "image/png"}),
        Reply(201, b"<thing/>", {"Content-Type": "application/xml"}),
        Reply(204, b""),
    ]
    with _client(media, url) as client:
        report = client.get_report()
        assert isinstance(report, media.Report) and (report.id, report.rows) == ("r1", 3)
        assert client.get_report() == zipped
        assert client.get_problem().id == "p1"
        assert client.get_notes() == "naïve £"
        with client.get_events() as events:  # a stream, read event by event (issue 21)
            assert [(e.event, e.data) for e in events] == [("message", "1"), ("message", "2")]
        with client.get_export() as lines:  # JSON Lines, one item per line (issue 21)
            assert list(lines) == [{"a": 1}, {"a": 2}]
        assert client.get_image() == b"\x89PNG"  # image/png falls under the declared image/*
        assert client.put_thing() == b"<thing/>"
        assert client.put_thing() is None


def test_a_response_in_an_undeclared_media_type_raises(
    media: ModuleType, server: tuple[str, Recorder]
) -> None:
    url, recorder = server
    recorder.replies += [
        Reply(200, b"<html>hi</html>", {"Content-Type": "text/html"}),
        Reply(200, b"PK", {"Content-Type": "application/zip"}),
    ]
    with _client(media, url) as client:
        with pytest.raises(media.APIResponseValidationError) as info:
            client.get_report()
        assert info.value.status_code == 200
        assert info.value.body == "<html>hi</html>"
        assert "text/html" in str(info.value) and "application/zip" in str(info.value)
        with pytest.raises(media.MediaError):  # the package's base error covers it
            client.get_json()


def test_an_unlabelled_response_is_read_as_the_first_declared_type(
    media: ModuleType, server: tuple[str, Recorder]
) -> None:
    url, recorder = server
    recorder.replies.append(Reply(200, b'{"id": "r2"}', {"Content-Type": ""}))
    with _client(media, url) as client:
        assert client.get_report().id == "r2"


def test_return_types_say_what_comes_back(media: ModuleType, tmp_path: Path) -> None:
    methods = {
        "get_report": "Report | bytes",
        "get_json": "Report",
        "get_notes": "str",
        "get_events": ("Stream[ServerSentEvent]", "AsyncStream[ServerSentEvent]"),
        "get_export": ("Stream[Any]", "AsyncStream[Any]"),
        "put_thing": "Report | bytes",
        "delete_thing": "None",
    }
    for name, spelled in methods.items():
        sync, asynchronous = (
            (spelled, spelled) if isinstance(spelled, str) else spelled
        )
        for cls, annotation in ((media.MediaClient, sync), (media.AsyncMediaClient, asynchronous)):
            assert inspect.signature(getattr(cls, name)).return_annotation == annotation
    usage = tmp_path / "usage.py"
    usage.write_text(
        "from typing import Any\n"
        "from media_answers import MediaClient, Report\n"
        "from media_answers._streaming import Stream\n"
        "def f(c: MediaClient) -> tuple[Report | bytes, str, Stream[Any]]:\n"
        "    return c.get_report(), c.get_notes(), c.get_export()\n"
    )
    root = Path(media.__file__).parent
    result = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--no-incremental", str(root), str(usage)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env={"MYPYPATH": str(root.parent), "PATH": ""},
    )
    assert result.returncode == 0, result.stdout

"""Requests on the wire, over real HTTP to 127.0.0.1, from a client generated from one spec:
every style x explode combination of OpenAPI 3.1's tables (the values and expected bytes are
those of ``test_param_styles``), every kind of request body, and ``null`` sent on purpose.
"""

from __future__ import annotations

import inspect
import io
import json
import re
from collections.abc import Iterator
from types import ModuleType
from typing import Any

import pytest
from support.packages import generate_package
from support.param_styles import ARRAY, COOKIE, HEADER, OBJECT, PATH, PRIMITIVE, QUERY
from support.recording_server import Recorded, Recorder

KINDS: dict[str, tuple[Any, dict[str, Any]]] = {
    "primitive": (PRIMITIVE, {"type": "string"}),
    "array": (ARRAY, {"type": "array", "items": {"type": "string"}}),
    "object": (
        OBJECT,
        {
            "type": "object",
            "properties": {k: {"type": "integer"} for k in OBJECT},
            "required": list(OBJECT),
        },
    ),
}
TABLES = {"path": PATH, "query": QUERY, "header": HEADER, "cookie": COOKIE}
NO_CONTENT = {"204": {"description": "done"}}


def _style_operations() -> dict[str, Any]:
    """One operation per (location, style, explode, kind) the tables fill in."""
    paths: dict[str, Any] = {}
    for location, table in TABLES.items():
        for (style, explode), row in table.items():
            for kind, expected in zip(KINDS, row, strict=True):
                if expected is None:
                    continue
                name = f"{location}_{style}_{'x' if explode else 'n'}_{kind}".lower()
                wire = "X-Color" if location == "header" else "color"
                path = f"/{name}" + ("/{color}" if location == "path" else "")
                param = {"name": wire, "in": location, "required": True, "style": style}
                param |= {"explode": explode, "schema": KINDS[kind][1]}
                paths[path] = {
                    "get": {"operationId": name, "parameters": [param], "responses": NO_CONTENT}
                }
    return paths


def _body(media: dict[str, Any], required: bool = True) -> dict[str, Any]:
    return {"required": required, "content": media}


def _post(op_id: str, body: dict[str, Any], **extra: Any) -> dict[str, Any]:
    return {"post": {"operationId": op_id, "requestBody": body, "responses": NO_CONTENT, **extra}}


OBJ = {"type": "object", "properties": {"a": {"type": "integer"}}}
BINARY = {"type": "string", "format": "binary"}
SPEC: dict[str, Any] = {
    "openapi": "3.1.0",
    "info": {"title": "Wire", "version": "1"},
    "servers": [{"url": "https://wire.example"}],
    "paths": {
        **_style_operations(),
        "/form-multipart": _post(
            "multipart_fields",
            _body(
                {
                    "multipart/form-data": {
                        "schema": {
                            "type": "object",
                            "properties": {"name": {"type": "string"}, "on": {"type": "boolean"}},
                        }
                    }
                }
            ),
        ),
        "/multipart-parts": _post(
            "multipart_parts",
            _body(
                {
                    "multipart/form-data": {
                        "schema": {
                            "type": "object",
                            "required": ["meta"],
                            "properties": {
                                "meta": OBJ,  # an object: JSON by default
                                "xml": {"type": "string"},
                                "files": {"type": "array", "items": BINARY},
                                "avatar": BINARY,
                            },
                        },
                        "encoding": {
                            "xml": {"contentType": "application/xml"},
                            "avatar": {"contentType": "image/png"},
                        },
                    }
                }
            ),
        ),
        "/raw": _post("upload_raw", _body({"application/octet-stream": {"schema": BINARY}})),
        "/text": _post("send_text", _body({"text/plain": {"schema": {"type": "string"}}})),
        "/anything": _post("send_anything", _body({"*/*": {}})),
        "/picture": _post("send_picture", _body({"image/*": {"schema": BINARY}})),
        "/xml-or-json": _post(
            "send_document",
            _body(
                {
                    "application/xml": {"schema": OBJ},
                    "text/plain": {"schema": {"type": "string"}},
                    "application/json": {"schema": OBJ},
                }
            ),
        ),
        "/patch": {
            "patch": {
                "operationId": "merge_patch",
                "requestBody": _body(
                    {
                        "application/merge-patch+json": {
                            "schema": {
                                "type": "object",
                                "required": ["title"],
                                "properties": {
                                    "title": {"type": ["string", "null"]},
                                    "note": {"type": ["string", "null"]},
                                    "legacy": {"type": "string", "nullable": True},
                                    "count": {"type": "integer"},
                                },
                            }
                        }
                    }
                ),
                "responses": NO_CONTENT,
            }
        },
        "/optional-json": _post(
            "optional_json",
            _body({"application/json": {"schema": OBJ}}, required=False),
            parameters=[
                {"name": "Accept", "in": "header", "required": True, "schema": {"type": "string"}},
                {"name": "content-type", "in": "header", "schema": {"type": "string"}},
                {"name": "Authorization", "in": "header", "schema": {"type": "string"}},
                {"name": "X-Flag", "in": "header", "schema": {"type": "boolean"}},
                {"name": "session", "in": "cookie", "schema": {"type": "string"}},
                {
                    "name": "next",
                    "in": "query",
                    "allowReserved": True,
                    "schema": {"type": "string"},
                },
            ],
        ),
    },
}


@pytest.fixture(scope="module")
def wire(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ModuleType]:
    yield generate_package(SPEC, tmp_path_factory.mktemp("wire"), "wire_client")


def _call(wire: ModuleType, url: str, recorder: Recorder, method: str, **kwargs: Any) -> Recorded:
    recorder.requests.clear()
    with wire.WireClient(base_url=url, max_retries=0) as client:
        getattr(client, method)(**kwargs)
    (request,) = recorder.requests
    return request


def _style_cases() -> list[Any]:
    return [
        pytest.param(
            location, style, explode, kind, expected, id=f"{location}-{style}-{explode}-{kind}"
        )
        for location, table in TABLES.items()
        for (style, explode), row in table.items()
        for kind, expected in zip(KINDS, row, strict=True)
        if expected is not None
    ]


@pytest.mark.parametrize(("location", "style", "explode", "kind", "expected"), _style_cases())
def test_every_style_and_explode_on_the_wire(
    wire: ModuleType,
    server: tuple[str, Recorder],
    location: str,
    style: str,
    explode: bool,
    kind: str,
    expected: str,
) -> None:
    url, recorder = server
    name = f"{location}_{style}_{'x' if explode else 'n'}_{kind}".lower()
    sent = _call(
        wire,
        url,
        recorder,
        name,
        **{"x_color" if location == "header" else "color": KINDS[kind][0]},
    )
    if location == "path":
        assert sent.path == f"/{name}/{expected}"
    elif location == "query":
        assert sent.path == f"/{name}?{expected}"
    elif location == "header":
        assert sent.headers["x-color"] == expected
    else:
        assert sent.headers["cookie"] == expected


def _parts(request: Recorded) -> list[tuple[str, dict[str, str], bytes]]:
    """(name, part headers, content) of each part of a multipart body."""
    boundary = re.search(r"boundary=([^;]+)", request.headers["content-type"]).group(1)  # type: ignore[union-attr]
    parts = []
    for chunk in request.body.split(b"--" + boundary.encode())[1:-1]:
        head, _, content = chunk.strip(b"\r\n").partition(b"\r\n\r\n")
        headers = dict(line.split(": ", 1) for line in head.decode().split("\r\n"))
        name = re.search(r'name="([^"]*)"', headers["Content-Disposition"]).group(1)  # type: ignore[union-attr]
        parts.append((name, headers, content))
    return parts


def test_multipart_without_files_is_still_multipart(
    wire: ModuleType, server: tuple[str, Recorder]
) -> None:
    url, recorder = server
    sent = _call(wire, url, recorder, "multipart_fields", name="Ada", on=True)
    assert sent.headers["content-type"].startswith("multipart/form-data; boundary=")
    assert [(n, h, c) for n, h, c in _parts(sent)] == [
        ("name", {"Content-Disposition": 'form-data; name="name"'}, b"Ada"),
        ("on", {"Content-Disposition": 'form-data; name="on"'}, b"true"),
    ]
    empty = _call(wire, url, recorder, "multipart_fields")  # not a single field: still multipart
    assert empty.headers["content-type"].startswith("multipart/form-data; boundary=")
    assert _parts(empty) == []


def test_multipart_json_part_typed_parts_and_file_arrays(
    wire: ModuleType, server: tuple[str, Recorder]
) -> None:
    url, recorder = server
    sent = _call(
        wire, url, recorder, "multipart_parts",
        meta={"a": 1}, xml="<a/>", files=[b"one", ("two.txt", io.BytesIO(b"two"))],
        avatar=("me.png", b"\x89PNG"),
    )  # fmt: skip
    parts = {
        name: (headers.get("Content-Type"), content) for name, headers, content in _parts(sent)
    }
    assert parts == {
        "meta": ("application/json", b'{"a": 1}'),
        "xml": ("application/xml", b"<a/>"),
        "files[0]": ("application/octet-stream", b"one"),
        "files[1]": ("text/plain", b"two"),
        "avatar": ("image/png", b"\x89PNG"),  # the encoding's type: the filename would say so too
    }


def test_raw_bytes_file_objects_text_and_wildcards(
    wire: ModuleType, server: tuple[str, Recorder]
) -> None:
    url, recorder = server
    raw = _call(wire, url, recorder, "upload_raw", body=b"\x00\x01binary")
    assert (raw.headers["content-type"], raw.body) == (
        "application/octet-stream",
        b"\x00\x01binary",
    )
    from_file = _call(wire, url, recorder, "upload_raw", body=io.BytesIO(b"from a file"))
    assert (from_file.headers["content-type"], from_file.body) == (
        "application/octet-stream",
        b"from a file",
    )
    text = _call(wire, url, recorder, "send_text", body="héllo")
    assert (text.headers["content-type"], text.body) == ("text/plain", "héllo".encode())
    anything = _call(wire, url, recorder, "send_anything", body=b"?")
    assert anything.headers["content-type"] == "application/octet-stream"  # */* cannot be sent
    picture = _call(wire, url, recorder, "send_picture", body=b"\x89PNG")
    assert picture.headers["content-type"] == "application/octet-stream"  # nor can image/*


def test_the_most_structured_media_type_is_used_and_the_docstring_says_so(
    wire: ModuleType, server: tuple[str, Recorder]
) -> None:
    url, recorder = server
    sent = _call(wire, url, recorder, "send_document", a=1)
    assert (sent.headers["content-type"], json.loads(sent.body)) == ("application/json", {"a": 1})
    doc = inspect.getdoc(wire.WireClient.send_document) or ""
    assert "Sends ``application/json``; the API also accepts application/xml, text/plain." in doc


def test_json_null_on_purpose_versus_not_sent(
    wire: ModuleType, server: tuple[str, Recorder]
) -> None:
    url, recorder = server
    left_out = _call(wire, url, recorder, "merge_patch", title="T")
    assert left_out.headers["content-type"] == "application/merge-patch+json"
    assert json.loads(left_out.body) == {"title": "T"}
    nulls = _call(
        wire, url, recorder, "merge_patch", title=None, note=None, legacy=None, count=None
    )
    assert json.loads(nulls.body) == {
        "title": None,
        "note": None,
        "legacy": None,
    }  # count: not nullable
    signature = inspect.signature(wire.WireClient.merge_patch)
    assert signature.parameters["note"].default is wire.NOT_GIVEN
    assert signature.parameters["count"].default is None


def test_ignored_headers_cookies_booleans_reserved_and_an_optional_body(
    wire: ModuleType, server: tuple[str, Recorder]
) -> None:
    url, recorder = server
    keywords = set(inspect.signature(wire.WireClient.optional_json).parameters)
    assert {"accept", "Accept", "content_type", "authorization", "Authorization"}.isdisjoint(
        keywords
    )
    sent = _call(
        wire, url, recorder, "optional_json",
        x_flag=False, session="s 1", next="https://x.example/a?b=c",
    )  # fmt: skip
    assert sent.headers["x-flag"] == "false"
    assert sent.headers["cookie"] == "session=s%201"
    assert sent.path == "/optional-json?next=https://x.example/a?b=c"
    assert sent.body == b""  # an optional JSON body with nothing in it is not sent
    assert "content-type" not in sent.headers

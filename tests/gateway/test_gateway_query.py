"""Styled query parameters through a real gateway process: each style's delimiter, escaped and
not, read as the runtime's codec reads it, and the query forwarded as the runtime writes the
values that were checked.

Every list's items are an enum, so a wrong split is a refusal (or a differently split query
upstream), not a silent pass.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest
import yaml
from support.processes import Gateway, gateway
from support.recording_server import Recorder, Reply, recording_server

pytest.importorskip("httptools", reason="the gateway extra is not installed")

TOKEN = "gw_query_token"


def _list(style: str, explode: bool, items: list[str]) -> dict[str, Any]:
    return {
        "name": "v",
        "in": "query",
        "style": style,
        "explode": explode,
        "schema": {"type": "array", "items": {"type": "string", "enum": items}},
    }


def _get(op_id: str, param: dict[str, Any]) -> dict[str, Any]:
    return {"get": {"operationId": op_id, "parameters": [param],
                    "responses": {"200": {"description": "ok"}}}}  # fmt: skip


DEEP = {
    "name": "f",
    "in": "query",
    "style": "deepObject",
    "explode": True,
    "schema": {
        "type": "object",
        "additionalProperties": False,
        "properties": {
            "k": {"type": "string", "enum": ["a&b=c", "a,b"]},
            "n": {"type": "object", "properties": {"m": {"type": "string", "enum": ["x|y"]}}},
        },
    },
}
SPEC = {
    "openapi": "3.0.0",
    "info": {"title": "Query API", "version": "1"},
    "servers": [{"url": "https://query.example"}],
    "paths": {
        "/form": _get("form", _list("form", False, ["a,b", "c"])),
        "/exploded": _get("exploded", _list("form", True, ["a,b", "c"])),
        "/pipes": _get("pipes", _list("pipeDelimited", False, ["a", "b", "c"])),
        "/spaces": _get("spaces", _list("spaceDelimited", False, ["a", "b", "c"])),
        "/deep": _get("deep", DEEP),
    },
}


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Gateway, Recorder]]:
    spec = tmp_path_factory.mktemp("query") / "query.yaml"
    spec.write_text(yaml.safe_dump(SPEC))
    with recording_server() as (url, recorder):
        recorder.default = Reply(200, {"ok": True})
        env = {"QUERY_API_KEY": "unused", "GATEWAY_TOKENS": TOKEN}
        with gateway(["--spec", str(spec), "--upstream", url], env) as process:
            yield process, recorder


@pytest.mark.parametrize(
    ("target", "forwarded"),
    [
        # form: the delimiter is a literal comma; an escaped one is part of an item
        ("/form?v=a%2Cb,c", "/form?v=a%2Cb,c"),
        ("/exploded?v=a%2Cb&v=c", "/exploded?v=a%2Cb&v=c"),
        # the delimited styles write their delimiter escaped: escaped or not, it splits
        ("/pipes?v=a%7Cb|c", "/pipes?v=a%7Cb%7Cc"),
        ("/spaces?v=a%20b+c", "/spaces?v=a%20b%20c"),
        # deepObject: escaped '&', '=', ',' and '|' stay inside their value, nesting is kept
        ("/deep?f[k]=a%26b%3Dc&f[n][m]=x%7Cy", "/deep?f[k]=a%26b%3Dc&f[n][m]=x%7Cy"),
        ("/deep?f%5Bk%5D=a%2Cb", "/deep?f[k]=a%2Cb"),
    ],
)
def test_escaped_delimiters_are_read_and_forwarded_as_written(
    served: tuple[Gateway, Recorder], target: str, forwarded: str
) -> None:
    gw, recorder = served
    recorder.requests.clear()
    response = httpx.get(gw.url + target, headers={"Authorization": f"Bearer {TOKEN}"})
    assert response.status_code == 200, response.text
    assert [r.path for r in recorder.requests] == [forwarded]


@pytest.mark.parametrize(
    "target",
    [
        "/form?v=a,b,c",  # three items: 'a' and 'b' are not values
        "/form?v=a%2Cb&v=c",  # an unexploded list given twice
        "/pipes?v=a,b",  # one item 'a,b'
        "/deep?f[k]=a&b=c",  # '&' splits: k is 'a', and 'b' is no parameter
        "/deep?f[k]=a%2Cb&f[k]=a%2Cb",  # a member given twice
    ],
)
def test_misread_delimiters_are_refused(served: tuple[Gateway, Recorder], target: str) -> None:
    gw, recorder = served
    recorder.requests.clear()
    response = httpx.get(gw.url + target, headers={"Authorization": f"Bearer {TOKEN}"})
    assert response.status_code == 400, response.text
    assert recorder.requests == []

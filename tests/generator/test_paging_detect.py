"""Paging read from the spec: each style found by the parameter it feeds, the profile's
``paging`` entries and the x-speakeasy-pagination / x-fern-pagination extensions."""

from __future__ import annotations

from typing import Any

import pytest
from support.inline_specs import valid_spec
from support.paging_server import SPEC

from generator.config import make_profile
from generator.errors import GeneratorError
from generator.ir import Api, Operation
from generator.lower import BuildInput, build_api


def _api(spec: dict[str, Any], profile: dict[str, Any] | None = None) -> Api:
    return build_api(
        BuildInput(valid_spec(spec, "s.json"), "s.json", make_profile(profile or {}, "Demo"))
    )


def _op(api: Api, op_id: str) -> Operation:
    return next(op for op in api.operations if op.operation_id == op_id)


def test_each_style_is_detected_from_names_and_shapes() -> None:
    api = _api(SPEC)
    found = {op.operation_id: op.paging.style for op in api.operations if op.paging}
    assert found == {
        "list_cursor": "cursor",
        "list_openai": "cursor",  # after <- last_id, while has_more: not Stripe's starting_after
        "list_item": "item_cursor",
        "list_link": "link",
        "list_next_url": "next_url",
        "list_header_cursor": "header_cursor",
        "list_header_url": "header_url",
        "list_offset": "offset",
        "list_page": "page",
        "search": "cursor",
    }
    openai = _op(api, "list_openai").paging
    assert openai is not None and (openai.param, openai.next) == ("after", ("last_id",))
    assert _op(api, "list_offset").paging.total == ("total",)  # type: ignore[union-attr]


def _one(op: dict[str, Any], schema: dict[str, Any]) -> dict[str, Any]:
    op = {"operationId": "things", "responses": {"200": {"description": "ok", "content": {
        "application/json": {"schema": schema}}}}, **op}  # fmt: skip
    return {**SPEC, "paths": {"/things": {"get": op}}}


_BODY = {
    "type": "object",
    "properties": {
        "rows": {"type": "array", "items": {"$ref": "#/components/schemas/Item"}},
        "meta": {"type": "object", "properties": {"token": {"type": "string"}}},
    },
}
_PARAMS = [{"name": "from", "in": "query", "schema": {"type": "string"}}]


def test_an_unrecognised_shape_is_reported_with_the_reason() -> None:
    op = _op(_api(_one({"parameters": _PARAMS}, _BODY)), "things")
    assert op.paging is None
    assert op.paging_note == "no page parameter: the whole list comes in one response"


def test_the_profile_names_the_style_of_an_operation() -> None:
    table = {"style": "cursor", "param": "from", "next": "meta.token", "items": "rows"}
    op = _op(
        _api(_one({"parameters": _PARAMS}, _BODY), {"paging": {"things": table}}),
        "things",
    )
    assert op.paging is not None
    assert (op.paging.style, op.paging.param, op.paging.next, op.paging.items) == (
        "cursor", "from_", ("meta", "token"), ("rows",),
    )  # fmt: skip
    assert op.paging.source == "profile"
    off = _op(_api(SPEC, {"paging": {"list_cursor": "none"}}), "list_cursor")
    assert off.paging is None and "profile" in off.paging_note


def test_profile_paging_entries_are_checked() -> None:
    with pytest.raises(GeneratorError, match="unknown key"):
        make_profile({"paging": {"things": {"style": "cursor", "cursr": "x"}}}, "Demo")


def test_x_speakeasy_pagination_is_read() -> None:
    ext = {
        "type": "cursor",
        "inputs": [{"name": "from", "in": "parameters", "type": "cursor"}],
        "outputs": {"nextCursor": "$.meta.token", "results": "$.rows"},
    }
    op = _op(
        _api(_one({"parameters": _PARAMS, "x-speakeasy-pagination": ext}, _BODY)),
        "things",
    )
    assert op.paging is not None and op.paging.source == "x-speakeasy-pagination"
    assert (op.paging.style, op.paging.param, op.paging.next) == (
        "cursor",
        "from_",
        ("meta", "token"),
    )


def test_x_fern_pagination_is_read() -> None:
    ext = {
        "cursor": "$request.from",
        "next_cursor": "$response.meta.token",
        "results": "$response.rows",
    }
    op = _op(_api(_one({"parameters": _PARAMS, "x-fern-pagination": ext}, _BODY)), "things")
    assert op.paging is not None and op.paging.source == "x-fern-pagination"
    assert (op.paging.style, op.paging.param, op.paging.next, op.paging.items) == (
        "cursor", "from_", ("meta", "token"), ("rows",),
    )  # fmt: skip


def test_a_write_never_pages() -> None:
    spec = _one({"parameters": [{"name": "offset", "in": "query", "schema": {"type": "integer"}}]},
                {"type": "array", "items": {"$ref": "#/components/schemas/Item"}})  # fmt: skip
    spec["paths"]["/things"] = {"patch": spec["paths"]["/things"]["get"]}
    op = _op(_api(spec), "things")
    assert op.paging is None and "PATCH" in op.paging_note

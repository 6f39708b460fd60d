"""A request-side inline type that several operations share is named after its schema's title,
not after the operation that met it first; the client, docs and explorer read that one name."""

from __future__ import annotations

from typing import Any

from support.inline_specs import api_of

from generator.ir import ParamsRef, UnionOf
from generator.pytypes import request_type

RANGE = {
    "title": "range_query_specs",
    "type": "object",
    "properties": {"gt": {"type": "integer"}, "lt": {"type": "integer"}},
}


def _list(op_id: str, created: Any, extra: dict[str, Any] | None = None) -> dict[str, Any]:
    params = [{"name": "created", "in": "query", "style": "deepObject", "schema": created}]
    if extra:
        params.append({"name": "other", "in": "query", "style": "deepObject", "schema": extra})
    return {
        "get": {
            "operationId": op_id,
            "parameters": params,
            "responses": {"200": {"description": "ok"}},
        }
    }


def test_shared_types_take_their_title_single_ones_keep_their_place() -> None:
    alone = {"title": "lonely_specs", "type": "object", "properties": {"x": {"type": "string"}}}
    untitled = {"type": "object", "properties": {"y": {"type": "string"}}}
    created = {"anyOf": [RANGE, {"type": "integer"}]}
    api = api_of(
        {
            "/v1/accounts": _list("GetAccounts", created, untitled),
            "/v1/customers": _list("GetCustomers", created, untitled),
            "/v1/lonely": _list("GetLonely", alone),
        }
    )
    ops = {op.operation_id: op for op in api.operations}
    customers = {p.py_name: p for p in ops["GetCustomers"].parameters}
    assert request_type(customers["created"].type) == "RangeQuerySpecs | int"
    assert isinstance(customers["created"].type, UnionOf)
    assert customers["other"].type == ParamsRef("GetAccountsOther")  # no title: first name
    lonely = ops["GetLonely"].parameters[0]
    assert lonely.type == ParamsRef("GetLonelyCreated")  # used once: named where it is
    names = {t.name for t in api.params_types}
    assert {"RangeQuerySpecs", "GetAccountsOther", "GetLonelyCreated"} <= names
    assert "GetAccountsCreated" not in names

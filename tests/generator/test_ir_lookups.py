"""The IR's one lookup API: ``api.model(name)``, ``api.params_type(name)`` ... built once."""

from __future__ import annotations

import dataclasses
import re

import pytest
from support.inline_specs import api_of, form_op
from support.paths import ROOT

from generator.ir import Api


def _api() -> Api:
    paths = form_op({"card": {"$ref": "#/components/schemas/Card"}}, ["card"], tags=["pay"])
    paths["post"]["responses"] = {
        "200": {
            "description": "ok",
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Card"}}},
        }
    }
    card = {"type": "object", "properties": {"last4": {"type": "string"}}}
    return api_of({"/cards": paths}, {"Card": card})


def test_lookups_find_what_the_tuples_hold() -> None:
    api = _api()
    (model,) = api.models
    assert api.model(model.name) is model and api.model("Nope") is None
    assert api.model_by_key(model.schema_key) is model
    (params,) = api.params_types
    assert api.params_type(params.name) is params and api.has_params_type(params.name)
    assert not api.has_params_type("Nope")
    with pytest.raises(KeyError):
        api.params_type("Nope")
    (op,) = api.operations
    assert api.operation(op.operation_id) is op and api.operation("nope") is None
    assert api.alias("Nope") is None and api.tag("pay") is None  # used, not declared


def test_lookups_are_built_once_and_take_no_part_in_equality() -> None:
    api = _api()
    first = api.model(api.models[0].name)
    assert api._lookups is api._lookups  # cached on the instance
    copy = dataclasses.replace(api)  # a new instance: its own lookups, equal to the first
    assert copy == api and hash(copy) == hash(api)
    assert copy.model(api.models[0].name) == first
    with pytest.raises(dataclasses.FrozenInstanceError):
        api.title = "changed"  # type: ignore[misc]


# A name -> object dict rebuilt from the IR's tuples, or a cache keyed by the API's id.
_REBUILT = re.compile(
    r"\{(\w+)\.(name|schema_key|operation_id): \1 for \1 in [\w.]*\.(models|params_types|aliases"
    r"|operations|tags)\}|id\(api\)"
)


def test_no_module_rebuilds_the_lookups() -> None:
    found = [
        f"{path.relative_to(ROOT)}:{n}"
        for path in sorted((ROOT / "generator").rglob("*.py"))
        if path.name != "ir.py" and "lower" not in path.parts  # lowering builds the IR
        for n, line in enumerate(path.read_text().splitlines(), 1)
        if _REBUILT.search(line)
    ]
    assert found == []

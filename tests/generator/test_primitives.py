"""The table of primitive types: every consumer reads its rows, so a new primitive is one row."""

from __future__ import annotations

import builtins
import importlib
import json
from typing import Any, get_args

import pytest
from support.inline_specs import api_of, form_op

from generator import primitives, pytypes
from generator.commands import command_table
from generator.diff_types import accepts
from generator.examples import Examples
from generator.explorer.fields import coerce, operation_fields
from generator.gateway.compiled import Validators
from generator.gateway.validate import validate
from generator.ir import Api, Lit, Prim
from generator.lower.reserved import MODEL_MODULE_NAMES
from generator.primitives import PRIMITIVES, Primitive
from generator.templates.runtime import _values
from generator.views.imports import SOURCES

# A primitive the generator does not have: decimal strings ("12.50"), on both sides.
DECIMAL: Any = Primitive(
    name="Decimal",  # type: ignore[arg-type]  # not (yet) a Name: that is the point
    schema=("string", "decimal"),
    side=None,
    annotation="str",
    home=None,
    json=frozenset({"string"}),
    values=(str,),
    example="12.50",
    command="str",
    words="a decimal number written as a string",
    input="text",
)


def _decimal_api() -> Api:
    amount = {"type": "string", "format": "decimal"}
    paths = form_op({"amount": amount, "note": {"type": "string"}}, ["amount"])
    paths["post"]["responses"] = {
        "200": {
            "description": "ok",
            "content": {
                "application/json": {
                    "schema": {"type": "object", "properties": {"total": amount}}
                }
            },
        }
    }
    return api_of({"/things": paths})


def test_a_new_row_reaches_every_consumer(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(PRIMITIVES, "Decimal", DECIMAL)  # type: ignore[arg-type]
    decimal = Prim("Decimal")  # type: ignore[arg-type]
    api = _decimal_api()
    (op,) = api.operations
    amount = next(p for p in op.parameters if p.wire_name == "amount")
    # lowering: the schema's type and format, on both sides
    assert amount.type == decimal
    (model,) = [m for m in api.models if m.fields]
    assert model.fields[0].type == decimal
    assert next(p for p in op.parameters if p.wire_name == "note").type == Prim("str")
    # annotations, wire types, examples, the command line's table, change reports
    assert pytypes.response_type(decimal) == pytypes.request_type(decimal) == "str"
    assert pytypes.json_types(decimal) == {"string"}
    assert Examples(api).args(op) == {"amount": "12.50"}
    params = json.loads(command_table(api))["operations"]["post-things"]["params"]
    assert [(p["name"], p["type"]) for p in params] == [("amount", "str"), ("note", "str")]
    assert accepts(decimal, Lit(("1.00", "2.00"))) and not accepts(decimal, Lit((1,)))
    # the gateway: its words for a value of the wrong kind, and the compiled fast path
    (problem,) = validate(api, op, body={"amount": 12}, form=False)
    assert problem.message.endswith("expected a decimal number written as a string")
    assert validate(api, op, body={"amount": "12.50"}) == []
    checks = Validators(api)
    query: dict[str, Any] = {}
    assert checks.check(op, path={}, query=query, headers={}, body={"amount": "1"}, form=True) == []
    assert checks.check(op, path={}, query=query, headers={}, body={"amount": 1}, form=False)
    # the explorer's form
    field = next(f for f in operation_fields(api, op) if f.label == "amount")
    assert field.kind == "text"
    assert coerce(api, decimal, "12.50") == "12.50"


@pytest.mark.parametrize("name", list(PRIMITIVES))
def test_every_row_is_one_the_runtime_and_the_package_know(name: str) -> None:
    row = PRIMITIVES[name]  # type: ignore[index]
    assert row.name == name
    # the runtime's value codec reads its text by the command name, or passes a file through
    assert row.command in _values.SCALARS or row.command in ("file", "bytes")
    if row.command in _values.SCALARS:
        assert _values.fits(row.command, _values.text(row.example))
    # a name the generated code imports is one the import table places and no model may take
    if row.home is None:
        assert row.annotation == "None" or hasattr(builtins, row.annotation)
    else:
        assert SOURCES[row.annotation] == row.home
        if row.home.startswith("._"):  # the runtime defines it
            runtime = importlib.import_module(f"generator.templates.runtime{row.home}")
            assert hasattr(runtime, row.annotation), (row.home, row.annotation)
        assert row.annotation in MODEL_MODULE_NAMES or row.annotation in ("FileInput", "RawContent")
    if row.json is not None:
        assert pytypes.json_types(Prim(row.name)) == set(row.json)


def test_the_names_the_ir_allows_are_the_rows() -> None:
    assert set(get_args(primitives.Name)) == set(PRIMITIVES)


def test_a_required_property_never_takes_null_in_a_match_shape() -> None:
    """The JSON types of a primitive are the table's, never a set a reader can change: an
    optional string (which takes null) once made every later string take null too."""
    from generator.views.modules import _shapes

    def ref(name: str) -> dict[str, str]:
        return {"$ref": f"#/components/schemas/{name}"}

    schemas = {
        "Loose": {"type": "object", "properties": {"note": {"type": "string"}}},
        "Strict": {
            "type": "object",
            "properties": {"id": {"type": "string"}, "n": {"type": "integer"}},
            "required": ["id", "n"],
        },
    }
    ok = {"content": {"application/json": {"schema": {"oneOf": [ref("Loose"), ref("Strict")]}}}}
    get = {"operationId": "GetThing", "responses": {"200": {"description": "ok", **ok}}}
    shapes = _shapes(api_of({"/thing": {"get": get}}, schemas))
    assert '"note": "null string"' in shapes["Loose"]
    assert '"id": "string"' in shapes["Strict"] and '"n": "integer"' in shapes["Strict"]
    assert pytypes.json_types(Prim("str")) == {"string"}

"""The IR builder on small inline specs: names, types, parameters, bodies, responses."""

from __future__ import annotations

from typing import Any

import pytest
from support.inline_specs import api_of, form_op

from generator.errors import GeneratorError
from generator.ir import ListOf, Lit, MapOf, ModelRef, ParamsRef, Prim, UnionOf


def test_profile_defaults_come_from_the_title() -> None:
    api = api_of({})
    assert api.profile.client_class == "DemoClient"
    assert api.profile.async_client_class == "AsyncDemoClient"
    assert api.profile.error_base == "DemoError"
    assert api.profile.api_key_env == "DEMO_API_KEY"
    assert api.base_url == "https://api.example.com"


def test_body_properties_become_keywords_required_first() -> None:
    api = api_of(
        {
            "/v1/things": form_op(
                {"b": {"type": "string"}, "class": {"type": "integer"}, "a": {"type": "boolean"}},
                ["a"],
            )
        }
    )
    (op,) = api.operations
    assert op.py_name == "post_things"
    assert [(p.py_name, p.wire_name, p.required) for p in op.parameters] == [
        ("a", "a", True),
        ("b", "b", False),
        ("class_", "class", False),
    ]
    assert op.body is not None and op.body.encoding == "form"


def test_enums_are_strict_in_requests_and_open_in_responses() -> None:
    enum = {"type": "string", "enum": ["x", "y"]}
    api = api_of(
        {"/v1/things": form_op({"kind": enum})},
        {"thing": {"type": "object", "properties": {"kind": enum}}},
    )
    assert api.operations[0].parameters[0].type == Lit(("x", "y"), open=False)
    assert api.models[0].fields[0].type == Lit(("x", "y"), open=True)


def test_stripe_patterns_expandable_emptyable_nullable_maps() -> None:
    schemas = {
        "customer": {"type": "object", "properties": {"id": {"type": "string"}}},
        "charge": {
            "type": "object",
            "required": ["customer"],
            "properties": {
                "customer": {
                    "anyOf": [{"type": "string"}, {"$ref": "#/components/schemas/customer"}],
                    "nullable": True,
                },
                "metadata": {"type": "object", "additionalProperties": {"type": "string"}},
                "created": {"type": "integer", "format": "unix-time"},
            },
        },
    }
    emptyable = {
        "anyOf": [
            {"type": "object", "properties": {"x": {"type": "string"}}},
            {"type": "string", "enum": [""]},
        ]
    }
    api = api_of({"/v1/things": form_op({"shipping": emptyable})}, schemas)
    charge = next(m for m in api.models if m.name == "Charge")
    types = {f.wire_name: f.type for f in charge.fields}
    assert types["customer"] == UnionOf(
        (Prim("str"), ModelRef("Customer", "customer"), Prim("None"))
    )
    assert types["metadata"] == MapOf(Prim("str"))
    assert types["created"] == Prim("int")
    shipping = api.operations[0].parameters[0]
    assert shipping.type == UnionOf((ParamsRef("PostThingsShipping"), Lit(("",))))


def test_polymorphic_union_is_discriminated_by_object() -> None:
    def obj(kind: str) -> dict[str, Any]:
        return {"type": "object", "properties": {"object": {"type": "string", "enum": [kind]}}}

    schemas = {
        "card": obj("card"),
        "bank_account": obj("bank_account"),
        "holder": {
            "type": "object",
            "properties": {
                "source": {
                    "anyOf": [
                        {"$ref": "#/components/schemas/card"},
                        {"$ref": "#/components/schemas/bank_account"},
                    ]
                }
            },
        },
    }
    api = api_of({}, schemas)
    holder = next(m for m in api.models if m.name == "Holder")
    source = holder.fields[0].type
    assert isinstance(source, UnionOf)
    assert source.discriminator == "object"
    assert source.tags == ("card", "bank_account")


def test_identical_inline_param_objects_share_one_type() -> None:
    address = {
        "type": "object",
        "properties": {"line1": {"type": "string"}, "city": {"type": "string"}},
    }
    api = api_of(
        {
            "/v1/a": form_op({"address": address}),
            "/v1/b": {
                "post": {
                    **form_op({"shipping": {"type": "array", "items": address}})["post"],
                    "operationId": "PostB",
                }
            },
        }
    )
    assert [p.name for p in api.params_types] == ["PostThingsAddress"]
    b = next(op for op in api.operations if op.operation_id == "PostB")
    assert b.parameters[0].type == ListOf(ParamsRef("PostThingsAddress"))


def test_names_do_not_depend_on_unrelated_operations() -> None:
    shape = {"type": "object", "properties": {"q": {"type": "string"}}}
    before = api_of({"/v1/m": form_op({"opts": shape})})
    other = {"type": "object", "properties": {"zzz": {"type": "integer"}}}
    after = api_of(
        {
            "/v1/a": {"post": {**form_op({"opts": other})["post"], "operationId": "PostA"}},
            "/v1/m": form_op({"opts": shape}),
        }
    )
    assert before.operations[0].parameters[0].type == after.operations[1].parameters[0].type


def test_operation_filter_matches_loosely_and_reports_unknown_ids() -> None:
    paths = {"/v1/things": form_op({})}
    for spelling in ("postthings", "PostThings", "post_things"):
        assert [o.operation_id for o in api_of(paths, ops=(spelling,)).operations] == ["PostThings"]
    with pytest.raises(GeneratorError, match="no operation with ID nope"):
        api_of(paths, ops=("nope",))


def test_only_reachable_models_with_an_operation_filter() -> None:
    schemas = {
        "used": {"type": "object", "properties": {"x": {"type": "string"}}},
        "unused": {"type": "object", "properties": {"y": {"type": "string"}}},
    }
    paths = {
        "/v1/x": {
            "get": {
                "operationId": "GetX",
                "responses": {
                    "200": {
                        "description": "",
                        "content": {
                            "application/json": {"schema": {"$ref": "#/components/schemas/used"}}
                        },
                    }
                },
            }
        }
    }
    assert [m.name for m in api_of(paths, schemas).models] == ["Unused", "Used"]
    assert [m.name for m in api_of(paths, schemas, ops=("getx",)).models] == ["Used"]


def test_path_query_and_deprecated_parameters() -> None:
    paths = {
        "/v1/customers/{customer}": {
            "get": {
                "operationId": "GetCustomersCustomer",
                "parameters": [
                    {
                        "name": "customer",
                        "in": "path",
                        "required": True,
                        "schema": {"type": "string"},
                    },
                    {
                        "name": "expand",
                        "in": "query",
                        "schema": {"type": "array", "items": {"type": "string"}},
                    },
                    {
                        "name": "old",
                        "in": "query",
                        "deprecated": True,
                        "description": "Use new instead.",
                        "schema": {"type": "string"},
                    },
                    {"name": "sid", "in": "cookie", "schema": {"type": "string"}},
                ],
                "responses": {
                    "200": {
                        "description": "",
                        "content": {
                            "application/pdf": {"schema": {"type": "string", "format": "binary"}}
                        },
                    }
                },
            }
        }
    }
    api = api_of(paths)
    (op,) = api.operations
    assert [(p.py_name, p.location) for p in op.parameters] == [
        ("customer", "path"),
        ("expand", "query"),
        ("old", "query"),
        ("sid", "cookie"),
    ]
    assert op.parameters[2].deprecated == "'old' is deprecated: Use new instead."
    assert [(p.style, p.explode) for p in op.parameters] == [
        ("simple", False),
        ("form", True),
        ("form", True),
        ("form", True),
    ]
    assert op.response.kind == "binary"
    assert api.warnings == ()


def test_expandable_polymorphic_field_keeps_the_id_beside_the_tagged_models() -> None:
    def obj(kind: str) -> dict[str, Any]:
        return {"type": "object", "properties": {"object": {"type": "string", "enum": [kind]}}}

    refs = [{"$ref": "#/components/schemas/card"}, {"$ref": "#/components/schemas/bank_account"}]
    schemas = {
        "card": obj("card"),
        "bank_account": obj("bank_account"),
        "customer": {
            "type": "object",
            "properties": {
                "default_source": {"anyOf": [{"type": "string"}, *refs], "nullable": True}
            },
        },
    }
    customer = next(m for m in api_of({}, schemas).models if m.name == "Customer")
    source = customer.fields[0].type
    assert isinstance(source, UnionOf) and source.discriminator is None
    head, tagged, none = source.members
    assert head == Prim("str") and none == Prim("None")
    assert isinstance(tagged, UnionOf) and tagged.tags == ("card", "bank_account")


def test_a_parameter_without_prose_takes_its_schemas_description() -> None:
    paths = {
        "/v1/x": {
            "get": {
                "operationId": "GetX",
                "parameters": [
                    {
                        "name": "q",
                        "in": "query",
                        "schema": {"type": "string", "description": "What to find."},
                    },
                    {
                        "name": "r",
                        "in": "query",
                        "description": "Own words.",
                        "schema": {"type": "string", "description": "Not these."},
                    },
                ],
                "responses": {"200": {"description": ""}},
            }
        }
    }
    (op,) = api_of(paths).operations
    assert [p.description for p in op.parameters] == ["What to find.", "Own words."]


def test_constructs_typed_loosely_are_reported() -> None:
    paths = {
        "/v1/x": {
            "get": {
                "operationId": "GetX",
                "parameters": [
                    {
                        "name": "f",
                        "in": "query",
                        "content": {"application/json": {"schema": {"type": "object"}}},
                    },
                    {"name": "g", "in": "query", "schema": {"not": {"type": "string"}}},
                ],
                "responses": {"200": {"description": ""}},
            }
        }
    }
    api = api_of(paths)
    assert [p.type for p in api.operations[0].parameters] == [Prim("Any"), Prim("Any")]
    assert api.warnings == (
        "#/paths/~1v1~1x/get/parameters/0: a parameter described by 'content' instead of 'schema' is typed as Any",
        "#/paths/~1v1~1x/get/parameters/1/schema: 'not' is not supported; the type ignores it",
    )

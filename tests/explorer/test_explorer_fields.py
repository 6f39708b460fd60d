"""The explorer's form model from the IR: field kinds, names, nesting, and values coerced back."""

from __future__ import annotations

from typing import Any

from support.inline_specs import api_of, form_op

from generator.explorer.fields import Field, coerce, operation_fields
from generator.ir import Api


def one_op(path_item: dict[str, Any]) -> Api:
    return api_of({"/v1/things": path_item})


def _fields(api: Api) -> dict[str, Field]:
    return {f.key: f for f in operation_fields(api, api.operations[0])}


def test_ir_keeps_the_specs_own_prose_for_pages() -> None:
    api = one_op(
        form_op(
            {"a": {"type": "string", "description": "<p>Use <code>b</code> &amp; more</p>"}},
            description="<p>Creates <strong>things</strong>.</p>",
        )
    )
    op = api.operations[0]
    assert op.description == "Creates things."
    assert op.description_source == "<p>Creates <strong>things</strong>.</p>"
    (param,) = op.parameters
    assert param.description == "Use `b` & more"
    assert param.description_source == "<p>Use <code>b</code> &amp; more</p>"


def test_kinds_follow_the_types() -> None:
    api = one_op(
        form_op(
            {
                "name": {"type": "string"},
                "count": {"type": "integer"},
                "ratio": {"type": "number"},
                "live": {"type": "boolean"},
                "mode": {"type": "string", "enum": ["a", "b"]},
                "tags": {"type": "array", "items": {"type": "string"}},
                "meta": {"type": "object", "additionalProperties": {"type": "string"}},
                "anything": {},
                "opts": {
                    "type": "object",
                    "required": ["level"],
                    "properties": {
                        "level": {"type": "integer", "description": "How `deep`."},
                        "old": {"type": "string", "deprecated": True},
                    },
                },
                "clearable": {
                    "anyOf": [
                        {"type": "object", "properties": {"x": {"type": "string"}}},
                        {"type": "string", "enum": [""]},
                    ]
                },
            },
            required=["name", "mode"],
        )
    )
    fields = _fields(api)
    kinds = {key: f.kind for key, f in fields.items()}
    assert kinds == {
        "name": "text",
        "mode": "select",
        "count": "integer",
        "ratio": "number",
        "live": "checkbox",
        "tags": "array",
        "meta": "map",
        "anything": "json",
        "opts": "group",
        "clearable": "group",
    }
    assert [k for k, f in fields.items() if f.required] == ["name", "mode"]
    assert fields["mode"].options == ("a", "b")
    assert fields["tags"].item is not None and fields["tags"].item.kind == "text"
    assert fields["clearable"].emptyable
    level, old = fields["opts"].children
    assert (level.key, level.param, level.required, level.kind) == (
        "level",
        "opts[level]",
        True,
        "integer",
    )
    assert str(level.description) == "How <code>deep</code>."
    assert old.deprecated is not None and not old.required
    assert len({f.dom_id for f in fields.values()}) == len(fields)


def test_deprecated_parameter_says_what_to_use() -> None:
    api = one_op(
        form_op(
            {
                "collect": {
                    "type": "string",
                    "deprecated": True,
                    "description": "Deprecated: use `collection_options` instead.",
                }
            }
        )
    )
    (collect,) = operation_fields(api, api.operations[0])
    assert collect.deprecated is not None
    assert "use `collection_options` instead" in collect.deprecated


def test_description_is_sanitised() -> None:
    api = one_op(form_op({"a": {"type": "string", "description": "<img src=x onerror=alert(1)>"}}))
    (a,) = operation_fields(api, api.operations[0])
    assert str(a.description) == "&lt;img src=x onerror=alert(1)&gt;"


def test_coerce_turns_form_text_into_typed_values() -> None:
    api = one_op(
        form_op(
            {
                "count": {"type": "integer"},
                "ratio": {"type": "number"},
                "live": {"type": "boolean"},
                "level": {"type": "integer", "enum": [1, 2]},
                "ids": {"type": "array", "items": {"type": "integer"}},
                "opts": {"type": "object", "properties": {"n": {"type": "integer"}}},
                "anything": {},
                "clearable": {
                    "anyOf": [
                        {"type": "object", "properties": {"n": {"type": "integer"}}},
                        {"type": "string", "enum": [""]},
                    ]
                },
            }
        )
    )
    op = api.operations[0]
    by_name = {p.py_name: p.type for p in op.parameters}
    cases: list[tuple[str, Any, Any]] = [
        ("count", "42", 42),
        ("count", "4x", "4x"),  # left for validation to name
        ("ratio", "4.5", 4.5),
        ("ratio", "4", 4),
        ("live", True, True),
        ("live", "false", False),
        ("level", "2", 2),
        ("ids", ["1", "2"], [1, 2]),
        ("opts", {"n": "3", "other": "x"}, {"n": 3, "other": "x"}),
        ("anything", '{"a": [1]}', {"a": [1]}),
        ("anything", "not json", "not json"),
        ("clearable", "", ""),
        ("clearable", {"n": "5"}, {"n": 5}),
    ]
    for name, given, expected in cases:
        assert coerce(api, by_name[name], given) == expected, (name, given)

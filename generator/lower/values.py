"""What the spec says about a value besides its type: examples, defaults, formats.

Docs and snippets show them (``generator.examples``); the client itself never sends them.
"""

from __future__ import annotations

import json
from typing import Any

from generator.ir import Value
from generator.refs import Resolver


def spec_values(resolver: Resolver, *places: tuple[Any, str]) -> dict[str, Any]:
    """``example``, ``default`` and ``format`` keyword arguments for a ``Parameter`` or
    ``ParamsField``, from the first of ``places`` (nodes with their pointers: a parameter, then
    its schema) that says each."""
    nodes = []
    for node, where in places:
        if isinstance(node, dict) and "$ref" in node:
            node, _ = resolver.deref(node, where)
        if isinstance(node, dict):
            nodes.append(node)
    example = next((e for e in map(_example, nodes) if e is not None), None)
    default = next((_value(n["default"]) for n in nodes if "default" in n), None)
    fmt = next((str(n["format"]) for n in nodes if "format" in n), None)
    return {"example": example, "default": default, "format": fmt}


def _example(node: dict[str, Any]) -> Value | None:
    if "example" in node:
        return _value(node["example"])
    examples = node.get("examples")
    if isinstance(examples, list) and examples:  # a schema's (OpenAPI 3.1)
        return _value(examples[0])
    if isinstance(examples, dict):  # a parameter's: name -> Example object
        first = next(iter(examples.values()), None)
        if isinstance(first, dict):  # OpenAPI 3.2's dataValue first: the value as data
            for key in ("dataValue", "value"):
                if key in first:
                    return _value(first[key])
    return None


def _value(data: object) -> Value:
    # default=str: YAML reads an unquoted 2024-01-01 as a date, which JSON cannot hold
    return Value(json.dumps(data, default=str, ensure_ascii=False))

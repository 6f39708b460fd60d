"""Reading snippets back: the arguments a snippet passes, evaluated from its source."""

from __future__ import annotations

import ast
from typing import Any


def call_arguments(source: str) -> dict[str, Any]:
    """The keyword arguments of the snippet's ``client.<method>(...)`` call, evaluated."""
    call = next(
        node
        for node in ast.walk(ast.parse(source))
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and isinstance(node.func.value, ast.Name)
        and node.func.value.id == "client"
    )
    return {kw.arg or "": ast.literal_eval(kw.value) for kw in call.keywords}

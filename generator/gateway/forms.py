"""Decode form bodies and query strings written in Stripe's bracket syntax back into values.

``a[b]=1&c[0]=x&c[1]=y&d[]=z`` becomes ``{"a": {"b": "1"}, "c": {"0": "x", "1": "y"},
"d": ["z"]}``: the inverse of the client runtime's ``_encode.flatten``. Indexed lists stay
dicts with digit keys here, because only the schema tells ``c[0]`` (a list item) from a map key
``"0"``; the validator reads them as lists where the schema wants one.

Anything ambiguous is refused rather than guessed, so the gateway and the upstream cannot read
one body two ways: a key given twice, a key that is both a value and a container, malformed
brackets.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl, urlencode

_KEY = re.compile(r"^([^\[\]]+)((?:\[[^\[\]]*\])*)$")
_PART = re.compile(r"\[([^\[\]]*)\]")


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a request, named by the parameter it concerns (bracket syntax,
    ``collection_options[fields]``), or ``None`` when it concerns no parameter."""

    param: str | None
    message: str
    code: str = "parameter_invalid"


class FormError(ValueError):
    def __init__(self, problem: Problem) -> None:
        super().__init__(problem.message)
        self.problem = problem


def parse_pairs(text: str) -> list[tuple[str, str]]:
    """Pairs of an urlencoded string (``+`` is a space); ``;`` does not separate."""
    try:
        return parse_qsl(text, keep_blank_values=True, strict_parsing=False, errors="strict")
    except UnicodeDecodeError:
        raise FormError(Problem(None, "the form data is not valid UTF-8")) from None


def encode_pairs(pairs: list[tuple[str, str]]) -> str:
    """The canonical encoding of pairs, the client runtime's (brackets kept literal): what the
    upstream receives is exactly what was validated, whatever escaping the client chose."""
    return urlencode(pairs).replace("%5B", "[").replace("%5D", "]")


def decode(pairs: list[tuple[str, str]]) -> dict[str, Any]:
    """Nested values of bracket-syntax pairs. Raises ``FormError`` on ambiguous input."""
    root: dict[str, Any] = {}
    for key, value in pairs:
        found = _KEY.match(key)
        if found is None:
            raise FormError(Problem(key, f"malformed parameter name: {key}"))
        parts = [found.group(1), *_PART.findall(found.group(2))]
        _place(root, parts, value, key)
    return root


def _place(root: dict[str, Any], parts: list[str], value: str, key: str) -> None:
    node: Any = root
    for depth, part in enumerate(parts):
        last = depth == len(parts) - 1
        if part == "" and depth > 0:  # ``[]`` is meaningful only last (``name[]=v``)
            raise FormError(Problem(key, f"malformed parameter name: {key}"))
        if last:
            if part in node:
                raise FormError(Problem(key, f"{key} is given more than once"))
            node[part] = value
            return
        nxt = parts[depth + 1]
        if nxt == "" and depth + 1 == len(parts) - 1:
            items = node.setdefault(part, [])
            if not isinstance(items, list):
                raise FormError(Problem(key, f"{key} mixes a list with other values"))
            items.append(value)
            return
        child = node.setdefault(part, {})
        if not isinstance(child, dict):
            raise FormError(Problem(key, f"{key} is given both as a value and with sub-keys"))
        node = child

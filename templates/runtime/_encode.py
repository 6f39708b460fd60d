"""Form and query encoding in the bracket style Stripe's own libraries use.

``{"a": {"b": 1}, "c": ["x", "y"], "d": True, "e": None}`` becomes
``a[b]=1&c[0]=x&c[1]=y&d=true``: nested keys in brackets, list items indexed, booleans as
``true``/``false``, ``None`` never sent.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any
from urllib.parse import quote, urlencode


def flatten(data: Mapping[str, Any]) -> list[tuple[str, str]]:
    """Key/value pairs for a form body or a query string."""
    return list(_pairs("", data))


def _pairs(prefix: str, value: Any) -> Iterator[tuple[str, str]]:
    if value is None:
        return
    if isinstance(value, Mapping):
        for key, item in value.items():
            yield from _pairs(f"{prefix}[{key}]" if prefix else str(key), item)
    elif isinstance(value, list | tuple):
        for index, item in enumerate(value):
            yield from _pairs(f"{prefix}[{index}]", item)
    elif isinstance(value, bool):  # before int: bool is an int
        yield prefix, "true" if value else "false"
    else:
        yield prefix, str(value)


def encode(pairs: list[tuple[str, str]]) -> str:
    """URL-encode pairs, keeping brackets literal (as Stripe's libraries do: the server accepts
    them, and logs stay readable)."""
    return urlencode(pairs).replace("%5B", "[").replace("%5D", "]")


def path_segment(value: Any) -> str:
    """A path parameter, escaped so it can never add a path segment or query."""
    return quote(str(value), safe="")

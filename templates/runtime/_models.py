"""Base classes and helpers for the generated response models."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from typing import Any

from pydantic import BaseModel, ConfigDict, TypeAdapter, ValidationError

# Default of a field the spec marks required. Servers drift (a "required" field goes missing in
# a real response), and a successful call must never fail on that, so the field may be absent:
# it then reads as None and stays out of ``model_dump(exclude_unset=True)``. Typed Any so the
# field keeps its non-optional annotation for type checkers.
REQUIRED: Any = None

# Tag of the fallback member of a discriminated union: a kind of object this client's spec
# does not know yet still parses, as an UnknownObject.
OTHER = "__other__"


class BaseObject(BaseModel):
    """Lenient by design: unknown fields are kept (``model_extra``), names and aliases both work,
    and validators are built on first use, not at import."""

    model_config = ConfigDict(
        extra="allow",
        populate_by_name=True,
        defer_build=True,
        protected_namespaces=(),
        arbitrary_types_allowed=False,
    )


class UnknownObject(BaseObject):
    """An object of a kind the spec this client was generated from does not list."""


def tag_by(field: str, known: tuple[str, ...]) -> Callable[[Any], str]:
    """Discriminator: the value of ``field`` when it names a known member, else ``OTHER``."""
    known_set = frozenset(known)

    def tag(value: Any) -> str:
        found = value.get(field) if isinstance(value, dict) else getattr(value, field, None)
        return found if isinstance(found, str) and found in known_set else OTHER

    return tag


_MAX_REPAIRS = 5


def lenient_parser(target: Any, log: logging.Logger) -> Callable[[bytes], Any]:
    """A parser for a successful answer that never fails on the answer's shape.

    The fast path validates the bytes directly. When a server sends something its spec does not
    allow (a value of another type, ``null`` inside a map), the offending values are dropped,
    logged, and validation runs again: a field that drifted must never fail a 2xx answer. Only a
    whole body that cannot be what the spec declares (not JSON at all, or an array where an
    object is declared) raises ``ValueError``, which the client reports as
    ``APIResponseValidationError``.
    """
    adapter: TypeAdapter[Any] | None = None
    if isinstance(target, type) and issubclass(target, BaseModel):
        fast: Callable[[bytes], Any] = target.model_validate_json
        slow: Callable[[Any], Any] = target.model_validate
    else:
        adapter = TypeAdapter(target)
        fast, slow = adapter.validate_json, adapter.validate_python

    def parse(content: bytes) -> Any:
        try:
            return fast(content)
        except ValidationError as exc:
            error = exc
        try:
            data = json.loads(content)
        except ValueError:
            raise ValueError("the answer is not valid JSON") from None
        for _ in range(_MAX_REPAIRS):
            whole = next((e for e in error.errors() if not e["loc"]), None)
            if whole is not None:  # nothing to drop: the body itself is of another JSON type
                raise ValueError(f"the answer is a JSON {_json_kind(data)}: {whole['msg']}")
            dropped = [_drop(data, e["loc"]) for e in error.errors()]
            log.warning("answer does not match the spec; dropped %s", ", ".join(d for d in dropped if d))
            try:
                return slow(data)
            except ValidationError as exc:
                error = exc
        return data  # nothing typed could be made of it: the plain JSON, still a result

    return parse


def _json_kind(value: Any) -> str:
    if isinstance(value, dict):
        return "object"
    if isinstance(value, list):
        return "array"
    if isinstance(value, str):
        return "string"
    if isinstance(value, bool):
        return "boolean"
    return "null" if value is None else "number"


def _drop(data: Any, loc: tuple[int | str, ...]) -> str:
    """Remove the deepest value of ``data`` on the path ``loc`` (which pydantic interleaves with
    union branch names: parts that are not keys or indexes are skipped)."""
    parent: Any = None
    key: int | str | None = None
    node = data
    path: list[str] = []
    for part in loc:
        if isinstance(node, dict) and part in node:
            parent, key, node = node, part, node[part]
        elif isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node):
            parent, key, node = node, part, node[part]
        else:
            continue
        path.append(str(part))
    if isinstance(parent, dict) and key in parent:
        del parent[key]
    elif isinstance(parent, list) and isinstance(key, int):
        parent.pop(key)
    else:
        return ""
    return ".".join(path)

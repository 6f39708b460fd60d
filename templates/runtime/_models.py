"""Base classes and helpers for the generated response models."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from pydantic import BaseModel, ConfigDict

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

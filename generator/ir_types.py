"""The IR's type language: what a value, a field or a parameter is (``TypeRef``).

Its own module because it is a closed algebra that many readers need without the rest of the
API's structure: the primitives table it builds on, ``pytypes`` spelling annotations, the
gateway's validators, the change report's comparisons. ``ir`` re-exports every name.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

from generator import primitives


@dataclass(frozen=True)
class Prim:
    """A builtin scalar (str, int, the upload type FileInput, a response's ``datetime``, ...):
    its row in ``primitives.PRIMITIVES`` says what it is everywhere."""

    name: primitives.Name


@dataclass(frozen=True)
class Lit:
    """A closed set of values; ``open`` adds ``| str`` so unknown values from a server still parse.

    ``lenient``: the API accepts values beyond these in requests too (Stripe's
    ``x-stripeBypassValidation``), so a gateway must not refuse them. The client's type stays
    closed; the flag takes no part in comparisons, so it never splits otherwise equal types.
    """

    values: tuple[str | int | float | bool | None, ...]
    open: bool = False
    lenient: bool = field(default=False, compare=False)


@dataclass(frozen=True)
class ListOf:
    item: TypeRef


@dataclass(frozen=True)
class MapOf:
    value: TypeRef


@dataclass(frozen=True)
class UnionOf:
    """Members in spec order. ``discriminator`` is a property whose constant value tells members
    apart (Stripe's ``object``); ``tags`` gives each member's value then. Without one, ``matched``
    says the model members are told apart by what a response holds (required fields present,
    constants agreeing, value types agreeing with their fields)."""

    members: tuple[TypeRef, ...]
    discriminator: str | None = None
    tags: tuple[str, ...] = ()
    matched: bool = False


@dataclass(frozen=True)
class ModelRef:
    """A response-side pydantic model, by its class name and the module defining it."""

    name: str
    module: str


@dataclass(frozen=True)
class ParamsRef:
    """A request-side TypedDict, by its class name."""

    name: str


TypeRef = Prim | Lit | ListOf | MapOf | UnionOf | ModelRef | ParamsRef


def walk(t: TypeRef) -> Iterator[TypeRef]:
    """A type and every type nested in it, outermost first."""
    yield t
    if isinstance(t, ListOf):
        yield from walk(t.item)
    elif isinstance(t, MapOf):
        yield from walk(t.value)
    elif isinstance(t, UnionOf):
        for member in t.members:
            yield from walk(member)

"""Base classes and helpers for the generated response models."""

from __future__ import annotations

import json
import logging
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Annotated, Any

from pydantic import (
    BaseModel,
    ConfigDict,
    PlainSerializer,
    PlainValidator,
    PydanticUserError,
    TypeAdapter,
    ValidationError,
)

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
        # Reading JSON, pydantic can reuse one str object per repeated string. Keys repeat on
        # every item of a list; values (ids, names, timestamps) mostly do not, and caching them
        # costs a lookup each for nothing: "keys" made parsing a page of 100 items ~20 % faster
        # (benchmarks/paging.py). Only which str objects are shared changes, never a value.
        cache_strings="keys",
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


@dataclass(frozen=True)
class Shape:
    """What a model of a union without a discriminator looks like on the wire: its required
    properties, each declared property's JSON types (space-separated; empty means any) and the
    properties with one allowed value."""

    required: tuple[str, ...] = ()
    types: Mapping[str, str] = field(default_factory=dict)
    consts: Mapping[str, Any] = field(default_factory=dict)


def match_by(*variants: type[BaseModel]) -> Callable[[Any], str]:
    """Discriminator for a union whose models no one property tells apart: a response goes to
    the model it fits. Nothing may contradict a model (a constant of another value, a value of
    another JSON type, a required constant missing); then a model with all its required
    properties present comes first, one a constant names second (a server may leave out other
    required fields), the most declared properties present next, the first declared last. A value
    that fits none is an UnknownObject (its data kept), never a model it does not fit. Tags are
    the class names."""
    shapes = [(cls.__name__, cls, cls.__match__) for cls in variants]  # type: ignore[attr-defined]

    def tag(value: Any) -> str:
        if not isinstance(value, dict):  # an instance, when a model is dumped or revalidated
            return next((name for name, cls, _ in shapes if type(value) is cls), OTHER)
        best, best_rank = OTHER, (False, -1)
        for name, _, shape in shapes:
            rank = _fit(shape, value)
            if rank is not None and rank > best_rank:
                best, best_rank = name, rank
        return best

    return tag


def _fit(shape: Shape, value: dict[str, Any]) -> tuple[bool, int] | None:
    """(all required properties present, declared properties present) when ``value`` fits
    ``shape``; None when something contradicts it or nothing says it is one."""
    for name, const in shape.consts.items():
        if name not in value:
            if name in shape.required:
                return None
        elif type(value[name]) is not type(const) or value[name] != const:
            return None
    score = 0
    for name, types in shape.types.items():
        if name not in value:
            continue
        if types and not _json_type_in(value[name], types.split()):
            return None
        score += 1
    complete = all(name in value for name in shape.required)
    if not complete and not any(name in value for name in shape.consts):
        return None
    return complete, score


def _json_type_in(value: Any, types: list[str]) -> bool:
    kind = _json_kind(value)
    if kind == "number" and "integer" in types:
        return float(value).is_integer()
    return kind in types or (kind == "integer" and "number" in types)


# Strings of a date, date-time or UUID format -------------------------------------------------
# A response's ``format: date-time`` string becomes a datetime when it parses and stays a str when
# a server sends something else (lenient, like the rest). The parsed value remembers its text, so
# ``model_dump(mode="json")`` gives back exactly what came.
class _WireDateTime(datetime):
    __slots__ = ("raw",)
    raw: str

    def __reduce_ex__(self, protocol: Any) -> Any:  # pickles (and deep copies) keep the text
        raw = getattr(self, "raw", None)
        return (_read_datetime, (raw,)) if raw is not None else super().__reduce_ex__(protocol)

    def __repr__(self) -> str:
        return "datetime." + datetime.__repr__(self).replace(type(self).__name__, "datetime", 1)


class _WireDate(date):
    __slots__ = ("raw",)
    raw: str

    def __reduce_ex__(self, protocol: Any) -> Any:
        raw = getattr(self, "raw", None)
        return (_read_date, (raw,)) if raw is not None else super().__reduce_ex__(protocol)

    def __repr__(self) -> str:
        return "datetime." + date.__repr__(self).replace(type(self).__name__, "date", 1)


class _WireUUID(uuid.UUID):
    __slots__ = ("raw",)
    raw: str

    def __reduce_ex__(self, protocol: Any) -> Any:
        raw = getattr(self, "raw", None)
        return (_read_uuid, (raw,)) if raw is not None else (uuid.UUID, (str(self),))

    def __repr__(self) -> str:
        return f"UUID('{self}')"


def _require_str(value: Any, message: str) -> None:
    """A ValueError, not a TypeError: pydantic turns only the former into a validation error."""
    if isinstance(value, str):
        return
    raise ValueError(message)


def _read_datetime(value: Any) -> Any:
    if isinstance(value, datetime):
        return value
    _require_str(value, "a date-time is a string")
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        return value
    if len(value) <= 10:  # a date alone is not a date-time
        return value
    found = _WireDateTime.combine(parsed.date(), parsed.timetz())
    found.raw = value
    return found


def _read_date(value: Any) -> Any:
    if isinstance(value, date):
        return value
    _require_str(value, "a date is a string")
    try:
        parsed = date.fromisoformat(value)
    except ValueError:
        return value
    found = _WireDate(parsed.year, parsed.month, parsed.day)
    found.raw = value
    return found


def _read_uuid(value: Any) -> Any:
    if isinstance(value, uuid.UUID):
        return value
    _require_str(value, "a UUID is a string")
    try:
        found = _WireUUID(value)
    except ValueError:
        return value
    object.__setattr__(found, "raw", value)  # UUIDs refuse plain attribute assignment
    return found


def _dump_wire(value: Any) -> Any:
    raw = getattr(value, "raw", None)
    if raw is not None:
        return raw
    return value.isoformat() if isinstance(value, date) else str(value)


DateTimeOrStr = Annotated[
    datetime | str, PlainValidator(_read_datetime), PlainSerializer(_dump_wire, when_used="json")
]
"""A ``date-time`` string of a response: a datetime, or the str itself when it does not parse."""
DateOrStr = Annotated[
    date | str, PlainValidator(_read_date), PlainSerializer(_dump_wire, when_used="json")
]
"""A ``date`` string of a response: a date, or the str itself when it does not parse."""
UUIDOrStr = Annotated[
    uuid.UUID | str, PlainValidator(_read_uuid), PlainSerializer(_dump_wire, when_used="json")
]
"""A ``uuid`` string of a response: a UUID, or the str itself when it does not parse."""


_MAX_REPAIRS = 5


def lenient_parser(target: Any, log: logging.Logger) -> Callable[[bytes], Any]:
    """A parser for a successful response that never fails on the response's shape.

    The fast path validates the bytes directly. When a server sends something its spec does not
    allow (a value of another type, ``null`` inside a map), the offending values are dropped,
    logged, and validation runs again: a field that drifted must never fail a 2xx response. Nothing
    is lost: the field's value as sent is kept in the ``model_extra`` of the model holding it
    (``_keep_raw``), so ``model_dump(by_alias=True)`` gives it back. Only a
    whole body that cannot be what the spec declares (not JSON at all, or an array where an
    object is declared) raises ``ValueError``, which the client reports as
    ``APIResponseValidationError``.
    """
    adapter: TypeAdapter[Any] | None = None
    if isinstance(target, type) and issubclass(target, BaseModel):
        fast: Callable[[bytes], Any] = target.model_validate_json
        slow: Callable[[Any], Any] = target.model_validate
    else:
        adapter = _adapter(target)
        fast, slow = adapter.validate_json, adapter.validate_python

    def parse(content: bytes) -> Any:
        try:
            return fast(content)
        except ValidationError as exc:
            error = exc
        try:
            data = json.loads(content)
        except ValueError:
            raise ValueError("the response is not valid JSON") from None
        sent = json.loads(content)  # as the server sent it: dropped values are kept from it
        paths: list[list[int | str]] = []
        for _ in range(_MAX_REPAIRS):
            whole = next((e for e in error.errors() if not e["loc"]), None)
            if whole is not None:  # nothing to drop: the body itself is of another JSON type
                raise ValueError(f"the response is a JSON {_json_kind(data)}: {whole['msg']}")
            dropped = [path for e in error.errors() if (path := _drop(data, e["loc"]))]
            paths += dropped
            log.warning(
                "response does not match the spec; dropped %s",
                ", ".join(".".join(map(str, path)) for path in dropped),
            )
            try:
                result = slow(data)
            except ValidationError as exc:
                error = exc
                continue
            for path in paths:
                _keep_raw(result, sent, path)
            return result
        return sent  # nothing typed could be made of it: the plain JSON, still a result

    return parse


def _adapter(target: Any) -> TypeAdapter[Any]:
    """A TypeAdapter reading JSON strings as BaseObject does (a list of models: a page of a
    top-level array); a type with a config of its own keeps it, as pydantic requires."""
    try:
        return TypeAdapter(target, config=ConfigDict(cache_strings="keys"))
    except PydanticUserError:
        return TypeAdapter(target)


def _json_kind(value: Any) -> str:
    if isinstance(value, dict):
        return "object"
    if isinstance(value, list):
        return "array"
    if isinstance(value, str):
        return "string"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    return "null" if value is None else "number"


def _drop(data: Any, loc: tuple[int | str, ...]) -> list[int | str]:
    """Remove the deepest value of ``data`` on the path ``loc`` (which pydantic interleaves with
    union branch names: parts that are not keys or indexes are skipped); the keys and indexes
    of its place, empty when nothing was removed."""
    parent: Any = None
    key: int | str | None = None
    node = data
    path: list[int | str] = []
    for part in loc:
        in_dict = isinstance(node, dict) and part in node
        in_list = isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node)
        if not (in_dict or in_list):
            continue
        parent, key, node = node, part, node[part]
        path.append(part)
    if isinstance(parent, dict) and key in parent:
        del parent[key]
    elif isinstance(parent, list) and isinstance(key, int):
        parent.pop(key)
    else:
        return []
    return path


def _keep_raw(result: Any, sent: Any, path: list[int | str]) -> None:
    """Keep a dropped value: the whole value, as sent, of the field of the deepest model on
    ``path`` goes in that model's ``model_extra`` under its wire name (the typed field keeps
    what still fitted). ``model_dump(by_alias=True)`` then gives the value back as sent (extra
    keys come after the fields); a value with no model above it (an item of a top-level list)
    is only logged."""
    node, raw = result, sent
    owner: tuple[BaseModel, str, Any] | None = None
    for part in path:
        in_dict = isinstance(raw, dict) and isinstance(part, str) and part in raw
        in_list = isinstance(raw, list) and isinstance(part, int) and 0 <= part < len(raw)
        if not (in_dict or in_list):
            break
        raw = raw[part]
        if isinstance(node, BaseModel) and isinstance(part, str):
            owner = (node, part, raw)
            node = _field_value(node, part)
        elif isinstance(node, dict):
            node = node.get(part)
        elif isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node):
            node = node[part]
        else:
            break
    if owner is not None and owner[0].__pydantic_extra__ is not None:
        owner[0].__pydantic_extra__[owner[1]] = owner[2]


def _field_value(model: BaseModel, wire: str) -> Any:
    for name, info in type(model).model_fields.items():
        if (info.alias or name) == wire:
            return getattr(model, name, None)
    return (model.__pydantic_extra__ or {}).get(wire)

"""Views of one operation: what the generated method and the explorer's preview need to know
about it beyond the IR's fields."""

from __future__ import annotations

from generator import pytypes
from generator.ir import ModelRef, Operation, Prim, TypeRef


def body_media_type(op: Operation) -> str | None:
    """The Content-Type the runtime must set itself: a raw or +json body's (plain JSON goes
    through httpx's json=, which sets application/json)."""
    body = op.body
    if body is None or body.encoding not in ("json", "raw"):
        return None
    media = body.media_type
    if "*" in media:  # a wildcard (*/*, image/*) cannot be sent as a Content-Type
        return "application/octet-stream"
    if body.encoding == "json" and media.split(";")[0].strip().lower() == "application/json":
        return None
    return media


def return_type(op: Operation) -> str:
    """The method's return annotation."""
    returned = _returned(op)
    if isinstance(returned, str):
        return returned
    return " | ".join(dict.fromkeys(pytypes.response_type(t) for t in returned))


def return_names(op: Operation) -> set[str]:
    """The names ``return_type`` spells (what a module annotating with it imports)."""
    returned = _returned(op)
    return set() if isinstance(returned, str) else pytypes.names_in(returned, request=False)


def _returned(op: Operation) -> str | list[TypeRef]:
    """The types a call returns, or the builtin it returns ("None", "bytes")."""
    r = op.response
    if r.kind == "none":
        return "None"
    if not r.media:
        if r.kind == "binary":
            return "bytes"
        return [Prim("Any") if r.type is None else r.type]
    streamed = op.stream.media_type if op.stream else None  # read as a Stream, not whole
    types = [a.type for a in r.media if a.type is not None and a.media_type != streamed]
    return types or [Prim("Any")]


def response_target(op: Operation) -> str | None:
    """How the runtime reads the response: "module:Name", "bytes", "json", or None (no content)."""
    r = op.response
    if r.kind == "none":
        return None
    return _target(r.kind, r.type)


def response_targets(op: Operation) -> dict[str, str]:
    """Media type -> how the runtime reads a response in it ("text" for str), in ``Accept``
    order; empty when the one declared type is application/json (the runtime's default)."""
    targets = {a.media_type: _target(a.kind, a.type) for a in op.response.media}
    primary = response_target(op)
    return {} if primary is None or targets == {"application/json": primary} else targets


def _target(kind: str, type_: TypeRef | None) -> str:
    if kind in ("binary", "text"):
        return "bytes" if kind == "binary" else "text"
    if isinstance(type_, ModelRef):
        return f"models.{type_.module}:{type_.name}"
    return "json"


def error_targets(op: Operation) -> list[tuple[str, str]]:
    """(status, "module:Name") of each declared error response that has a model."""
    return [(e.status, f"models.{e.type.module}:{e.type.name}") for e in op.errors if e.type]

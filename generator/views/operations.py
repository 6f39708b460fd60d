"""Views of one operation: what the generated method and the explorer's preview need to know
about it beyond the IR's fields."""

from __future__ import annotations

from generator.ir import Operation


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

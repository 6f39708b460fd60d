"""Paging and streams in words, for the reference docs and reports."""

from __future__ import annotations

from generator.ir import Pagination, StreamAnswer


def _path(path: tuple[str, ...]) -> str:
    return "`" + ".".join(path) + "`"


def paging_words(p: Pagination) -> str:
    """How an operation reaches its next page, as a sentence fragment."""
    if p.style == "stripe":
        return "`starting_after` (Stripe's list paging)"
    if p.style == "cursor":
        return f"the cursor {_path(p.next)} of each answer, sent back as `{p.param}`"
    if p.style == "item_cursor":
        return f"the last item's {_path(p.next)}, sent as `{p.param}` while {_path(p.has_more)}"
    if p.style == "header_cursor":
        return f"the `{p.header}` response header, sent back as `{p.param}`"
    if p.style == "link":
        return 'the `Link: <...>; rel="next"` response header'
    if p.style == "next_url":
        return f"the next-page URL {_path(p.next)} of each answer"
    if p.style == "header_url":
        return f"the next-page URL in the `{p.header}` response header"
    step = "the items received" if p.style == "offset" else "one"
    return f"`{p.param}` advanced by {step}, until a short or empty page"


def stream_words(s: StreamAnswer) -> str:
    kind = "server-sent events" if s.kind == "sse" else "JSON Lines"
    ask = f" when called with `{s.flag}=True`" if s.flag else ""
    return f"{kind} (`{s.media_type}`), read as they arrive{ask}"

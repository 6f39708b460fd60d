"""Views of an operation whose response comes in parts, pages or a stream: what its method returns
and calls, and the ``Paging(...)`` and ``Streaming(...)`` descriptors the runtime reads."""

from __future__ import annotations

from generator import pytypes
from generator.ir import ModelRef, Operation, Pagination, Prim, StreamResponse, TypeRef
from generator.views.operations import return_names, return_type


def pages(op: Operation) -> bool:
    """The operation returns a SyncPage/AsyncPage (Stripe's pages are models that page)."""
    return op.paging is not None and op.paging.style != "stripe"


def page_item(op: Operation) -> TypeRef | None:
    return op.paging.item_type or Prim("Any") if pages(op) and op.paging else None


def method_type(op: Operation, prefix: str, variant: str = "") -> str:
    """What a client method returns: a page of items for an operation that pages, a stream
    of items for one that streams; ``variant`` "json" / "stream" for the overloads of one
    that streams when asked (``stream=True``)."""
    if op.stream is not None:
        stream = f"{'AsyncStream' if prefix else 'Stream'}[{stream_item(op)[0]}]"
        if not op.stream.flag or variant == "stream":
            return stream
        return return_type(op) if variant == "json" else f"{return_type(op)} | {stream}"
    item = page_item(op)
    if item is None:
        return return_type(op)
    page = "AsyncPage" if prefix else "SyncPage"
    return f"{page}[{pytypes.response_type(item)}]"


def method_names(op: Operation, prefix: str) -> set[str]:
    """The names the client module spells for the method: ``method_type`` in every variant it
    prints, and the ``overload`` and ``Literal`` of a method that streams when asked."""
    if op.stream is not None:
        names = {"AsyncStream" if prefix else "Stream"} | _stream_spelling(op)[1]
        if op.stream.flag:
            names |= return_names(op) | {"Literal", "overload"}
        return names
    item = page_item(op)
    if item is None:
        return return_names(op)
    return {"AsyncPage" if prefix else "SyncPage"} | pytypes.names_in([item], request=False)


def call_method(op: Operation) -> str:
    if op.stream is not None and not op.stream.flag:
        return "_streamed"
    return "_paged" if pages(op) else "_call"


def stream_item(op: Operation) -> tuple[str, str]:
    """(annotation, how the runtime reads it) of each item of the operation's stream: its model,
    untyped JSON, or (SSE without a schema) the raw ``ServerSentEvent``."""
    annotation, _, target = _stream_spelling(op)
    return annotation, target


def _stream_spelling(op: Operation) -> tuple[str, set[str], str]:
    """(annotation, the names it spells, how the runtime reads it) of a stream's items."""
    assert op.stream is not None
    item = op.stream.item_type
    if isinstance(item, ModelRef):
        return item.name, {item.name}, f"models.{item.module}:{item.name}"
    if item is not None:
        names = pytypes.names_in([item], request=False)
        return pytypes.response_type(item), names, "json"
    if op.stream.kind == "sse":
        return "ServerSentEvent", {"ServerSentEvent"}, ""
    return "Any", {"Any"}, "json"


def stream_descriptor(op: Operation) -> str | None:
    """Source of the operation's ``Streaming(...)``, None when its response does not stream."""
    if op.stream is None:
        return None
    literal = pytypes.literal
    parts = [literal(op.stream.kind)]
    target = stream_item(op)[1]
    if target:
        parts.append(f"item={literal(target)}")
    if op.stream.flag:
        parts.append(f"flag={literal(op.stream.flag)}")
    if op.stream.sentinel is not None:
        parts.append(f"sentinel={literal(op.stream.sentinel)}")
    return f"Streaming({', '.join(parts)})"


def paging_descriptor(op: Operation) -> str | None:
    """Source of the operation's ``Paging(...)``, None when it does not return pages."""
    p = op.paging
    if p is None or not pages(op):
        return None
    parts = [pytypes.literal(p.style)]
    for key, value in (
        ("items", p.items),
        ("param", p.param),
        ("next", p.next),
        ("header", p.header),
        ("has_more", p.has_more),
        ("limit", p.limit),
        ("total", p.total),
    ):
        if not value:
            continue
        literal = pytypes.literal_tuple if isinstance(value, tuple) else pytypes.literal
        parts.append(f"{key}={literal(value)}")
    if p.start != 1:
        parts.append(f"start={p.start}")
    return f"Paging({', '.join(parts)})"


# In words, for the reference docs and reports --------------------------------------------
def _path(path: tuple[str, ...]) -> str:
    return "`" + ".".join(path) + "`"


def paging_words(p: Pagination) -> str:
    """How an operation reaches its next page, as a sentence fragment."""
    if p.style == "stripe":
        return "`starting_after` (Stripe's list paging)"
    if p.style == "cursor":
        return f"the cursor {_path(p.next)} of each response, sent back as `{p.param}`"
    if p.style == "item_cursor":
        return f"the last item's {_path(p.next)}, sent as `{p.param}` while {_path(p.has_more)}"
    if p.style == "header_cursor":
        return f"the `{p.header}` response header, sent back as `{p.param}`"
    if p.style == "link":
        return 'the `Link: <...>; rel="next"` response header'
    if p.style == "next_url":
        return f"the next-page URL {_path(p.next)} of each response"
    if p.style == "header_url":
        return f"the next-page URL in the `{p.header}` response header"
    step = "the items received" if p.style == "offset" else "one"
    return f"`{p.param}` advanced by {step}, until a short or empty page"


def stream_words(s: StreamResponse) -> str:
    kind = "server-sent events" if s.kind == "sse" else "JSON Lines"
    ask = f" when called with `{s.flag}=True`" if s.flag else ""
    return f"{kind} (`{s.media_type}`), read as they arrive{ask}"

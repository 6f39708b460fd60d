"""Success responses read as they arrive → ``ir.StreamResponse``.

``text/event-stream`` is read as server-sent events, JSON Lines (``application/jsonl``,
``application/x-ndjson``, ``application/json-seq`` ...) line by line. What each event's data or
each line is: OpenAPI 3.2's ``itemSchema`` (already lowered on the ``MediaResponse``), else the
3.0/3.1 ``schema`` under the stream's media type, which describes one item (a bare ``string``
schema says nothing beyond raw text). An operation that also returns JSON streams only when a
boolean body property ``stream`` asks for it (the common ``stream: true``).
"""

from __future__ import annotations

from typing import Any, Literal

from generator import naming
from generator.errors import join
from generator.ir import Parameter, Prim, Response, StreamResponse, TypeRef
from generator.lower.responses import RAW_ITEMS, media_essence, named
from generator.lower.schemas import Schemas

JSON_LINES = frozenset(
    {
        "application/jsonl",
        "application/x-jsonl",
        "application/jsonlines",
        "application/x-jsonlines",
        "application/x-ndjson",
        "application/ndjson",
        "application/json-seq",
    }
)
SSE = "text/event-stream"


def stream_kind(media: str) -> str | None:
    return "sse" if media == SSE else "jsonl" if media in JSON_LINES else None


def stream_response(
    s: Schemas,
    op: dict[str, Any],
    where: str,
    prefix: str,
    response: Response,
    params: list[Parameter],
) -> StreamResponse | None:
    media = next((m for m in response.media if stream_kind(m.media_type)), None)
    if media is None:
        return None
    kind: Literal["sse", "jsonl"] = "sse" if media.media_type == SSE else "jsonl"
    flag = ""
    if any(m.kind in ("model", "any") for m in response.media):
        flag = next(
            (
                p.py_name
                for p in params
                if p.location == "body" and p.wire_name == "stream" and p.type == Prim("bool")
            ),
            "",
        )
        if not flag:
            return None  # JSON is what the client asks for first, and gets
    item = media.item_type or _schema_item(s, op, where, prefix, media.media_type)
    if item in RAW_ITEMS:
        item = None
    return StreamResponse(kind, media.media_type, item, flag, s.profile.stream_sentinel)


def _schema_item(
    s: Schemas, op: dict[str, Any], where: str, prefix: str, media: str
) -> TypeRef | None:
    """The 3.0/3.1 form: the ``schema`` under the stream's media type is one item's."""
    for code, raw in sorted((op.get("responses") or {}).items(), key=lambda kv: str(kv[0])):
        if not str(code).startswith("2"):
            continue
        node, rwhere = s.resolver.deref(raw, join(where, "responses", str(code)))
        content = node.get("content") if isinstance(node, dict) else None
        for key, entry in (content if isinstance(content, dict) else {}).items():
            if media_essence(str(key)) != media:
                continue
            entry, mwhere = s.resolver.deref(entry, join(rwhere, "content", str(key)))
            schema = entry.get("schema") if isinstance(entry, dict) else None
            if not isinstance(schema, dict) or not schema:
                return None
            name = prefix + "Event"
            module = naming.module_name(name)
            item = s.lower(schema, join(mwhere, "schema"), "response", name, module)
            return item if item in RAW_ITEMS else named(s, item, name, module)
    return None

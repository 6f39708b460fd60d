"""An operation's success responses → the ``Response`` its method returns.

Every media type the 2xx responses declare is kept (JSON first, then the others in spec order):
the client asks for them in ``Accept`` and reads a response by the type it actually comes in.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from generator import naming
from generator.errors import join
from generator.ir import (
    Alias,
    ErrorResponse,
    MediaResponse,
    ModelRef,
    Prim,
    Response,
    TypeRef,
    UnionOf,
)
from generator.lower.schemas import Schemas
from generator.lower.typeops import ANY, NONE, model_refs


def response(
    s: Schemas,
    op: dict[str, Any],
    where: str,
    prefix: str,
    raw_params: list[tuple[dict[str, Any], str]],
) -> Response:
    responses = op.get("responses") or {}
    codes = sorted(str(c) for c in responses if str(c).startswith("2"))
    # media type -> its media type object and that object's pointer; the first wins
    declared: dict[str, tuple[dict[str, Any], str]] = {}
    for code in codes:
        node, rwhere = s.resolver.deref(
            responses[code] if code in responses else responses[int(code)],
            join(where, "responses", code),
        )
        content = node.get("content") if isinstance(node, dict) else None
        for raw, entry in (content if isinstance(content, dict) else {}).items():
            media = media_essence(str(raw))
            if media and media not in declared:
                # a $ref to components.mediaTypes (OpenAPI 3.2)
                node, mwhere = s.resolver.deref(entry, join(rwhere, "content", str(raw)))
                declared[media] = (node if isinstance(node, dict) else {}, mwhere)
    if not declared:
        return Response(kind="none", type=None, media_type=None)
    order = sorted(declared, key=lambda m: not is_json(m))  # stable: spec order otherwise
    kept: list[MediaResponse] = []
    paging = item = None
    for index, media in enumerate(order):
        entry, mwhere = declared[media]
        items = _item_type(s, entry, mwhere, prefix, index)
        if not is_json(media):
            text = media.startswith("text/")
            kept.append(
                MediaResponse(
                    media,
                    "text" if text else "binary",
                    Prim("str" if text else "bytes"),
                    items,
                )
            )
            continue
        json_index = sum(1 for a in kept if a.kind in ("model", "any"))
        # The first JSON response keeps the name it always had; others are numbered.
        name = prefix + "Response" + (str(json_index + 1) if json_index else "")
        schema = entry.get("schema")
        one, page = _json_response(s, media, schema, join(mwhere, "schema"), name)
        if json_index == 0:
            paging, item = page
        kept.append(replace(one, item_type=items))
    first = kept[0]
    return Response(
        kind=first.kind,
        type=first.type,
        media_type=first.media_type,
        paging=paging,
        item_type=item,
        media=tuple(kept),
        accept=_accept(raw_params, [a.media_type for a in kept]),
    )


def _item_type(
    s: Schemas, entry: dict[str, Any], where: str, prefix: str, index: int
) -> TypeRef | None:
    """What each item of a sequential media type is (OpenAPI 3.2's ``itemSchema``: an event
    of ``text/event-stream``, a line of ``application/jsonl``), named ``<Op>ResponseItem``.
    """
    if "itemSchema" not in entry:
        return None
    name = prefix + "ResponseItem" + (str(index + 1) if index else "")
    module = naming.module_name(name)
    type_ = s.lower(entry["itemSchema"], join(where, "itemSchema"), "response", name, module)
    return type_ if type_ in RAW_ITEMS else named(s, type_, name, module)


def _accept(raw_params: list[tuple[dict[str, Any], str]], media: list[str]) -> str | None:
    """The ``Accept`` to send when the operation lists the values it allows (an ``accept``
    header parameter with an enum, as FastAPI writes them) and the media types joined are not
    one of them: the first allowed declared type, JSON first. None: send the media types.
    """
    for node, _ in raw_params:
        if str(node.get("in")) != "header" or str(node.get("name")).lower() != "accept":
            continue
        schema = node.get("schema")
        allowed = schema.get("enum") if isinstance(schema, dict) else None
        if not isinstance(allowed, list) or ", ".join(media) in allowed:
            return None
        return next((m for m in media if m in allowed), None)
    return None


def _json_response(
    s: Schemas, media: str, schema: Any, swhere: str, name: str
) -> tuple[MediaResponse, tuple[Any, Any]]:
    if schema is None:
        return MediaResponse(media, "any", ANY), (None, None)
    module = naming.module_name(name)
    type_ = s.lower(schema, swhere, "response", name, module)
    if type_ == ANY:
        return MediaResponse(media, "any", ANY), (None, None)
    model = s.registry.models.get(type_.name) if isinstance(type_, ModelRef) else None
    page = (model.paging, model.item_type) if model else (None, None)
    return MediaResponse(media, "model", named(s, type_, name, module)), page


def named(s: Schemas, type_: TypeRef, name: str, module: str) -> ModelRef:
    """``type_`` when it is a model, else an alias ``name`` for it (a union of models, a list
    ...), so the runtime can load what it reads a response or a streamed item as by name."""
    if isinstance(type_, ModelRef):
        return type_
    alias = s.registry.claim(naming.class_name(name))
    deps = tuple(sorted({r.name for r in model_refs(type_)}))
    s.registry.add_alias(Alias(name=alias, module=module, type=type_, deps=deps))
    return ModelRef(alias, module)


# Items read as they come: raw text (an event's data) or untyped JSON (a line's).
RAW_ITEMS = (Prim("str"), ANY)


def media_essence(media: str) -> str:
    """``type/subtype`` in lower case, without parameters (``; charset=utf-8``)."""
    return media.split(";", 1)[0].strip().lower()


def is_json(media: str) -> bool:
    return media == "application/json" or media.endswith("+json")


def error_responses(
    s: Schemas, op: dict[str, Any], where: str, prefix: str
) -> tuple[ErrorResponse, ...]:
    """The declared 4xx/5xx/``4XX``/``default`` responses, with the model each error body is."""
    found = []
    for code, raw in (op.get("responses") or {}).items():
        status = str(code).upper() if str(code) != "default" else "default"
        if not (status == "default" or status[:1] in "45"):
            continue
        node, rwhere = s.resolver.deref(raw, join(where, "responses", str(code)))
        content = node.get("content") or {}
        media = next((m for m in content if is_json(media_essence(str(m)))), None)
        type_: ModelRef | None = None
        entry, ewhere = (
            s.resolver.deref(content[media], join(rwhere, "content", media)) if media else ({}, "")
        )
        schema = entry.get("schema") if isinstance(entry, dict) else None
        if media and isinstance(schema, dict):
            word = "Default" if status == "default" else status
            lowered = s.lower(
                schema,
                join(ewhere, "schema"),
                "response",
                f"{prefix}{word}Error",
                naming.module_name(f"{prefix}{word}Error"),
            )
            # A nullable component (Plaid's `PlaidError`) is `Model | None`: an error body is
            # never null, so it is still that model.
            if (
                isinstance(lowered, UnionOf)
                and len(lowered.members) == 2
                and NONE in lowered.members
            ):
                lowered = next(m for m in lowered.members if m != NONE)
            type_ = lowered if isinstance(lowered, ModelRef) else None
        found.append(ErrorResponse(status=status, type=type_, media_type=media))
    return tuple(found)

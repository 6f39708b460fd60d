"""List operations → how they page (``ir.Pagination``), or why a list-shaped one does not.

Read in this order, first response wins: the profile's ``paging`` entry for the operation, the
spec's ``x-speakeasy-pagination`` / ``x-fern-pagination``, then the shapes real APIs use, found
by name: a Stripe page whose operation takes ``starting_after``; an RFC 8288 ``Link`` response
header; a cursor in the body fed back to the request parameter it names; a next URL in the
body; a cursor or URL in a response header; the last item's ``id`` fed to ``after`` while
``has_more``; offset/limit; page/per_page. Names are compared without case or punctuation
(``next_page_token`` = ``nextPageToken``).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from generator.ir import (
    Alias,
    ListOf,
    Model,
    ModelRef,
    Operation,
    Pagination,
    Prim,
    TypeRef,
    UnionOf,
)

Path = tuple[str, ...]

# Where a response keeps its items, by preference; any single array works too.
_ITEM_NAMES = (
    "data",
    "items",
    "results",
    "entries",
    "records",
    "values",
    "elements",
    "content",
)
# Objects that hold paging fields beside the items.
_CONTAINERS: tuple[Path, ...] = (
    (),
    ("meta",),
    ("pagination",),
    ("paging",),
    ("page_info",),
    ("pageInfo",),
    ("links",),
    ("_links",),
    ("links", "pages"),
    ("response_metadata",),
    ("cursor",),
    ("meta", "cursor"),
    ("meta", "pagination"),
)
# Objects that may hold the items when the root has none (Figma's ``meta.components``).
_ITEM_HOLDERS: tuple[Path, ...] = ((), ("meta",), ("data",), ("result",), ("response",))
_CURSOR_PARAMS = (
    "cursor", "after", "pagetoken", "nexttoken", "continuationtoken", "startcursor",
    "pageafter", "pagecursor", "marker", "nextcursor", "next", "starttoken", "token",
)  # fmt: skip
_NEXT_CURSOR_FIELDS = (
    "nextcursor", "nextpagetoken", "nexttoken", "nextpagecursor", "endcursor",
    "continuationtoken", "nextmarker", "cursor", "next", "after", "lastid",
)  # fmt: skip
_NEXT_URL_FIELDS = (
    "next", "nexturl", "nextpageurl", "nextpageuri", "nextlink", "odatanextlink", "nextpage",
)  # fmt: skip
_HAS_MORE_FIELDS = (
    "hasmore",
    "hasnextpage",
    "hasnext",
    "more",
    "moreitems",
    "nextpage",
)
_OFFSET_PARAMS = ("offset", "skip", "startindex", "start")
_PAGE_PARAMS = ("page", "pagenumber", "pageno", "pagenum", "pageindex")
_SIZE_PARAMS = (
    "limit",
    "pagesize",
    "perpage",
    "size",
    "pagelimit",
    "count",
    "maxresults",
    "top",
)
_TOTAL_FIELDS = (
    "total", "totalcount", "totalitems", "totalresults", "itemstotal", "totalsize", "totalentries",
)  # fmt: skip
# Methods whose calls may be repeated page after page (PUT, PATCH, DELETE act on each call).
_PAGED_METHODS = ("GET", "POST")
_PAGES_FIELDS = (
    "pages",
    "totalpages",
    "pagecount",
    "pagestotal",
    "numpages",
    "lastpage",
)
_ITEM_CURSOR_PARAMS = ("after", "startingafter")

STYLES = (
    "stripe", "cursor", "item_cursor", "header_cursor", "link", "next_url", "header_url",
    "offset", "page",
)  # fmt: skip


def norm(name: str) -> str:
    return re.sub(r"[^a-z0-9]", "", name.lower())


@dataclass(frozen=True)
class Types:
    """The models and aliases responses refer to, by class name."""

    models: Mapping[str, Model]
    aliases: Mapping[str, Alias]

    def resolve(self, t: TypeRef | None) -> TypeRef | None:
        """An alias by what it names; ``X | None`` by X."""
        seen = 0
        while isinstance(t, ModelRef) and t.name in self.aliases and seen < 20:
            t, seen = self.aliases[t.name].type, seen + 1
        if isinstance(t, UnionOf):
            rest = [m for m in t.members if m != Prim("None")]
            if len(rest) == 1:
                return self.resolve(rest[0])
        return t

    def fields(self, t: TypeRef | None) -> dict[str, TypeRef]:
        """Wire name → type of an object response's properties; {} for anything else."""
        t = self.resolve(t)
        model = self.models.get(t.name) if isinstance(t, ModelRef) else None
        return {f.wire_name: f.type for f in model.fields} if model else {}

    def at(self, t: TypeRef | None, path: Path) -> TypeRef | None:
        for key in path:
            t = self.fields(t).get(key)
            if t is None:
                return None
        return self.resolve(t)


def paging(
    op: Operation,
    raw: Mapping[str, Any],
    types: Types,
    profile: Mapping[str, Mapping[str, str]],
) -> tuple[Pagination | None, str]:
    """How ``op`` pages, or (None, why a list-shaped response does not page; "" if not a list)."""
    body = op.response.type if op.response.kind == "model" else None
    items = _items(types, body, op.path)
    configured = profile.get(op.operation_id)
    if configured is not None:
        if configured.get("style") == "none":
            return None, "paging turned off by the profile"
        return _from_table(op, types, body, items, configured, "profile")
    for key in ("x-speakeasy-pagination", "x-fern-pagination"):
        if isinstance(raw.get(key), dict):
            read = _speakeasy if key == "x-speakeasy-pagination" else _fern
            found = read(raw[key])
            if found is not None:
                return _from_table(op, types, body, items, found, key)
    model = types.models.get(body.name) if isinstance(body, ModelRef) else None
    params = _params(op)
    if model is not None and model.paging == "list" and "startingafter" in params:
        return (
            Pagination("stripe", ("data",), model.item_type, param="starting_after"),
            "",
        )
    if model is not None and model.paging == "search" and "page" in params:
        return Pagination("stripe", ("data",), model.item_type, param="page"), ""
    if items is None:
        return None, _not_a_list(op, params)
    if op.method not in _PAGED_METHODS:
        paged = any(n in params for n in (*_CURSOR_PARAMS, *_OFFSET_PARAMS, *_PAGE_PARAMS))
        why = f"a {op.method}: repeating it page by page would repeat what it does"
        return None, why if paged else ""
    path, item_type = items
    if len(path) == 1 and norm(path[0]) not in _ITEM_NAMES and op.path.endswith("}"):
        # one array in a single resource (Linode's volume ``tags``) is not a list response
        return None, _not_a_list(op, params)
    return _detect(op, raw, types, body, path, item_type, params)


def _detect(
    op: Operation,
    raw: Mapping[str, Any],
    types: Types,
    body: TypeRef | None,
    path: Path,
    item_type: TypeRef,
    params: dict[str, str],
) -> tuple[Pagination | None, str]:
    def make(style: str, **kw: Any) -> tuple[Pagination, str]:
        return Pagination(style, path, item_type, **kw), ""

    headers = _response_headers(raw)
    has_more = _field(types, body, _HAS_MORE_FIELDS, bool)
    has_more_path = has_more or ()
    cursor_param = next((params[n] for n in _CURSOR_PARAMS if n in params), None)
    if "link" in headers:
        return make("link")
    if cursor_param is not None:
        # ``next`` beside a cursor parameter is that cursor (Figma, many others)
        found = _field(types, body, _NEXT_CURSOR_FIELDS, str, prefer=norm(cursor_param))
        if found is not None and not _is_url_name(found):
            return make("cursor", param=cursor_param, next=found, has_more=has_more_path)
    url = _field(types, body, _NEXT_URL_FIELDS, str) or _href(types, body)
    if url is not None:
        return make("next_url", next=url)
    for name, wire in headers.items():
        if "next" not in name:
            continue
        if cursor_param is not None and not _is_url_name((name,)):
            return make("header_cursor", param=cursor_param, header=wire)
        return make("header_url", header=wire)
    item_cursor = next((params[n] for n in _ITEM_CURSOR_PARAMS if n in params), None)
    if item_cursor is not None and has_more is not None and "id" in types.fields(item_type):
        return make("item_cursor", param=item_cursor, next=("id",), has_more=has_more)
    limit = next((params[n] for n in _SIZE_PARAMS if n in params), "")
    offset = next((params[n] for n in _OFFSET_PARAMS if n in params), None)
    if offset is not None:
        total = _field(types, body, _TOTAL_FIELDS, int) or ()
        return make("offset", param=offset, limit=limit, total=total, has_more=has_more_path)
    page = next((params[n] for n in _PAGE_PARAMS if n in params), None)
    if page is not None:
        pages = _field(types, body, _PAGES_FIELDS, int) or ()
        start = _start(op, page)
        return make(
            "page",
            param=page,
            limit=limit,
            total=pages,
            has_more=has_more_path,
            start=start,
        )
    if cursor_param is not None and not path:
        # a bare array has no room for the next cursor: it comes in a Link header (Okta,
        # Kratos, GitHub), even where the spec does not declare the header
        return make("link")
    if cursor_param is not None:
        return None, f"takes a cursor ({cursor_param}) but the response names no next cursor"
    return None, "no page parameter: the whole list comes in one response"


def _start(op: Operation, keyword: str) -> int:
    """The first page's number: the page parameter's default when it is 0, else 1."""
    param = next(p for p in op.parameters if p.py_name == keyword)
    return 0 if param.default is not None and param.default.value == 0 else 1


def _not_a_list(op: Operation, params: dict[str, str]) -> str:
    paged = [n for n in params if n in (*_CURSOR_PARAMS, *_OFFSET_PARAMS, *_PAGE_PARAMS)]
    if paged and op.response.kind == "model":
        return f"takes {params[paged[0]]} but its response has no list of items"
    return ""


def _params(op: Operation) -> dict[str, str]:
    """Normalised wire name → keyword, for query and body arguments."""
    return {
        norm(p.wire_name): p.py_name
        for p in op.parameters
        if p.location in ("query", "body") and p.wire_name
    }


def _items(types: Types, body: TypeRef | None, path: str) -> tuple[Path, TypeRef] | None:
    """Where the response keeps its items, and their type: the body itself when it is an array,
    else its one array (or the one named like ``data``/``items``, or like the path's last
    segment: Xero's ``/Invoices`` responses ``Invoices`` beside ``Warnings``), at the root or in
    ``meta``."""
    segment = norm(next((p for p in reversed(path.split("/")) if p and "{" not in p), ""))
    whole = _item_type(types, body)
    if whole is not None:
        return (), whole
    for holder in _ITEM_HOLDERS:
        fields = types.fields(types.at(body, holder))
        arrays = {k: i for k, t in fields.items() if (i := _item_type(types, t)) is not None}
        name = next((n for n in arrays if norm(n) in _ITEM_NAMES or norm(n) == segment), None)
        if name is None and len(arrays) == 1:
            name = next(iter(arrays))
        if name is not None:
            return (*holder, name), arrays[name]
        if arrays:
            return None
    return None


def _item_type(types: Types, t: TypeRef | None) -> TypeRef | None:
    """The item type of an array, or of a union of arrays (Figma's ``rows``)."""
    t = types.resolve(t)
    if isinstance(t, ListOf):
        return t.item
    if isinstance(t, UnionOf):
        members = [types.resolve(m) for m in t.members if m != Prim("None")]
        if members and all(isinstance(m, ListOf) for m in members):
            items = tuple(dict.fromkeys(m.item for m in members if isinstance(m, ListOf)))
            return items[0] if len(items) == 1 else UnionOf(items)
    return None


def _field(
    types: Types,
    body: TypeRef | None,
    names: tuple[str, ...],
    kind: type,
    prefer: str = "",
) -> Path | None:
    """Path of the first property (in ``names`` order, ``prefer`` first, root before the
    containers) whose type fits ``kind`` (str also takes a nested object's ``href``)."""
    order = ((prefer,) if prefer else ()) + names
    for wanted in order:
        for container in _CONTAINERS:
            fields = types.fields(types.at(body, container))
            for wire, t in fields.items():
                if norm(wire) == wanted and _fits(types.resolve(t), kind):
                    return (*container, wire)
    return None


def _href(types: Types, body: TypeRef | None) -> Path | None:
    """``_links.next.href`` (HAL) and friends."""
    for container in _CONTAINERS[1:]:
        for wire, t in types.fields(types.at(body, container)).items():
            if norm(wire) == "next" and "href" in types.fields(t):
                return (*container, wire, "href")
    return None


def _fits(t: TypeRef | None, kind: type) -> bool:
    if kind is int:
        return t in (Prim("int"), Prim("float"))
    if kind is str:  # a cursor may be a number (Figma's ``meta.cursor.after``)
        return t in (Prim("str"), Prim("Any"), Prim("int"), Prim("float"))
    return t == Prim("bool")


def _is_url_name(path: Path) -> bool:
    last = norm(path[-1]) if path else ""
    return any(w in last for w in ("url", "uri", "link", "href")) or path[:1] in (
        ("links",),
        ("_links",),
    )


def _response_headers(raw: Mapping[str, Any]) -> dict[str, str]:
    """Normalised name → name of the headers the 2xx responses declare."""
    found: dict[str, str] = {}
    for code, declared in (raw.get("responses") or {}).items():
        if str(code).startswith("2") and isinstance(declared, dict):
            for name in declared.get("headers") or {}:
                found.setdefault(norm(str(name)), str(name))
    return found


# Configured descriptions -------------------------------------------------------------------
def _from_table(
    op: Operation,
    types: Types,
    body: TypeRef | None,
    items: tuple[Path, TypeRef] | None,
    table: Mapping[str, str],
    source: str,
) -> tuple[Pagination | None, str]:
    style = table.get("style", "")
    if style not in STYLES or style == "stripe":
        return None, f"{source}: unknown paging style {style!r}"
    by_wire = {p.wire_name: p.py_name for p in op.parameters} | {
        p.py_name: p.py_name for p in op.parameters
    }
    item_path: Path = tuple(table["items"].split(".")) if table.get("items") else ()
    if "items" in table:
        found = types.resolve(types.at(body, item_path) if item_path else body)
        item_type: TypeRef | None = found.item if isinstance(found, ListOf) else None
    elif items is not None:
        item_path, item_type = items
    else:
        return None, f"{source}: the response has no list of items (set items)"

    def param(key: str) -> str:
        value = table.get(key, "")
        return by_wire.get(value, "") if value else ""

    def path(key: str) -> Path:
        value = table.get(key, "")
        return tuple(value.split(".")) if value else ()

    if style in (
        "cursor",
        "item_cursor",
        "header_cursor",
        "offset",
        "page",
    ) and not param("param"):
        return (
            None,
            f"{source}: {style} paging needs param, a parameter of the operation",
        )
    return (
        Pagination(
            style,
            item_path,
            item_type,
            param=param("param"),
            next=path("next") or (("id",) if style == "item_cursor" else ()),
            header=table.get("header", "Link" if style == "link" else ""),
            has_more=path("has_more"),
            limit=param("limit"),
            total=path("total"),
            source=source,
        ),
        "",
    )


def _json_path(value: Any, root: str) -> str:
    """``$.data.items`` / ``$response.data.items`` → ``data.items``."""
    text = str(value or "").strip()
    for prefix in (root + ".", root, "$."):
        if text.startswith(prefix):
            text = text[len(prefix) :]
    return text.replace("body.", "", 1) if text.startswith("body.") else text


def _speakeasy(ext: Mapping[str, Any]) -> dict[str, str] | None:
    inputs = {
        str(i.get("type")): str(i.get("name"))
        for i in ext.get("inputs") or []
        if isinstance(i, dict)
    }
    outputs = ext.get("outputs") or {}
    table = {"items": _json_path(outputs.get("results"), "$")} if outputs.get("results") else {}
    kind = ext.get("type")
    if kind == "offsetLimit":
        style = "offset" if "offset" in inputs else "page"
        table |= {
            "style": style,
            "param": inputs.get(style, ""),
            "limit": inputs.get("limit", ""),
        }
        if outputs.get("numPages"):
            table["total"] = _json_path(outputs["numPages"], "$")
    elif kind == "cursor":
        nxt = _json_path(outputs.get("nextCursor"), "$")
        if "[-1]." in nxt:  # the last item's field: $.data[-1].id
            table |= {"style": "item_cursor", "next": nxt.split("[-1].", 1)[1]}
        else:
            table |= {"style": "cursor", "next": nxt}
        table["param"] = inputs.get("cursor", "")
    elif kind == "url":
        table |= {"style": "next_url", "next": _json_path(outputs.get("nextUrl"), "$")}
    else:
        return None
    return {k: v for k, v in table.items() if v}


def _fern(ext: Mapping[str, Any]) -> dict[str, str] | None:
    def request(key: str) -> str:
        return _json_path(ext.get(key), "$request").rpartition(".")[2]

    table = {"items": _json_path(ext.get("results"), "$response")} if ext.get("results") else {}
    if ext.get("cursor"):
        table |= {
            "style": "cursor",
            "param": request("cursor"),
            "next": _json_path(ext.get("next_cursor"), "$response"),
        }
    elif ext.get("offset"):
        stepped = bool(ext.get("step"))
        table |= {"style": "offset" if stepped else "page", "param": request("offset")}
        if stepped:
            table["limit"] = request("step")
    elif ext.get("next_uri") or ext.get("next_url"):
        table |= {
            "style": "next_url",
            "next": _json_path(ext.get("next_uri") or ext.get("next_url"), "$response"),
        }
    else:
        return None
    if ext.get("has-next-page"):
        table["has_more"] = _json_path(ext["has-next-page"], "$response")
    return {k: v for k, v in table.items() if v}

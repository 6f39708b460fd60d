"""A real HTTP server on 127.0.0.1 that serves five items over three pages in every paging
style, and the spec of the API it serves (one list operation per style)."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

PAGES = [["1", "2"], ["3", "4"], ["5"]]
ITEM = {"type": "object", "required": ["id"], "properties": {"id": {"type": "string"}}}
_REF = {"$ref": "#/components/schemas/Item"}
_LIST = {"type": "array", "items": _REF}


def _q(name: str, kind: str = "string", where: str = "query") -> dict[str, Any]:
    return {"name": name, "in": where, "schema": {"type": kind}}


def _get(op_id: str, params: list[dict[str, Any]], schema: Any, headers: Any = None) -> Any:
    response: dict[str, Any] = {
        "description": "ok",
        "content": {"application/json": {"schema": schema}},
    }
    if headers:
        response["headers"] = {h: {"schema": {"type": "string"}} for h in headers}
    return {
        "get": {
            "operationId": op_id,
            "parameters": params,
            "responses": {"200": response},
        }
    }


def _obj(**props: Any) -> dict[str, Any]:
    return {"type": "object", "properties": props}


_S, _I, _B = {"type": "string"}, {"type": "integer"}, {"type": "boolean"}
FILTER = _q("color")

SPEC: dict[str, Any] = {
    "openapi": "3.1.0",
    "info": {"title": "Paging Demo API", "version": "1"},
    "servers": [{"url": "https://paging.example.com"}],
    "paths": {
        "/cursor": _get(
            "list_cursor", [FILTER, _q("cursor"), _q("limit", "integer")],
            _obj(data=_LIST, next_cursor={"type": ["string", "null"]}),
        ),
        "/openai": _get(
            "list_openai", [FILTER, _q("after"), _q("limit", "integer")],
            _obj(object={"type": "string", "enum": ["list"]}, data=_LIST, first_id=_S,
                 last_id=_S, has_more=_B),
        ),
        "/item": _get(
            "list_item", [FILTER, _q("starting_after")],
            _obj(data=_LIST, has_more=_B),
        ),
        "/link": _get("list_link", [FILTER, _q("max_id")], _LIST, headers=["Link"]),
        "/next_url": _get(
            "list_next_url", [FILTER],
            _obj(items=_LIST, links=_obj(next={"type": ["string", "null"]})),
        ),
        "/header_cursor": _get(
            "list_header_cursor", [FILTER, _q("page_token")], _LIST, headers=["X-Next-Page-Token"]
        ),
        "/header_url": _get("list_header_url", [FILTER], _LIST, headers=["X-Next-Url"]),
        "/offset": _get(
            "list_offset", [FILTER, _q("offset", "integer"), _q("limit", "integer")],
            _obj(results=_LIST, total=_I),
        ),
        "/page": _get(
            "list_page", [FILTER, _q("page", "integer"), _q("per_page", "integer")],
            _obj(items=_LIST, total_pages=_I),
        ),
        "/search": {
            "post": {
                "operationId": "search",
                "requestBody": {
                    "content": {
                        "application/json": {"schema": _obj(color=_S, cursor=_S)}
                    }
                },
                "responses": {
                    "200": {
                        "description": "ok",
                        "content": {
                            "application/json": {
                                "schema": _obj(results=_LIST, next_cursor=_S, has_more=_B)
                            }
                        },
                    }
                },
            }
        },
    },
    "components": {"schemas": {"Item": ITEM}},
}  # fmt: skip
# operation keyword of each style, as the tests call them
STYLES = {
    "cursor": "list_cursor",
    "openai": "list_openai",
    "item_cursor": "list_item",
    "link": "list_link",
    "next_url": "list_next_url",
    "header_cursor": "list_header_cursor",
    "header_url": "list_header_url",
    "offset": "list_offset",
    "page": "list_page",
    "body_cursor": "search",
}


@dataclass
class Seen:
    path: str
    query: dict[str, str]
    body: dict[str, Any]
    headers: dict[str, str]
    raw_query: str = ""


@dataclass
class PagingState:
    base: str = ""
    requests: list[Seen] = field(default_factory=list)
    # test switches: a cursor that never changes, a next URL elsewhere, a page param ignored
    stuck: bool = False
    foreign: bool = False
    ignore_page: bool = False
    # query parameters the next URLs repeat besides the filter (an API key, say)
    echo_query: tuple[str, ...] = ()


def _items(index: int) -> list[dict[str, str]]:
    return [{"id": i} for i in PAGES[index]]


def _index_of_last(last: str | None) -> int:
    """The page after the one whose last item is ``last``."""
    if last is None:
        return 0
    return next(i + 1 for i, page in enumerate(PAGES) if page[-1] == last)


def response(state: PagingState, seen: Seen) -> tuple[Any, dict[str, str]]:
    q, style = seen.query, seen.path.strip("/")
    keep = {k: q[k] for k in ("color", *state.echo_query) if k in q}

    def index(token: str | None) -> int:
        return 0 if not token else int(token.removeprefix("t"))

    def token(i: int) -> str | None:
        if state.stuck:
            return "t1"
        return f"t{i + 1}" if i + 1 < len(PAGES) else None

    if style == "cursor":
        i = index(q.get("cursor"))
        return {"data": _items(i), "next_cursor": token(i)}, {}
    if style == "openai":
        i = _index_of_last(q.get("after"))
        data = _items(i)
        more = i + 1 < len(PAGES)
        return {"object": "list", "data": data, "first_id": data[0]["id"],
                "last_id": data[-1]["id"], "has_more": more}, {}  # fmt: skip
    if style == "item":
        i = _index_of_last(q.get("starting_after"))
        return {"data": _items(i), "has_more": i + 1 < len(PAGES)}, {}
    if style == "search":
        i = index(seen.body.get("cursor"))
        nxt = token(i)
        return {
            "results": _items(i),
            "next_cursor": nxt or "",
            "has_more": nxt is not None,
        }, {}
    if style in ("link", "next_url", "header_url"):
        key = "max_id" if style == "link" else "at"
        i = index(q.get(key))
        nxt = token(i)
        host = "http://elsewhere.invalid" if state.foreign else state.base
        url = f"{host}/{style}?{urlencode({**keep, key: nxt})}" if nxt else None
        if style == "link":
            links = [f'<{state.base}/link?since_id=0>; rel="prev"']
            if url:
                links.insert(0, f'<{url}>; rel="next"')
            return _items(i), {"Link": ", ".join(links)}
        if style == "header_url":
            return _items(i), {"X-Next-Url": url} if url else {}
        # a relative next URL, resolved against the request's
        relative = f"/next_url?{urlencode({**keep, key: nxt})}" if nxt else None
        return {
            "items": _items(i),
            "links": {"next": url if state.foreign else relative},
        }, {}
    if style == "header_cursor":
        i = index(q.get("page_token"))
        nxt = token(i)
        return _items(i), {"X-Next-Page-Token": nxt} if nxt else {}
    flat = [item for page in PAGES for item in page]
    if style == "offset":
        start, limit = int(q.get("offset", 0)), int(q.get("limit", 2))
        return {
            "results": [{"id": i} for i in flat[start : start + limit]],
            "total": len(flat),
        }, {}
    if style == "page":
        page, size = int(q.get("page", 1)), int(q.get("per_page", 2))
        if state.ignore_page:
            page = 1
        chunk = flat[(page - 1) * size : page * size]
        return {"items": [{"id": i} for i in chunk], "total_pages": 3}, {}
    raise AssertionError(f"no such style {style}")


def _handler(state: PagingState) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def _serve(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(length) if length else b""
            parts = urlsplit(self.path)
            query = {k: v[-1] for k, v in parse_qs(parts.query).items()}
            seen = Seen(
                parts.path,
                query,
                json.loads(raw) if raw else {},
                {k.lower(): v for k, v in self.headers.items()},
                parts.query,
            )
            state.requests.append(seen)
            body, headers = response(state, seen)
            payload = json.dumps(body).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            for name, value in headers.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        do_GET = do_POST = _serve

        def log_message(self, format: str, *args: Any) -> None:
            pass

    return Handler


@contextmanager
def paging_server() -> Iterator[PagingState]:
    state = PagingState()
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(state))
    state.base = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        yield state
    finally:
        server.shutdown()
        server.server_close()

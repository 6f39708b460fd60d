"""The explorer's routes (see ``generator.explorer``): pages, assets and the preview endpoint."""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlsplit

import jinja2
from markupsafe import Markup
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.routing import BaseRoute, Route

from generator.explorer.fields import Field, operation_fields
from generator.explorer.guard import PreviewGuard, too_deep
from generator.explorer.preview import preview
from generator.explorer.sanitize import sanitize
from generator.explorer.schema import response_tables
from generator.gateway.settings import GatewaySettings, upstreams
from generator.ir import Api, Operation
from generator.paths import templates_root
from generator.text import first_sentence
from generator.views.tags import tag_label

ASSETS = {
    "explorer.css": "text/css; charset=utf-8",
    "explorer.js": "text/javascript; charset=utf-8",
    "favicon.svg": "image/svg+xml",
}
PAGE_BUDGET = 58 * 1024  # bytes of an operation page (the ceiling is 60 KB)
PREVIEW_LIMIT = 16 * 1024  # bytes of form values a preview reads
SECURITY_HEADERS = {
    "content-security-policy": "default-src 'self'; base-uri 'none'; form-action 'self'; "
    "frame-ancestors 'none'",
    "x-content-type-options": "nosniff",
    "referrer-policy": "no-referrer",
}


def routes(api: Api, settings: GatewaySettings) -> list[BaseRoute]:
    explorer = _Explorer(api, settings)
    return [
        Route("/", explorer.index, methods=["GET", "HEAD"]),
        Route("/operations/{operation_id}", explorer.operation, methods=["GET", "HEAD"]),
        Route("/operations/{operation_id}/fields/{key}", explorer.fields, methods=["GET", "HEAD"]),
        Route("/search-index", explorer.search_index, methods=["GET", "HEAD"]),
        Route("/assets/{name}", explorer.asset, methods=["GET", "HEAD"]),
        Route("/preview/{operation_id}", explorer.preview, methods=["POST"]),
    ]


class _Explorer:
    def __init__(self, api: Api, settings: GatewaySettings) -> None:
        self.api = api
        self.package = package_path(api, settings.root)
        self.token_required = not settings.insecure_no_client_auth
        self.unserved = _unserved(api, settings)
        self.env = _environment()
        self.guard = PreviewGuard()
        self.pages: dict[
            str, str
        ] = {}  # rendered once each (they depend only on the IR); "": index

    async def index(self, request: Request) -> Response:
        if "" not in self.pages:
            self.pages[""] = self._index_page()
        return _page(self.pages[""])

    def _index_page(self) -> str:
        groups: dict[str, list[Operation]] = defaultdict(list)
        for op in self.api.operations:
            groups[_group(self.api, op)].append(op)
        return self.env.get_template("index.html.jinja").render(
            api=self.api,
            description=sanitize(self.api.description),
            groups=sorted(groups.items()),
            unserved=self.unserved,
            root="./",
        )

    async def operation(self, request: Request) -> Response:
        op = self.api.operation(request.path_params["operation_id"])
        if op is None:
            return _page(self._not_found(), status=404)
        page = self.pages.get(op.operation_id)
        if page is None:
            page = self.pages[op.operation_id] = self._operation_page(op)
        return _page(page)

    def _operation_page(self, op: Operation) -> str:
        fields = operation_fields(self.api, op)
        page = self._render_operation(op, fields, frozenset())
        if len(page.encode()) <= PAGE_BUDGET:
            return page
        # Too big: the largest objects and lists show their fields when asked, until it fits
        macro = self.env.get_template("fields.html.jinja").module.field  # type: ignore[attr-defined]
        sizes = sorted(
            (
                (len(str(macro(f)).encode()), f.key)
                for f in fields
                if f.kind in ("group", "array", "map")
            ),
            reverse=True,
        )
        lazy: set[str] = set()
        excess = len(page.encode()) - PAGE_BUDGET
        for size, key in sizes:
            if excess <= 0:
                break
            lazy.add(key)
            excess -= size - 1000  # what a field's place keeps: its label and description
        return self._render_operation(op, fields, frozenset(lazy))

    def _render_operation(self, op: Operation, fields: list[Field], lazy: frozenset[str]) -> str:
        schema, schema_more = response_tables(self.api, op)
        return self.env.get_template("operation.html.jinja").render(
            header_options=header_options(self.api, op),
            schema=schema,
            schema_more=schema_more,
            paging=paging_of(op),
            examples=[e for e in (op.body.examples if op.body else ())[:8] if len(e[2]) < 8192],
            response_examples=[
                (status, (n, summary, _pretty(v)))
                for status, (n, summary, v) in op.response_examples
                if len(v) < 4096
            ],
            stream=op.stream.kind if op.stream is not None else None,
            api=self.api,
            op=op,
            description=sanitize(op.description_source),
            deprecation=sanitize(_deprecation(op)),
            fields=fields,
            lazy=lazy,
            served=op.operation_id not in self.unserved,
            token_required=self.token_required,
            root="../",
        )

    async def fields(self, request: Request) -> Response:
        """One top-level field's HTML, for a page that shows it when asked."""
        op = self.api.operation(request.path_params["operation_id"])
        key = request.path_params["key"]
        found = [f for f in operation_fields(self.api, op) if f.key == key] if op else []
        if not found:
            return Response("not found\n", 404, headers=SECURITY_HEADERS, media_type="text/plain")
        macro = self.env.get_template("fields.html.jinja").module.field  # type: ignore[attr-defined]
        headers = {**SECURITY_HEADERS, "cache-control": "no-cache"}
        return HTMLResponse(str(macro(found[0])), headers=headers)

    async def search_index(self, request: Request) -> Response:
        """Parameter names by operation, for the index's filter (kept out of the index page,
        which stays small)."""
        names = {
            op.operation_id: " ".join(
                dict.fromkeys(p.wire_name for p in op.parameters if p.wire_name)
            )
            for op in self.api.operations
        }
        return JSONResponse(names, headers={**SECURITY_HEADERS, "cache-control": "no-cache"})

    def _not_found(self) -> str:
        return self.env.get_template("not_found.html.jinja").render(api=self.api, root="../")

    async def asset(self, request: Request) -> Response:
        name = request.path_params["name"]
        if name not in ASSETS:
            return Response("not found\n", 404, headers=SECURITY_HEADERS, media_type="text/plain")
        text = _asset(name)
        headers = {**SECURITY_HEADERS, "cache-control": "no-cache"}
        return Response(text, headers=headers, media_type=ASSETS[name])

    async def preview(self, request: Request) -> Response:
        op = self.api.operation(request.path_params["operation_id"])
        if op is None:
            return _json({"error": "no such operation"}, 404)
        if request.headers.get("content-type", "").split(";")[0].strip() != "application/json":
            return _json({"error": "send the form's values as application/json"}, 415)
        raw = b""
        async for chunk in request.stream():
            raw += chunk
            if len(raw) > PREVIEW_LIMIT:
                return _json({"error": "too many form values"}, 413)
        wait = self.guard.wait(request.client.host if request.client else "", len(raw))
        if wait is not None:
            response = _json({"error": "too many previews from this address; slow down"}, 429)
            response.headers["retry-after"] = str(max(1, int(wait + 0.999)))
            return response
        if too_deep(raw):  # refused before parsing: 60 KB of "[" must not reach json.loads
            return _json({"error": "the form's values nest too deeply"}, 400)
        try:
            data = json.loads(raw)
        except ValueError:
            return _json({"error": "the form's values are not JSON"}, 400)
        values = data.get("values") if isinstance(data, dict) else None
        if not isinstance(values, dict):
            return _json({"error": "expected an object with 'values'"}, 400)
        base_url = _base_url(data.get("base_url"))
        options = data.get("options")
        try:
            result = await self.guard.run(
                lambda: preview(
                    self.api,
                    op,
                    values,
                    package=self.package,
                    base_url=base_url,
                    options=options if isinstance(options, dict) else None,
                    token=self.token_required,
                )
            )
            return _json(result.as_json(), 200)
        except ValueError:  # text no request can carry (a lone surrogate, from JSON's \ud800)
            return _json({"error": "these values cannot be encoded"}, 400)
        except Exception:  # never a traceback to the caller; the values are theirs to fix
            return _json({"error": "these values cannot be previewed"}, 400)


def package_path(api: Api, root: Path) -> str:
    """The import path of the package generated from this API's spec (``generated.stripe``),
    from the configured target that generates it; else a name from the API's title."""
    from generator.config import find_root, load_targets
    from generator.errors import GeneratorError

    project = find_root(root)
    try:
        targets = load_targets(project)
    except GeneratorError:
        targets = []
    for target in targets:
        if target.spec_label == api.spec_path:
            try:
                parts = target.package_dir.relative_to(project.resolve()).parts
            except ValueError:
                parts = (target.package,)
            if all(p.isidentifier() for p in parts):
                return ".".join(parts)
    from generator import naming

    return naming.module_name(api.title, "client")


def _unserved(api: Api, settings: GatewaySettings) -> frozenset[str]:
    """Operations the gateway does not forward (their server is not mapped)."""
    mapped = upstreams(api, settings)
    return frozenset(op.operation_id for op in api.operations if op.server not in mapped)


def _group(api: Api, op: Operation) -> str:
    """Where the index lists an operation: its first tag, else its path's first segment after
    what all paths share (Stripe's ``/v1/account_links`` -> ``account_links``)."""
    if op.tags:
        return tag_label(api, op.tags[0])
    shared = _shared_prefix(tuple(o.path for o in api.operations))
    rest = op.path[len(shared) :].strip("/").split("/")
    return rest[0] if rest and rest[0] and not rest[0].startswith("{") else "other"


@cache
def _shared_prefix(paths: tuple[str, ...]) -> str:
    segments = [p.strip("/").split("/") for p in paths]
    shared: list[str] = []
    for column in zip(*segments, strict=False):
        if len(set(column)) != 1 or column[0].startswith("{"):
            break
        shared.append(column[0])
    if len(paths) == 1 and shared:
        shared.pop()  # one operation: keep its last segment as the group
    return "/" + "/".join(shared) if shared else ""


@dataclass(frozen=True)
class HeaderOption:
    keyword: str  # the client's request_options key
    header: str
    renew: bool  # an idempotency key: prefilled with a fresh random value, renewable


def header_options(api: Api, op: Operation) -> list[HeaderOption]:
    """The per-call headers the generated client sets: the profile's client headers, and the
    idempotency key for the methods the runtime sends one with."""
    options = [HeaderOption(kw, header, False) for kw, header in api.profile.client_headers]
    idempotency = api.profile.idempotency_header
    if idempotency and op.method.upper() not in ("GET", "HEAD", "OPTIONS"):
        options.append(HeaderOption("idempotency_key", idempotency, True))
    return options


def paging_of(op: Operation) -> str | None:
    """How the page finds the next page, for its script (JSON): the IR's pagination, for the
    styles whose next page is the same call with one argument changed (a Link header or a next
    URL points elsewhere: not offered)."""
    p = op.paging
    if p is None or p.style not in NEXT_STYLES:
        return None
    fields = ("style", "items", "param", "next", "header", "has_more", "total", "start")
    return json.dumps({name: getattr(p, name) for name in fields}, separators=(",", ":"))


NEXT_STYLES = ("stripe", "cursor", "item_cursor", "header_cursor", "offset", "page")


TITLE_LENGTH = 80


def short_title(op: Operation) -> str:
    """What a page calls an operation: its summary, else its description's first sentence
    (Stripe's operations have no summary) cut at a word boundary, else its name."""
    title = op.summary or first_sentence(op.description) or op.py_name
    if len(title) <= TITLE_LENGTH:
        return title
    cut = title[: TITLE_LENGTH - 1].rsplit(" ", 1)[0].rstrip(",;:- \u2013\u2014")
    return cut + "…"


def _pretty(text: str) -> str:
    """JSON text indented for reading."""
    return json.dumps(json.loads(text), indent=2, ensure_ascii=False)


def _deprecation(op: Operation) -> str:
    return "This operation is deprecated." if op.deprecated else ""


def _base_url(value: Any) -> str | None:
    """The gateway's address as the page sees it, for the snippet's ``base_url``: an http(s)
    origin with an optional path, nothing else."""
    if not isinstance(value, str) or len(value) > 2000:
        return None
    try:
        parts = urlsplit(value)
    except ValueError:
        return None
    if parts.scheme not in ("http", "https") or not parts.hostname or parts.query or parts.fragment:
        return None
    if parts.username or parts.password:
        return None
    return value.rstrip("/")


def _page(html: str, status: int = 200) -> Response:
    headers = {**SECURITY_HEADERS, "cache-control": "no-cache"}
    return HTMLResponse(html, status, headers=headers)


def _json(data: Any, status: int) -> Response:
    return JSONResponse(data, status, headers={**SECURITY_HEADERS, "cache-control": "no-store"})


@cache
def _asset(name: str) -> str:
    text: str = (templates_root() / "explorer" / name).read_text(encoding="utf-8")
    return text


def _environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FunctionLoader(_load_template),
        undefined=jinja2.StrictUndefined,
        autoescape=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["segment"] = lambda text: quote(str(text), safe="")
    env.filters["prose"] = lambda text: Markup(sanitize(str(text)))
    env.filters["title"] = short_title
    return env


def _load_template(name: str) -> str:
    text: str = (templates_root() / "explorer" / name).read_text(encoding="utf-8")
    return text

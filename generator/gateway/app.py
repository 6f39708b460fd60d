"""``create_app``: the gateway as an ASGI app, from ``GatewaySettings``.

Routes the gateway serves itself live under ``/_gateway/`` (health, and the explorer's pages
when ``generator.explorer`` is installed) and are a Starlette app; every other request goes
straight to the proxy (plain ASGI: no Starlette on the hot path), which forwards only the
spec's operations.
"""

from __future__ import annotations

import importlib.util
import ipaddress
import os
from collections.abc import AsyncIterator, Awaitable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import httpx
from starlette.applications import Starlette
from starlette.middleware.cors import CORSMiddleware
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, RedirectResponse, Response
from starlette.routing import BaseRoute, Mount, Route, Router

from generator.errors import GeneratorError
from generator.gateway.accesslog import AccessLog
from generator.gateway.credentials import UpstreamCredentials
from generator.gateway.proxy import Proxy, Receive, Scope, Send
from generator.gateway.ratelimit import FailureThrottle, make_limiter
from generator.gateway.settings import GatewaySettings, Tokens, digest, upstreams
from generator.ir import Api

PREFIX = "/_gateway"


class GatewayApp:
    """The whole gateway: ``/_gateway/...`` (and ``GET /``) to the Starlette pages, anything
    else to the proxy."""

    def __init__(self, proxy: Proxy, pages: Any, root_is_page: bool) -> None:
        self.proxy = proxy
        self.pages = pages
        self.root_is_page = root_is_page
        self.state = pages.state if hasattr(pages, "state") else None

    def __call__(self, scope: Scope, receive: Receive, send: Send) -> Awaitable[None]:
        # not a coroutine itself: the one it picks is awaited, a frame less on every call
        if scope["type"] == "http":
            path: str = scope["path"]
            if (
                path.startswith(PREFIX) and (len(path) == len(PREFIX) or path[len(PREFIX)] == "/")
            ) or (path == "/" and self.root_is_page):
                return self.pages(scope, receive, send)  # type: ignore[no-any-return]
            return self.proxy(scope, receive, send)
        return self.pages(scope, receive, send)  # type: ignore[no-any-return]


def create_app(settings: GatewaySettings) -> Any:
    """The gateway app (ASGI). Raises ``GeneratorError`` for a configuration it refuses to run
    with (no upstream key, no client tokens without ``insecure_no_client_auth``, ...)."""
    if settings.api is not None:
        api, paths = settings.api, tuple(op.path for op in settings.api.operations)
    else:
        api, paths = _build(settings)
    proxy = _proxy(api, paths, settings)
    site = _site(api, settings, proxy)
    root_is_page = not any(op.method == "GET" and op.path == "/" for op in api.operations)
    app: Any = GatewayApp(proxy, site, root_is_page)
    if settings.cors_origins:
        app = CORSMiddleware(
            app,
            allow_origins=list(settings.cors_origins),
            allow_methods=sorted({op.method for op in api.operations}),
            allow_headers=["authorization", "content-type", *sorted(proxy.passed)],
            expose_headers=["request-id"],
        )
        app.proxy = proxy
        app.state = site.state
    return app


def _proxy(api: Api, paths: tuple[str, ...], settings: GatewaySettings) -> Proxy:
    """The forwarding app, with its credentials and client tokens checked first."""
    targets = upstreams(api, settings)
    credentials = UpstreamCredentials.from_env(
        api,
        os.environ,
        targets[None],
        api_key=settings.api_key,
        timeout=httpx.Timeout(settings.timeout, connect=settings.connect_timeout),
    )
    tokens = settings.tokens if settings.tokens is not None else Tokens.from_env(os.environ)
    if not tokens.digests and not settings.insecure_no_client_auth:
        raise GeneratorError(
            "no client tokens: set GATEWAY_TOKENS or pass --tokens-file "
            "(or --insecure-no-client-auth on a loopback address)"
        )
    if any(digest(s.decode()) in tokens.digests for s in credentials.secrets):
        raise GeneratorError(
            "a client token is the upstream API key itself (or another credential)"
        )
    if settings.redis_url is not None and settings.rate_limit is None:
        raise GeneratorError("--redis holds rate limits: give --rate-limit too")
    proxy = Proxy(
        api,
        credentials=credentials,
        tokens=tokens if tokens.digests else None,
        upstreams=targets,
        limiter=make_limiter(settings.rate_limit, settings.redis_url),
        body_limit=settings.body_limit,
        timeout=settings.timeout,
        connect_timeout=settings.connect_timeout,
        response_limit=settings.response_limit,
        paths=paths,
        throttle=FailureThrottle() if tokens.digests else None,
        log=AccessLog(settings.access_log),
    )
    return proxy


def _site(api: Api, settings: GatewaySettings, proxy: Proxy) -> Starlette:
    """The gateway's own pages (health, explorer or index) on Starlette; every other path goes
    to ``proxy``, which also serves as the router's default."""

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        yield
        await proxy.close()

    routes: list[BaseRoute] = [
        Route(f"{PREFIX}/health", _health, methods=["GET", "HEAD"]),
        Route(PREFIX, lambda _: RedirectResponse(f"{PREFIX}/", 307)),
    ]
    if importlib.util.find_spec("generator.explorer") is not None:
        from generator.explorer import explorer_routes  # type: ignore[import-not-found,unused-ignore]

        # its own Router: Mount(routes=...) would redirect a trailing slash to a URL built
        # from the Host header (``Location: http://evil.example/...``)
        pages = Router(explorer_routes(api, settings), redirect_slashes=False)
        routes.append(Mount(PREFIX, app=pages))
    else:
        routes.append(Route(f"{PREFIX}/", _index(api, proxy), methods=["GET", "HEAD"]))
    root_is_page = not any(op.method == "GET" and op.path == "/" for op in api.operations)
    if root_is_page:
        routes.append(Route("/", _Root(proxy), methods=None))
    site = Starlette(routes=routes, lifespan=lifespan)
    site.router.redirect_slashes = False  # it would build absolute URLs from the Host header
    site.router.default = proxy
    site.state.gateway = proxy
    return site


def build(settings: GatewaySettings) -> Api:
    """The IR of ``settings.spec``, built as ``generate`` builds it (a spec recognised as one a
    built-in profile is for gets that profile when no other is named)."""
    return _build(settings)[0]


def _build(settings: GatewaySettings) -> tuple[Api, tuple[str, ...]]:
    """The IR, and every path of the spec (served or not: routing must know them all)."""
    from generator.config import find_root, load_targets, profile_named
    from generator.load import load_document
    from generator.spec_ir import build_ir

    if settings.spec is None:
        raise GeneratorError("the gateway needs a spec (--spec) or a prebuilt Api")
    root = find_root(settings.root)
    spec = (settings.root / settings.spec).resolve()
    if settings.profile is not None:
        raw = profile_named(root, settings.profile)
    else:
        raw = _target_profile(root, spec, load_targets)
    try:
        label = spec.relative_to(root.resolve()).as_posix()
    except ValueError:
        label = spec.as_posix()
    doc = load_document(spec)
    paths = doc.data.get("paths")
    every = tuple(p for p in paths if isinstance(p, str)) if isinstance(paths, dict) else ()
    return build_ir(doc, label, raw, settings.operations), every


def _target_profile(root: Path, spec: Path, load_targets: Any) -> dict[str, Any]:
    """The profile of the configured target generating from this spec, if there is one."""
    try:
        targets = load_targets(root)
    except GeneratorError:
        return {}
    for target in targets:
        if target.spec == spec:
            profile: dict[str, Any] = target.profile
            return profile
    return {}


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


async def _health(request: Request) -> Response:
    return JSONResponse({"status": "ok"}, headers={"cache-control": "no-store"})


def _index(api: Api, proxy: Proxy) -> Any:
    served = [op for op in api.operations if op.operation_id not in proxy.unserved]
    text = f"{api.title} gateway: {len(served)} operation(s) forwarded\n" + "".join(
        f"{op.method} {op.path}  {op.operation_id}\n" for op in served
    )

    async def index(request: Request) -> Response:
        return PlainTextResponse(text)

    return index


class _Root:
    """``/``: GET sends people to the gateway's page; anything else is the API's business."""

    def __init__(self, proxy: Proxy) -> None:
        self.proxy = proxy

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["method"] in ("GET", "HEAD"):
            await RedirectResponse(f"{PREFIX}/", 307)(scope, receive, send)
        else:
            await self.proxy(scope, receive, send)

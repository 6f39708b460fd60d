"""``create_app``: the gateway as a Starlette app, from ``GatewaySettings``.

Routes the gateway serves itself live under ``/_gateway/`` (health, and the explorer's pages
when ``generator.explorer`` is installed); every other request goes to the proxy, which forwards
only the spec's operations.
"""

from __future__ import annotations

import importlib.util
import ipaddress
import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import httpx
from starlette.applications import Starlette
from starlette.middleware.cors import CORSMiddleware
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, RedirectResponse, Response
from starlette.routing import BaseRoute, Mount, Route

from generator.errors import GeneratorError
from generator.gateway.credentials import UpstreamCredentials
from generator.gateway.proxy import Proxy
from generator.gateway.ratelimit import make_limiter
from generator.gateway.settings import GatewaySettings, Tokens, digest, upstreams
from generator.ir import Api

PREFIX = "/_gateway"


def create_app(settings: GatewaySettings) -> Starlette:
    """The gateway app. Raises ``GeneratorError`` for a configuration it refuses to run with
    (no upstream key, no client tokens without ``insecure_no_client_auth``, ...)."""
    api = settings.api if settings.api is not None else build(settings)
    timeout = httpx.Timeout(settings.timeout, connect=settings.connect_timeout)
    targets = upstreams(api, settings)
    credentials = UpstreamCredentials.from_env(
        api, os.environ, targets[None], api_key=settings.api_key, timeout=timeout
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
        timeout=timeout,
    )

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

        routes.append(Mount(PREFIX, routes=explorer_routes(api, settings)))
    else:
        routes.append(Route(f"{PREFIX}/", _index(api, proxy), methods=["GET", "HEAD"]))
    if not any(op.method == "GET" and op.path == "/" for op in api.operations):
        routes.append(Route("/", _Root(proxy), methods=None))
    app = Starlette(routes=routes, lifespan=lifespan)
    app.router.redirect_slashes = False  # it would build absolute URLs from the Host header
    app.router.default = proxy
    if settings.cors_origins:
        app.add_middleware(
            CORSMiddleware,
            allow_origins=list(settings.cors_origins),
            allow_methods=sorted({op.method for op in api.operations}),
            allow_headers=["authorization", "content-type", *sorted(proxy.passed)],
            expose_headers=["request-id"],
        )
    app.state.gateway = proxy
    return app


def build(settings: GatewaySettings) -> Api:
    """The IR of ``settings.spec``, built as ``generate`` builds it (a spec recognised as one a
    built-in profile is for gets that profile when no other is named)."""
    from generator.config import find_root, load_profiles, load_targets
    from generator.load import load_document
    from generator.spec_ir import build_ir

    if settings.spec is None:
        raise GeneratorError("the gateway needs a spec (--spec) or a prebuilt Api")
    root = find_root(settings.root)
    spec = (settings.root / settings.spec).resolve()
    if settings.profile is not None:
        raw = load_profiles(root).get(settings.profile)
        if raw is None:
            raise GeneratorError(f"no profile {settings.profile!r} in [tool.generator.profiles]")
    else:
        raw = _target_profile(root, spec, load_targets)
    try:
        label = spec.relative_to(root.resolve()).as_posix()
    except ValueError:
        label = spec.as_posix()
    return build_ir(load_document(spec), label, raw, settings.operations)


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

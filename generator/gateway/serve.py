"""``python -m generator gateway``: parse the command line, check it, serve with uvicorn."""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
from pathlib import Path

from starlette.applications import Starlette

from generator.errors import GeneratorError
from generator.gateway.app import create_app, is_loopback
from generator.gateway.settings import DEFAULT_BODY_LIMIT, GatewaySettings, RateLimit, Tokens

ARGV_ENV = "GENERATOR_GATEWAY_ARGV"  # how worker processes get the command line
REDIS_ENV = "GATEWAY_REDIS_URL"


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="python -m generator gateway",
        description="Serve the spec's operations through a gateway that holds the upstream "
        "credentials the spec's security schemes need, each from its own variable (the "
        "generated client's: STRIPE_API_KEY for Stripe; <PREFIX>_CLIENT_ID and "
        "<PREFIX>_CLIENT_SECRET for an OAuth2 client-credentials grant the gateway runs "
        "itself), and adds them upstream. "
        "Client tokens come from GATEWAY_TOKENS (comma-separated) or --tokens-file.",
    )
    p.add_argument("--spec", type=Path, required=True, help="the OpenAPI document")
    p.add_argument("--profile", help="a profile of [tool.generator.profiles] (default: the "
                   "configured target's for this spec, or the built-in one it is recognised "
                   "for)")  # fmt: skip
    p.add_argument("--operation", action="append", default=[], metavar="ID",
                   help="only this operation (repeatable)")  # fmt: skip
    p.add_argument("--upstream", help="where calls go (default: the spec's server)")
    p.add_argument("--upstream-for", action="append", default=[], metavar="SERVER=URL",
                   help="forward the operations of another spec server to URL")  # fmt: skip
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=8080)
    p.add_argument("--workers", type=int, default=1)
    p.add_argument("--tokens-file", type=Path,
                   help="client tokens, one a line (or sha256:<hex> of one)")  # fmt: skip
    p.add_argument("--insecure-no-client-auth", action="store_true",
                   help="accept calls without a client token (loopback binds only)")  # fmt: skip
    p.add_argument("--rate-limit", type=RateLimit.parse, metavar="N/s[,burst=B]",
                   help="per-token token bucket, e.g. 25/s or 25/s,burst=50 (default: none)")  # fmt: skip
    p.add_argument("--redis", metavar="URL",
                   help=f"share the rate limit through Redis (or set {REDIS_ENV})")  # fmt: skip
    p.add_argument("--body-limit", type=int, default=DEFAULT_BODY_LIMIT, metavar="BYTES")
    p.add_argument("--timeout", type=float, default=80.0, help="upstream timeout, seconds")
    p.add_argument("--connect-timeout", type=float, default=5.0)
    p.add_argument("--cors-origin", action="append", default=[], metavar="ORIGIN",
                   help="allow this browser origin (repeatable; default: none)")  # fmt: skip
    return p


def settings_from(args: argparse.Namespace) -> GatewaySettings:
    upstream_for: dict[str, str] = {}
    for item in args.upstream_for:
        server, sep, url = item.partition("=")
        if not sep or not server or not url:
            raise GeneratorError(f"--upstream-for {item!r} is not SERVER=URL")
        upstream_for[server] = url
    tokens = Tokens.from_file(args.tokens_file) if args.tokens_file else Tokens.from_env(os.environ)
    return GatewaySettings(
        spec=args.spec,
        profile=args.profile,
        operations=tuple(args.operation),
        upstream=args.upstream,
        upstream_for=upstream_for,
        tokens=tokens,
        insecure_no_client_auth=args.insecure_no_client_auth,
        rate_limit=args.rate_limit,
        redis_url=args.redis or os.environ.get(REDIS_ENV) or None,
        body_limit=args.body_limit,
        timeout=args.timeout,
        connect_timeout=args.connect_timeout,
        cors_origins=tuple(args.cors_origin),
    )


def check(args: argparse.Namespace, settings: GatewaySettings) -> None:
    if settings.insecure_no_client_auth and not is_loopback(args.host):
        raise GeneratorError("--insecure-no-client-auth only with a loopback --host")
    if args.workers < 1:
        raise GeneratorError("--workers must be at least 1")
    if args.workers > 1 and settings.rate_limit is not None and settings.redis_url is None:
        raise GeneratorError(
            "an in-memory rate limit is per process: with --workers > 1 give --redis"
        )


def app_from_env() -> Starlette:
    """The app of a worker process (uvicorn ``factory``), from the parent's command line."""
    _quiet_logging()
    args = parser().parse_args(json.loads(os.environ[ARGV_ENV]))
    return create_app(settings_from(args))


def _quiet_logging() -> None:
    log = logging.getLogger("generator.gateway.access")
    if not log.handlers:
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(logging.Formatter("%(message)s"))
        log.addHandler(handler)
        log.setLevel(logging.INFO)
        log.propagate = False


def main(argv: list[str]) -> int:
    import uvicorn

    args = parser().parse_args(argv)
    try:
        settings = settings_from(args)
        check(args, settings)
        _quiet_logging()
        app = create_app(settings)  # in the parent too: a bad configuration fails here, once
    except GeneratorError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    proxy = app.state.gateway
    if proxy.unserved:
        print(
            "not served (their server has no --upstream-for): " + ", ".join(sorted(proxy.unserved)),
            file=sys.stderr,
        )
    served = len(proxy.api.operations) - len(proxy.unserved)
    print(f"gateway: {served} operation(s) on http://{args.host}:{args.port}", file=sys.stderr)
    options = {
        "host": args.host,
        "port": args.port,
        "http": "h11",  # keeps absolute-form targets visible in raw_path (httptools strips them)
        "access_log": False,  # the gateway writes its own, without query strings
        "server_header": False,
        "log_level": "warning",
    }
    if args.workers == 1:
        uvicorn.run(app, **options)
    else:
        os.environ[ARGV_ENV] = json.dumps(argv)
        uvicorn.run(
            "generator.gateway.serve:app_from_env", factory=True, workers=args.workers, **options
        )
    return 0

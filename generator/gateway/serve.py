"""``python -m generator gateway``: parse the command line, check it, serve.

The server is ``generator.gateway.server`` on uvloop (when installed); ``--workers N`` forks N
processes after the app is built, all accepting on one listening socket.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import gc
import os
import resource
import signal
import socket
import sys
from pathlib import Path
from typing import Any

from generator.errors import GeneratorError
from generator.gateway.app import create_app, is_loopback
from generator.gateway.server import Limits, Server
from generator.gateway.settings import (
    DEFAULT_BODY_LIMIT,
    DEFAULT_RESPONSE_LIMIT,
    DEFAULT_TIMEOUT,
    GatewaySettings,
    RateLimit,
    Tokens,
)

REDIS_ENV = "GATEWAY_REDIS_URL"
_DEFAULTS = Limits()


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
    _what_and_where(p)
    _access(p)
    _limits(p)
    return p


def _what_and_where(p: argparse.ArgumentParser) -> None:
    """What is served (spec, profile, operations), to where, and on which address."""
    p.add_argument("--spec", type=Path, required=True, help="the OpenAPI document")
    p.add_argument("--profile", help="a profile of [tool.generator.profiles] (default: the "
                   "configured target's for this spec, or the built-in one it is recognised "
                   "for)")  # fmt: skip
    p.add_argument("--operation", action="append", default=[], metavar="ID",
                   help="serve only this operation (repeatable; default: every operation)")  # fmt: skip
    p.add_argument("--upstream", help="where calls go (default: the spec's server)")
    p.add_argument("--upstream-for", action="append", default=[], metavar="SERVER=URL",
                   help="forward the operations of another spec server to URL (repeatable; "
                   "default: none, so those operations get 404)")  # fmt: skip
    p.add_argument("--host", default="127.0.0.1",
                   help="the address to listen on (default: %(default)s)")  # fmt: skip
    p.add_argument("--port", type=int, default=8080,
                   help="the port to listen on (default: %(default)s)")  # fmt: skip
    p.add_argument("--workers", type=int, default=1,
                   help="server processes on the one port; above 1 a rate limit needs --redis "
                   "(default: %(default)s)")  # fmt: skip


def _access(p: argparse.ArgumentParser) -> None:
    """Who may call: client tokens, rate limits, browser origins."""
    p.add_argument("--tokens-file", type=Path,
                   help="client tokens, one a line (or sha256:<hex> of one) (default: none; "
                   "GATEWAY_TOKENS is read)")  # fmt: skip
    p.add_argument("--insecure-no-client-auth", action="store_true",
                   help="accept calls without a client token (loopback binds only; "
                   "default: off)")  # fmt: skip
    p.add_argument("--rate-limit", type=RateLimit.parse, metavar="N/s[,burst=B]",
                   help="per-token token bucket, e.g. 25/s or 25/s,burst=50 (default: none)")  # fmt: skip
    p.add_argument("--redis", metavar="URL",
                   help=f"share the rate limit through Redis (or set {REDIS_ENV}; default: "
                   "none, limits are per process)")  # fmt: skip
    p.add_argument("--cors-origin", action="append", default=[], metavar="ORIGIN",
                   help="allow this browser origin (repeatable; default: none)")  # fmt: skip


def _limits(p: argparse.ArgumentParser) -> None:
    """Sizes, timeouts and connection caps (issue 24's resource limits)."""
    p.add_argument("--body-limit", type=int, default=DEFAULT_BODY_LIMIT, metavar="BYTES",
                   help="larger request bodies get 413 (default: %(default)s)")  # fmt: skip
    p.add_argument("--response-limit", type=int, default=DEFAULT_RESPONSE_LIMIT, metavar="BYTES",
                   help="largest upstream response passed on, a longer one is cut "
                   "(default: %(default)s)")  # fmt: skip
    p.add_argument("--timeout", type=float, default=DEFAULT_TIMEOUT, metavar="SECONDS",
                   help="one upstream exchange (default: %(default)s)")  # fmt: skip
    p.add_argument("--connect-timeout", type=float, default=5.0, metavar="SECONDS",
                   help="upstream connect timeout (default: %(default)s)")  # fmt: skip
    p.add_argument("--header-timeout", type=float, default=_DEFAULTS.header_timeout,
                   metavar="SECONDS", help="for a request's head to arrive "
                   "(default: %(default)s)")  # fmt: skip
    p.add_argument("--body-timeout", type=float, default=_DEFAULTS.body_timeout,
                   metavar="SECONDS", help="for a request's body to arrive "
                   "(default: %(default)s)")  # fmt: skip
    p.add_argument("--keepalive-timeout", type=float, default=_DEFAULTS.keepalive_timeout,
                   metavar="SECONDS", help="an idle client connection stays open "
                   "(default: %(default)s)")  # fmt: skip
    p.add_argument("--max-connections", type=int, default=_DEFAULTS.max_connections,
                   help="open client connections per process, more are closed at once "
                   "(default: %(default)s)")  # fmt: skip
    p.add_argument("--max-connections-per-address", type=int, metavar="N",
                   help="open client connections per process from one client address, more "
                   "are closed at once (default: a quarter of --max-connections, at least 1)")  # fmt: skip


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
        response_limit=args.response_limit,
        timeout=args.timeout,
        connect_timeout=args.connect_timeout,
        cors_origins=tuple(args.cors_origin),
        access_log=sys.stderr,
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
    for name in ("timeout", "header_timeout", "body_timeout", "keepalive_timeout"):
        if getattr(args, name) <= 0:
            raise GeneratorError(f"--{name.replace('_', '-')} must be above zero")
    for name in ("max_connections", "max_connections_per_address"):
        if getattr(args, name) is not None and getattr(args, name) < 1:
            raise GeneratorError(f"--{name.replace('_', '-')} must be at least 1")


def limits_from(args: argparse.Namespace) -> Limits:
    """The server's limits; the connection cap lowered to what the open-file limit allows
    (each client connection may hold one upstream connection too), and the per-address cap a
    quarter of it unless given."""
    allowed = max(16, (_raise_open_files() - 64) // 2)
    if args.max_connections > allowed:
        print(f"gateway: --max-connections lowered to {allowed} (open-file limit)", file=sys.stderr)
    cap = min(args.max_connections, allowed)
    per_address = args.max_connections_per_address
    return Limits(
        header_timeout=args.header_timeout,
        body_timeout=args.body_timeout,
        keepalive_timeout=args.keepalive_timeout,
        max_connections=cap,
        max_per_address=per_address if per_address is not None else max(1, cap // 4),
    )


def _raise_open_files() -> int:
    """Raise the soft open-file limit to the hard one (capped); the soft limit in force."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    wanted = 65536 if hard == resource.RLIM_INFINITY else min(hard, 65536)
    if soft != resource.RLIM_INFINITY and soft < wanted:
        try:
            resource.setrlimit(resource.RLIMIT_NOFILE, (wanted, hard))
            soft = wanted
        except (ValueError, OSError):
            pass
    return 65536 if soft == resource.RLIM_INFINITY else soft


def main(argv: list[str]) -> int:
    args = parser().parse_args(argv)
    try:
        settings = settings_from(args)
        check(args, settings)
        app = create_app(settings)
        sock = socket.create_server((args.host, args.port), backlog=1024)
    except GeneratorError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except OSError as exc:
        print(f"error: cannot listen on {args.host}:{args.port}: {exc.strerror}", file=sys.stderr)
        return 2
    limits = limits_from(args)
    proxy = app.proxy
    if proxy.unserved:
        print(
            "not served (their server has no --upstream-for): " + ", ".join(sorted(proxy.unserved)),
            file=sys.stderr,
        )
    served = len(proxy.api.operations) - len(proxy.unserved)
    print(f"gateway: {served} operation(s) on http://{args.host}:{args.port}", file=sys.stderr)
    sys.stderr.flush()
    if args.workers == 1:
        _run(app, sock, limits)
        return 0
    return _supervise(app, sock, limits, args.workers)


def _supervise(app: Any, sock: socket.socket, limits: Limits, workers: int) -> int:
    """Fork the workers (they share the listening socket) and wait; a signal to this process
    is passed on to them."""
    children: list[int] = []
    for _ in range(workers):
        pid = os.fork()
        if pid == 0:  # pragma: no cover (runs in the child)
            code = 0
            try:
                _run(app, sock, limits)
            except BaseException:
                code = 1
            os._exit(code)
        children.append(pid)
    sock.close()

    def forward(signum: int, frame: Any) -> None:
        for child in children:
            with contextlib.suppress(ProcessLookupError):
                os.kill(child, signal.SIGTERM)

    signal.signal(signal.SIGTERM, forward)
    signal.signal(signal.SIGINT, forward)
    for child in children:
        while True:
            try:
                os.waitpid(child, 0)
                break
            except ChildProcessError:
                break
            except InterruptedError:
                continue
    return 0


def _run(app: Any, sock: socket.socket, limits: Limits) -> None:
    # The spec's IR and the compiled validators live as long as the process: moved out of the
    # collector's sight, a full collection no longer walks them while calls wait.
    gc.collect()
    gc.freeze()
    # A call allocates a few hundred container objects, nearly all freed by reference count;
    # at the default threshold (700) a young collection ran every couple of calls, walking the
    # in-flight calls' objects each time. Cyclic garbage now waits a little longer.
    gc.set_threshold(20_000, 10, 10)
    loop: asyncio.AbstractEventLoop
    try:
        import uvloop

        loop = uvloop.new_event_loop()
    except ImportError:
        loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)
    try:
        loop.run_until_complete(_serve(app, sock, limits))
    finally:
        loop.close()


async def _serve(app: Any, sock: socket.socket, limits: Limits) -> None:
    loop = asyncio.get_running_loop()
    stop = asyncio.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, stop.set)
    log = app.proxy.log

    def flush() -> None:
        log.flush()
        loop.call_later(0.2, flush)

    loop.call_later(0.2, flush)
    try:
        await Server(app, limits).serve(sock, stop)
    finally:
        await app.proxy.close()
        log.flush()

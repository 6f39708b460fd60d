"""What token handling and webhook verification add per call, beside their floors, in one run.

- OAuth2: a call through the generated client's token source (a cached token, the path every
  call after the first takes) against a call with a fixed ``token=``, both to a local API on
  127.0.0.1; and how many token requests 50 concurrent calls cause (threads, then tasks).
- Webhooks: ``generated.stripe.webhooks.unwrap`` (verify + parse into ``Event``) against the
  floor of doing it by hand (``hmac`` + ``json.loads`` + ``Event.model_validate``).

    .venv/bin/python benchmarks/auth.py [--calls N]
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import hmac
import json
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

from support.packages import generate_package  # noqa: E402
from support.token_server import CLIENT_ID, CLIENT_SECRET, token_server  # noqa: E402

SPEC = {
    "openapi": "3.1.0",
    "info": {"title": "Bench API", "version": "1"},
    "servers": [{"url": "https://bench.example.com"}],
    "security": [{"oauth": []}],
    "paths": {"/things": {"get": {"operationId": "list_things", "responses": {"200": {
        "description": "ok", "content": {"application/json": {"schema": {}}}}}}}},
    "components": {"securitySchemes": {"oauth": {"type": "oauth2", "flows": {
        "clientCredentials": {"tokenUrl": "/oauth/token", "scopes": {}}}}}},
}  # fmt: skip


def _per_call(run: Callable[[], object], calls: int) -> float:
    """Median µs of ``calls`` runs, in 5 batches."""
    batches = []
    for _ in range(5):
        started = time.perf_counter()
        for _ in range(calls // 5):
            run()
        batches.append((time.perf_counter() - started) / (calls // 5) * 1e6)
    return statistics.median(batches)


def oauth(calls: int) -> None:
    with tempfile.TemporaryDirectory() as tmp, token_server() as server:
        bench = generate_package(SPEC, Path(tmp), "bench_oauth")
        server.live.add("fixed")
        base = server.url
        fetched = bench.BenchClient(base_url=base, client_id=CLIENT_ID, client_secret=CLIENT_SECRET)
        fixed = bench.BenchClient(base_url=base, token="fixed")
        fetched.list_things()  # the one token request
        for _ in range(2):  # alternate, so load changes hit both alike
            with_source = _per_call(fetched.list_things, calls)
            with_token = _per_call(fixed.list_things, calls)
        print(f"call with a cached OAuth2 token: {with_source:8.1f} µs")
        print(f"call with token= (floor):        {with_token:8.1f} µs")
        print(f"  ratio {with_source / with_token:.2f}x")
        server.token_requests.clear()
        server.delay = 0.2
        threaded = bench.BenchClient(
            base_url=base, client_id=CLIENT_ID, client_secret=CLIENT_SECRET
        )
        with ThreadPoolExecutor(50) as pool:
            list(pool.map(lambda _: threaded.list_things(), range(50)))
        print(f"50 calls in 50 threads, cold: {len(server.token_requests)} token request(s)")
        server.token_requests.clear()

        async def tasks() -> None:
            async with bench.AsyncBenchClient(
                base_url=base, client_id=CLIENT_ID, client_secret=CLIENT_SECRET
            ) as client:
                await asyncio.gather(*(client.list_things() for _ in range(50)))

        asyncio.run(tasks())
        print(f"50 calls in 50 tasks, cold: {len(server.token_requests)} token request(s)")


def webhooks(calls: int) -> None:
    from generated.stripe.models.event import Event
    from generated.stripe.webhooks import unwrap

    secret = "whsec_bench"
    body = json.dumps({"id": "evt_1", "object": "event", "type": "invoice.paid", "created": 1,
                       "livemode": False, "pending_webhooks": 0, "api_version": None,
                       "request": None, "data": {"object": {"id": "in_1"}}}).encode()  # fmt: skip
    now = int(time.time())
    digest = hmac.new(secret.encode(), f"{now}.".encode() + body, hashlib.sha256).hexdigest()
    headers = {"Stripe-Signature": f"t={now},v1={digest}"}

    def by_hand() -> object:
        expected = hmac.new(secret.encode(), f"{now}.".encode() + body, hashlib.sha256)
        assert hmac.compare_digest(expected.hexdigest(), digest)
        return Event.model_validate(json.loads(body))

    unwrap(body, headers, secret=secret)  # builds the model once
    for _ in range(2):
        ours = _per_call(lambda: unwrap(body, headers, secret=secret), calls)
        floor = _per_call(by_hand, calls)
    print(f"webhooks.unwrap (verify + parse):  {ours:8.1f} µs")
    print(f"hmac + json.loads + model_validate: {floor:8.1f} µs (floor)")
    print(f"  ratio {ours / floor:.2f}x")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=500)
    args = parser.parse_args()
    oauth(args.calls)
    webhooks(args.calls * 20)


if __name__ == "__main__":
    main()

"""Gateway processes sharing one real Redis server enforce one limit per token; while Redis is
unreachable they respond 503 and forward nothing."""

from __future__ import annotations

import shutil
from collections.abc import Iterator

import httpx
import pytest
from support.processes import ROOT, Redis, gateway, redis_server
from support.recording_server import Reply, recording_server

pytest.importorskip(
    "redis", reason="the gateway extra is not installed (pip install -e '.[gateway]')"
)

SECRET = "sk_test_RedisSharedSecret"
TOKENS = ("tok_shared_one", "tok_shared_two")
LINK = {"object": "account_link", "created": 1, "expires_at": 2, "url": "https://x/y"}


@pytest.fixture(scope="module")
def binary() -> str:
    found = shutil.which("redis-server")
    if found is None:
        pytest.skip(
            "redis-server is not installed: scripts/test installs Debian's redis-server as root "
            "(or `apt-get install redis-server`)"
        )
    return found


@pytest.fixture(scope="module")
def redis(binary: str) -> Iterator[Redis]:
    with redis_server(binary) as server:
        yield server


def test_gateways_share_one_limit(redis: Redis, binary: str) -> None:
    with recording_server() as (url, recorder):
        recorder.default = Reply(200, LINK)
        env = {"STRIPE_API_KEY": SECRET, "GATEWAY_TOKENS": ",".join(TOKENS)}
        args = ["--spec", str(ROOT / "spec" / "stripe.yaml"), "--upstream", url,
                "--redis", redis.url, "--rate-limit", "1/h,burst=5"]  # fmt: skip
        # the second is itself two worker processes (--workers): three share the limit
        with gateway(args, env) as one, gateway([*args, "--workers", "2"], env) as two:
            body = {"account": "acct_1", "type": "account_update"}

            def call(gw: str, token: str) -> httpx.Response:
                return httpx.post(
                    f"{gw}/v1/account_links",
                    data=body,
                    headers={"Authorization": f"Bearer {token}"},
                )

            # Alternating between the gateways: 5 in all pass for the token, not 5 each.
            statuses = [call((one, two)[i % 2].url, TOKENS[0]).status_code for i in range(8)]
            assert statuses == [200] * 5 + [429] * 3
            assert len(recorder.requests) == 5
            limited = call(two.url, TOKENS[0])
            assert 0 < int(limited.headers["retry-after"]) <= 3600
            assert call(one.url, TOKENS[1]).status_code == 200  # another token, its own bucket

            redis.stop()
            before = len(recorder.requests)
            down = call(one.url, TOKENS[1])
            assert down.status_code == 503
            assert down.json()["error"]["type"] == "api_error"
            assert len(recorder.requests) == before  # nothing forwarded without the limiter
            assert httpx.get(f"{one.url}/_gateway/health").status_code == 200
            # Redis back (empty): the gateways reconnect by themselves
            with redis_server(binary, port=redis.port):
                assert call(two.url, TOKENS[1]).status_code == 200
        for gw in (one, two):
            log = gw.stderr()
            assert SECRET not in log and not any(t in log for t in TOKENS)
            assert redis.url not in log

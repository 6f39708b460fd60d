"""Per-call client cost: N account-link POSTs to a local server, after a warm-up.

Usage: python percall.py CONTENDER CALLS WARMUP BASE_URL [PACKAGE] [--profile FILE]
CONTENDER is ``ours`` (PACKAGE: the generated package to import), ``stripe`` (stripe-python's
``StripeClient.v1.account_links.create``), ``httpx`` (a bare ``httpx.Client.post`` of the same
form body, response not parsed) or ``httpx_pydantic`` (the same plus validating a small
pydantic model, for reference). Prints one JSON line: wall and CPU (``time.process_time``, this
process only) in microseconds per call, the median of 10 batches of CALLS/10 calls. With
``--profile FILE`` the timed loop runs under cProfile and the stats are dumped to FILE.
"""

from __future__ import annotations

import json
import statistics
import sys
import time
from collections.abc import Callable
from importlib import import_module
from typing import Any

FORM = {
    "account": "acct_123",
    "type": "account_onboarding",
    "refresh_url": "https://example.com/reauth",
    "return_url": "https://example.com/return",
}
URL = "https://connect.stripe.com/setup/s/acct_123/bench"
BATCHES = 10


def ours(base_url: str, package: str) -> Callable[[], str]:
    client = import_module(package).StripeClient("sk_test_x", base_url=base_url)

    def call() -> str:
        link = client.post_account_links(
            account="acct_123",
            type="account_onboarding",
            refresh_url="https://example.com/reauth",
            return_url="https://example.com/return",
        )
        return str(link.url)

    return call


def stripe_python(base_url: str, package: str) -> Callable[[], str]:
    import stripe  # type: ignore[import-not-found, unused-ignore]

    client = stripe.StripeClient("sk_test_x", base_addresses={"api": base_url})

    def call() -> str:
        link = client.v1.account_links.create(
            params={
                "account": "acct_123",
                "type": "account_onboarding",
                "refresh_url": "https://example.com/reauth",
                "return_url": "https://example.com/return",
            }
        )
        return str(link.url)

    return call


def bare_httpx(base_url: str, package: str) -> Callable[[], str]:
    import httpx

    client = httpx.Client(base_url=base_url)
    headers = {"Authorization": "Bearer sk_test_x"}

    def call() -> str:
        response = client.post("/v1/account_links", data=FORM, headers=headers)
        if response.status_code != 200:
            raise RuntimeError(f"status {response.status_code}")
        return URL

    return call


def httpx_pydantic(base_url: str, package: str) -> Callable[[], str]:
    import httpx
    import pydantic

    class AccountLink(pydantic.BaseModel):
        object: str
        created: int
        expires_at: int
        url: str

    client = httpx.Client(base_url=base_url)
    headers = {"Authorization": "Bearer sk_test_x"}

    def call() -> str:
        response = client.post("/v1/account_links", data=FORM, headers=headers)
        response.raise_for_status()
        return AccountLink.model_validate_json(response.content).url

    return call


CONTENDERS: dict[str, Callable[[str, str], Callable[[], str]]] = {
    "ours": ours,
    "stripe": stripe_python,
    "httpx": bare_httpx,
    "httpx_pydantic": httpx_pydantic,
}


def main() -> None:
    args = sys.argv[1:]
    profile_path = None
    if "--profile" in args:
        at = args.index("--profile")
        profile_path = args[at + 1]
        del args[at : at + 2]
    name, calls, warmup, base_url = args[0], int(args[1]), int(args[2]), args[3]
    package = args[4] if len(args) > 4 else ""
    call = CONTENDERS[name](base_url, package)
    for _ in range(warmup):
        if call() != URL:
            raise SystemExit("wrong response")
    profiler: Any = None
    if profile_path:
        import cProfile

        profiler = cProfile.Profile()
        profiler.enable()
    # Timed in batches: the median batch shrugs off a burst of other work on the machine.
    batches = BATCHES if calls >= BATCHES * 10 else 1
    size = calls // batches
    walls, cpus = [], []
    for _ in range(batches):
        wall0, cpu0 = time.perf_counter(), time.process_time()
        for _ in range(size):
            call()
        walls.append((time.perf_counter() - wall0) / size * 1e6)
        cpus.append((time.process_time() - cpu0) / size * 1e6)
    if profiler is not None:
        profiler.disable()
        profiler.dump_stats(profile_path)
    print(
        json.dumps(
            {
                "wall_us": statistics.median(walls),
                "cpu_us": statistics.median(cpus),
                "calls": size * batches,
                "batches": batches,
            }
        )
    )


if __name__ == "__main__":
    main()

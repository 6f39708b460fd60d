"""The explorer's size budgets on the whole Stripe API, measured on the pages a real gateway
serves: the index under 150 KB of HTML, every operation page under 60 KB (the largest bodies
show their biggest objects' fields when asked), every deferred field's HTML served."""

from __future__ import annotations

import re

import httpx
import pytest
from support.paths import shared_spec
from support.processes import gateway

pytest.importorskip("starlette", reason="the gateway extra is not installed")

INDEX_BUDGET = 150 * 1024
PAGE_BUDGET = 60 * 1024


@pytest.mark.slow
def test_full_stripe_pages_stay_within_budget() -> None:
    spec = shared_spec("spec3.2023-09-12.yaml")
    env = {"STRIPE_API_KEY": "sk_test_budget", "GATEWAY_TOKENS": "gw_budget"}
    args = ["--spec", str(spec), "--upstream", "http://127.0.0.1:9"]
    with gateway(args, env) as gw, httpx.Client(base_url=f"{gw.url}/_gateway/") as client:
        index = client.get("")
        assert index.status_code == 200
        assert len(index.content) < INDEX_BUDGET, len(index.content)
        ids = re.findall(r'href="operations/([^"]+)"', index.text)
        assert len(ids) > 400
        names = client.get("search-index").json()
        assert "refresh_url" in names["PostAccountLinks"].split()
        deferred = 0
        for op_id in ids:
            page = client.get(f"operations/{op_id}")
            assert page.status_code == 200
            assert len(page.content) < PAGE_BUDGET, (op_id, len(page.content))
            assert "<script>" not in page.text and " style=" not in page.text
            for src in re.findall(r'data-src="\.\./([^"]+)"', page.text):
                deferred += 1
                part = client.get(src)
                assert part.status_code == 200 and 'data-kind="' in part.text, src
        assert deferred > 0  # the largest bodies do defer some fields

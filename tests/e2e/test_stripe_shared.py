"""Generating from Stripe's real spec (../shared), filtered to one operation."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from support.paths import ROOT, shared_spec

pytestmark = pytest.mark.slow  # loads the whole 2023 Stripe spec


def test_postaccountlinks_from_the_real_spec_generates_and_works(tmp_path: Path) -> None:
    spec = shared_spec("spec3.2023-09-12.yaml")
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "generator",
            "generate",
            "--spec",
            str(spec),
            "--out",
            str(tmp_path),
            "--package",
            "one_op",
            "--operation",
            "postaccountlinks",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    assert "warning" not in result.stderr
    script = """
import one_op, inspect
from support.recording_server import recording_server, Reply
with recording_server() as (url, rec):
    rec.replies.append(Reply(200, {"object": "account_link", "created": 1, "expires_at": 2, "url": "u"}))
    with one_op.StripeClient("sk_test_1", base_url=url) as client:
        link = client.post_account_links(account="acct_1", type="account_onboarding", expand=["x"])
print(type(link).__name__, link.url, rec.requests[0].body.decode())
print(sorted(n for n in dir(one_op.StripeClient) if n.startswith(("get_", "post_", "delete_"))))
"""
    run = subprocess.run(
        [sys.executable, "-c", script],
        cwd=tmp_path,
        env={"PYTHONPATH": f"{tmp_path}:{ROOT / 'tests'}", "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
    )
    assert run.returncode == 0, run.stderr
    first, second = run.stdout.splitlines()
    assert first == "AccountLink u account=acct_1&type=account_onboarding&expand[0]=x"
    assert second == "['post_account_links']"
    models = sorted(p.stem for p in (tmp_path / "one_op" / "models").glob("*.py"))
    # the operation's response, and the webhook event envelope the Stripe profile names (its
    # webhooks.unwrap needs them whatever operations are kept)
    assert models == [
        "__init__",
        "account_link",
        "event",
        "notification_event_data",
        "notification_event_request",
    ]

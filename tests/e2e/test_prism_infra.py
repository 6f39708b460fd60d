"""The Prism mock-server infrastructure works on Stripe's real spec.

Derives a Prism-loadable copy of the 2023 Stripe spec, checks its request side is the
published one apart from the documented Prism workarounds, serves it with Prism on
127.0.0.1, and checks with plain httpx that Prism accepts valid requests and rejects
invalid ones.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
import yaml
from support.paths import SHARED_STRIPE

try:  # `tests` is a package only once tests/__init__.py exists
    from tests.support.prism_server import prism_missing, run_prism
    from tests.support.prism_spec import (
        derive_prism_spec,
        iter_operations,
        request_side_differences,
    )
except ModuleNotFoundError:
    from support.prism_server import prism_missing, run_prism  # type: ignore[no-redef]
    from support.prism_spec import (  # type: ignore[no-redef]
        derive_prism_spec,
        iter_operations,
        request_side_differences,
    )

pytestmark = pytest.mark.slow

STRIPE_SPECS = SHARED_STRIPE
SPEC_2023 = STRIPE_SPECS / "spec3.2023-09-12.yaml"
AUTH = {"Authorization": "Bearer sk_test_x"}
FORM = {"Content-Type": "application/x-www-form-urlencoded"}

# The only request-side rewrites derive_prism_spec may make (see prism_spec.py).
_ALLOWED_DIFF = re.compile(
    r"^(?:GET|POST|DELETE) \S+: (?:"
    r"parameters\.\S+\.schema(?:\.\S+)?\.required removed \(.*\)"
    r"|requestBody\.content\.\S+\.schema\.properties\.\w+(?:\.\S+)?\.required removed \(.*\)"
    r'|requestBody\.content\.\S+\.schema\.properties\.\w+\.items\.type removed \("object"\)'
    r")$"
)


@pytest.fixture(scope="module")
def stripe_2023() -> dict[str, Any]:
    if not SPEC_2023.is_file():
        pytest.skip(f"Stripe spec not found at {SPEC_2023} (shared/ is not beside the repo)")
    with SPEC_2023.open("rb") as fh:
        spec: dict[str, Any] = yaml.load(fh, Loader=yaml.CSafeLoader)
    return spec


@pytest.fixture(scope="module")
def prism_url(
    stripe_2023: dict[str, Any], tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    if (missing := prism_missing()) is not None:
        pytest.skip(missing)
    spec_path = tmp_path_factory.mktemp("prism") / "stripe-2023.json"
    spec_path.write_text(json.dumps(derive_prism_spec(stripe_2023)), encoding="utf-8")
    with run_prism(spec_path) as url:
        yield url


@pytest.fixture(scope="module")
def client(prism_url: str) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=prism_url, timeout=30.0) as http:
        yield http


def test_derived_spec_keeps_every_operation_and_its_request_side(
    stripe_2023: dict[str, Any],
) -> None:
    derived = derive_prism_spec(stripe_2023)
    assert len(list(iter_operations(derived))) == len(list(iter_operations(stripe_2023))) == 468
    assert '"$ref"' not in json.dumps(derived)  # Prism's dereferencer is what hangs
    diffs = request_side_differences(stripe_2023, derived)
    unexpected = [d for d in diffs if not _ALLOWED_DIFF.match(d)]
    assert unexpected == []
    assert diffs, "the Prism workarounds are expected to touch some operations"


def test_valid_form_post_is_accepted(client: httpx.Client) -> None:
    response = client.post(
        "/v1/account_links",
        content="account=acct_123&type=account_onboarding",
        headers={**AUTH, **FORM},
    )
    assert response.is_success, response.text


def test_enum_violation_is_rejected(client: httpx.Client) -> None:
    response = client.post(
        "/v1/account_links", content="account=acct_123&type=bogus", headers={**AUTH, **FORM}
    )
    assert 400 <= response.status_code < 500, response.text
    assert "type" in response.headers.get("sl-violations", "")


def test_missing_authorization_is_401(client: httpx.Client) -> None:
    response = client.post(
        "/v1/account_links", content="account=acct_123&type=account_onboarding", headers=FORM
    )
    assert response.status_code == 401, response.text


def test_list_get_is_accepted(client: httpx.Client) -> None:
    response = client.get("/v1/customers", headers=AUTH)
    assert response.is_success, response.text
    assert response.json()["object"] == "list"


def test_absent_nested_objects_do_not_fail_a_valid_post(client: httpx.Client) -> None:
    # Without the workaround Prism builds `automatic_payment_methods` as `{}` and 422s.
    response = client.post(
        "/v1/payment_intents", content="amount=2000&currency=usd", headers={**AUTH, **FORM}
    )
    assert response.is_success, response.text

"""The one snippet builder (templates/runtime/_snippet.py) and the example values it is fed."""

from __future__ import annotations

import keyword
import subprocess
import sys
from pathlib import Path
from typing import Any

import black
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from support.paths import ROOT
from support.snippet_args import call_arguments

from generator.config import load_profiles, make_target
from generator.examples import example_args
from generator.ir import Api
from generator.pipeline import produce
from generator.snippets import snippet_for
from generator.templates.runtime import _snippet

_text = st.text(alphabet=st.sampled_from("ab z'\"\\\n\té€中カ😀\x00"), max_size=30)
_scalars = st.one_of(
    _text,
    st.integers(),
    st.floats(allow_nan=False, allow_infinity=False),
    st.booleans(),
    st.none(),
    st.binary(max_size=8),
)
# one-item tuples are left out: black does not treat their comma as a "magic" trailing comma
_values = st.recursive(
    _scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4),
        st.dictionaries(_text, inner, max_size=4),
        st.tuples(inner, inner),
    ),
    max_leaves=20,
)
_names = st.from_regex(r"[a-z_][a-z0-9_]{0,20}", fullmatch=True).filter(
    lambda n: not keyword.iskeyword(n)
)


@pytest.mark.slow
@settings(max_examples=300, deadline=None)
@given(st.dictionaries(_names, _values, max_size=5), st.one_of(st.none(), _text))
def test_snippets_are_black_stable_and_pass_exactly_the_arguments(
    args: dict[str, Any], base_url: str | None
) -> None:
    source = _snippet.snippet("pkg.sub", "DemoClient", "make_thing", args, base_url=base_url)
    assert black.format_str(source, mode=black.Mode()) == source
    assert call_arguments(source) == args
    assert source.startswith("from pkg.sub import DemoClient\n")


def test_a_snippet_names_the_credential_variables_and_holds_no_secret() -> None:
    source = _snippet.snippet(
        "generated.stripe", "StripeClient", "post_account_links", {}, env_vars=("STRIPE_API_KEY",)
    )
    assert source == (
        "from generated.stripe import StripeClient\n\n"
        "# The client reads its credentials from STRIPE_API_KEY.\n"
        "client = StripeClient()\n"
        "result = client.post_account_links()\n"
        "print(result)\n"
    )


def _stripe_api() -> Api:
    profile = load_profiles(ROOT)["stripe"]
    target = make_target(ROOT, Path("spec/stripe.yaml"), ROOT / "generated", "stripe", (), profile)
    return produce(target).api


def test_examples_fill_required_parameters_from_names_enums_and_the_profile() -> None:
    api = _stripe_api()
    (op,) = api.operations
    assert example_args(api, op) == {"account": "acct_123", "type": "account_onboarding"}


def test_the_generated_snippet_runs_against_a_local_server(server: Any) -> None:
    url, recorder = server
    api = _stripe_api()
    (op,) = api.operations
    args = {**example_args(api, op), "collection_options": {"fields": "eventually_due"}}
    source = snippet_for(api, op, args, package="generated.stripe", base_url=url)
    run = subprocess.run(
        [sys.executable, "-c", source],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env={"STRIPE_API_KEY": "sk_test_snippet", "PATH": ""},
        timeout=60,
    )
    assert run.returncode == 0, run.stderr
    (request,) = recorder.requests
    assert (request.method, request.path) == ("POST", "/v1/account_links")
    assert request.body == (
        b"account=acct_123&type=account_onboarding&collection_options[fields]=eventually_due"
    )
    assert request.headers["authorization"] == "Bearer sk_test_snippet"

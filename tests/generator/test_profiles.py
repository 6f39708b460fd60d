"""Profiles: the built-in Stripe profile reaches every Stripe build (named or recognised), a
pyproject table overrides it key by key, and bad profile values stop with a clear message."""

from __future__ import annotations

import copy
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml
from support.paths import ROOT

from generator.config import load_profiles, make_profile
from generator.errors import GeneratorError
from generator.profiles import BUILTIN, STANDARD_STATUS_ERRORS, recognise

STRIPE_SLICE = ROOT / "spec" / "stripe.yaml"


def _slice() -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load(STRIPE_SLICE.read_text())
    return data


def test_stripe_is_recognised_by_its_server_and_its_extensions() -> None:
    data = _slice()
    assert recognise(data) == "stripe"
    other_server = copy.deepcopy(data)
    other_server["servers"] = [{"url": "https://api.example.com"}]
    assert recognise(other_server) is None
    no_extension = yaml.safe_load(
        STRIPE_SLICE.read_text().replace("x-stripeBypassValidation", "x-other")
    )
    assert recognise(no_extension) is None  # a look-alike (a mock of Stripe's host) is not Stripe


def test_the_readme_command_without_profile_gets_the_stripe_profile(tmp_path: Path) -> None:
    # run where no pyproject.toml is (as a user of the installed tool would)
    spec = tmp_path / "spec3.yaml"
    spec.write_text(STRIPE_SLICE.read_text())
    command = [sys.executable, "-m", "generator", "generate", "--spec", str(spec)]
    command += ["--out", str(tmp_path / "out"), "--package", "stripe_adhoc"]
    result = subprocess.run(command, cwd=tmp_path, capture_output=True, text=True, env={
        "PATH": "/usr/bin:/bin", "PYTHONPATH": str(ROOT), "HOME": str(tmp_path)})  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "using the built-in stripe profile" in result.stderr
    package = tmp_path / "out" / "stripe_adhoc"
    ours = (ROOT / "generated" / "stripe").resolve()
    for name in ("_client.py", "_operations.py", "_options.py", "_exceptions.py", "__init__.py"):
        theirs = (package / name).read_text().split("\n", 1)[1]  # the header names the spec
        assert theirs == (ours / name).read_text().split("\n", 1)[1], name


def test_pyproject_table_overrides_the_builtin_key_by_key() -> None:
    profiles = load_profiles(ROOT)
    stripe = profiles["stripe"]
    assert stripe["credentials"] == BUILTIN["stripe"]["credentials"]  # only in the built-in
    assert stripe["client_class"] == "StripeClient"


def test_defaults_without_a_profile() -> None:
    profile = make_profile({}, "Pet Shop API")
    assert (profile.client_class, profile.error_base, profile.env_prefix) == (
        "PetShopClient", "PetShopError", "PET_SHOP"
    )  # fmt: skip
    assert dict(profile.status_errors) == STANDARD_STATUS_ERRORS
    assert profile.idempotency_header is None and not profile.raw_error_body


@pytest.mark.parametrize(
    "raw, message",
    [
        ({"status_errors": {"40": "X"}}, "status_errors entry '40'"),
        ({"status_errors": {"404": "not a class"}}, "status_errors entry '404'"),
        ({"credentials": {"bearer": "not an identifier"}}, "credentials 'bearer'"),
    ],
)
def test_bad_profile_values_stop_with_a_message(raw: dict[str, Any], message: str) -> None:
    with pytest.raises(GeneratorError, match=message):
        make_profile(raw, "Demo")

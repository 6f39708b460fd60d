"""The resource surface on the full 2023 Stripe spec, measured against stripe-python's own
``StripeClient``: every operation both have is called through our client under stripe-python's
access path and method name, against a local server, and must send that operation's method and
path.

The official surface is the committed table ``data/stripe_python_surface.json`` (access path ->
[method, path] of stripe-python 12.5.2, written by ``benchmarks/stripe_python_surface.py`` from a
separate venv; stripe-python is never a dependency). Run with ``-s`` to see the figures and the
misses.
"""

from __future__ import annotations

import asyncio
import contextlib
import importlib
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from support.paths import ROOT, shared_spec
from support.recording_server import Recorder

from generator.config import make_target
from generator.examples import example_args
from generator.ir import Api, Operation
from generator.pipeline import produce
from generator.profiles import BUILTIN
from generator.surface import build_surface
from generator.write import write_package

TABLE = Path(__file__).parent / "data" / "stripe_python_surface.json"
# What the conventions alone (no profile renames) and the Stripe profile must reach at least.
CONVENTIONS_AT_LEAST = 0.90
WITH_PROFILE_AT_LEAST = 0.99
# stripe-python's choices no convention or rename gives: a discount it can only delete, and the
# removal of a customer's source, which it files under `sources`.
KNOWN_MISSES = {
    ("DELETE", "/v1/customers/{customer}/discount"): "customers.delete_discount",
    ("DELETE", "/v1/customers/{customer}/sources/{id}"): "sources.detach",
}


def _official() -> dict[tuple[str, str], str]:
    table = json.loads(TABLE.read_text())["surface"]
    return {(method, path): access for access, (method, path) in table.items()}


@pytest.fixture(scope="module")
def resources_2023(tmp_path_factory: pytest.TempPathFactory) -> tuple[Api, Any, Path]:
    spec = shared_spec("spec3.2023-09-12.yaml")
    out = tmp_path_factory.mktemp("surface2023")
    profile = {**BUILTIN["stripe"], "surface": "resources"}
    target = make_target(ROOT, spec, out, "stripe_resources", (), profile)
    output = produce(target)
    write_package(target.package_dir, output.files)
    sys.path.insert(0, str(out))
    try:
        yield output.api, importlib.import_module("stripe_resources"), target.package_dir
    finally:
        sys.path.remove(str(out))


def _reach(root: Any, access: str) -> Any:
    node = root
    for part in access.split("."):
        node = getattr(node, part)
    return node


def _arguments(api: Api, op: Operation, positional: list[str]) -> tuple[list[Any], dict[str, Any]]:
    values = example_args(api, op)
    args = [str(values.pop(name, f"id_{name}")) for name in positional]
    return args, values


@pytest.mark.slow
def test_stripe_python_names_reach_the_same_operations(
    resources_2023: tuple[Api, Any, Path], server: tuple[str, Recorder]
) -> None:
    api, package, _ = resources_2023
    url, recorder = server
    official = _official()
    ours = {(op.method, op.path): op for op in api.operations}
    shared = sorted(set(official) & set(ours))
    surface = build_surface(api)
    methods = {m.op.operation_id: m for ns in surface.root.walk() for m in ns.methods}
    client = package.StripeClient(api_key="sk_test_surface", base_url=url, max_retries=0)
    hits, misses = [], {}
    for key in shared:
        op = ours[key]
        access = official[key]
        try:
            method = _reach(client, access)
        except AttributeError:
            misses[key] = surface.access(op)
            continue
        positional = [p.py_name for p in methods[op.operation_id].positional]
        args, kwargs = _arguments(api, op, positional)
        before = len(recorder.requests)
        # the server's empty response need not parse; the request is what counts
        with contextlib.suppress(Exception):
            method(*args, **kwargs)
        sent = recorder.requests[before:]
        path = op.path
        for name, value in zip(positional, args, strict=True):
            wire = next(p.wire_name for p in op.parameters if p.py_name == name)
            path = path.replace("{" + wire + "}", value)
        if sent and sent[0].method == op.method and sent[0].path.split("?")[0] == path:
            hits.append(key)
        else:
            misses[key] = surface.access(op)
    plain = build_surface(api, renames=False)
    by_conventions = [k for k in shared if plain.access(ours[k]) == official[k]]
    print(
        f"\nstripe-python {json.loads(TABLE.read_text())['stripe_python']}: {len(shared)} operations"
        f" shared of {len(api.operations)} in the 2023 spec; reachable under the official name and"
        f" sending its method and path: {len(hits)} ({len(hits) / len(shared):.1%}) with the Stripe"
        f" profile; by conventions alone {len(by_conventions)}"
        f" ({len(by_conventions) / len(shared):.1%})"
    )
    for key, where in sorted(misses.items()):
        print(f"  miss: {key[0]} {key[1]}: official {official[key]}, ours {where}")
    assert len(hits) / len(shared) >= WITH_PROFILE_AT_LEAST
    assert len(by_conventions) / len(shared) >= CONVENTIONS_AT_LEAST
    assert {k: official[k] for k in misses} == KNOWN_MISSES
    assert len(shared) > 400


@pytest.mark.slow
def test_async_namespaces_send_the_same_requests(
    resources_2023: tuple[Api, Any, Path], server: tuple[str, Recorder]
) -> None:
    _, package, _ = resources_2023
    url, recorder = server

    async def calls() -> None:
        async with package.AsyncStripeClient(api_key="sk_test_a", base_url=url) as client:
            for call in (
                client.customers.payment_methods.retrieve("cus_1", "pm_1"),
                client.invoices.pay("in_1"),
                client.customers.search(query="email:'a@b.c'"),
                client.checkout.sessions.line_items.list("cs_1"),
            ):
                with contextlib.suppress(Exception):
                    await call

    asyncio.run(calls())
    assert [(r.method, r.path.split("?")[0]) for r in recorder.requests] == [
        ("GET", "/v1/customers/cus_1/payment_methods/pm_1"),
        ("POST", "/v1/invoices/in_1/pay"),
        ("GET", "/v1/customers/search"),
        ("GET", "/v1/checkout/sessions/cs_1/line_items"),
    ]


@pytest.mark.slow
def test_full_stripe_resources_pass_mypy_strict(resources_2023: tuple[Api, Any, Path]) -> None:
    _, _, folder = resources_2023
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "mypy",
            "--strict",
            "--no-incremental",
            str(folder / "resources"),
            str(folder / "_client.py"),
            str(folder / "_async_client.py"),
        ],
        capture_output=True,
        text=True,
        cwd=folder.parent,
    )
    assert result.returncode == 0, result.stdout[-3000:]

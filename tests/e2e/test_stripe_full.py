"""The whole Stripe API: both shared specs generated once per run, then checked for real.

Generation happens once per test session (the session fixtures of ``support.full_stripe``),
into a temporary folder; every test here reads the same two packages.
"""

from __future__ import annotations

import asyncio
import importlib
import json
import pkgutil
import re
import subprocess
import sys
from collections.abc import Iterator
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import httpx
import pytest
from pydantic import BaseModel, TypeAdapter
from support.fault_server import Reset, Response, fault_server
from support.full_stripe import Generated
from support.paths import ROOT, shared_spec
from support.prism_server import prism_missing, run_prism
from support.prism_spec import write_prism_spec
from support.recording_server import Reply, recording_server

from generator import naming
from generator.ir import (
    Api,
    ListOf,
    Lit,
    MapOf,
    ModelRef,
    Operation,
    ParamsRef,
    Prim,
    TypeRef,
    UnionOf,
)
from generator.primitives import primitive

pytestmark = pytest.mark.slow


def test_every_operation_has_one_method_sync_and_async(full_packages: dict[str, Generated]) -> None:
    expected_counts = {"stripe_2023": 468, "stripe_2022": 417}
    for name, gen in full_packages.items():
        api = gen.api
        assert len(api.operations) == expected_counts[name]
        assert api.warnings == ()
        names = [op.py_name for op in api.operations]
        assert len(set(names)) == len(names)
        sync_client, async_client = gen.package.StripeClient, gen.package.AsyncStripeClient
        for op in api.operations:
            assert callable(getattr(sync_client, op.py_name))
            assert asyncio.iscoroutinefunction(getattr(async_client, op.py_name))


def test_every_module_imports_and_mypy_strict_passes(full_packages: dict[str, Generated]) -> None:
    for gen in full_packages.values():
        count = 0
        for info in pkgutil.walk_packages([str(gen.root)], prefix=gen.package.__name__ + "."):
            importlib.import_module(info.name)
            count += 1
        assert count > 500
    roots = [str(g.root) for g in full_packages.values()]
    result = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--no-incremental", *roots],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout[-3000:]


def test_every_fixture_round_trips_through_its_model(stripe_2023: Generated) -> None:
    fixtures = json.loads(shared_spec("fixtures3.2023-09-12.json").read_text())["resources"]
    assert len(fixtures) == 131
    for resource_id, payload in fixtures.items():
        target = getattr(stripe_2023.package, naming.class_name(resource_id))
        if isinstance(target, type) and issubclass(target, BaseModel):
            dumped = target.model_validate(payload).model_dump(
                mode="json", by_alias=True, exclude_unset=True
            )
        else:  # a union of resources (deleted_external_account): a type alias
            adapter: TypeAdapter[Any] = TypeAdapter(target)
            dumped = adapter.dump_python(
                adapter.validate_python(payload), mode="json", by_alias=True, exclude_unset=True
            )
        assert dumped == payload, resource_id


def test_stripe_patterns_are_typed(stripe_2023: Generated) -> None:
    pkg = stripe_2023.package
    charge = pkg.Charge.model_validate({"id": "ch_1", "object": "charge", "customer": "cus_1"})
    assert charge.customer == "cus_1"  # expandable: the ID...
    expanded = pkg.Charge.model_validate(
        {"id": "ch_1", "customer": {"id": "cus_1", "object": "customer"}}
    )
    assert isinstance(expanded.customer, pkg.Customer)  # ...or the object
    error = pkg.ApiErrors.model_validate(
        {"type": "card_error", "source": {"id": "card_1", "object": "card"}}
    )
    assert type(error.source).__name__ == "Card"  # told apart by `object`
    unknown = pkg.ApiErrors.model_validate(
        {"type": "x", "source": {"id": "z_1", "object": "brand_new_kind"}}
    )
    assert isinstance(
        unknown.source, pkg.UnknownObject
    )  # a kind the spec does not know still parses
    assert pkg.IssuingCard.__module__.endswith("models.issuing_card")


def _sample(t: TypeRef, api: Api) -> Any:
    """The simplest valid value of an IR type: required fields only, first enum value."""
    if isinstance(t, Prim):
        return primitive(t.name).example  # the table's, as the docs' snippets use
    if isinstance(t, Lit):
        return next((v for v in t.values if v != ""), t.values[0])
    if isinstance(t, ListOf):
        return [_sample(t.item, api)]
    if isinstance(t, MapOf):
        return {"key": _sample(t.value, api)}
    if isinstance(t, UnionOf):
        member = next(m for m in t.members if m != Prim("None") and m != Lit(("",)))
        return _sample(member, api)
    if isinstance(t, ParamsRef):
        params = api.params_type(t.name)
        fields = [f for f in params.fields if f.required] or list(params.fields[:1])
        return {f.wire_name: _sample(f.type, api) for f in fields}
    assert not isinstance(t, ModelRef)
    raise AssertionError(t)


def _required_args(op: Operation, api: Api) -> dict[str, Any]:
    args = {p.py_name: _sample(p.type, api) for p in op.parameters if p.required}
    if op.body and not args and op.method == "POST":
        # An all-optional body: send one field, so the server sees a body at all.
        first = next((p for p in op.parameters if p.location == "body"), None)
        if first is not None:
            args[first.py_name] = _sample(first.type, api)
    return args


def _spec_parameter_names(spec: dict[str, Any], op: Operation) -> set[str]:
    item = spec["paths"][op.path]
    raw = item[op.method.lower()]
    names = {p["name"] for p in item.get("parameters", []) + raw.get("parameters", [])}
    for media in (raw.get("requestBody") or {}).get("content", {}).values():
        names |= set((media.get("schema") or {}).get("properties", {}))
    return names


def _sent_names(request: httpx.Request) -> set[str]:
    keys = [k for k, _ in parse_qsl(urlsplit(str(request.url)).query, keep_blank_values=True)]
    content_type = request.headers.get("content-type", "")
    if content_type.startswith("application/x-www-form-urlencoded"):
        keys += [k for k, _ in parse_qsl(request.content.decode(), keep_blank_values=True)]
    elif content_type.startswith("multipart/form-data"):
        keys += re.findall(r'form-data; name="([^"]*)"', request.content.decode("latin-1"))
    return {k.split("[")[0] for k in keys}


@pytest.fixture(scope="session")
def prism_url(stripe_2023: Generated, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    if (missing := prism_missing()) is not None:
        pytest.skip(missing)
    derived = write_prism_spec(stripe_2023.spec, tmp_path_factory.mktemp("prism") / "stripe.json")
    with run_prism(derived) as url:
        yield url


@pytest.mark.filterwarnings(
    "ignore::DeprecationWarning"
)  # calls the spec's deprecated operations too
def test_every_operation_passes_the_mock_servers_validation(
    stripe_2023: Generated, prism_url: str
) -> None:
    import yaml

    spec = yaml.load(stripe_2023.spec.read_bytes(), Loader=yaml.CSafeLoader)
    sent: list[httpx.Request] = []

    def record(request: httpx.Request) -> None:
        request.read()  # multipart bodies are streams: buffer them to inspect later
        sent.append(request)

    http = httpx.Client(event_hooks={"request": [record]}, timeout=30)
    client = stripe_2023.package.StripeClient(
        "sk_test_123", base_url=prism_url, http_client=http, max_retries=0
    )
    failures: dict[str, str] = {}
    unknown_names: dict[str, set[str]] = {}
    for op in stripe_2023.api.operations:
        sent.clear()
        try:
            getattr(client, op.py_name)(**_required_args(op, stripe_2023.api))
        except stripe_2023.package.StripeError as exc:
            failures[op.operation_id] = f"{exc.status_code}: {exc}"
        for request in sent:
            extra = _sent_names(request) - _spec_parameter_names(spec, op)
            if extra:
                unknown_names[op.operation_id] = extra
    http.close()
    assert failures == {}
    assert unknown_names == {}


def _page(ids: list[str], has_more: bool, url: str = "/v1/customers") -> dict[str, Any]:
    return {
        "object": "list",
        "url": url,
        "has_more": has_more,
        "data": [{"id": i, "object": "customer"} for i in ids],
    }


def _search_page(ids: list[str], next_page: str | None) -> dict[str, Any]:
    return {
        "object": "search_result",
        "url": "/v1/customers/search",
        "has_more": next_page is not None,
        "next_page": next_page,
        "data": [{"id": i, "object": "customer"} for i in ids],
    }


def test_auto_pagination_over_list_and_search(stripe_2023: Generated) -> None:
    pkg = stripe_2023.package
    with recording_server() as (url, recorder):
        recorder.replies += [
            Reply(200, _page(["cus_1", "cus_2"], True)),
            Reply(200, _page(["cus_3", "cus_4"], True)),
            Reply(200, _page(["cus_5"], False)),
        ]
        with pkg.StripeClient("sk_test_1", base_url=url) as client:
            page = client.get_customers(limit=2, email="a@b.c")
            ids = [c.id for c in page.auto_paging_iter()]
        assert ids == ["cus_1", "cus_2", "cus_3", "cus_4", "cus_5"]
        assert [r.path for r in recorder.requests] == [
            "/v1/customers?email=a%40b.c&limit=2",
            "/v1/customers?email=a%40b.c&limit=2&starting_after=cus_2",
            "/v1/customers?email=a%40b.c&limit=2&starting_after=cus_4",
        ]
        assert all(
            r.method == "GET" and r.body == b"" and "idempotency-key" not in r.headers
            for r in recorder.requests
        )

        recorder.requests.clear()
        recorder.replies += [
            Reply(200, _search_page(["cus_1"], "tok_2")),
            Reply(200, _search_page(["cus_2"], "tok_3")),
            Reply(200, _search_page(["cus_3"], None)),
        ]

        async def search() -> list[str]:
            async with pkg.AsyncStripeClient("sk_test_1", base_url=url) as client:
                result = await client.get_customers_search(query="email:'a'")
                return [c.id async for c in result]

        assert asyncio.run(search()) == ["cus_1", "cus_2", "cus_3"]
        assert [r.path.split("?")[1] for r in recorder.requests] == [
            "query=email%3A%27a%27",
            "query=email%3A%27a%27&page=tok_2",
            "query=email%3A%27a%27&page=tok_3",
        ]


def test_uploads_servers_and_binary_responses(stripe_2023: Generated) -> None:
    pkg = stripe_2023.package
    with recording_server() as (url, recorder):
        recorder.replies += [
            Reply(200, {"id": "file_1", "object": "file", "purpose": "dispute_evidence"}),
            Reply(200, b"%PDF-1.4 fake", {"Content-Type": "application/pdf"}),
        ]
        with pkg.StripeClient(
            "sk_test_1",
            server_urls={"https://files.stripe.com": url, "https://api.stripe.com": url},
        ) as client:
            uploaded = client.post_files(
                file=("evidence.txt", b"hello"), purpose="dispute_evidence"
            )
            pdf = client.get_quotes_quote_pdf(quote="qt_1/x")
        assert isinstance(uploaded, pkg.File)
        assert pdf == b"%PDF-1.4 fake"
        upload, download = recorder.requests
        assert upload.headers["content-type"].startswith("multipart/form-data")
        assert b'name="file"; filename="evidence.txt"' in upload.body and b"hello" in upload.body
        assert b'name="purpose"' in upload.body
        assert download.path == "/v1/quotes/qt_1%2Fx/pdf"


def test_delete_sends_its_parameters_in_the_query(stripe_2023: Generated) -> None:
    with recording_server() as (url, recorder):
        recorder.replies.append(
            Reply(200, {"id": "sub_1", "object": "subscription", "status": "canceled"})
        )
        with stripe_2023.package.StripeClient("sk_test_1", base_url=url) as client:
            sub = client.delete_subscriptions_subscription_exposed_id(
                subscription_exposed_id="sub_1", invoice_now=True, prorate=False
            )
        assert sub.status == "canceled"
        (request,) = recorder.requests
        assert (request.method, request.body) == ("DELETE", b"")
        assert request.path == "/v1/subscriptions/sub_1?invoice_now=true&prorate=false"
        assert "content-type" not in request.headers


def test_full_client_retries_with_one_idempotency_key(
    stripe_2023: Generated, monkeypatch: pytest.MonkeyPatch
) -> None:
    retries = importlib.import_module("stripe_2023._retries")
    monkeypatch.setattr(retries, "INITIAL_RETRY_DELAY", 0.001)
    customer = {"id": "cus_1", "object": "customer"}
    with fault_server() as server:
        server.script(Reset(), Response(503), Response(200, body=customer))
        with stripe_2023.package.StripeClient(
            "sk_test_1", base_url=server.url, max_retries=2
        ) as client:
            created = client.post_customers(email="a@b.c", metadata={"order": "42"})
        assert created.id == "cus_1"
        keys = {r.headers.get("idempotency-key") for r in server.requests}
        assert len(server.requests) == 3 and len(keys) == 1 and None not in keys
        assert {r.body for r in server.requests} == {b"email=a%40b.c&metadata[order]=42"}


def test_modules_formatted_in_pieces_are_black_stable(stripe_2023: Generated) -> None:
    """The clients and the operation table are formatted a method or constant at a time and
    joined; black over the whole joined file must change nothing."""
    import black

    from generator.format import black_mode

    for name in ("_client.py", "_operations.py"):
        text = (stripe_2023.root / name).read_text()
        assert black.format_str(text, mode=black_mode()) == text, name

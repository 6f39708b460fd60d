"""Resource namespaces (``surface = "resources"``): placement and names over small inline specs,
then a generated package on spec/stripe.yaml called over real HTTP, sync and async, and
checked with mypy --strict."""

from __future__ import annotations

import asyncio
import dataclasses
import importlib
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from support.inline_specs import api_of
from support.paths import ROOT
from support.recording_server import Recorder, Reply

from generator.config import make_profile, make_target
from generator.errors import GeneratorError
from generator.ir import Api, Tag
from generator.pipeline import produce
from generator.profiles import BUILTIN
from generator.surface import build_surface
from generator.write import write_package


def _op(
    op_id: str, response: str | None = "Thing", paging: str | None = None, **extra: Any
) -> dict[str, Any]:
    schema: dict[str, Any] = {"$ref": f"#/components/schemas/{response}"} if response else {}
    if paging:  # Stripe's list and search pages
        more = (
            {"url": {"type": "string"}} if paging == "list" else {"next_page": {"type": "string"}}
        )
        schema = {
            "type": "object",
            "properties": {
                "object": {"type": "string", "enum": [paging]},
                "data": {"type": "array", "items": schema},
                "has_more": {"type": "boolean"},
                **more,
            },
            "required": ["object", "data", "has_more", *more],
        }
    content = {"application/json": {"schema": schema}} if response else None
    response: dict[str, Any] = {"description": "ok"}
    if content:
        response["content"] = content
    return {"operationId": op_id, "responses": {"200": response}, **extra}


def _param(name: str) -> dict[str, Any]:
    return {"name": name, "in": "path", "required": True, "schema": {"type": "string"}}


SCHEMAS = {
    "Thing": {"type": "object", "properties": {"id": {"type": "string"}}},
    "Link": {"type": "object", "properties": {"url": {"type": "string"}}},
    "Source": {"type": "object", "properties": {"id": {"type": "string"}}},
    "Settings": {"type": "object", "properties": {"on": {"type": "boolean"}}},
}
PATHS: dict[str, Any] = {
    "/v1/things": {
        "get": _op("ListThings", paging="list"),
        "post": _op("CreateThing"),
    },
    "/v1/things/search": {"get": _op("SearchThings", paging="search_result")},
    "/v1/things/{thing}": {
        "parameters": [_param("thing")],
        "get": _op("GetThing"),
        "post": _op("UpdateThing"),
        "delete": _op("DeleteThing"),
    },
    "/v1/things/{thing}/pay": {"parameters": [_param("thing")], "post": _op("PayThing")},
    "/v1/things/{thing}/fund_cash": {
        "parameters": [_param("thing")],
        "post": _op("FundThing", response="Link"),
    },
    "/v1/things/{thing}/links": {
        "parameters": [_param("thing")],
        "post": _op("CreateThingLink", response="Link"),
    },
    "/v1/things/{thing}/sources/{source}": {
        "parameters": [_param("thing"), _param("source")],
        "get": _op("GetThingSource", response="Source"),
    },
    "/v1/things/{thing}/pdf": {
        "parameters": [_param("thing")],
        "get": {
            "operationId": "ThingPdf",
            "responses": {
                "200": {
                    "description": "pdf",
                    "content": {"application/pdf": {"schema": {"type": "string"}}},
                }
            },
        },
    },
    "/v1/settings": {
        "get": _op("GetSettings", response="Settings"),
        "post": _op("SetSettings", response="Settings"),
    },
}


def _surface(api: Api, **profile: Any) -> dict[str, str]:
    if profile:
        api = dataclasses.replace(api, profile=make_profile(profile, api.title))
    surface = build_surface(api)
    return {op.operation_id: surface.access(op) for op in api.operations}


def test_path_resources_follow_the_verb_conventions() -> None:
    where = _surface(api_of(PATHS, SCHEMAS))
    assert where == {
        "ListThings": "things.list",
        "CreateThing": "things.create",
        "SearchThings": "things.search",
        "GetThing": "things.retrieve",
        "UpdateThing": "things.update",
        "DeleteThing": "things.delete",
        "PayThing": "things.pay",  # responds with its resource: an action
        "FundThing": "things.fund_cash",  # a verb written to, never read: an action
        "CreateThingLink": "things.links.create",  # a plural noun: a sub-resource
        "GetThingSource": "things.sources.retrieve",
        "ThingPdf": "things.pdf",  # a file: done to the parent
        "GetSettings": "settings.retrieve",  # a singleton (no list, no items)
        "SetSettings": "settings.update",
    }


def test_path_parameters_lead_positionally_in_path_order() -> None:
    api = api_of(PATHS, SCHEMAS)
    surface = build_surface(api)
    things = next(n for n in surface.root.children if n.name == "things")
    sources = next(n for n in things.children if n.name == "sources")
    (method,) = sources.methods
    assert [p.py_name for p in method.positional] == ["thing", "source"]
    assert "thing" not in [p.py_name for p in method.keywords]


def test_profile_renames_resources_and_methods_and_reports_unused_ones() -> None:
    api = api_of(PATHS, SCHEMAS)
    api = dataclasses.replace(
        api,
        profile=make_profile(
            {
                "resource_names": {"things.sources": "things.payment_sources", "nothing": "x"},
                "method_names": {"PayThing": "pay_thing", "GetSettings": "account.settings"},
            },
            api.title,
        ),
    )
    surface = build_surface(api)
    where = {op.operation_id: surface.access(op) for op in api.operations}
    assert where["GetThingSource"] == "things.payment_sources.retrieve"
    assert where["PayThing"] == "things.pay_thing"
    assert where["GetSettings"] == "account.settings"
    assert any("'nothing' names no namespace" in note for note in surface.notes)
    plain = build_surface(api, renames=False)
    assert {op.operation_id: plain.access(op) for op in api.operations}["PayThing"] == "things.pay"


def test_collisions_are_resolved_the_same_way_and_reported() -> None:
    paths = {
        "/items/{id}": {
            "parameters": [_param("id")],
            "put": _op("ReplaceItem"),
            "patch": _op("PatchItem"),
        },
        "/reports/{id}": {"parameters": [_param("id")], "get": _op("GetReport")},
        "/reports/preview": {"get": _op("ReportPreview")},
        "/reports/preview/lines": {"get": _op("PreviewLines", paging="list")},
    }
    first = build_surface(api_of(paths, SCHEMAS))
    again = build_surface(api_of(dict(reversed(list(paths.items()))), SCHEMAS))
    assert first == again
    where = {op.operation_id: first.access(op) for op in api_of(paths, SCHEMAS).operations}
    assert where["ReplaceItem"] == "items.update"  # PUT sorts before PATCH
    assert where["PatchItem"] == "items.patch_item"  # the flat name where the verb is taken
    assert where["ReportPreview"] == "reports.preview"
    assert where["PreviewLines"] == "reports.preview_lines.list"  # joined: preview is a method
    assert any("items.update is taken" in n for n in first.notes)
    assert any("reports.preview_lines" in n for n in first.notes)


def test_tag_grouping_strips_the_tag_words_from_operation_ids() -> None:
    paths = {
        "/pet": {"post": _op("addPet", tags=["pet"])},
        "/pet/findByStatus": {"get": _op("findPetsByStatus", tags=["pet"])},
        "/pet/{petId}": {"parameters": [_param("petId")], "get": _op("getPetById", tags=["pet"])},
        "/store/order": {"post": _op("placeOrder", tags=["store"])},
        "/user/login": {"get": _op("loginUser", tags=["user"])},
    }
    api = api_of(paths, SCHEMAS)
    where = _surface(api)
    assert where == {
        "addPet": "pet.add",
        "findPetsByStatus": "pet.find_by_status",
        "getPetById": "pet.get_by_id",
        "placeOrder": "store.place_order",
        "loginUser": "user.login",
    }
    assert build_surface(api).grouping == "tag"
    forced = _surface(api, surface_group="path")
    assert forced["getPetById"] == "pet.retrieve"


def test_tag_parents_nest_namespaces() -> None:
    paths = {
        "/cats/{id}": {"parameters": [_param("id")], "get": _op("getCat", tags=["cats"])},
        "/dogs": {"post": _op("addDog", tags=["dogs"])},
        "/vets": {"get": _op("listVets", tags=["vets"])},
    }
    api = dataclasses.replace(
        api_of(paths, SCHEMAS),
        tags=(Tag("pets"), Tag("cats", parent="pets"), Tag("dogs", parent="pets"), Tag("vets")),
    )
    assert _surface(api) == {
        "getCat": "pets.cats.get",
        "addDog": "pets.dogs.add",
        "listVets": "vets.list",
    }


def test_bad_surface_settings_are_refused() -> None:
    with pytest.raises(GeneratorError, match="surface 'nested' is not one of flat, resources"):
        make_profile({"surface": "nested"}, "X")
    with pytest.raises(GeneratorError, match="not a dotted Python name"):
        make_profile({"method_names": {"Op": "not a name"}}, "X")


# A generated package on spec/stripe.yaml ------------------------------------------------------
@pytest.fixture(scope="module")
def resources_package(tmp_path_factory: pytest.TempPathFactory) -> tuple[Any, Path]:
    out = tmp_path_factory.mktemp("surface")
    target = make_target(
        ROOT,
        Path("spec/stripe.yaml"),
        out,
        "rstripe",
        (),
        {**BUILTIN["stripe"], "surface": "resources"},
    )
    output = produce(target)
    write_package(target.package_dir, output.files)
    sys.path.insert(0, str(out))
    try:
        yield importlib.import_module("rstripe"), target.package_dir
    finally:
        sys.path.remove(str(out))


def test_resources_client_calls_sync_and_async(
    resources_package: tuple[Any, Path], server: tuple[str, Recorder]
) -> None:
    package, _ = resources_package
    url, recorder = server
    response = {"object": "account_link", "url": "https://x", "created": 1, "expires_at": 2}
    recorder.replies += [Reply(200, response), Reply(200, response)]
    client = package.StripeClient(api_key="sk_test_1", base_url=url)
    assert "rstripe.resources.account_links" not in sys.modules  # not loaded until reached
    link = client.account_links.create(account="acct_1", type="account_onboarding")
    assert link.url == "https://x"
    assert client.account_links is client.account_links  # one namespace object per client
    assert client.post_account_links  # the flat form stays

    async def call() -> Any:
        async with package.AsyncStripeClient(api_key="sk_test_1", base_url=url) as aclient:
            return await aclient.account_links.create(account="acct_2", type="account_update")

    assert asyncio.run(call()).url == "https://x"
    sent = [(r.method, r.path, r.body) for r in recorder.requests]
    assert [s[:2] for s in sent] == [("POST", "/v1/account_links")] * 2
    assert b"account=acct_1" in sent[0][2] and b"account=acct_2" in sent[1][2]


@pytest.mark.slow
def test_resources_package_passes_mypy_strict(resources_package: tuple[Any, Path]) -> None:
    _, folder = resources_package
    result = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--no-incremental", str(folder)],
        capture_output=True,
        text=True,
        cwd=folder.parent,
    )
    assert result.returncode == 0, result.stdout[-3000:]


def test_try_it_cli_docs_and_snippets_follow_the_resource_surface(
    resources_package: tuple[Any, Path], server: tuple[str, Recorder]
) -> None:
    _, folder = resources_package
    url, recorder = server
    recorder.replies.append(Reply(200, {"object": "account_link", "url": "https://x"}))
    command = ["account-links", "create", "--account", "acct_9", "--type", "account_onboarding"]
    run = subprocess.run(
        [sys.executable, "-m", "rstripe", *command, "--base-url", url],
        capture_output=True,
        text=True,
        cwd=folder.parent,
        env={**os.environ, "STRIPE_API_KEY": "sk_test_cli"},
    )
    assert run.returncode == 0, run.stderr
    assert [(r.method, r.path) for r in recorder.requests] == [("POST", "/v1/account_links")]
    assert b"account=acct_9" in recorder.requests[0].body
    # the flat command still works, and the reference page shows the resource command
    flat = subprocess.run(
        [sys.executable, "-m", "rstripe", "post-account-links", "--help"],
        capture_output=True,
        text=True,
        cwd=folder.parent,
    )
    assert flat.returncode == 0, flat.stderr
    page = (folder / "docs" / "operations" / "post_account_links.md").read_text()
    assert "python -m rstripe account-links create" in page
    assert "result = client.account_links.create(" in page  # the snippet too
    snippet = subprocess.run(
        [sys.executable, "-m", "rstripe", *command, "--print-snippet"],
        capture_output=True,
        text=True,
        cwd=folder.parent,
    )
    assert snippet.returncode == 0, snippet.stderr
    assert "result = client.account_links.create(" in snippet.stdout
    compile(snippet.stdout, "snippet", "exec")

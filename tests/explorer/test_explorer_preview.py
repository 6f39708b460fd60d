"""The explorer's preview is the request the generated client sends: for each case the preview
of the form's values is compared with what a freshly generated client puts on the wire for the
same arguments (captured by an httpx transport, nothing sent), under Stripe's profile (bracket
queries) and under none (OpenAPI's parameter styles)."""

from __future__ import annotations

import contextlib
import importlib
import sys
from collections.abc import Iterator
from typing import Any
from urllib.parse import parse_qsl

import httpx
import pytest
import yaml
from support.paths import ROOT

from generator import pipeline
from generator.config import load_profiles, make_target
from generator.explorer.preview import arguments, preview
from generator.ir import Api

EXTRA_PATHS = """
/v1/customers/{customer}/notes:
  get:
    operationId: GetCustomerNotes
    parameters:
      - {name: customer, in: path, required: true, schema: {type: string}}
      - {name: expand, in: query, style: deepObject, explode: true,
         schema: {type: array, items: {type: string}}}
      - {name: ids, in: query, style: form, explode: false,
         schema: {type: array, items: {type: integer}}}
      - {name: words, in: query, style: spaceDelimited, explode: false,
         schema: {type: array, items: {type: string}}}
      - {name: created, in: query, style: deepObject, explode: true,
         schema: {type: object, properties: {gte: {type: integer}, lt: {type: integer}}}}
      - {name: limit, in: query, schema: {type: integer}}
      - {name: X-Trace, in: header, schema: {type: array, items: {type: string}}}
    responses: {"200": {description: ok}}
/v1/notes:
  post:
    operationId: PostNotes
    requestBody:
      content:
        application/json:
          schema:
            type: object
            required: [text]
            properties:
              text: {type: string}
              live: {type: boolean}
              tags: {type: array, items: {type: string}}
              meta: {type: object, properties: {n: {type: number}}}
    responses: {"200": {description: ok}}
"""
CASES: list[tuple[str, dict[str, Any]]] = [
    (
        "PostAccountLinks",
        {
            "account": "acct_1",
            "type": "account_update",
            "refresh_url": "https://example.com/r?x=1&y=é",
            "expand": ["a", "b c"],
            "collection_options": {"fields": "currently_due", "future_requirements": "omit"},
            "collect": "eventually_due",
        },
    ),
    (
        "GetCustomerNotes",
        {
            "customer": "cus/../1 x",
            "expand": ["data"],
            "ids": ["1", "2"],
            "words": ["a b", "c"],
            "created": {"gte": "10"},
            "limit": "5",
            "X_Trace": ["t1", "t2"],
        },
    ),
    ("GetCustomerNotes", {"customer": "c"}),
    (
        "PostNotes",
        {"text": 'héllo "q"', "live": True, "tags": ["x"], "meta": {"n": "2.5"}},
    ),
]


@pytest.fixture(scope="module", params=["stripe", None])
def generated(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[Api, Any]]:
    """The IR of spec/stripe.yaml plus EXTRA_PATHS, and the package generated from it."""
    tmp = tmp_path_factory.mktemp("preview")
    doc = yaml.safe_load((ROOT / "spec" / "stripe.yaml").read_text())
    doc["paths"].update(yaml.safe_load(EXTRA_PATHS))
    spec = tmp / "spec.yaml"
    spec.write_text(yaml.safe_dump(doc, sort_keys=False))
    package = f"preview_{request.param or 'plain'}"
    profile = load_profiles(ROOT)[request.param] if request.param else {}
    target = make_target(ROOT, spec, tmp, package, (), profile)
    pipeline.generate(target)
    sys.path.insert(0, str(tmp))
    try:
        yield pipeline.build(target), importlib.import_module(package)
    finally:
        sys.path.remove(str(tmp))
        for name in [m for m in sys.modules if m == package or m.startswith(package + ".")]:
            del sys.modules[name]


def _sent(api: Api, module: Any, operation_id: str, args: dict[str, Any]) -> httpx.Request:
    seen: list[httpx.Request] = []

    def response(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, json={})

    op = next(o for o in api.operations if o.operation_id == operation_id)
    client_class = getattr(module, api.profile.client_class)
    http = httpx.Client(transport=httpx.MockTransport(response))
    with client_class(base_url="http://gateway.test", api_key="k", http_client=http) as client:
        getattr(client, op.py_name)(**args)
    (request,) = seen
    return request


@pytest.mark.parametrize("case", range(len(CASES)))
def test_preview_is_what_the_client_sends(generated: tuple[Api, Any], case: int) -> None:
    api, module = generated
    operation_id, values = CASES[case]
    op = next(o for o in api.operations if o.operation_id == operation_id)
    shown = preview(api, op, values, package="p", base_url=None)
    with pytest.warns(DeprecationWarning) if "collect" in values else contextlib.nullcontext():
        sent = _sent(api, module, operation_id, arguments(api, op, values))
    assert shown.method == sent.method
    path, _, query = shown.target.partition("?")
    assert path == sent.url.raw_path.decode("ascii").partition("?")[0]
    # httpx re-escapes a bracket query's brackets (%5B, %5D): the same pairs either way
    assert parse_qsl(query) == parse_qsl(sent.url.query.decode("ascii"))
    assert (shown.body or "").encode() == sent.content
    for name, value in shown.headers.items():
        assert sent.headers[name] == value, name
    assert shown.problems == []  # and the gateway, decoding it back, finds nothing wrong


def test_form_values_become_typed_arguments(generated: tuple[Api, Any]) -> None:
    api, _ = generated
    op = next(o for o in api.operations if o.operation_id == "GetCustomerNotes")
    args = arguments(api, op, {"limit": "5", "ids": ["1", "x"], "customer": "c", "words": None})
    assert args == {"customer": "c", "ids": [1, "x"], "limit": 5}

"""The explorer's pages, assets and preview endpoint, from a real gateway process over HTTP.

No browser here (tests/explorer/test_explorer_browser.py drives one): these read the HTML the gateway
serves and the previews it returns, and check that a preview never reaches the upstream.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import httpx
import pytest
import yaml
from support.inline_specs import api_of
from support.processes import ROOT, Gateway, gateway
from support.recording_server import Recorder, recording_server

pytest.importorskip(
    "starlette", reason="the gateway extra is not installed (pip install -e '.[gateway]')"
)

SECRET = "sk_test_51PagesUpstreamSecret"
TOKEN = "gw_tok_pages_0b4d"
OP_PAGE = "/_gateway/operations/PostAccountLinks"


EXTRA_PATHS = """
/v1/accounts/{account}/notes:
  get:
    operationId: GetAccountNotes
    description: "<p>Lists the notes of an account. Newest first.</p>"
    parameters:
      - {name: account, in: path, required: true, schema: {type: string}}
      - {name: expand, in: query, style: deepObject, explode: true,
         schema: {type: array, items: {type: string}}}
      - {name: limit, in: query, schema: {type: integer}}
      - {name: Stripe-Context, in: header, schema: {type: string}}
    responses: {"200": {description: ok}}
/v1/notes:
  post:
    operationId: PostNotes
    requestBody:
      content:
        application/json:
          schema:
            type: object
            properties: {count: {type: integer}, live: {type: boolean}}
    responses: {"200": {description: ok}}
/v1/files:
  post:
    operationId: PostFiles
    servers: [{url: "https://files.stripe.com/"}]
    requestBody:
      content:
        multipart/form-data:
          schema: {type: object, properties: {file: {type: string, format: binary}}}
    responses: {"200": {description: ok}}
"""


@pytest.fixture(scope="module")
def explorer_spec(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """spec/stripe.yaml plus operations with path, query and header parameters, a JSON body,
    and one on another server (which the gateway does not forward without --upstream-for)."""
    doc = yaml.safe_load((ROOT / "spec" / "stripe.yaml").read_text())
    doc["paths"].update(yaml.safe_load(EXTRA_PATHS))
    path = tmp_path_factory.mktemp("spec") / "explorer_spec.yaml"
    path.write_text(yaml.safe_dump(doc, sort_keys=False))
    return path


@pytest.fixture(scope="module")
def upstream() -> Iterator[tuple[str, Recorder]]:
    with recording_server() as pair:
        yield pair


@pytest.fixture(scope="module")
def gw(explorer_spec: Path, upstream: tuple[str, Recorder]) -> Iterator[Gateway]:
    args = ["--spec", str(explorer_spec), "--profile", "stripe", "--upstream", upstream[0]]
    with gateway(args, {"STRIPE_API_KEY": SECRET, "GATEWAY_TOKENS": TOKEN}) as process:
        yield process


class _Controls(HTMLParser):
    """Form controls of a page with the text of the label that names each one."""

    def __init__(self) -> None:
        super().__init__()
        self.controls: dict[str, dict[str, str | None]] = {}
        self.labels: dict[str, str] = {}
        self.options: dict[str, list[str]] = {}
        self._label: str | None = None
        self._select: str | None = None
        self._in_template = 0
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "template":
            self._in_template += 1
        if self._in_template:
            return
        if tag in ("input", "select", "textarea") and a.get("id"):
            self.controls[str(a["id"])] = {"tag": tag, **a}
        if tag == "select":
            self._select = a.get("id")
            self.options[str(self._select)] = []
        if tag == "option" and self._select:
            self.options[self._select].append(str(a.get("value")))
        if tag == "label" and a.get("for"):
            self._label = str(a["for"])
            self.labels[self._label] = ""

    def handle_endtag(self, tag: str) -> None:
        if tag == "template":
            self._in_template -= 1
        if tag == "label":
            self._label = None
        if tag == "select":
            self._select = None

    def handle_data(self, data: str) -> None:
        if self._label and not self._in_template:
            self.labels[self._label] += data
        self.text.append(data)


def _page(gw: Gateway, path: str) -> tuple[httpx.Response, _Controls]:
    response = httpx.get(gw.url + path)
    parsed = _Controls()
    parsed.feed(response.text)
    return response, parsed


def _preview(gw: Gateway, op: str, values: dict[str, Any], **extra: Any) -> httpx.Response:
    return httpx.post(f"{gw.url}/_gateway/preview/{op}", json={"values": values, **extra})


def test_index_lists_the_operations(gw: Gateway) -> None:
    response = httpx.get(gw.url + "/", follow_redirects=True)
    assert response.url.path == "/_gateway/"
    assert response.headers["content-security-policy"].startswith("default-src 'self'")
    assert 'href="operations/PostAccountLinks"' in response.text
    assert 'href="operations/GetAccountNotes"' in response.text
    assert "Create an account link" in response.text
    # no summary: the description's first sentence names it
    assert '<span class="summary">Lists the notes of an account.</span>' in response.text
    # files.stripe.com is not mapped (--upstream-for): listed, but marked as not forwarded
    assert re.search(r"operations/PostFiles\".*?not forwarded by this gateway", response.text)


def test_operation_page_has_one_labelled_field_per_parameter(gw: Gateway) -> None:
    response, page = _page(gw, OP_PAGE)
    assert response.status_code == 200
    assert response.headers["content-security-policy"].startswith("default-src 'self'")
    assert "<style" not in response.text and " style=" not in response.text
    assert "<script src=" in response.text and "<script>" not in response.text
    ids = {
        "f-body-account",
        "f-body-type",
        "f-body-refresh_url",
        "f-body-return_url",
        "f-body-collection_options-fields",
        "f-body-collection_options-future_requirements",
        "f-body-collect",
        "token",
        # the client's per-call headers (the profile's and the idempotency key, for a POST)
        "h-stripe_account",
        "h-stripe_version",
        "h-idempotency_key",
    }
    assert set(page.controls) == ids  # expand's items come from its <template>
    for control_id in ids:
        assert page.labels[control_id].strip(), control_id  # every control has a label
    assert page.controls["f-body-account"]["aria-required"] == "true"
    assert "required" in page.labels["f-body-account"]
    assert "required" not in page.labels["f-body-refresh_url"]
    assert page.controls["f-body-type"]["tag"] == "select"
    assert page.options["f-body-type"] == ["", "account_onboarding", "account_update"]
    assert page.options["f-body-collection_options-fields"] == [
        "",
        "currently_due",
        "eventually_due",
    ]
    assert "deprecated" in page.labels["f-body-collect"]
    text = " ".join(" ".join(page.text).split())
    assert "'collect' is deprecated: use collection_options instead." in text
    assert "ID of the connected account the link is for." in text
    assert '<legend><span class="name">collection_options</span></legend>' in response.text
    assert 'data-kind="array" data-key="expand"' in response.text
    assert 'Add item<span class="vh"> to expand</span>' in response.text


def test_unknown_pages_and_assets(gw: Gateway) -> None:
    missing = httpx.get(gw.url + "/_gateway/operations/NoSuchThing")
    assert missing.status_code == 404
    assert missing.headers["content-security-policy"].startswith("default-src 'self'")
    for name in ("nope.js", "..%2Fapp.py", "fields.html.jinja"):
        assert httpx.get(f"{gw.url}/_gateway/assets/{name}").status_code == 404


def test_assets_are_served_by_the_gateway(gw: Gateway) -> None:
    css = httpx.get(gw.url + "/_gateway/assets/explorer.css")
    js = httpx.get(gw.url + "/_gateway/assets/explorer.js")
    assert css.headers["content-type"].startswith("text/css")
    assert js.headers["content-type"].startswith("text/javascript")
    for asset in (css, js):
        assert asset.headers["content-security-policy"].startswith("default-src 'self'")
        assert asset.headers["x-content-type-options"] == "nosniff"
        assert (
            "http://" not in asset.text and "https://" not in asset.text
        )  # nothing from elsewhere


def test_preview_encodes_with_the_clients_encoder_and_writes_the_snippet(
    gw: Gateway, upstream: tuple[str, Recorder]
) -> None:
    values = {
        "account": "acct_1",
        "type": "account_onboarding",
        "expand": ["a", "b"],
        "collection_options": {"fields": "eventually_due"},
        "refresh_url": "https://example.com/r?x=1&y=2",
    }
    response = _preview(gw, "PostAccountLinks", values, base_url=gw.url)
    assert response.status_code == 200
    assert response.headers["content-security-policy"].startswith("default-src 'self'")
    p = response.json()
    assert (p["method"], p["target"]) == ("POST", "/v1/account_links")
    assert p["headers"] == {"Content-Type": "application/x-www-form-urlencoded"}
    assert p["body"] == (
        "account=acct_1&type=account_onboarding&refresh_url=https%3A%2F%2Fexample.com%2Fr%3Fx%3D1"
        "%26y%3D2&expand[0]=a&expand[1]=b&collection_options[fields]=eventually_due"
    )
    assert p["problems"] == []
    # a spec no configured target generates from: the package is named after the API's title
    assert p["snippet"] == (
        "from stripe_api import StripeClient\n\n"
        "# The client reads its credentials from STRIPE_API_KEY.\n"
        f'client = StripeClient(base_url="{gw.url}")\n'
        "result = client.post_account_links(\n"
        '    account="acct_1",\n'
        '    type="account_onboarding",\n'
        '    refresh_url="https://example.com/r?x=1&y=2",\n'
        '    expand=["a", "b"],\n'
        '    collection_options={"fields": "eventually_due"},\n'
        ")\n"
        "print(result)\n"
    )
    assert upstream[1].requests == []  # a preview never reaches the upstream


def test_preview_names_what_the_gateway_will_refuse(gw: Gateway) -> None:
    p = _preview(gw, "PostAccountLinks", {"collection_options": {"future_requirements": "x"}})
    problems = {(q["param"], q["message"]) for q in p.json()["problems"]}
    assert ("account", "missing required parameter: account") in problems
    assert ("type", "missing required parameter: type") in problems
    assert any(param == "collection_options[fields]" for param, _ in problems)
    assert any(param == "collection_options[future_requirements]" for param, _ in problems)


def test_preview_of_path_query_and_header_parameters(gw: Gateway) -> None:
    p = _preview(
        gw,
        "GetAccountNotes",
        {"account": "acct/../x", "expand": ["a"], "limit": "3", "stripe_context": "ctx"},
    ).json()
    assert p["method"] == "GET"
    assert p["target"] == "/v1/accounts/acct%2F..%2Fx/notes?expand[0]=a&limit=3"
    assert p["headers"] == {"Stripe-Context": "ctx"}
    assert p["body"] is None
    assert "limit=3," in p["snippet"] and 'account="acct/../x"' in p["snippet"]
    bad = _preview(gw, "GetAccountNotes", {"account": "a", "limit": "3.5"}).json()
    assert [q["param"] for q in bad["problems"]] == ["limit"]


def test_preview_of_a_json_body(gw: Gateway) -> None:
    p = _preview(gw, "PostNotes", {"count": "7", "live": True}).json()
    assert p["headers"] == {"Content-Type": "application/json"}
    assert json.loads(p["body"]) == {"count": 7, "live": True}
    assert "count=7,\n    live=True," in p["snippet"]
    assert p["problems"] == []


def test_preview_refuses_what_it_cannot_read(gw: Gateway) -> None:
    url = f"{gw.url}/_gateway/preview/PostAccountLinks"
    assert httpx.post(url, content=b"values=1").status_code == 415
    headers = {"content-type": "application/json"}
    assert httpx.post(url, content=b"{", headers=headers).status_code == 400
    assert httpx.post(url, content=b"[]", headers=headers).status_code == 400
    big = json.dumps({"values": {"account": "x" * 70_000}}).encode()
    assert httpx.post(url, content=big, headers=headers).status_code == 413
    assert _preview(gw, "NoSuchThing", {}).status_code == 404
    lone_surrogate = b'{"values": {"account": "\\ud800"}}'
    assert httpx.post(url, content=lone_surrogate, headers=headers).status_code == 400
    assert httpx.get(url).status_code == 405


def test_preview_ignores_a_base_url_that_is_not_an_http_origin(gw: Gateway) -> None:
    for base_url in ("javascript:alert(1)", "http://u:p@h.example", "https://h.example/?q=1", 5):
        snippet = _preview(gw, "PostAccountLinks", {}, base_url=base_url).json()["snippet"]
        assert "client = StripeClient()\n" in snippet, base_url


def test_a_title_without_summary_is_cut_at_a_word_boundary() -> None:
    from dataclasses import replace

    from generator.explorer.app import TITLE_LENGTH, short_title

    api = api_of(
        {
            "/v1/account_links": {
                "post": {
                    "operationId": "PostAccountLinks",
                    "description": "Creates an AccountLink object that includes a single-use "
                    "Stripe URL that the platform can redirect their user to in order to take "
                    "them through the Connect Onboarding flow. More.",
                    "responses": {"200": {"description": "ok"}},
                }
            }
        }
    )
    op = api.operations[0]
    title = short_title(op)
    assert title == (
        "Creates an AccountLink object that includes a single-use Stripe URL that the…"
    )
    assert len(title) <= TITLE_LENGTH
    assert short_title(replace(op, summary="Create an account link")) == "Create an account link"
    assert short_title(replace(op, description="")) == "post_account_links"

"""The explorer in a real browser: Debian's chromium, driven by playwright-core from npm.

Two real gateway processes (uvicorn) sit in front of one recording upstream on 127.0.0.1: one
serves spec/stripe.yaml, the other a crafted spec whose prose tries to run script. The browser
script (tests/browser/explorer.mjs) runs once for the module, walks every scenario as a person
would and reports what it saw; each test below checks one scenario against that report and
against what the upstream received. Screenshots land in tests/artifacts/ (git-ignored).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from support.browser import ARTIFACTS, run_script
from support.processes import ROOT, Gateway, gateway
from support.recording_server import Recorded, Recorder, Reply, recording_server

pytest.importorskip(
    "starlette", reason="the gateway extra is not installed (pip install -e '.[gateway]')"
)

pytestmark = pytest.mark.slow  # the fast lane leaves it out: a real headless Chromium

SECRET = "sk_test_51ExplorerUpstreamSecretNeverInTheBrowser"
TOKEN = "gw_tok_explorer_5d1e0c7a"
LINK = {
    "object": "account_link",
    "created": 1700000000,
    "expires_at": 1700000300,
    "url": "https://connect.stripe.com/setup/e/acct_1Explorer/Zx81",
}
API_ERROR = {
    "error": {
        "type": "invalid_request_error",
        "code": "resource_missing",
        "param": "account",
        "message": "No such account: 'acct_missing'",
    }
}
MAIN_BODY = (
    b"account=acct_1Explorer&type=account_onboarding&collection_options[fields]=eventually_due"
)
KEYBOARD_BODY = (
    b"account=acct_1Keyboard&type=account_onboarding&expand[0]=url"
    b"&collection_options[fields]=currently_due"
)
PAYLOAD = (
    "<p>Makes a note.</p><script>window.__pwned = 1</script>"
    '<img src="http://203.0.113.9/x.png" onerror="window.__pwned = 2">'
    '<a href="javascript:window.__pwned = 3">click</a>'
)


@pytest.fixture(scope="module")
def upstream() -> Iterator[tuple[str, Recorder]]:
    with recording_server() as (url, recorder):
        recorder.default = Reply(200, LINK, {"Request-Id": "req_explorer_7Hk2"})
        yield url, recorder


def _env() -> dict[str, str]:
    return {"STRIPE_API_KEY": SECRET, "GATEWAY_TOKENS": TOKEN}


@pytest.fixture(scope="module")
def crafted_spec(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A spec whose operation and parameter prose try to run script and load an image."""
    doc = {
        "openapi": "3.0.0",
        "info": {"title": "Crafted API", "version": "1"},
        "servers": [{"url": "https://api.example.com/"}],
        "paths": {
            "/v1/notes": {
                "post": {
                    "operationId": "PostNotes",
                    "summary": "Notes <script>window.__pwned = 4</script>",
                    "description": PAYLOAD,
                    "requestBody": {
                        "content": {
                            "application/x-www-form-urlencoded": {
                                "schema": {
                                    "type": "object",
                                    "properties": {
                                        "note": {"type": "string", "description": PAYLOAD},
                                        "count": {"type": "integer"},
                                        "options": {
                                            "type": "object",
                                            "required": ["enabled"],
                                            "properties": {
                                                "enabled": {"type": "boolean"},
                                                "label": {"type": "string"},
                                            },
                                        },
                                    },
                                }
                            }
                        }
                    },
                    "responses": {"200": {"description": "ok"}},
                }
            }
        },
    }
    path = tmp_path_factory.mktemp("crafted") / "crafted.yaml"
    path.write_text(yaml.safe_dump(doc), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def gateways(
    upstream: tuple[str, Recorder], crafted_spec: Path
) -> Iterator[tuple[Gateway, Gateway]]:
    url, _ = upstream
    with (
        gateway(["--spec", "spec/stripe.yaml", "--upstream", url], _env()) as main,
        gateway(
            ["--spec", str(crafted_spec), "--upstream", url],
            {"CRAFTED_API_KEY": SECRET, "GATEWAY_TOKENS": TOKEN},
        ) as crafted,
    ):
        yield main, crafted


@pytest.fixture(scope="module")
def run(
    gateways: tuple[Gateway, Gateway],
    upstream: tuple[str, Recorder],
    tmp_path_factory: pytest.TempPathFactory,
) -> dict[str, Any]:
    """The browser script's report, plus what the upstream had received when it finished."""
    main, crafted = gateways
    ok = Reply(200, LINK, {"Request-Id": "req_explorer_7Hk2"})
    # in the order the script sends: the form's Send, the keyboard's, then one the API refuses
    upstream[1].replies[:] = [ok, ok, Reply(400, API_ERROR, {"Request-Id": "req_explorer_bad"})]
    config = {
        "gateway": main.url,
        "token": TOKEN,
        "xssGateway": crafted.url,
        "xssOperation": "PostNotes",
        "userDataDir": str(tmp_path_factory.mktemp("chromium-profile")),
    }
    report = run_script("explorer.mjs", config)
    report["upstream"] = list(upstream[1].requests)
    report["gateway_logs"] = main.stderr() + crafted.stderr()
    return report


def _upstream_sends(report: dict[str, Any]) -> list[Recorded]:
    return [r for r in report["upstream"] if r.path == "/v1/account_links"]


def test_form_drives_the_snippet_and_send_goes_through_the_gateway(run: dict[str, Any]) -> None:
    main = run["main"]
    assert main["indexUrl"].endswith("/_gateway/")  # GET / redirects to the explorer
    assert (main["filterNone"], main["linkHidden"]) == ("0 operations shown.", True)
    assert main["filterOne"] == "1 operation shown."
    snippets = main["snippets"]
    assert len(set(snippets)) == 4, "the snippet changes after each step"
    assert 'account="acct_1Explorer"' in snippets[1]
    assert 'type="account_onboarding"' in snippets[2] and 'type="' not in snippets[1]
    assert 'collection_options={"fields": "eventually_due"}' in snippets[3]
    assert snippets[3].startswith("from generated.stripe import StripeClient\n")
    assert main["rawRequest"].startswith("POST /v1/account_links HTTP/1.1\n")
    assert main["rawRequest"].endswith("\n\n" + MAIN_BODY.decode())
    assert TOKEN not in main["rawRequest"]
    assert main["checks"] == []
    response = main["response"]
    assert response["status"] == "200 OK"
    assert response["requestId"] == "req_explorer_7Hk2"
    assert json.loads(response["body"])["url"] == LINK["url"]
    assert response["body"].startswith('{\n  "object": "account_link"')  # formatted JSON
    first = _upstream_sends(run)[0]
    assert (first.method, first.body) == ("POST", MAIN_BODY)
    assert first.headers["authorization"] == f"Bearer {SECRET}"
    assert first.headers["content-type"] == "application/x-www-form-urlencoded"
    api_calls = [r for r in run["requests"] if r["url"].endswith("/v1/account_links")]
    assert api_calls[0]["headers"]["authorization"] == f"Bearer {TOKEN}"
    assert api_calls[0]["body"] == MAIN_BODY.decode()


def test_the_secret_key_never_reaches_the_browser(run: dict[str, Any]) -> None:
    for request in run["requests"]:
        assert SECRET not in json.dumps(request)
    for response in run["responses"]:
        assert SECRET not in json.dumps(response)
    assert SECRET not in run["gateway_logs"]


def test_empty_account_is_flagged_at_the_field_and_nothing_is_sent(run: dict[str, Any]) -> None:
    empty = run["emptyAccount"]
    assert empty["message"] == "Required: fill this in."
    assert empty["invalid"] == "true"
    assert empty["focused"] == "f-body-account"
    assert "f-body-account-err" in empty["description"].split()
    assert empty["sendStatus"].startswith("Not sent")
    assert not [s for s in empty["sent"] if s.endswith("/v1/account_links")]
    # the form's, the keyboard's and the refused one reached the upstream, not the empty one
    assert [r.body for r in _upstream_sends(run)][:2] == [MAIN_BODY, KEYBOARD_BODY]
    assert len(_upstream_sends(run)) == 3


def test_list_items_are_added_and_removed(run: dict[str, Any]) -> None:
    listed = run["emptyAccount"]["list"]
    assert 'expand=["first", "second"],' in listed["two"]
    assert 'expand=["second"],' in listed["one"]
    assert (listed["count"], listed["label"], listed["value"]) == (1, "expand item 1", "second")
    assert listed["focused"]  # focus moved to the item that took the removed one's place


def test_an_api_error_shows_its_param_and_message_at_the_field(run: dict[str, Any]) -> None:
    refused = run["apiError"]
    assert refused["response"]["status"] == "400 Bad Request"
    assert refused["response"]["requestId"] == "req_explorer_bad"
    assert json.loads(refused["response"]["body"]) == API_ERROR
    assert refused["param"] == "account"
    assert refused["message"] == "No such account: 'acct_missing'"
    assert refused["fieldVisible"] and refused["fieldMessage"] == refused["message"]
    assert refused["invalid"] == "true"
    assert _upstream_sends(run)[2].body == b"account=acct_missing&type=account_update"


def test_a_malformed_number_is_flagged_and_not_sent(run: dict[str, Any]) -> None:
    assert run["xss"]["countMessage"] == "Enter a whole number, like 42."
    assert run["xss"]["countSent"] == 0


def test_the_pages_snippet_sends_the_same_request(
    run: dict[str, Any], upstream: tuple[str, Recorder]
) -> None:
    snippet = run["main"]["snippets"][-1]
    recorder = upstream[1]
    before = len(recorder.requests)
    done = subprocess.run(
        [sys.executable, "-c", snippet],
        cwd=ROOT,
        env={"PATH": os.environ.get("PATH", ""), "STRIPE_API_KEY": TOKEN},
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    assert LINK["url"] in done.stdout
    (replayed,) = recorder.requests[before:]
    page_sent = _upstream_sends(run)[0]
    assert (replayed.method, replayed.path, replayed.body) == (
        page_sent.method,
        page_sent.path,
        page_sent.body,
    )


def test_the_copy_button_copies_the_snippet(run: dict[str, Any]) -> None:
    main = run["main"]
    assert main["copyStatus"] == "Copied."
    assert main["clipboard"] == main["snippets"][-1]


def test_no_request_goes_to_any_other_host(
    run: dict[str, Any], gateways: tuple[Gateway, Gateway]
) -> None:
    origins = {g.url for g in gateways}
    assert run["offHost"] == []
    assert run["requests"], "requests were recorded"
    for request in run["requests"]:
        assert any(request["url"].startswith(o + "/") for o in origins), request["url"]


def test_crafted_prose_shows_as_text_and_runs_nothing(run: dict[str, Any]) -> None:
    xss = run["xss"]
    assert xss["pwned"] is None and xss["pwnedAfterInput"] is None
    assert xss["title"] == "Notes window.__pwned = 4"  # the summary is the IR's plain text
    for text in (xss["description"], xss["paramDescription"]):
        assert "<script>window.__pwned = 1</script>" in text
        assert '<img src="http://203.0.113.9/x.png" onerror="window.__pwned = 2">' in text
        assert "click" in text
    assert xss["images"] == 0 and xss["iframes"] == 0
    assert [s.rsplit("/", 1)[-1] for s in xss["scripts"]] == ["explorer.js"]
    assert not [h for h in xss["links"] if h and h.startswith("javascript:")]
    assert """note='<img src=x onerror="window.__pwned=9">',""" in xss["snippet"]


def test_a_group_is_sent_only_once_something_in_it_is_filled(run: dict[str, Any]) -> None:
    """An unchecked required checkbox means false, but on its own it does not send its group."""
    xss = run["xss"]
    assert "options=" not in xss["snippet"]
    assert 'options={"enabled": False, "label": "x"},' in xss["groupSnippet"]
    assert 'options={"enabled": True, "label": "x"},' in xss["checkedSnippet"]


def test_every_page_sets_the_csp_and_holds_no_inline_code(run: dict[str, Any]) -> None:
    main = run["main"]
    for csp in (main["indexCsp"], main["opCsp"]):
        assert csp.startswith("default-src 'self'")
    for response in run["responses"]:
        if "/_gateway/" in response["url"] and response["status"] == 200:
            assert response["headers"]["content-security-policy"].startswith("default-src 'self'")
    assert [s.rsplit("/", 1)[-1] for s in main["scripts"]] == ["explorer.js"]
    assert main["inlineStyles"] == 0
    assert not [m for m in run["console"] if "Content Security Policy" in m]


def test_screenshots_and_nothing_scrolls_sideways_at_390(run: dict[str, Any]) -> None:
    for name in ("explorer-desktop.png", "explorer-mobile.png", "explorer-index-mobile.png"):
        data = (ARTIFACTS / name).read_bytes()
        assert data.startswith(b"\x89PNG") and len(data) > 10_000
    for widths in (run["main"]["mobile"], run["main"]["mobileIndex"]):
        assert widths["innerWidth"] == 390
        assert widths["scrollWidth"] <= widths["innerWidth"]


def test_keyboard_only(run: dict[str, Any]) -> None:
    keyboard = run["keyboard"]
    order = [v["id"] for v in keyboard["visited"] if v["id"]]
    assert order[:8] == [  # Tab walks the page in reading order
        "theme",  # the header's dark-mode toggle
        "token",
        "token-toggle",
        "token-forget",
        "f-body-account",
        "f-body-type",
        "f-body-refresh_url",
        "f-body-return_url",
    ]
    assert "f-body-collection_options-fields" in order
    assert keyboard["typeValue"] == "account_onboarding"
    assert keyboard["fieldsValue"] == "currently_due"
    assert keyboard["itemFocused"] and keyboard["itemLabel"] == "expand item 1"
    assert keyboard["stored"] == TOKEN  # kept in local storage for the next visit
    assert keyboard["response"]["status"] == "200 OK"  # Enter in a field sent the form
    assert 'expand=["url"]' in keyboard["snippet"]
    assert _upstream_sends(run)[1].body == KEYBOARD_BODY


def test_every_control_has_an_accessible_name(run: dict[str, Any]) -> None:
    for where in (
        run["main"]["axMissing"],
        run["main"]["indexAxMissing"],
        run["keyboard"]["axMissing"],
    ):
        assert where["count"] > 0
        assert where["unnamed"] == []
    assert run["keyboard"]["axMissing"]["count"] >= 14  # fields, item, its Remove, buttons, links

"""The explorer's second round in real Chromium against real gateways (uvicorn processes) in
front of recording upstreams on 127.0.0.1: every snippet tab makes the call Send makes,
per-call headers and the idempotency key reach the upstream, what comes back is shown (time,
headers, schema, next page), history survives a reload without the token, a link restores the
form in another browser, dark mode, search over parameter names, file uploads.

tests/browser/round_two.mjs walks the pages once for the module and reports what it saw; each
test checks one part of that report and of what the upstreams received.
"""

from __future__ import annotations

import email.parser
import email.policy
import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import pytest
import yaml
from support.browser import ARTIFACTS, run_script
from support.processes import ROOT, Gateway, gateway
from support.recording_server import Recorded, Recorder, Reply, recording_server

pytest.importorskip("starlette", reason="the gateway extra is not installed")

pytestmark = pytest.mark.slow  # the fast lane leaves it out: real gateway processes and every snippet run

SECRET = "sk_test_51RoundTwoUpstreamSecretNeverInTheBrowser"
TOKEN = "gw_tok_round_two_8c2f"
LINK = {"object": "account_link", "url": "https://connect.stripe.com/setup/e/acct_1Tabs/Q"}
NOTE = {"id": "note_1", "text": "hello", "author": {"name": "Ada"}}
PAGE_ONE = {
    "object": "list",
    "url": "/v1/notes",
    "has_more": True,
    "data": [NOTE, {**NOTE, "id": "note_2"}],
}
PAGE_TWO = {
    "object": "list",
    "url": "/v1/notes",
    "has_more": False,
    "data": [{**NOTE, "id": "note_3"}],
}
FEATURES = {
    "openapi": "3.0.0",
    "info": {"title": "Feature API", "version": "1"},
    "servers": [{"url": "https://api.example.com/"}],
    "paths": {
        "/v1/notes": {
            "get": {
                "operationId": "GetNotes",
                "summary": "List notes",
                "parameters": [
                    {"name": "limit", "in": "query", "schema": {"type": "integer"}},
                    {"name": "starting_after", "in": "query", "schema": {"type": "string"}},
                    {"name": "X-Trace", "in": "header", "schema": {"type": "string"}},
                ],
                "responses": {
                    "200": {
                        "description": "ok",
                        "content": {
                            "application/json": {
                                "schema": {"$ref": "#/components/schemas/NoteList"},
                                "examples": {
                                    "empty": {
                                        "summary": "No notes yet",
                                        "value": {
                                            "object": "list",
                                            "data": [],
                                            "has_more": False,
                                            "url": "/v1/notes",
                                        },
                                    }
                                },
                            }
                        },
                    },
                    "404": {
                        "description": "gone",
                        "content": {
                            "application/json": {"example": {"error": {"message": "No notes"}}}
                        },
                    },
                },
            }
        },
        "/v1/files": {
            "post": {
                "operationId": "PostFiles",
                "summary": "Upload a file",
                "requestBody": {
                    "required": True,
                    "content": {
                        "multipart/form-data": {
                            "schema": {
                                "type": "object",
                                "required": ["file", "purpose"],
                                "properties": {
                                    "file": {"type": "string", "format": "binary"},
                                    "purpose": {
                                        "type": "string",
                                        "enum": ["dispute_evidence", "identity_document"],
                                    },
                                },
                            }
                        }
                    },
                },
                "responses": {"200": {"description": "ok"}},
            }
        },
        "/v1/events": {
            "get": {
                "operationId": "GetEvents",
                "summary": "Watch events",
                "responses": {
                    "200": {
                        "description": "events",
                        "content": {"text/event-stream": {"schema": {"type": "string"}}},
                    }
                },
            }
        },
        "/v1/settings": {
            "post": {
                "operationId": "PostSettings",
                "summary": "Change settings",
                "requestBody": {
                    "content": {
                        "application/x-www-form-urlencoded": {
                            "schema": {
                                "type": "object",
                                "properties": {
                                    "name": {"type": "string"},
                                    "settings": {"$ref": "#/components/schemas/Settings"},
                                },
                            },
                            "examples": {
                                "minimal": {"summary": "A name", "value": {"name": "n1"}},
                                "full": {"$ref": "#/components/examples/FullSettings"},
                            },
                        }
                    }
                },
                "responses": {"200": {"description": "ok"}},
            }
        },
        "/v1/blobs/{blob}": {
            "put": {
                "operationId": "PutBlobsBlob",
                "summary": "Store a blob",
                "parameters": [
                    {"name": "blob", "in": "path", "required": True, "schema": {"type": "string"}}
                ],
                "requestBody": {
                    "required": True,
                    "content": {
                        "application/octet-stream": {
                            "schema": {"type": "string", "format": "binary"}
                        }
                    },
                },
                "responses": {"200": {"description": "ok"}},
            }
        },
    },
    "components": {
        "examples": {
            "FullSettings": {
                "summary": "Everything set",
                "value": {"name": "n2", "settings": {"option_001": "a"}},
            }
        },
        "schemas": {
            "Settings": {  # so many fields that the page loads them when asked
                "type": "object",
                "properties": {
                    f"option_{i:03}": {"type": "string", "description": "A setting. " * 30}
                    for i in range(120)
                },
            },
            "NoteList": {
                "type": "object",
                "required": ["object", "data", "has_more", "url"],
                "properties": {
                    "object": {"type": "string", "enum": ["list"]},
                    "data": {"type": "array", "items": {"$ref": "#/components/schemas/Note"}},
                    "has_more": {"type": "boolean"},
                    "url": {"type": "string"},
                },
            },
            "Note": {
                "type": "object",
                "description": "A note someone wrote.",
                "required": ["id", "text"],
                "properties": {
                    "id": {"type": "string"},
                    "text": {"type": "string", "description": "What the note says."},
                    "author": {"$ref": "#/components/schemas/Author"},
                },
            },
            "Author": {
                "type": "object",
                "properties": {"name": {"type": "string", "description": "The author's name."}},
            },
        },
    },
}


@pytest.fixture(scope="module")
def upstreams() -> Iterator[tuple[Recorder, Recorder]]:
    with recording_server() as (stripe_url, stripe), recording_server() as (feat_url, feat):
        stripe.default = Reply(200, LINK, {"Request-Id": "req_tabs_1"})
        feat.replies[:] = [Reply(200, PAGE_ONE), Reply(200, PAGE_TWO)]
        feat.default = Reply(200, {"id": "file_1"})
        # the second event comes 2 s after the first: the page must show the first meanwhile
        feat.by_path["/v1/events"] = Reply(
            200,
            headers={"Content-Type": "text/event-stream"},
            stream=((0.0, b"data: one\n\n"), (2.0, b"data: two\n\n")),
        )
        stripe.url = stripe_url  # type: ignore[attr-defined]
        feat.url = feat_url  # type: ignore[attr-defined]
        yield stripe, feat


@pytest.fixture(scope="module")
def gateways(
    upstreams: tuple[Recorder, Recorder], tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[Gateway, Gateway]]:
    stripe, feat = upstreams
    spec = tmp_path_factory.mktemp("features") / "features.yaml"
    spec.write_text(yaml.safe_dump(FEATURES), encoding="utf-8")
    env = {"STRIPE_API_KEY": SECRET, "GATEWAY_TOKENS": TOKEN}
    with (
        gateway(["--spec", "spec/stripe.yaml", "--upstream", stripe.url], env) as main,  # type: ignore[attr-defined]
        gateway(
            ["--spec", str(spec), "--profile", "stripe", "--upstream", feat.url],  # type: ignore[attr-defined]
            env,
        ) as features,
    ):
        yield main, features


@pytest.fixture(scope="module")
def run(
    gateways: tuple[Gateway, Gateway],
    upstreams: tuple[Recorder, Recorder],
    tmp_path_factory: pytest.TempPathFactory,
) -> dict[str, Any]:
    main, features = gateways
    config = {
        "gateway": main.url,
        "features": features.url,
        "token": TOKEN,
        "userDataDir": str(tmp_path_factory.mktemp("chromium-round-two")),
    }
    report = run_script("round_two.mjs", config)
    report["stripe_upstream"] = list(upstreams[0].requests)
    report["features_upstream"] = list(upstreams[1].requests)
    report["gateway_logs"] = main.stderr() + features.stderr()
    return report


def _same_call(a: Recorded, b: Recorded, headers: tuple[str, ...]) -> None:
    assert (a.method, a.path, a.body) == (b.method, b.path, b.body)
    for name in headers:
        assert a.headers.get(name) == b.headers.get(name), name


def _run_shell(command: str) -> subprocess.CompletedProcess[str]:
    path = f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}"
    return subprocess.run(
        ["bash", "-c", command],
        cwd=ROOT,
        env={"PATH": path, "GATEWAY_TOKEN": TOKEN},
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )


def test_every_snippet_tab_makes_the_call_send_makes(
    run: dict[str, Any], upstreams: tuple[Recorder, Recorder]
) -> None:
    stripe = run["stripe"]
    tabs = stripe["tabs"]
    assert [tabs[k]["visible"] for k in ("snippet-cli", "snippet-curl", "snippet")] == [True] * 3
    assert tabs["arrowSelected"] == "Command line"
    python, cli, curl = (tabs[k]["text"] for k in ("snippet", "snippet-cli", "snippet-curl"))
    assert python.startswith("from generated.stripe import StripeClient\n")
    assert cli.startswith(
        'STRIPE_API_KEY="$GATEWAY_TOKEN" python -m generated.stripe post-account-links'
    )
    assert curl.startswith("curl -g -X POST ")
    assert '-H "Authorization: Bearer $GATEWAY_TOKEN"' in curl
    for text in (python, cli, curl):
        assert TOKEN not in text and SECRET not in text
    sent = [r for r in run["stripe_upstream"] if b"acct_1Tabs" in r.body]
    page_send = sent[0]  # Send, then Resend
    assert page_send.headers["stripe-account"] == "acct_1Connected"
    assert page_send.headers["idempotency-key"] == stripe["key"]
    recorder = upstreams[0]
    compared = ("content-type", "stripe-account", "idempotency-key")
    runs = {
        "python": lambda: subprocess.run(
            [sys.executable, "-c", python],
            cwd=ROOT,
            env={"PATH": os.environ.get("PATH", ""), "STRIPE_API_KEY": TOKEN},
            capture_output=True,
            text=True,
            check=False,
            timeout=60,
        ),
        "cli": lambda: _run_shell(cli),
        "curl": lambda: _run_shell(curl),
    }
    for name, make in runs.items():
        before = len(recorder.requests)
        done = make()
        assert done.returncode == 0, (name, done.stderr)
        assert LINK["url"] in done.stdout, name
        (replayed,) = recorder.requests[before:]
        _same_call(replayed, page_send, compared)


def test_idempotency_key_is_prefilled_renewable_and_new_after_each_call(
    run: dict[str, Any],
) -> None:
    stripe = run["stripe"]
    keys = [stripe["keyFirst"], stripe["keyRenewed"], stripe["keyAfterSend"]]
    assert all(len(k) == 36 and k.count("-") == 4 for k in keys)  # random UUIDs
    assert len(set(keys)) == 3
    assert stripe["key"] == stripe["keyRenewed"]
    assert f"Idempotency-Key: {stripe['key']}" in stripe["request"]
    assert "Stripe-Account: acct_1Connected" in stripe["request"]


def test_what_comes_back_status_time_headers_body_schema(run: dict[str, Any]) -> None:
    response = run["stripe"]["response"]
    assert response["status"] == "200 OK"
    assert response["time"].endswith(" ms") and int(response["time"].split()[0]) >= 0
    assert response["headersBox"] and "request-id" in response["headers"]
    assert response["bodyOpen"] and json.loads(response["body"]) == LINK
    schema = run["stripe"]["schema"]
    assert schema[0]["name"] == "AccountLink" and schema[0]["open"]
    rows = {row[0]: row for row in schema[0]["rows"]}
    assert rows["url"][1] == "str"
    assert rows["url"][2] == "The URL to send the user to."


def test_history_survives_a_reload_never_holds_the_token_and_resends(run: dict[str, Any]) -> None:
    stripe = run["stripe"]
    stored = json.loads(stripe["historyStored"])
    assert len(stored) == 1
    entry = stored[0]
    assert (entry["method"], entry["target"], entry["status"]) == ("POST", "/v1/account_links", 200)
    assert entry["values"]["account"] == "acct_1Tabs"
    assert TOKEN not in stripe["historyStored"]
    assert "idempotency_key" not in entry["options"]  # a reopened call is a new call
    assert len(stripe["historyAfterReload"]) == 1
    assert stripe["historyAfterReload"][0].startswith("POST /v1/account_links · 200 · ")
    assert stripe["resent"]["status"] == "200 OK"
    sent = [r for r in run["stripe_upstream"] if b"acct_1Tabs" in r.body][:2]
    assert sent[0].body == sent[1].body
    assert sent[0].headers["stripe-account"] == sent[1].headers["stripe-account"]
    assert sent[0].headers["idempotency-key"] != sent[1].headers["idempotency-key"]
    assert stripe["historyCleared"] == 0 and stripe["historyStoredAfterClear"] is None


def test_a_copied_link_restores_the_form_in_another_browser(run: dict[str, Any]) -> None:
    stripe = run["stripe"]
    assert TOKEN not in stripe["link"]
    assert urlsplit(stripe["link"]).fragment.startswith("state=")
    assert stripe["linkStatus"].startswith("Link copied")
    restored = stripe["restored"]
    assert restored["account"] == "acct_1Tabs"
    assert restored["type"] == "account_onboarding"
    assert restored["expand"] == ["url"]
    assert restored["stripeAccount"] == "acct_1Connected"
    assert restored["token"] == ""
    assert len(restored["key"]) == 36 and restored["key"] != stripe["key"]


def test_the_chosen_tab_is_remembered(run: dict[str, Any]) -> None:
    assert run["stripe"]["tabAfterReload"] == "curl"


def test_dark_mode_follows_the_system_and_the_toggle(run: dict[str, Any]) -> None:
    dark = run["dark"]
    assert dark["systemTheme"] == "dark" and dark["pressed"] == "true"
    assert dark["systemBackground"] != dark["lightBackground"]
    assert (dark["toggled"], dark["toggledAfterReload"], dark["untoggled"]) == (
        "dark",
        "dark",
        "light",
    )
    assert dark["toggledBackground"] == dark["systemBackground"]
    assert dark["mobile"]["scrollWidth"] <= dark["mobile"]["innerWidth"] == 390
    for name in ("explorer-dark.png", "explorer-dark-mobile.png", "explorer-features.png"):
        data = (ARTIFACTS / name).read_bytes()
        assert data.startswith(b"\x89PNG") and len(data) > 10_000


def test_search_matches_parameter_names(run: dict[str, Any]) -> None:
    assert run["dark"]["searchParam"] == "1 operation shown."


def test_next_page_fetches_page_two_with_header_params(run: dict[str, Any]) -> None:
    feat = run["features"]
    assert "X-Trace: trace-7" in feat["listRequest"]
    assert feat["firstPage"]["status"] == "200 OK" and feat["nextVisible"]
    assert feat["startingAfter"] == "note_2"
    assert json.loads(feat["secondPage"]["body"]) == PAGE_TWO
    assert not feat["nextAfterLast"]
    first, second = [r for r in run["features_upstream"] if r.path.startswith("/v1/notes")]
    assert dict(parse_qsl(urlsplit(first.path).query)) == {"limit": "2"}
    assert dict(parse_qsl(urlsplit(second.path).query)) == {
        "limit": "2",
        "starting_after": "note_2",
    }
    assert first.headers["x-trace"] == second.headers["x-trace"] == "trace-7"
    assert feat["schemaNames"] == ["NoteList", "Note", "Author"]
    assert feat["schemaLinks"] == ["#model-Note", "#model-Author"]


def test_a_multipart_upload_and_a_raw_body_are_sent_from_the_page(run: dict[str, Any]) -> None:
    feat = run["features"]
    assert feat["upload"]["status"] == "200 OK" and feat["raw"]["status"] == "200 OK"
    (upload,) = [r for r in run["features_upstream"] if r.path == "/v1/files"]
    head = f"Content-Type: {upload.headers['content-type']}\r\n\r\n".encode()
    message = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(head + upload.body)
    parts = {
        p.get_param("name", header="content-disposition"): (
            p.get_filename(),
            p.get_payload(decode=True),
        )
        for p in message.iter_parts()
    }
    assert parts == {
        "purpose": (None, b"dispute_evidence"),
        "file": ("evidence.txt", b"receipt #42\n"),
    }
    (raw,) = [r for r in run["features_upstream"] if r.path == "/v1/blobs/b1"]
    assert (raw.method, raw.body) == ("PUT", bytes([0, 1, 2, 255, 254]))
    assert raw.headers["content-type"] == "application/octet-stream"
    snippets = feat["uploadSnippets"]
    assert 'file=open("evidence.txt", "rb"),' in snippets["python"]
    assert "--file evidence.txt" in snippets["cli"]
    assert "-F file=@evidence.txt" in snippets["curl"]
    assert "--data-binary @photo.bin" in feat["rawSnippets"]["curl"]
    assert "/_gateway/operations/PutBlobsBlob#state=" in feat["otherReopenHref"]


def test_no_other_host_no_secret_and_every_control_named(run: dict[str, Any]) -> None:
    assert run["offHost"] == []
    for request in run["requests"]:
        assert SECRET not in json.dumps(request)
    for response in run["responses"]:
        assert SECRET not in json.dumps(response)
    assert SECRET not in run["gateway_logs"]
    assert run["stripe"]["axMissing"]["unnamed"] == []
    assert run["features"]["mobile"]["scrollWidth"] <= 390


def test_a_big_object_loads_its_fields_when_asked(run: dict[str, Any]) -> None:
    """A page over its budget shows its largest object's fields on request; what is typed in
    them is sent, and a link to the form loads them again."""
    big = run["features"]["deferred"]
    assert big["pageBytes"] <= 60 * 1024
    assert big["before"] == 0 and big["after"] == 120
    assert 'settings={"option_007": "seven"},' in big["snippet"]
    (sent,) = [r for r in run["features_upstream"] if r.path == "/v1/settings"]
    assert sent.body == b"name=n&settings[option_007]=seven"
    assert big["restored"] == "seven"


def test_a_streamed_response_shows_its_events_as_they_arrive(run: dict[str, Any]) -> None:
    events = run["features"]["events"]
    assert events["first"] == ["one"]  # shown while the upstream was still sending
    assert events["statusMeanwhile"].startswith("Receiving: 1 event")
    assert events["final"] == ["one", "two"]
    assert events["answered"].startswith("Answered 200")


def test_the_examples_picker_fills_the_form(run: dict[str, Any]) -> None:
    example = run["features"]["example"]
    assert example["choices"] == ["Choose an example", "full: Everything set", "minimal: A name"]
    assert (example["name"], example["option"]) == ("n2", "a")
    assert 'settings={"option_001": "a"},' in example["snippet"]


def test_the_specs_example_responses_are_shown_per_status(run: dict[str, Any]) -> None:
    responses = run["features"]["responseExamples"]
    assert responses["titles"] == ["200 empty: No notes yet", "404 example"]
    assert json.loads(responses["first"]) == {
        "object": "list",
        "data": [],
        "has_more": False,
        "url": "/v1/notes",
    }
    assert responses["first"].startswith('{\n  "')  # indented for reading

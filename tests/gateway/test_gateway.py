"""The gateway as a real process in front of a recording upstream on 127.0.0.1.

One gateway serves most tests (module scope): the generated client through it, every attack
from the issue, validation, header handling, log secrecy. Tests that need other settings start
a gateway of their own.
"""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import yaml
from support.fault_server import Stall, fault_server
from support.processes import ROOT, Gateway, free_port, gateway, raw_request
from support.recording_server import Recorder, Reply, recording_server

pytest.importorskip(
    "starlette", reason="the gateway extra is not installed (pip install -e '.[gateway]')"
)

from generated.stripe import InvalidRequestError, StripeClient

SECRET = "sk_test_51UpstreamSecretKeyNeverLeaves"
TOKENS = ("gw_tok_alice_4f9a1c2e", "gw_tok_bob_77d0b3aa")
LINK = {"object": "account_link", "created": 1, "expires_at": 2, "url": "https://x/y"}
FORM_CT = "application/x-www-form-urlencoded"


def _env(**extra: str) -> dict[str, str]:
    return {"STRIPE_API_KEY": SECRET, "GATEWAY_TOKENS": ",".join(TOKENS), **extra}


@pytest.fixture(scope="module")
def spec(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """spec/stripe.yaml plus an operation with a path parameter and one on another server."""
    doc = yaml.safe_load((ROOT / "spec" / "stripe.yaml").read_text())
    link = {"$ref": "#/components/schemas/account_link"}
    ok = {"200": {"description": "ok", "content": {"application/json": {"schema": link}}}}
    doc["paths"]["/v1/accounts/{account}"] = {
        "get": {
            "operationId": "GetAccountsAccount",
            "parameters": [
                {"name": "account", "in": "path", "required": True, "schema": {"type": "string"}},
                {"name": "expand", "in": "query", "style": "deepObject", "explode": True,
                 "schema": {"type": "array", "items": {"type": "string"}}},
                {"name": "limit", "in": "query", "schema": {"type": "integer"}},
            ],
            "responses": ok,
        }
    }  # fmt: skip
    doc["paths"]["/v1/files"] = {
        "post": {
            "operationId": "PostFiles",
            "servers": [{"url": "https://files.stripe.com/"}],
            "requestBody": {
                "required": True,
                "content": {
                    "multipart/form-data": {
                        "schema": {
                            "type": "object",
                            "required": ["file", "purpose"],
                            "properties": {
                                "file": {"type": "string", "format": "binary"},
                                "purpose": {"type": "string", "enum": ["dispute_evidence"]},
                            },
                        }
                    }
                },
            },
            "responses": ok,
        }
    }
    path = tmp_path_factory.mktemp("spec") / "stripe_plus.yaml"
    path.write_text(yaml.safe_dump(doc))
    return path


@pytest.fixture(scope="module")
def upstream() -> Iterator[tuple[str, Recorder]]:
    with recording_server() as (url, recorder):
        recorder.default = Reply(200, LINK, {"Request-Id": "req_upstream_1"})
        yield url, recorder


@pytest.fixture(scope="module")
def gw(spec: Path, upstream: tuple[str, Recorder]) -> Iterator[Gateway]:
    url, _ = upstream
    args = ["--spec", str(spec), "--profile", "stripe", "--upstream", url, "--body-limit", "4096"]
    with gateway(args, _env()) as process:
        yield process


@pytest.fixture
def recorder(upstream: tuple[str, Recorder]) -> Iterator[Recorder]:
    _, rec = upstream
    rec.requests.clear()
    rec.replies.clear()
    yield rec


def _auth(token: str = TOKENS[0]) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def test_generated_client_through_gateway(gw: Gateway, recorder: Recorder) -> None:
    client = StripeClient(base_url=gw.url, api_key=TOKENS[0])
    raw = client.with_raw_response(
        lambda c: c.post_account_links(
            account="acct_123",
            type="account_onboarding",
            refresh_url="https://example.com/reauth",
            collection_options={"fields": "eventually_due"},
            expand=["account", "url"],
            request_options={"stripe_account": "acct_connected"},
        )
    )
    assert raw.parse().url == LINK["url"]
    assert raw.request_id == "req_upstream_1"  # the upstream's Request-Id reaches the client
    (seen,) = recorder.requests
    assert seen.headers["authorization"] == f"Bearer {SECRET}"
    assert seen.body == (
        b"account=acct_123&type=account_onboarding&refresh_url=https%3A%2F%2Fexample.com%2Freauth"
        b"&expand[0]=account&expand[1]=url&collection_options[fields]=eventually_due"
    )
    assert seen.headers["stripe-account"] == "acct_connected"
    assert seen.headers["stripe-version"] == "2024-06-20"
    assert seen.headers["idempotency-key"]
    assert SECRET not in raw.http_response.text + str(raw.http_response.headers)


def test_lenient_enum_is_forwarded(gw: Gateway, recorder: Recorder) -> None:
    """``type`` carries x-stripeBypassValidation: Stripe takes values the spec does not list."""
    response = httpx.post(
        f"{gw.url}/v1/account_links",
        data={"account": "acct_1", "type": "custom_account_update"},
        headers=_auth(),
    )
    assert response.status_code == 200
    assert recorder.requests[0].body == b"account=acct_1&type=custom_account_update"


def test_path_and_query_parameters(gw: Gateway, recorder: Recorder) -> None:
    response = httpx.get(
        f"{gw.url}/v1/accounts/acct%20one?expand%5B0%5D=a&expand[1]=b&limit=3", headers=_auth()
    )
    assert response.status_code == 200
    # the path is rebuilt with the value escaped anew; the query re-encoded as validated
    assert recorder.requests[0].path == "/v1/accounts/acct%20one?expand[0]=a&expand[1]=b&limit=3"


@pytest.mark.parametrize(
    ("data", "param"),
    [
        ({"account": "acct_1", "type": "account_onboarding", "colour": "red"}, "colour"),
        ({"type": "account_onboarding"}, "account"),
        (
            {"account": "a", "type": "account_update", "collection_options[fields]": "sometimes"},
            "collection_options[fields]",
        ),
        (
            {"account": "a", "type": "account_update", "collection_options[future]": "x"},
            "collection_options[future]",
        ),
    ],
)
def test_validation_names_the_parameter(
    gw: Gateway, recorder: Recorder, data: dict[str, str], param: str
) -> None:
    response = httpx.post(f"{gw.url}/v1/account_links", data=data, headers=_auth())
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["type"] == "invalid_request_error"
    assert error["param"] == param
    assert param in error["message"]
    assert recorder.requests == []


def test_client_raises_invalid_request_error_with_param(gw: Gateway, recorder: Recorder) -> None:
    client = StripeClient(base_url=gw.url, api_key=TOKENS[1], max_retries=0)
    with pytest.raises(InvalidRequestError) as caught:
        client.post_account_links(
            account="acct_1",
            type="account_onboarding",
            collection_options={"fields": "sometimes"},  # type: ignore[typeddict-item]
        )
    assert caught.value.param == "collection_options[fields]"
    assert caught.value.status_code == 400
    assert caught.value.request_id is not None
    limit = httpx.get(f"{gw.url}/v1/accounts/acct_1?limit=many", headers=_auth())
    assert limit.status_code == 400 and limit.json()["error"]["param"] == "limit"
    assert recorder.requests == []


def _post(target: str, body: bytes, *extra: str, token: str | None = TOKENS[0]) -> bytes:
    lines = [f"POST {target} HTTP/1.1", "Host: 127.0.0.1", "Connection: close", *extra]
    if token is not None:
        lines.append(f"Authorization: Bearer {token}")
    if body and not any(x.lower().startswith("transfer-encoding") for x in extra):
        lines += [f"Content-Type: {FORM_CT}", f"Content-Length: {len(body)}"]
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + body


def _get(target: str, *extra: str) -> bytes:
    lines = [f"GET {target} HTTP/1.1", "Host: 127.0.0.1", "Connection: close", *extra]
    lines.append(f"Authorization: Bearer {TOKENS[0]}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode()


def _chunked(size: int) -> bytes:
    piece = b"account=" + b"a" * 1000
    out = b""
    sent = 0
    while sent < size:
        out += f"{len(piece):x}\r\n".encode() + piece + b"\r\n"
        sent += len(piece)
    return out + b"0\r\n\r\n"


GOOD = b"account=acct_1&type=account_onboarding"
ATTACKS: dict[str, tuple[bytes, int]] = {
    "no token": (_post("/v1/account_links", GOOD, token=None), 401),
    "wrong token": (_post("/v1/account_links", GOOD, token="gw_tok_mallory"), 401),
    "the secret as token": (_post("/v1/account_links", GOOD, token=SECRET), 401),
    "basic auth with the secret": (
        _post("/v1/account_links", GOOD, "Authorization: Basic c2tfdGVzdDo=", token=None),
        401,
    ),
    "path not in the spec": (_post("/v1/customers", b"email=a"), 404),
    "dot-dot segment": (_get("/v1/accounts/.."), 404),
    "dot-dot through a parameter": (_get("/v1/accounts/../account_links"), 404),
    "encoded dot-dot": (_get("/v1/accounts/%2e%2e"), 404),
    "encoded slash": (_get("/v1/accounts/acct_1%2f..%2fbalance"), 404),
    "encoded literal segment": (_post("/v1/account%5flinks", GOOD), 404),
    "empty segment": (_get("/v1/accounts/"), 404),
    "absolute-form target": (_post("http://evil.example/v1/account_links", GOOD), 404),
    "X-Forwarded-Host naming another host": (
        _post("/v1/account_links", GOOD, "X-Forwarded-Host: evil.example"),
        404,
    ),
    "Forwarded host naming another host": (
        _post("/v1/account_links", GOOD, "Forwarded: for=1.2.3.4;host=evil.example"),
        404,
    ),
    "oversized body with Content-Length": (
        _post("/v1/account_links", b"account=" + b"a" * 5000),
        413,
    ),
    "oversized chunked body": (
        _post("/v1/account_links", b"", "Transfer-Encoding: chunked", f"Content-Type: {FORM_CT}")
        + _chunked(8000),
        413,
    ),
    "parameter not in the spec": (_post("/v1/account_links", GOOD + b"&payout=all"), 400),
    "bad enum": (_post("/v1/account_links", GOOD + b"&collect=everything"), 400),
    "duplicated parameter": (_post("/v1/account_links", GOOD + b"&account=acct_2"), 400),
    "operation on another server, no --upstream-for": (
        _post("/v1/files", b"--x--\r\n", "Content-Type: multipart/form-data; boundary=x"),
        404,
    ),
    "method not in the spec": (_get("/v1/account_links"), 404),
}


@pytest.mark.parametrize("name", list(ATTACKS))
def test_attack_is_refused_before_the_upstream(gw: Gateway, recorder: Recorder, name: str) -> None:
    request, status = ATTACKS[name]
    response = raw_request(gw.url, request)
    assert response.status == status, response.text
    assert recorder.requests == []
    assert SECRET not in response.text
    assert not any(token in response.text for token in TOKENS)
    if response.body:
        assert "error" in json.loads(response.body)  # in the API's own error shape


def test_headers_both_ways(gw: Gateway, recorder: Recorder) -> None:
    recorder.replies.append(
        Reply(
            200,
            LINK,
            {
                "Request-Id": "req_h",
                "Keep-Alive": "timeout=5",
                "X-Upstream-Hop": "private",
                "Connection": "X-Upstream-Hop",
                "Set-Cookie": "upstream=1",
                "Stripe-Should-Retry": "false",
            },
        )
    )
    response = httpx.post(
        f"{gw.url}/v1/account_links",
        data={"account": "acct_1", "type": "account_update"},
        headers={
            **_auth(),
            "Idempotency-Key": "idem-1",
            "Stripe-Version": "2024-06-20",
            "Cookie": "session=abc",
            "X-Forwarded-For": "6.6.6.6",
            "X-Client-Hop": "x",
            "Connection": "keep-alive, X-Client-Hop",
            "Proxy-Authorization": "Basic eA==",
        },
    )
    assert response.status_code == 200
    sent = recorder.requests[0].headers
    assert sent["idempotency-key"] == "idem-1"
    assert sent["stripe-version"] == "2024-06-20"
    for name in ("cookie", "x-forwarded-for", "x-client-hop", "proxy-authorization"):
        assert name not in sent
    assert response.headers["request-id"] == "req_h"
    assert response.headers["stripe-should-retry"] == "false"
    for name in ("keep-alive", "x-upstream-hop", "set-cookie"):
        assert name not in response.headers


def test_secret_echoed_by_the_upstream_is_scrubbed(gw: Gateway, recorder: Recorder) -> None:
    recorder.replies.append(
        Reply(401, {"error": {"message": f"Invalid key {SECRET}"}}, {"X-Echo": SECRET})
    )
    response = httpx.post(
        f"{gw.url}/v1/account_links",
        data={"account": "a", "type": "account_update"},
        headers=_auth(),
    )
    assert response.status_code == 401
    assert SECRET not in response.text + str(response.headers)
    assert "[redacted]" in response.text


def test_own_routes(gw: Gateway) -> None:
    health = httpx.get(f"{gw.url}/_gateway/health")
    assert health.status_code == 200 and health.json() == {"status": "ok"}
    root = httpx.get(f"{gw.url}/", follow_redirects=False)
    assert root.status_code == 307 and root.headers["location"] == "/_gateway/"
    assert httpx.get(f"{gw.url}/_gateway/").status_code == 200
    preflight = httpx.options(
        f"{gw.url}/v1/account_links",
        headers={"Origin": "https://evil.example", "Access-Control-Request-Method": "POST"},
    )
    assert "access-control-allow-origin" not in preflight.headers  # no CORS unless asked


def test_unserved_operations_are_listed(gw: Gateway) -> None:
    assert "not served (their server has no --upstream-for): PostFiles" in gw.stderr()


def test_upstream_for_serves_the_other_server(
    spec: Path, recorder: Recorder, upstream: Any
) -> None:
    url, _ = upstream
    args = ["--spec", str(spec), "--profile", "stripe", "--upstream", url, "--upstream-for",
            f"https://files.stripe.com={url}", "--cors-origin", "https://app.example"]  # fmt: skip
    with gateway(args, _env()) as gw:
        files = httpx.post(
            f"{gw.url}/v1/files",
            data={"purpose": "dispute_evidence"},
            files={"file": ("a.txt", b"evidence")},
            headers=_auth(),
        )
        assert files.status_code == 200
        assert b"evidence" in recorder.requests[0].body
        assert recorder.requests[0].headers["authorization"] == f"Bearer {SECRET}"
        preflight = httpx.options(
            f"{gw.url}/v1/account_links",
            headers={"Origin": "https://app.example", "Access-Control-Request-Method": "POST"},
        )
        assert preflight.headers["access-control-allow-origin"] == "https://app.example"


def test_upstream_timeout_and_failure(spec: Path) -> None:
    with fault_server() as faults:
        faults.script(Stall(3.0))
        args = ["--spec", str(spec), "--profile", "stripe", "--upstream", faults.url,
                "--timeout", "0.5"]  # fmt: skip
        with gateway(args, _env()) as gw:
            body = {"account": "a", "type": "account_update"}
            late = httpx.post(f"{gw.url}/v1/account_links", data=body, headers=_auth())
            assert late.status_code == 504
            assert late.json()["error"]["type"] == "api_error"
    dead = f"http://127.0.0.1:{free_port()}"
    with gateway(["--spec", str(spec), "--profile", "stripe", "--upstream", dead], _env()) as gw:
        down = httpx.post(f"{gw.url}/v1/account_links", data=body, headers=_auth())
        assert down.status_code == 502
        assert SECRET not in down.text


def test_memory_rate_limit_per_token(spec: Path, recorder: Recorder, upstream: Any) -> None:
    url, _ = upstream
    args = ["--spec", str(spec), "--profile", "stripe", "--upstream", url,
            "--rate-limit", "1/h,burst=2"]  # fmt: skip
    with gateway(args, _env()) as gw:
        body = {"account": "a", "type": "account_update"}
        statuses = [
            httpx.post(f"{gw.url}/v1/account_links", data=body, headers=_auth()).status_code
            for _ in range(3)
        ]
        limited = httpx.post(f"{gw.url}/v1/account_links", data=body, headers=_auth())
        other = httpx.post(f"{gw.url}/v1/account_links", data=body, headers=_auth(TOKENS[1]))
    assert statuses == [200, 200, 429]
    assert int(limited.headers["retry-after"]) > 1000
    assert limited.json()["error"]["code"] == "rate_limit"
    assert other.status_code == 200
    assert len(recorder.requests) == 3


def test_tokens_file_with_digests_and_problem_shape(
    tmp_path: Path, recorder: Recorder, upstream: Any
) -> None:
    """A spec whose profile names no error shape responds with application/problem+json; a tokens
    file may hold sha256 digests."""
    url, _ = upstream
    spec = tmp_path / "demo.yaml"
    spec.write_text(
        yaml.safe_dump(
            {
                "openapi": "3.0.0",
                "info": {"title": "Demo API", "version": "1"},
                "servers": [{"url": "https://demo.example"}],
                "paths": {
                    "/things": {
                        "post": {
                            "operationId": "createThing",
                            "requestBody": {"content": {"application/json": {"schema": {
                                "type": "object", "required": ["size"],
                                "properties": {"size": {"type": "integer"}}}}}},
                            "responses": {"200": {"description": "ok"}},
                        }
                    }
                },
            }
        )
    )  # fmt: skip
    token = "demo_token_1"
    tokens = tmp_path / "tokens"
    tokens.write_text(f"# ops team\nsha256:{hashlib.sha256(token.encode()).hexdigest()}\n")
    args = ["--spec", str(spec), "--upstream", url, "--tokens-file", str(tokens)]
    with gateway(args, {"DEMO_API_KEY": SECRET}) as gw:
        bad = httpx.post(f"{gw.url}/things", json={"size": "big"}, headers=_auth(token))
        good = httpx.post(f"{gw.url}/things", json={"size": 3}, headers=_auth(token))
    assert bad.status_code == 400
    assert bad.headers["content-type"] == "application/problem+json"
    assert bad.json()["invalid_params"][0]["name"] == "size"
    assert good.status_code == 200
    assert recorder.requests[0].body == b'{"size":3}'
    assert recorder.requests[0].headers["authorization"] == f"Bearer {SECRET}"


@pytest.mark.parametrize(
    ("args", "env", "message"),
    [
        ([], {"STRIPE_API_KEY": SECRET}, "no client tokens"),
        (
            ["--insecure-no-client-auth", "--host", "0.0.0.0"],
            {"STRIPE_API_KEY": SECRET},
            "loopback",
        ),
        (["--workers", "2", "--rate-limit", "5/s"], _env(), "--redis"),
        ([], {"GATEWAY_TOKENS": "t"}, "STRIPE_API_KEY"),
        ([], _env(GATEWAY_TOKENS=SECRET), "upstream API key itself"),
        ([], _env(STRIPE_API_KEY=SECRET + "\r\nX-Injected: 1"), "control characters"),
    ],
)
def test_refuses_to_start(args: list[str], env: dict[str, str], message: str) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "generator", "gateway", "--spec", "spec/stripe.yaml", *args],
        cwd=ROOT,
        env={"PATH": "/usr/bin:/bin", **env},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 2
    assert message in done.stderr
    assert SECRET not in done.stderr + done.stdout


def test_log_holds_no_secret_and_no_token(gw: Gateway) -> None:
    """Runs after the module's other tests against ``gw`` (pytest keeps file order)."""
    text = gw.stderr()
    assert SECRET not in text
    assert not any(token in text for token in TOKENS)
    lines = [json.loads(line) for line in text.splitlines() if line.startswith("{")]
    assert len(lines) > len(ATTACKS)
    ids = {hashlib.sha256(t.encode()).hexdigest()[:10] for t in TOKENS}
    ok = [line for line in lines if line["status"] == 200]
    assert ok and all(line["token"] in ids for line in ok)
    assert {line["operation"] for line in ok} >= {"PostAccountLinks", "GetAccountsAccount"}
    assert any(line["upstream_request_id"] == "req_upstream_1" for line in ok)
    assert all(isinstance(line["ms"], float | int) for line in lines)


def test_multipart_fields_are_validated(spec: Path, recorder: Recorder, upstream: Any) -> None:
    url, _ = upstream
    args = ["--spec", str(spec), "--profile", "stripe", "--upstream", url, "--upstream-for",
            f"https://files.stripe.com={url}"]  # fmt: skip
    with gateway(args, _env()) as gw:

        def post(data: dict[str, str], files: dict[str, Any]) -> httpx.Response:
            return httpx.post(f"{gw.url}/v1/files", data=data, files=files, headers=_auth())

        evidence = {"file": ("a.txt", b"evidence")}
        assert post({"purpose": "fun"}, evidence).json()["error"]["param"] == "purpose"

        def fields_only(body: bytes) -> httpx.Response:
            return httpx.post(
                f"{gw.url}/v1/files",
                content=body,
                headers={**_auth(), "Content-Type": "multipart/form-data; boundary=zz"},
            )

        part = b'--zz\r\nContent-Disposition: form-data; name="%s"\r\n\r\n%s\r\n'
        purpose = part % (b"purpose", b"dispute_evidence")
        assert fields_only(purpose + b"--zz--\r\n").json()["error"]["param"] == "file"
        text_file = fields_only(purpose + part % (b"file", b"bytes") + b"--zz--\r\n")
        assert text_file.status_code == 200  # a text part may carry a file's bytes
        extra = post({"purpose": "dispute_evidence", "colour": "red"}, evidence)
        assert extra.json()["error"]["param"] == "colour"
        assert fields_only(b"not multipart at all").status_code == 400
    assert len(recorder.requests) == 1


def _encodings() -> dict[str, str]:
    import base64
    from urllib.parse import quote

    key = SECRET.encode()
    return {
        "base64": base64.b64encode(key).decode(),
        "base64 at an offset": base64.b64encode(b"u:" + key).decode(),
        "url-safe base64": base64.urlsafe_b64encode(b"x" + key).decode(),
        "percent-encoded": "".join(f"%{c:02X}" for c in key),
        "partly percent-encoded": quote(SECRET[:5], safe="")
        + "%"
        + SECRET[5:].encode().hex()[:2]
        + SECRET[6:],
        "\\u-escaped": "".join(f"\\u{c:04x}" for c in key),
        "hex": key.hex(),
        "HEX": key.hex().upper(),
    }


@pytest.mark.parametrize("name", list(_encodings()))
def test_encoded_secret_is_scrubbed(gw: Gateway, recorder: Recorder, name: str) -> None:
    """Finding 10: the upstream echoes the key encoded; neither body nor headers carry it."""
    echoed = _encodings()[name]
    body = b'{"error": {"message": "bad key: ' + echoed.encode() + b'"}}'
    recorder.replies.append(Reply(401, body, {"X-Echo": f"k={echoed};"}))
    response = httpx.post(
        f"{gw.url}/v1/account_links",
        data={"account": "a", "type": "account_update"},
        headers=_auth(),
    )
    assert response.status_code == 401
    assert echoed not in response.text
    assert echoed not in response.headers["x-echo"]
    assert int(response.headers["content-length"]) == len(body)  # same length, masked


def test_trailing_slash_never_redirects_to_the_host_header(gw: Gateway) -> None:
    """Finding 8: the explorer's routes under /_gateway/ response a trailing slash without a
    redirect built from ``Host`` (``Location: http://evil.example/...``)."""
    for target in ("/_gateway/operations/PostAccountLinks/", "/_gateway/assets/explorer.css/"):
        request = f"GET {target} HTTP/1.1\r\nHost: evil.example\r\nConnection: close\r\n\r\n"
        response = raw_request(gw.url, request.encode())
        assert "evil.example" not in response.head, response.head
        assert response.status == 404


def test_preview_is_bounded(spec: Path, upstream: Any) -> None:
    """Finding 4: the preview endpoint needs no token, so it is capped before parsing (size,
    nesting), rate-limited per address, and never responds with a traceback."""
    url, _ = upstream
    with gateway(["--spec", str(spec), "--profile", "stripe", "--upstream", url], _env()) as gw:
        target = f"{gw.url}/_gateway/preview/PostAccountLinks"
        json_ct = {"Content-Type": "application/json"}
        huge = httpx.post(target, content=b"[" * 60_000, headers=json_ct)
        assert huge.status_code == 413 and huge.json()["error"]
        deep = b'{"values": {"account": ' + b"[" * 200 + b"]" * 200 + b"}}"
        nested = httpx.post(target, content=deep, headers=json_ct)
        assert nested.status_code == 400 and "deeply" in nested.json()["error"]
        # a preview costs a unit per KiB: large ones soon run out, typing never does
        big = {"values": {"account": "a" * 15_000, "type": "account_onboarding"}}
        statuses = []
        with httpx.Client(timeout=10) as client:
            for _ in range(60):  # bounded; the bucket holds 200 units, these cost ~15
                response = client.post(target, json=big)
                statuses.append(response.status_code)
                if response.status_code == 429:
                    break
        assert statuses[0] == 200 and statuses[-1] == 429
        assert int(response.headers["retry-after"]) >= 1
        assert "Traceback" not in gw.stderr()

"""Upstream credentials for any API: what ``gateway.credentials`` decides per security scheme
(apiKey in a header, the query or a cookie, HTTP basic, bearer, several at once, OAuth2 client
credentials), and real gateway processes for four corpus APIs in front of a recording upstream
(Vonage: two query keys at once; Museum: HTTP basic; Adyen Checkout: an API-key header or
basic; Mastodon: an OAuth2 client-credentials token the gateway obtains and refreshes)."""

from __future__ import annotations

import base64
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from support.inline_specs import api_of, valid_spec
from support.paths import SHARED
from support.processes import gateway
from support.recording_server import Recorder, recording_server
from support.token_server import CLIENT_ID, CLIENT_SECRET, TokenServer, token_server

from generator.config import make_profile
from generator.errors import GeneratorError
from generator.gateway.credentials import UpstreamCredentials, plan, variables
from generator.ir import Api
from generator.lower import BuildInput, build_api

pytest.importorskip(
    "starlette", reason="the gateway extra is not installed (pip install -e '.[gateway]')"
)

CORPUS = SHARED / "specs" / "corpus"
TOKEN = "gw_tok_credentials_9c1d"
OK = {"200": {"description": "ok"}}


def _schemes_api() -> Api:
    data = {
        "openapi": "3.1.0",
        "info": {"title": "Schemes API", "version": "1"},
        "servers": [{"url": "https://schemes.example.com"}],
        "paths": {
            f"/{name}": {"get": {"operationId": name, "responses": OK, "security": security}}
            for name, security in {
                "header": [{"key": []}],
                "query": [{"q": []}],
                "cookie": [{"session": []}],
                "basic": [{"basic": []}],
                "bearer": [{"bearer": []}],
                "both": [{"key": [], "q": []}],
                "either": [{"session": []}, {"key": []}],
                "oauth": [{"oauth": []}],
                "public": [],
            }.items()
        },
        "components": {
            "securitySchemes": {
                "key": {"type": "apiKey", "in": "header", "name": "X-Api-Key"},
                "q": {"type": "apiKey", "in": "query", "name": "api_secret"},
                "session": {"type": "apiKey", "in": "cookie", "name": "sid"},
                "basic": {"type": "http", "scheme": "basic"},
                "bearer": {"type": "http", "scheme": "bearer"},
                "oauth": {
                    "type": "oauth2",
                    "flows": {"clientCredentials": {"tokenUrl": "/oauth/token", "scopes": {}}},
                },
            }
        },
    }
    return build_api(BuildInput(valid_spec(data), "s.yaml", make_profile({}, "Schemes API")))


SCHEMES = _schemes_api()
VALUES = {"api_key": "K1", "api_secret": "Q/2", "sid": "c 3", "username": "u",
          "password": "p:w", "token": "T4"}  # fmt: skip


def _plan(op_id: str, values: dict[str, str] = VALUES, oauth: str | None = None) -> Any:
    op = next(op for op in SCHEMES.operations if op.operation_id == op_id)
    return plan(SCHEMES, op, values, oauth)


def test_each_scheme_is_added_where_the_spec_says() -> None:
    assert _plan("header").headers == ((b"x-api-key", b"K1"),)
    assert _plan("query").query == (("api_secret", "Q/2"),)
    assert _plan("cookie").headers == ((b"cookie", b"sid=c%203"),)
    basic = base64.b64encode(b"u:p:w")
    assert _plan("basic").headers == ((b"authorization", b"Basic " + basic),)
    assert _plan("bearer").headers == ((b"authorization", b"Bearer T4"),)
    both = _plan("both")
    assert both.headers == ((b"x-api-key", b"K1"),) and both.query == (("api_secret", "Q/2"),)
    assert _plan("public").headers == () and _plan("public").query == ()


def test_the_first_complete_alternative_is_chosen() -> None:
    assert _plan("either").headers == ((b"cookie", b"sid=c%203"),)
    only_key = {"api_key": "K1"}
    assert _plan("either", only_key).headers == ((b"x-api-key", b"K1"),)
    assert _plan("both", only_key).headers == ()  # half of a pair is not sent


def test_an_oauth_token_is_added_per_call() -> None:
    found = _plan("oauth", {}, oauth="token")
    assert found.oauth and found.headers == ()
    assert not _plan("oauth", {}).oauth


def test_every_secret_comes_from_its_own_variable() -> None:
    assert variables(SCHEMES) == [
        "SCHEMES_USERNAME", "SCHEMES_PASSWORD", "SCHEMES_TOKEN", "SCHEMES_API_KEY",
        "SCHEMES_API_SECRET", "SCHEMES_SID", "SCHEMES_CLIENT_ID", "SCHEMES_CLIENT_SECRET",
    ]  # fmt: skip
    env = {"SCHEMES_API_KEY": "K1", "SCHEMES_API_SECRET": "Q"}
    creds = UpstreamCredentials.from_env(SCHEMES, env, "https://schemes.example.com")
    assert set(creds.secrets) == {b"K1", b"Q"}
    assert "K1" not in repr(creds)
    with pytest.raises(GeneratorError, match="SCHEMES_API_KEY"):
        UpstreamCredentials.from_env(SCHEMES, {}, "https://schemes.example.com")
    with pytest.raises(GeneratorError, match="control characters"):
        UpstreamCredentials.from_env(SCHEMES, {"SCHEMES_API_KEY": "a\r\nX: 1"}, "https://x")


def test_a_demo_api_without_schemes_keeps_its_bearer_key() -> None:
    api = api_of({"/a": {"get": {"operationId": "A", "responses": OK}}})
    creds = UpstreamCredentials.from_env(api, {"DEMO_API_KEY": "sk_1"}, "https://x")
    assert creds.secrets == (b"sk_1",)


# -- real gateway processes over corpus specs ---------------------------------------------------


def _corpus(name: str) -> Path:
    path = CORPUS / name
    if not path.is_file():
        pytest.skip(f"the corpus is not there ({path})")
    return path


@pytest.fixture
def upstream() -> Iterator[tuple[str, Recorder]]:
    with recording_server() as served:
        yield served


def _call(url: str, path: str) -> httpx.Response:
    return httpx.get(url + path, headers={"Authorization": f"Bearer {TOKEN}"}, timeout=10)


def _env(**secrets: str) -> dict[str, str]:
    return {"GATEWAY_TOKENS": TOKEN, **secrets}


def test_vonage_two_query_keys_at_once(upstream: tuple[str, Recorder]) -> None:
    url, recorder = upstream
    spec = _corpus("vonage-numbers.yml")
    env = _env(NUMBERS_API_KEY="vk_live_1", NUMBERS_API_SECRET="vs_SECRET_2")
    with gateway(["--spec", str(spec), "--upstream", url], env) as gw:
        response = _call(gw.url, "/account/numbers?size=10")
        assert response.status_code == 200, response.text
        # a credential the client sends itself is not a parameter of the operation
        assert _call(gw.url, "/account/numbers?api_key=mine").status_code == 400
    assert len(recorder.requests) == 1
    sent = recorder.requests[-1]
    query = httpx.URL(sent.path).params
    assert query.get_list("api_key") == ["vk_live_1"]
    assert query.get_list("api_secret") == ["vs_SECRET_2"]
    assert query["size"] == "10"
    assert "authorization" not in sent.headers
    assert "vs_SECRET_2" not in gw.stderr()


def test_museum_http_basic(upstream: tuple[str, Recorder]) -> None:
    url, recorder = upstream
    env = _env(REDOCLY_MUSEUM_USERNAME="curator", REDOCLY_MUSEUM_PASSWORD="pw SECRET")
    with gateway(["--spec", str(_corpus("museum.yaml")), "--upstream", url], env) as gw:
        assert _call(gw.url, "/museum-hours").status_code == 200
    expected = "Basic " + base64.b64encode(b"curator:pw SECRET").decode()
    assert recorder.requests[-1].headers["authorization"] == expected


@pytest.mark.parametrize(
    ("secrets", "header", "value"),
    [
        ({"ADYEN_CHECKOUT_API_KEY": "AQE_SECRET"}, "x-api-key", "AQE_SECRET"),
        (
            {
                "ADYEN_CHECKOUT_API_KEY": "AQE_SECRET",
                "ADYEN_CHECKOUT_USERNAME": "ws",
                "ADYEN_CHECKOUT_PASSWORD": "pw",
            },
            "authorization",
            "Basic " + base64.b64encode(b"ws:pw").decode(),  # the operation lists basic first
        ),
    ],
)
@pytest.mark.slow
def test_adyen_api_key_header_or_basic(
    upstream: tuple[str, Recorder], secrets: dict[str, str], header: str, value: str
) -> None:
    url, recorder = upstream
    spec = _corpus("adyen-checkout-v71.json")
    with gateway(["--spec", str(spec), "--upstream", url], _env(**secrets)) as gw:
        response = _call(gw.url, "/storedPaymentMethods")
        assert response.status_code == 200, response.text
    sent = recorder.requests[-1].headers
    assert sent[header] == value
    assert sent.get("authorization", "").startswith("Basic") == (header == "authorization")


@pytest.fixture
def mastodon_upstream() -> Iterator[TokenServer]:
    with token_server(client_auth="basic") as server:
        yield server


@pytest.mark.slow
def test_mastodon_oauth_client_credentials(mastodon_upstream: TokenServer) -> None:
    server = mastodon_upstream
    spec = _corpus("mastodon.json")
    env = _env(MASTODON_CLIENT_ID=CLIENT_ID, MASTODON_CLIENT_SECRET=CLIENT_SECRET,
               MASTODON_SCOPES="read:follows")  # fmt: skip
    path = "/api/v1/accounts/familiar_followers"
    with gateway(["--spec", str(spec), "--upstream", server.url], env) as gw:
        for _ in range(3):
            assert _call(gw.url, path).status_code == 200
        assert len(server.token_requests) == 1  # obtained once, then reused
        first = server.token_requests[0]
        assert first.path == "/oauth/token" and first.client_auth == "basic"
        assert first.form == {"grant_type": "client_credentials", "scope": "read:follows"}
        assert [r.authorization for r in server.api_requests] == ["Bearer at_0001"] * 3
        server.revoke()  # the upstream refuses the token: that call's 401 is passed on ...
        assert _call(gw.url, path).status_code == 401
        assert _call(gw.url, path).status_code == 200  # ... and the next one has a new token
        assert server.api_requests[-1].authorization == "Bearer at_0002"
        # the gateway's client token never reaches the upstream
        assert all(TOKEN not in (r.authorization or "") for r in server.api_requests)
        stderr = gw.stderr()
    assert CLIENT_SECRET not in stderr and "at_0001" not in stderr


@pytest.mark.slow
def test_oauth_refused_by_the_token_endpoint_is_a_502(mastodon_upstream: TokenServer) -> None:
    spec = _corpus("mastodon.json")
    env = _env(MASTODON_CLIENT_ID=CLIENT_ID, MASTODON_CLIENT_SECRET="wrong")
    with gateway(["--spec", str(spec), "--upstream", mastodon_upstream.url], env) as gw:
        response = _call(gw.url, "/api/v1/accounts/familiar_followers")
        stderr = gw.stderr()
    assert response.status_code == 502
    assert "upstream credentials" in response.text and "wrong" not in response.text
    assert mastodon_upstream.api_requests == []
    assert "Traceback" not in stderr


def test_cookie_and_bearer_through_a_real_gateway(
    upstream: tuple[str, Recorder], tmp_path: Path
) -> None:
    url, recorder = upstream
    data = {
        "openapi": "3.1.0",
        "info": {"title": "Schemes API", "version": "1"},
        "servers": [{"url": "https://schemes.example.com"}],
        "paths": {
            "/cookie": {"get": {"operationId": "cookie", "responses": OK,
                                "security": [{"session": []}]}},
            "/bearer": {"get": {"operationId": "bearer", "responses": OK,
                                "security": [{"bearer": []}]}},
        },
        "components": {"securitySchemes": {
            "session": {"type": "apiKey", "in": "cookie", "name": "sid"},
            "bearer": {"type": "http", "scheme": "bearer"},
        }},
    }  # fmt: skip
    spec = tmp_path / "schemes.json"
    spec.write_text(json.dumps(data))
    env = _env(SCHEMES_SID="s/1 2", SCHEMES_TOKEN="tk_SECRET_9")
    with gateway(["--spec", str(spec), "--upstream", url], env) as gw:
        headers = {"Authorization": f"Bearer {TOKEN}", "Cookie": "sid=client-chosen"}
        assert httpx.get(gw.url + "/cookie", headers=headers, timeout=10).status_code == 200
        assert httpx.get(gw.url + "/bearer", headers=headers, timeout=10).status_code == 200
    cookie, bearer = recorder.requests[-2:]
    assert cookie.headers["cookie"] == "sid=s%2F1%202" and "authorization" not in cookie.headers
    assert (
        bearer.headers["authorization"] == "Bearer tk_SECRET_9" and "cookie" not in bearer.headers
    )

"""Credentials from a spec's security schemes, against a real HTTP server on 127.0.0.1: each
kind of scheme, alternatives, ``security: []``, environment fallbacks, collisions, and query
credentials masked in every log (httpx's URL line included)."""

from __future__ import annotations

import base64
import logging
from collections.abc import Iterator
from types import ModuleType
from typing import Any

import pytest
from support.packages import generate_package
from support.recording_server import Recorder

OK = {"200": {"description": "ok"}}


def _op(op_id: str, **extra: Any) -> dict[str, Any]:
    return {"operationId": op_id, "responses": OK, **extra}


AUTH_SPEC: dict[str, Any] = {
    "openapi": "3.1.0",
    "info": {"title": "Vault API", "version": "2"},
    "servers": [{"url": "https://vault.example.com"}],
    "security": [{"keyAuth": []}, {"basic": []}],
    "paths": {
        "/default": {"get": _op("uses_default")},
        "/public": {"get": _op("public", security=[])},
        "/anonymous_or_key": {"get": _op("anonymous_or_key", security=[{}, {"keyAuth": []}])},
        "/pair": {"get": _op("pair", security=[{"appId": [], "appSecret": []}])},
        "/oauth": {"get": _op("oauth", security=[{"oauth": ["read"]}])},
        "/cookie": {"get": _op("cookie", security=[{"session": []}])},
        "/digest": {"get": _op("digest", security=[{"digest": []}])},
    },
    "components": {
        "securitySchemes": {
            "keyAuth": {"type": "apiKey", "in": "header", "name": "X-API-Key"},
            "basic": {"type": "http", "scheme": "basic"},
            "appId": {"type": "apiKey", "in": "query", "name": "app_id"},
            "appSecret": {"type": "apiKey", "in": "query", "name": "app_secret"},
            "oauth": {
                "type": "oauth2",
                "flows": {"clientCredentials": {"tokenUrl": "https://x/token", "scopes": {}}},
            },
            "session": {"type": "apiKey", "in": "cookie", "name": "sid"},
            "digest": {"type": "http", "scheme": "digest"},
            # its name snake_cases to another scheme's argument: a suffix keeps both
            "timeoutKey": {"type": "apiKey", "in": "header", "name": "Timeout"},
        }
    },
}
# Headers every request carries whatever the credentials.
PLAIN = {"host", "accept", "accept-encoding", "connection", "user-agent", "content-length"}


@pytest.fixture(scope="module")
def vault(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ModuleType]:
    yield generate_package(AUTH_SPEC, tmp_path_factory.mktemp("vault"), "vault")


def _sent(
    vault: ModuleType, server: tuple[str, Recorder], method: str, **credentials: Any
) -> tuple[dict[str, str], str]:
    """(credential-bearing headers, path with query) of one call."""
    url, recorder = server
    with vault.VaultClient(base_url=url, max_retries=0, **credentials) as client:
        getattr(client, method)()
    request = recorder.requests[-1]
    return {k: v for k, v in request.headers.items() if k not in PLAIN}, request.path


def test_constructor_takes_what_the_schemes_need(vault: ModuleType) -> None:
    import inspect

    params = inspect.signature(vault.VaultClient.__init__).parameters
    credentials = [p for p in params if p not in {"self", "base_url", "server_urls", "timeout",
                                                  "max_retries", "http_client"}]  # fmt: skip
    assert credentials == [
        "api_key", "username", "password", "app_id", "app_secret", "token", "sid", "timeout_",
        # the oauth scheme's client-credentials grant (tests/runtime/test_oauth.py)
        "client_id", "client_secret", "refresh_token", "scopes", "token_url", "on_refresh_token",
        "token_provider",
    ]  # fmt: skip
    assert all(params[c].kind is inspect.Parameter.KEYWORD_ONLY for c in credentials)


def test_default_security_first_complete_alternative(
    vault: ModuleType, server: tuple[str, Recorder]
) -> None:
    both = {"api_key": "k-1", "username": "u", "password": "p"}
    assert _sent(vault, server, "uses_default", **both)[0] == {"x-api-key": "k-1"}
    headers, _ = _sent(vault, server, "uses_default", username="u", password="p:w")
    assert headers == {"authorization": "Basic " + base64.b64encode(b"u:p:w").decode()}
    # half of basic is not an alternative: nothing at all is sent
    assert _sent(vault, server, "uses_default", username="u")[0] == {}


def test_security_empty_list_sends_nothing(vault: ModuleType, server: tuple[str, Recorder]) -> None:
    every = {"api_key": "k", "username": "u", "password": "p", "token": "t", "sid": "s"}
    assert _sent(vault, server, "public", **every)[0] == {}
    # {} (anonymous) next to a key: the key is sent when configured
    assert _sent(vault, server, "anonymous_or_key", **every)[0] == {"x-api-key": "k"}
    assert _sent(vault, server, "anonymous_or_key", token="t")[0] == {}


def test_query_pair_oauth_bearer_and_cookie(
    vault: ModuleType, server: tuple[str, Recorder]
) -> None:
    headers, path = _sent(vault, server, "pair", app_id="id 1", app_secret="s&2", api_key="k")
    assert headers == {} and path == "/pair?app_id=id+1&app_secret=s%262"
    assert _sent(vault, server, "pair", app_id="only-one")[1] == "/pair"
    assert _sent(vault, server, "oauth", token="tok", api_key="k")[0] == {
        "authorization": "Bearer tok"
    }
    assert _sent(vault, server, "cookie", sid="abc;1")[0] == {"cookie": "sid=abc%3B1"}


def test_unsupported_scheme_sends_nothing(vault: ModuleType, server: tuple[str, Recorder]) -> None:
    assert _sent(vault, server, "digest", api_key="k", username="u", password="p")[0] == {}


def test_credentials_fall_back_to_the_environment(
    vault: ModuleType, server: tuple[str, Recorder], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("VAULT_API_KEY", "from-env")
    monkeypatch.setenv("VAULT_APP_ID", "env-id")
    monkeypatch.setenv("VAULT_APP_SECRET", "env-secret")
    assert _sent(vault, server, "uses_default")[0] == {"x-api-key": "from-env"}
    assert _sent(vault, server, "uses_default", api_key="given")[0] == {"x-api-key": "given"}
    assert _sent(vault, server, "pair")[1] == "/pair?app_id=env-id&app_secret=env-secret"


def test_query_credentials_are_masked_in_every_log(
    vault: ModuleType, server: tuple[str, Recorder], caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    _sent(vault, server, "pair", app_id="ID-SEEN", app_secret="SECRET-NEVER-LOGGED")
    lines = [r.getMessage() for r in caplog.records]
    assert any(r.name == "httpx" and "app_secret=***" in r.getMessage() for r in caplog.records)
    assert any(r.name == "vault" for r in caplog.records)
    assert not [line for line in lines if "SECRET-NEVER-LOGGED" in line or "ID-SEEN" in line]


def test_repr_shows_no_credential(vault: ModuleType) -> None:
    client = vault.VaultClient(api_key="SECRET", username="u", password="PW")
    assert "SECRET" not in repr(client) and "PW" not in repr(client)


def test_an_unsupported_scheme_is_a_warning_with_its_pointer(tmp_path: Any) -> None:
    import json

    from generator.config import make_target
    from generator.pipeline import build

    spec = tmp_path / "vault.json"
    spec.write_text(json.dumps(AUTH_SPEC))
    api = build(make_target(tmp_path, spec, tmp_path, "vault_ir", (), {}))
    (warning,) = [w for w in api.warnings if "securitySchemes" in w]
    assert warning.startswith("#/components/securitySchemes/digest: ")
    assert "never sent" in warning
    assert api.default_security == (("api_key",), ("username", "password"))

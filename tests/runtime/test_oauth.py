"""OAuth2 tokens the generated client obtains itself, against a real token endpoint and API on
127.0.0.1 (support/token_server.py): one fetch for 50 concurrent calls (threads, and tasks on
the async client), reuse until shortly before expiry, a refresh after it and after a 401 (the
refused call sent once more), client authentication by HTTP basic and in the form, typed token
errors, the refresh-token grant with its rotation callback, a token provider, ``token=``, and
no secret in any log line, repr or error message. The corpus APIs' own flows (Airflow's
password grant, Mastodon's client credentials, Figma's refresh URL) run here too."""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from types import ModuleType
from typing import Any

import httpx
import pytest
from support.packages import generate_package
from support.paths import SHARED
from support.token_server import (
    CLIENT_ID,
    CLIENT_SECRET,
    PASSWORD,
    REFRESH_TOKEN,
    USERNAME,
    TokenServer,
    token_server,
)

from generator.templates.runtime import _oauth
from generator.templates.runtime._oauth import Grant, Secrets, SyncTokens, TokenError

OK = {"200": {"description": "ok", "content": {"application/json": {"schema": {}}}}}
SECRETS = (CLIENT_SECRET, PASSWORD, REFRESH_TOKEN, "rt_SECRET_rotated")
SPEC: dict[str, Any] = {
    "openapi": "3.1.0",
    "info": {"title": "Ledger API", "version": "1"},
    "servers": [{"url": "https://ledger.example.com/api"}],
    "security": [{"oauth": ["read"]}],
    "paths": {
        "/things": {
            "get": {"operationId": "list_things", "responses": OK},
            "post": {"operationId": "make_thing", "responses": OK},
        },
    },
    "components": {
        "securitySchemes": {
            "oauth": {
                "type": "oauth2",
                "flows": {
                    "clientCredentials": {"tokenUrl": "/oauth/token", "scopes": {"read": "r"}},
                    "password": {"tokenUrl": "/oauth/token", "scopes": {}},
                    "authorizationCode": {
                        "authorizationUrl": "/oauth/authorize",
                        "tokenUrl": "/oauth/token",
                        "refreshUrl": "/oauth/refresh",
                        "scopes": {},
                    },
                },
            }
        }
    },
}


@pytest.fixture(scope="module")
def ledger(tmp_path_factory: pytest.TempPathFactory) -> ModuleType:
    return generate_package(SPEC, tmp_path_factory.mktemp("ledger"), "ledger")


@pytest.fixture
def server() -> Iterator[TokenServer]:
    with token_server() as running:
        yield running


@pytest.fixture
def logs(caplog: pytest.LogCaptureFixture) -> Iterator[pytest.LogCaptureFixture]:
    caplog.set_level(logging.DEBUG)  # every logger: ours, httpx's, httpcore's
    yield caplog
    text = "\n".join(r.getMessage() for r in caplog.get_records("call"))
    assert text, "nothing was logged: the check below would prove nothing"
    for secret in SECRETS:
        assert secret not in text
    assert "at_0" not in text  # nor an access token


def _client(ledger: ModuleType, server: TokenServer, **kw: Any) -> Any:
    kw = {"client_id": CLIENT_ID, "client_secret": CLIENT_SECRET, **kw}
    return ledger.LedgerClient(base_url=server.url + "/api", max_retries=0, **kw)


def test_constructor_keywords(ledger: ModuleType) -> None:
    import inspect

    params = list(inspect.signature(ledger.LedgerClient.__init__).parameters)
    for name in ("token", "client_id", "client_secret", "username", "password",
                 "refresh_token", "scopes", "token_url", "on_refresh_token", "token_provider"):  # fmt: skip
        assert name in params
    assert issubclass(ledger.TokenError, Exception)


def test_fifty_threads_fetch_one_token(ledger: ModuleType, server: TokenServer, logs: Any) -> None:
    server.delay = 0.2  # the fetch is still running when every thread asks for a token
    with _client(ledger, server, scopes=["read"]) as client, ThreadPoolExecutor(50) as pool:
        results = list(pool.map(lambda _: client.list_things(), range(50)))
        assert len(results) == 50
        assert len(server.token_requests) == 1
        assert [r.authorization for r in server.api_requests] == ["Bearer at_0001"] * 50
        request = server.token_requests[0]
        assert request.path == "/oauth/token" and request.client_auth == "basic"
        assert request.form == {"grant_type": "client_credentials", "scope": "read"}
        client.list_things()  # reused
    assert len(server.token_requests) == 1
    assert CLIENT_SECRET not in repr(client) and CLIENT_SECRET not in repr(client._tokens)


def test_fifty_tasks_fetch_one_token(ledger: ModuleType, server: TokenServer, logs: Any) -> None:
    server.delay = 0.2

    async def main() -> None:
        async with ledger.AsyncLedgerClient(
            base_url=server.url + "/api", client_id=CLIENT_ID, client_secret=CLIENT_SECRET
        ) as client:
            await asyncio.gather(*(client.list_things() for _ in range(50)))

    asyncio.run(main())
    assert len(server.token_requests) == 1
    assert [r.authorization for r in server.api_requests] == ["Bearer at_0001"] * 50


def test_a_401_renews_the_token_and_sends_the_call_once_more(
    ledger: ModuleType, server: TokenServer, logs: Any
) -> None:
    with _client(ledger, server) as client:
        client.make_thing()
        server.revoke()
        client.make_thing()  # refused with at_0001, sent again with at_0002
        assert [r.authorization for r in server.api_requests] == [
            "Bearer at_0001", "Bearer at_0001", "Bearer at_0002",
        ]  # fmt: skip
        server.api_requests.clear()
        server.live.add("never-issued")  # the endpoint keeps issuing tokens the API refuses

        original = server.grant

        def refused(*args: Any) -> tuple[int, Any]:
            status, body = original(*args)
            server.revoke()
            return status, body

        server.grant = refused  # type: ignore[method-assign]
        server.revoke()
        with pytest.raises(ledger.AuthenticationError):
            client.make_thing()
    assert len(server.api_requests) == 2  # one renewal, never a loop


def test_async_401_renewal(ledger: ModuleType, server: TokenServer, logs: Any) -> None:
    async def main() -> None:
        async with ledger.AsyncLedgerClient(
            base_url=server.url + "/api", client_id=CLIENT_ID, client_secret=CLIENT_SECRET
        ) as client:
            await client.list_things()
            server.revoke()
            await client.list_things()

    asyncio.run(main())
    assert [r.authorization for r in server.api_requests][-2:] == [
        "Bearer at_0001",
        "Bearer at_0002",
    ]


def test_token_errors_are_typed_and_hold_no_secret(
    ledger: ModuleType, server: TokenServer, logs: Any
) -> None:
    wrong = _client(ledger, server, client_secret="cs_SECRET_wrong")
    with wrong as client, pytest.raises(ledger.TokenError) as caught:
        client.list_things()
    error = caught.value
    assert (error.error, error.status_code) == ("invalid_client", 401)
    assert error.error_description == "Client unknown."
    assert "invalid_client" in str(error)
    assert "cs_SECRET_wrong" not in str(error) + repr(error)
    assert server.api_requests == []
    wrong = _client(ledger, server, username=USERNAME, password="pw_SECRET_wrong",
                    client_id=None, client_secret=None)  # fmt: skip
    with wrong as client, pytest.raises(ledger.TokenError) as caught:
        client.list_things()
    assert caught.value.error == "invalid_grant" and caught.value.status_code == 400
    assert "pw_SECRET_wrong" not in str(caught.value)


def test_password_grant(ledger: ModuleType, server: TokenServer, logs: Any) -> None:
    with ledger.LedgerClient(base_url=server.url + "/api", username=USERNAME,
                             password=PASSWORD) as client:  # fmt: skip
        client.list_things()
    request = server.token_requests[0]
    assert request.form == {"grant_type": "password", "username": USERNAME, "password": PASSWORD}
    assert request.client_auth == "none"


def test_refresh_token_grant_with_rotation(
    ledger: ModuleType, server: TokenServer, logs: Any
) -> None:
    server.rotate = True
    stored: list[str] = []
    with _client(ledger, server, refresh_token=REFRESH_TOKEN, on_refresh_token=stored.append) as c:
        c.list_things()
        server.revoke()
        c.list_things()  # a 401: refreshed with the rotated token
    forms = [r.form for r in server.token_requests]
    assert [r.path for r in server.token_requests] == ["/oauth/refresh"] * 2  # refreshUrl
    assert forms[0] == {"grant_type": "refresh_token", "refresh_token": REFRESH_TOKEN}
    assert forms[1]["refresh_token"] == stored[0] != REFRESH_TOKEN
    assert stored == ["rt_SECRET_rotated_0001", "rt_SECRET_rotated_0002"]


def test_environment_fallbacks(
    ledger: ModuleType, server: TokenServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("LEDGER_CLIENT_ID", CLIENT_ID)
    monkeypatch.setenv("LEDGER_CLIENT_SECRET", CLIENT_SECRET)
    with ledger.LedgerClient(base_url=server.url + "/api") as client:
        client.list_things()
    assert server.api_requests[0].authorization == "Bearer at_0001"


def test_a_given_token_and_a_token_provider(ledger: ModuleType, server: TokenServer) -> None:
    server.live.add("fixed")
    with _client(ledger, server, token="fixed") as client:
        client.list_things()
    assert server.token_requests == [] and server.api_requests[-1].authorization == "Bearer fixed"
    server.live.update({"vault-1", "vault-2"})
    handed = iter(["stale", "vault-1", "vault-2"])
    with ledger.LedgerClient(base_url=server.url + "/api", token_provider=lambda: next(handed),
                             max_retries=0) as client:  # fmt: skip
        client.list_things()  # "stale" refused: the provider is asked once more
        client.list_things()
    assert [r.authorization for r in server.api_requests][-3:] == [
        "Bearer stale", "Bearer vault-1", "Bearer vault-2",
    ]  # fmt: skip

    async def provider() -> str:
        return "vault-1"

    async def main() -> None:
        async with ledger.AsyncLedgerClient(
            base_url=server.url + "/api", token_provider=provider
        ) as client:
            await client.list_things()

    asyncio.run(main())
    assert server.api_requests[-1].authorization == "Bearer vault-1"


def test_keywords_that_complete_no_grant_are_refused(ledger: ModuleType) -> None:
    with pytest.raises(ValueError, match="client_id given") as caught:
        ledger.LedgerClient(client_id="only-half", client_secret=None)
    assert "only-half" not in str(caught.value)


# -- the token source on its own: expiry on an injected clock, client authentication styles --


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def _tokens(server: TokenServer, clock: Clock, **grant: Any) -> SyncTokens:
    found = Grant(**{"kind": "client_credentials", "token_url": server.url + "/token", **grant})
    secrets = Secrets(client_id=CLIENT_ID, client_secret=CLIENT_SECRET)
    return SyncTokens(found, secrets, httpx.Client(), clock=clock)


def test_reused_until_shortly_before_expiry_then_refreshed(server: TokenServer) -> None:
    server.expires_in = 600
    clock = Clock()
    tokens = _tokens(server, clock)
    assert tokens.get() == "at_0001"
    clock.now += 539  # 60 s (10 % of its life, at most 60 s) before it runs out: still good
    assert tokens.get() == "at_0001"
    clock.now += 1
    assert tokens.get() == "at_0002"
    assert len(server.token_requests) == 2


def test_client_authentication_in_the_form(server: TokenServer) -> None:
    server.client_auth = "body"
    clock = Clock()
    assert _tokens(server, clock, client_auth="body").get() == "at_0001"
    request = server.token_requests[0]
    assert request.client_auth == "body" and request.authorization is None
    assert request.form["client_id"] == CLIENT_ID
    with pytest.raises(TokenError) as caught:
        _tokens(server, clock, client_auth="basic").get()  # this endpoint takes the form only
    assert caught.value.error == "invalid_client"


def test_an_endpoint_that_is_not_oauth(server: TokenServer) -> None:
    tokens = SyncTokens(
        Grant("client_credentials", server.url + "/nothing-here"),  # the API: 401 {"error": {...}}
        Secrets(client_id=CLIENT_ID, client_secret=CLIENT_SECRET),
        httpx.Client(),
    )
    with pytest.raises(TokenError) as caught:
        tokens.get()
    assert caught.value.status_code == 401 and caught.value.error is None
    unreachable = SyncTokens(Grant("client_credentials", "http://127.0.0.1:9/token"),
                             Secrets(client_id="a", client_secret="b"), httpx.Client())  # fmt: skip
    with pytest.raises(TokenError, match="could not be reached"):
        unreachable.get()


# -- the corpus APIs' own flows, as their IR describes them --------------------------------------


def _corpus_config(name: str) -> Any:
    from generator.load import load_document
    from generator.spec_ir import build_ir
    from generator.views.auth import oauth_config

    path = SHARED / "specs" / "corpus" / name
    if not path.is_file():
        pytest.skip(f"the corpus is not there ({path})")
    api = build_ir(load_document(Path(path)), name, {}, ())
    # the very expression the generated _operations.py holds
    return eval(oauth_config(api), {"OAuthConfig": _oauth.OAuthConfig})


@pytest.mark.slow
@pytest.mark.parametrize(
    ("spec", "given", "path", "form"),
    [
        ("airflow-rest-api-v2.yaml", {"username": USERNAME, "password": PASSWORD},
         "/auth/token", {"grant_type": "password", "username": USERNAME, "password": PASSWORD}),
        ("mastodon.json", {"client_id": CLIENT_ID, "client_secret": CLIENT_SECRET,
                           "scopes": ["read"]},
         "/oauth/token", {"grant_type": "client_credentials", "scope": "read"}),
        ("figma.yaml", {"client_id": CLIENT_ID, "client_secret": CLIENT_SECRET,
                        "refresh_token": REFRESH_TOKEN},
         "/v1/oauth/refresh", {"grant_type": "refresh_token", "refresh_token": REFRESH_TOKEN}),
    ],
)  # fmt: skip
def test_corpus_flows_against_the_local_token_server(
    server: TokenServer, spec: str, given: dict[str, Any], path: str, form: dict[str, str]
) -> None:
    config = _corpus_config(spec)
    base = server.url + "/api/v2"
    if spec == "figma.yaml":  # an absolute refresh URL: the token_url keyword points it here
        assert config.flows == (("refresh_token", "https://api.figma.com/v1/oauth/refresh"),)
        given = {**given, "token_url": server.url + "/v1/oauth/refresh"}
    found = _oauth.configure(config, given, base)
    assert found is not None
    tokens = SyncTokens(*found, httpx.Client())
    assert tokens.get() == "at_0001"
    assert [(r.path, r.form) for r in server.token_requests] == [(path, form)]


def test_an_echoed_secret_is_masked_in_the_error() -> None:
    secrets = Secrets(client_id=CLIENT_ID, client_secret=CLIENT_SECRET)
    exchange = _oauth._Exchange(
        Grant("client_credentials", "http://x/token"), secrets, None, Clock()
    )
    echo = json.dumps({"error": "invalid_client", "error_description": f"no {CLIENT_SECRET}"})
    with pytest.raises(TokenError) as caught:
        exchange.accept(401, echo.encode())
    assert caught.value.error_description == "no ***"
    assert CLIENT_SECRET not in str(caught.value)

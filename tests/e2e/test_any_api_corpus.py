"""Real APIs of ../shared/specs/corpus, generated once per session (the corpus fixture), called
over real HTTP on 127.0.0.1: the server sees exactly the credentials each spec asks for, in the
right place, and nothing else; each declared error response raises its class with the declared
model as ``.body`` and the model's message verbatim."""

from __future__ import annotations

import base64
import contextlib
import importlib
import inspect
import logging
import sys
from collections.abc import Callable, Iterator
from types import ModuleType
from typing import Any

import pytest
from support.corpus import Generated
from support.recording_server import Recorder, Reply

pytestmark = pytest.mark.slow

# Headers every request carries whatever the credentials.
PLAIN = {"host", "accept", "accept-encoding", "connection", "user-agent", "content-length",
         "content-type"}  # fmt: skip
Loader = Callable[[str], ModuleType]


@pytest.fixture
def load(corpus_package: Callable[[str], Generated]) -> Iterator[Loader]:
    added: list[str] = []

    def load_one(name: str) -> ModuleType:
        generated = corpus_package(name)
        if str(generated.out) not in sys.path:
            sys.path.insert(0, str(generated.out))
            added.append(str(generated.out))
        return importlib.import_module(generated.package)

    yield load_one
    for folder in added:
        sys.path.remove(folder)


def _client_class(package: ModuleType) -> Any:
    (name,) = [n for n in package.__all__ if n.endswith("Client") and not n.startswith("Async")]
    return getattr(package, name)


def call(
    package: ModuleType,
    server: tuple[str, Recorder],
    method: str,
    credentials: dict[str, str],
    reply: Reply | None = None,
    **kwargs: Any,
) -> tuple[dict[str, str], str]:
    """(headers other than the plain ones, path with query) of one call."""
    url, recorder = server
    recorder.replies.append(reply or Reply(200, {}))
    # {} is not every operation's response; the request is what is checked here
    with (
        _client_class(package)(base_url=url, max_retries=0, **credentials) as client,
        contextlib.suppress(package.APIResponseValidationError),
    ):
        getattr(client, method)(**kwargs)
    request = recorder.requests[-1]
    return {k: v for k, v in request.headers.items() if k not in PLAIN}, request.path


def _basic(username: str, password: str) -> str:
    return "Basic " + base64.b64encode(f"{username}:{password}".encode()).decode()


# Credentials ---------------------------------------------------------------------------------
def test_apikey_header_kratos(load: Loader, server: tuple[str, Recorder]) -> None:
    kratos = load("kratos")
    creds = {"authorization": "Bearer ory_pat_1"}
    assert call(kratos, server, "list_identities", creds)[0] == {
        "authorization": "Bearer ory_pat_1"
    }
    # an operation declaring security: [] sends nothing, even with the key configured
    public = kratos._operations.GET_WELL_KNOWN_CHANGE_PASSWORD
    assert (
        kratos._operations.CONFIG.security if public.security is None else public.security
    ) == ()
    assert call(kratos, server, "get_well_known_change_password", creds)[0] == {}


def test_apikey_header_or_oauth_figma(load: Loader, server: tuple[str, Recorder]) -> None:
    figma = load("figma")
    pat, oauth = {"figma_token": "figd_1"}, {"token": "oauth-1"}
    assert call(figma, server, "get_file", pat, file_key="k")[0] == {"x-figma-token": "figd_1"}
    assert call(figma, server, "get_file", oauth, file_key="k")[0] == {
        "authorization": "Bearer oauth-1"
    }
    # both configured: the first alternative the spec lists, alone
    assert call(figma, server, "get_file", pat | oauth, file_key="k")[0] == {
        "x-figma-token": "figd_1"
    }
    # an OAuth-only operation does not get the personal token
    assert call(figma, server, "get_activity_logs", pat)[0] == {}


def test_apikey_query_pair_vonage_masked_in_logs(
    load: Loader, server: tuple[str, Recorder], caplog: pytest.LogCaptureFixture
) -> None:
    vonage = load("vonage")
    caplog.set_level(logging.DEBUG)
    creds = {"api_key": "KEY-abc", "api_secret": "SECRET-xyz"}
    headers, path = call(vonage, server, "get_owned_numbers", creds)
    assert headers == {}
    assert path == "/account/numbers?api_key=KEY-abc&api_secret=SECRET-xyz"
    lines = [r.getMessage() for r in caplog.records]
    assert any("api_key=***&api_secret=***" in line for line in lines)  # httpx's INFO line
    assert not [line for line in lines if "KEY-abc" in line or "SECRET-xyz" in line]
    # one of the pair alone is no alternative: nothing is sent
    assert (
        call(vonage, server, "get_owned_numbers", {"api_key": "KEY-abc"})[1] == "/account/numbers"
    )


def test_basic_museum(load: Loader, server: tuple[str, Recorder]) -> None:
    museum = load("museum")
    headers, _ = call(museum, server, "get_museum_hours", {"username": "u", "password": "p"})
    assert headers == {"authorization": _basic("u", "p")}


def test_key_or_basic_adyen(load: Loader, server: tuple[str, Recorder]) -> None:
    adyen = load("adyen_checkout")
    key = {"api_key": "AQE1"}
    basic = {"username": "ws@Company.X", "password": "pw"}
    assert call(adyen, server, "post_cancels", key)[0] == {"x-api-key": "AQE1"}
    assert call(adyen, server, "post_cancels", basic)[0] == {"authorization": _basic(**basic)}
    assert call(adyen, server, "post_cancels", key | basic)[0] == {"authorization": _basic(**basic)}


def test_three_headers_together_plaid(load: Loader, server: tuple[str, Recorder]) -> None:
    plaid = load("plaid")
    creds = {"plaid_client_id": "cid", "plaid_secret": "sec", "plaid_version": "2020-09-14"}
    headers, _ = call(plaid, server, "accounts_get", creds, access_token="access-1")
    assert headers == {
        "plaid-client-id": "cid",
        "plaid-secret": "sec",
        "plaid-version": "2020-09-14",
    }
    partial = {"plaid_client_id": "cid", "plaid_secret": "sec"}
    assert call(plaid, server, "accounts_get", partial, access_token="access-1")[0] == {}


@pytest.mark.parametrize("name, method, kwargs", [
    ("linode", "get_account", {}),
    ("xero", "get_accounts", {"xero_tenant_id": "tenant-1"}),
])  # fmt: skip
def test_oauth2_bearer(
    load: Loader,
    server: tuple[str, Recorder],
    monkeypatch: pytest.MonkeyPatch,
    name: str,
    method: str,
    kwargs: dict[str, Any],
) -> None:
    package = load(name)
    headers, _ = call(package, server, method, {"token": "tok-1"}, **kwargs)
    assert headers.pop("authorization") == "Bearer tok-1"
    assert set(headers) <= {"xero-tenant-id"}
    # the one credential is positional, and falls back to <PREFIX>_TOKEN
    client = _client_class(package)
    first = list(inspect.signature(client.__init__).parameters)[1]
    assert first == "token"
    env = package._operations.CONFIG.credentials["token"].env
    monkeypatch.setenv(env, "from-env")
    headers, _ = call(package, server, method, {}, **kwargs)
    assert headers["authorization"] == "Bearer from-env"


# Errors --------------------------------------------------------------------------------------
@pytest.mark.parametrize("name, method, kwargs, status, body, cls, model, message", [
    ("museum", "get_museum_hours", {}, 404, {"type": "about:blank", "title": "Not found"},
     "NotFoundError", "Error", "Not found"),
    ("museum", "get_museum_hours", {}, 400, {"type": "/bad", "title": "Bad date", "detail": "x"},
     "BadRequestError", "Error", "x"),
    ("vonage", "get_owned_numbers", {}, 401,
     {"error-code": "401", "error-code-label": "authentication failed"},
     "AuthenticationError", "AccountUnauthorized", "authentication failed"),
    ("kratos", "list_identities", {}, 404,
     {"error": {"code": 404, "status": "Not Found", "message": "The requested resource could not be found"}},
     "NotFoundError", "ErrorGeneric", "The requested resource could not be found"),
    ("linode", "get_account", {}, 401, {"errors": [{"reason": "Invalid Token"}]},
     "AuthenticationError", None, "Invalid Token"),
    ("figma", "get_file", {"file_key": "k"}, 404, {"status": 404, "err": "Not found"},
     "NotFoundError", None, "Not found"),
    ("adyen_checkout", "post_cancels", {}, 422,
     {"status": 422, "errorCode": "14_0417", "message": "Amount too high", "errorType": "validation"},
     "UnprocessableEntityError", "ServiceError", "Amount too high"),
    ("plaid", "accounts_get", {"access_token": "a"}, 400,
     {"error_type": "INVALID_INPUT", "error_code": "INVALID_ACCESS_TOKEN",
      "error_message": "provided access token is in an invalid format", "display_message": None},
     "BadRequestError", "PlaidError", "provided access token is in an invalid format"),
])  # fmt: skip
def test_declared_error_responses(
    load: Loader,
    server: tuple[str, Recorder],
    name: str,
    method: str,
    kwargs: dict[str, Any],
    status: int,
    body: dict[str, Any],
    cls: str,
    model: str | None,
    message: str,
) -> None:
    package = load(name)
    url, recorder = server
    media = "application/problem+json" if name == "museum" else "application/json"
    recorder.replies.append(Reply(status, body, {"Content-Type": media}))
    with (
        _client_class(package)(base_url=url, max_retries=0) as client,
        pytest.raises(package.APIStatusError) as info,
    ):
        getattr(client, method)(**kwargs)
    error = info.value
    assert type(error).__name__ == cls
    assert error.status_code == status
    assert error.message == str(error) == message
    declared = package._operations.__dict__[method.upper()].error_model(package.__name__, status)
    assert declared is not None and isinstance(error.body, declared)
    if model is not None:
        assert type(error.body).__name__ == model
    assert error.body.model_dump(mode="json", by_alias=True, exclude_unset=True) == body


def test_no_stripe_class_in_any_corpus_package(corpus_packages: dict[str, Generated]) -> None:
    for generated in corpus_packages.values():
        if not generated.ok:
            continue
        text = (generated.package_dir / "__init__.py").read_text()
        for name in ("CardError", "IdempotencyError", "InvalidRequestError", "StripeError"):
            assert name not in text, (generated.name, name)

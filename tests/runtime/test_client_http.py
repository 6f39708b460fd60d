"""The checked-in generated.stripe client against a real HTTP server on 127.0.0.1."""

from __future__ import annotations

import asyncio
import warnings
from urllib.parse import parse_qsl

import pytest
from support.recording_server import Recorder, Reply

import generated.stripe as stripe

LINK = {
    "object": "account_link",
    "created": 1700000000,
    "expires_at": 1700000300,
    "url": "https://connect.stripe.com/setup/s/acct_123/abc",
}


def _client(base_url: str, **kwargs: object) -> stripe.StripeClient:
    return stripe.StripeClient("sk_test_123", base_url=base_url, max_retries=0, **kwargs)  # type: ignore[arg-type]


def test_account_link_wire_format_and_parsing(server: tuple[str, Recorder]) -> None:
    url, recorder = server
    recorder.replies.append(Reply(200, LINK, {"Request-Id": "req_1"}))
    with _client(url) as client:
        link = client.post_account_links(
            account="acct_123",
            type="account_onboarding",
            refresh_url="https://example.com/refresh?a=1&b=2",
            return_url="https://example.com/return",
            expand=["account", "x"],
            collection_options={"fields": "eventually_due", "future_requirements": "include"},
        )
    assert isinstance(link, stripe.AccountLink)
    assert (link.object, link.created, link.expires_at, link.url) == (
        "account_link",
        1700000000,
        1700000300,
        LINK["url"],
    )
    (request,) = recorder.requests
    assert request.method == "POST"
    assert request.path == "/v1/account_links"
    assert request.body.decode() == (
        "account=acct_123&type=account_onboarding"
        "&refresh_url=https%3A%2F%2Fexample.com%2Frefresh%3Fa%3D1%26b%3D2"
        "&return_url=https%3A%2F%2Fexample.com%2Freturn"
        "&expand[0]=account&expand[1]=x"
        "&collection_options[fields]=eventually_due&collection_options[future_requirements]=include"
    )
    headers = request.headers
    assert headers["authorization"] == "Bearer sk_test_123"
    assert headers["content-type"] == "application/x-www-form-urlencoded"
    assert headers["stripe-version"] == "2024-06-20"  # the spec's info.version
    assert "stripe-account" not in headers
    assert len(headers["idempotency-key"]) >= 32


def test_optional_parameters_left_out_are_not_sent(server: tuple[str, Recorder]) -> None:
    url, recorder = server
    recorder.replies.append(Reply(200, LINK))
    with _client(url) as client:
        client.post_account_links(account="acct_1", type="account_update", refresh_url=None)
    assert recorder.requests[0].body == b"account=acct_1&type=account_update"


def test_client_headers_and_per_call_options(server: tuple[str, Recorder]) -> None:
    url, recorder = server
    with _client(url, stripe_account="acct_connected", stripe_version="2020-08-27") as client:
        client.post_account_links(account="a", type="account_update")
        client.post_account_links(
            account="a",
            type="account_update",
            request_options={
                "stripe_account": "acct_other",
                "idempotency_key": "key-1",
                "extra_body": {"future_param": True},
                "extra_headers": {"X-Trace": "t"},
            },
        )
    first, second = (r.headers for r in recorder.requests)
    assert first["stripe-account"] == "acct_connected"
    assert first["stripe-version"] == "2020-08-27"
    assert second["stripe-account"] == "acct_other"
    assert second["idempotency-key"] == "key-1"
    assert second["x-trace"] == "t"
    assert dict(parse_qsl(recorder.requests[1].body.decode()))["future_param"] == "true"


def test_unknown_response_fields_are_kept_and_missing_ones_tolerated(
    server: tuple[str, Recorder],
) -> None:
    url, recorder = server
    drifted = {"object": "account_link", "url": "u", "created": 1, "brand_new": {"x": 1}}
    recorder.replies.append(Reply(200, drifted))
    with _client(url) as client:
        link = client.post_account_links(account="a", type="account_onboarding")
    assert link.model_extra == {"brand_new": {"x": 1}}
    assert link.expires_at is None  # absent although "required": the call still succeeds
    assert link.model_dump(mode="json", by_alias=True, exclude_unset=True) == drifted


def test_deprecated_parameter_warns(server: tuple[str, Recorder]) -> None:
    url, recorder = server
    with _client(url) as client, pytest.warns(DeprecationWarning, match="collection_options"):
        client.post_account_links(account="a", type="account_onboarding", collect="eventually_due")
    assert recorder.requests[0].body.endswith(b"&collect=eventually_due")
    with _client(url) as client, warnings.catch_warnings():
        warnings.simplefilter("error")
        client.post_account_links(account="a", type="account_onboarding")


def test_gateway_mode_sends_no_authorization(
    server: tuple[str, Recorder], monkeypatch: pytest.MonkeyPatch
) -> None:
    url, recorder = server
    monkeypatch.delenv("STRIPE_API_KEY", raising=False)
    with stripe.StripeClient(base_url=url) as client:
        client.post_account_links(account="a", type="account_onboarding")
    assert "authorization" not in recorder.requests[0].headers


def test_api_key_from_environment(
    server: tuple[str, Recorder], monkeypatch: pytest.MonkeyPatch
) -> None:
    url, recorder = server
    monkeypatch.setenv("STRIPE_API_KEY", "sk_test_env")
    with stripe.StripeClient(base_url=url) as client:
        client.post_account_links(account="a", type="account_onboarding")
        assert "sk_test_env" not in repr(client)
    assert recorder.requests[0].headers["authorization"] == "Bearer sk_test_env"


def _error(kind: str | None, code: str | None = None) -> dict[str, object]:
    detail: dict[str, object] = {"message": f"boom {kind}", "param": "account"}
    if kind:
        detail["type"] = kind
    if code:
        detail["code"] = code
    return {"error": detail}


@pytest.mark.parametrize(
    ("status", "body", "expected"),
    [
        (400, _error("invalid_request_error"), stripe.InvalidRequestError),
        (404, _error("invalid_request_error", "resource_missing"), stripe.InvalidRequestError),
        (401, _error(None), stripe.AuthenticationError),
        (402, _error("card_error", "card_declined"), stripe.CardError),
        (403, _error(None), stripe.PermissionDeniedError),
        (400, _error("idempotency_error"), stripe.IdempotencyError),
        (429, _error("invalid_request_error", "rate_limit"), stripe.RateLimitError),
        (429, _error(None), stripe.RateLimitError),
        (500, _error("api_error"), stripe.APIError),
        (503, b"<html>down</html>", stripe.APIError),
        (418, _error(None), stripe.APIError),
    ],
)
def test_errors_are_classified(
    server: tuple[str, Recorder], status: int, body: object, expected: type[Exception]
) -> None:
    url, recorder = server
    recorder.replies.append(Reply(status, body, {"Request-Id": "req_err"}))
    with _client(url) as client, pytest.raises(expected) as caught:
        client.post_account_links(account="a", type="account_onboarding")
    error = caught.value
    assert isinstance(error, stripe.StripeError)
    assert error.status_code == status
    assert error.request_id == "req_err"
    if isinstance(body, dict):
        assert error.body == body
        assert str(error) == error.message == body["error"]["message"]  # type: ignore[index]
        assert error.param == "account"
        assert error.code == body["error"].get("code")  # type: ignore[union-attr]
    else:
        assert str(error) == f"HTTP {status} with no error message"


def test_connection_error_when_nothing_listens() -> None:
    with (
        stripe.StripeClient("sk_test_1", base_url="http://127.0.0.1:9", max_retries=0) as client,
        pytest.raises(stripe.APIConnectionError),
    ):
        client.post_account_links(account="a", type="account_onboarding")


def test_async_twin(server: tuple[str, Recorder]) -> None:
    url, recorder = server
    recorder.replies.append(Reply(200, LINK))
    recorder.replies.append(Reply(402, _error("card_error")))

    async def run() -> stripe.AccountLink:
        async with stripe.AsyncStripeClient("sk_test_a", base_url=url, max_retries=0) as client:
            link = await client.post_account_links(
                account="acct_9", type="account_update", expand=["account"]
            )
            with pytest.raises(stripe.CardError):
                await client.post_account_links(account="acct_9", type="account_update")
            return link

    link = asyncio.run(run())
    assert link.url == LINK["url"]
    first = recorder.requests[0]
    assert first.body == b"account=acct_9&type=account_update&expand[0]=account"
    assert first.headers["authorization"] == "Bearer sk_test_a"


def test_models_are_lazy_top_level_exports() -> None:
    assert "AccountLink" in dir(stripe)
    assert stripe.AccountLink.__name__ == "AccountLink"
    with pytest.raises(AttributeError):
        stripe.NoSuchModel  # noqa: B018


def test_a_successful_response_that_breaks_the_spec_still_parses(
    server: tuple[str, Recorder], caplog: pytest.LogCaptureFixture
) -> None:
    url, recorder = server
    recorder.replies.append(Reply(200, {**LINK, "created": "not a number", "expires_at": None}))
    with _client(url) as client, caplog.at_level("WARNING"):
        link = client.post_account_links(account="a", type="account_onboarding")
    assert link.url == LINK["url"]
    assert link.created is None  # the value that broke the spec is dropped, and said so
    assert "dropped created" in caplog.text
    # ... from its typed field only: the value as sent is kept (issue 20)
    assert link.model_extra == {"created": "not a number", "expires_at": None}
    assert link.model_dump(by_alias=True)["created"] == "not a number"

"""What the builder reads for OAuth2 grants and webhook events: flows into the IR, keywords that
collide with HTTP basic, flows the client does not run (a warning naming the pointer), profile
keys that refuse bad values, and webhook entries that cannot be typed."""

from __future__ import annotations

from typing import Any

import pytest
from support.inline_specs import valid_spec

from generator.config import make_profile
from generator.errors import GeneratorError
from generator.ir import Api
from generator.lower import BuildInput, build_api

OK = {"200": {"description": "ok"}}


def _api(schemes: dict[str, Any], extra: dict[str, Any] | None = None, **profile: Any) -> Api:
    data = {
        "openapi": "3.1.0",
        "info": {"title": "Flows API", "version": "1"},
        "servers": [{"url": "https://flows.example.com/v1"}],
        "paths": {"/a": {"get": {"operationId": "a", "responses": OK}}},
        "components": {"securitySchemes": schemes, "schemas": {}},
        **(extra or {}),
    }
    return build_api(
        BuildInput(valid_spec(data, "f.yaml"), "f.yaml", make_profile(profile, "Flows API"))
    )


def test_flows_become_grants_with_their_keywords() -> None:
    api = _api({
        "basic": {"type": "http", "scheme": "basic"},
        "oauth": {"type": "oauth2", "flows": {
            "password": {"tokenUrl": "/token", "scopes": {}},
            "authorizationCode": {"authorizationUrl": "/auth", "tokenUrl": "/token",
                                  "refreshUrl": "/refresh", "scopes": {"read": "r"}},
        }},
    }, oauth_client_auth="body")  # fmt: skip
    oauth = api.oauth
    assert oauth is not None and oauth.argument == "token" and oauth.client_auth == "body"
    assert [(f.grant, f.token_url, f.scopes) for f in oauth.flows] == [
        ("refresh_token", "/refresh", ("read",)),
        ("password", "/token", ()),
    ]
    keywords = {role: (kw, env) for role, kw, env in oauth.keywords}
    # HTTP basic took username and password first
    assert keywords["username"] == ("oauth_username", "FLOWS_OAUTH_USERNAME")
    assert keywords["client_id"] == ("client_id", "FLOWS_CLIENT_ID")
    assert api.warnings == ()


def test_browser_and_device_flows_are_not_run() -> None:
    api = _api({"oauth": {"type": "oauth2", "flows": {
        "implicit": {"authorizationUrl": "/auth", "scopes": {}},
        "deviceAuthorization": {"deviceAuthorizationUrl": "/device", "tokenUrl": "/token",
                                "scopes": {}},
    }}})  # fmt: skip
    assert api.oauth is None
    assert [c.argument for c in api.credentials] == ["token"]  # still a bearer token
    (warning,) = api.warnings
    assert "/components/securitySchemes/oauth/flows/deviceAuthorization" in warning
    assert "token=" in warning


@pytest.mark.parametrize(
    ("key", "value"), [("oauth_client_auth", "header"), ("webhook_scheme", "svix")]
)
def test_profile_keys_refuse_unknown_values(key: str, value: str) -> None:
    with pytest.raises(GeneratorError, match=key):
        make_profile({key: value}, "Flows API")


def test_webhook_entries_that_cannot_be_typed_are_warnings() -> None:
    hooks = {
        "ping": {"post": {"requestBody": {"content": {"text/plain": {"schema": {}}}},
                          "responses": OK}},
        "count": {"post": {"requestBody": {"content": {"application/json": {
            "schema": {"type": "integer"}}}}, "responses": OK}},
        "made": {"post": {"requestBody": {"content": {"application/json": {"schema": {
            "type": "object", "properties": {"kind": {"const": "made"}}}}}},
            "responses": OK}},
    }  # fmt: skip
    api = _api({}, {"webhooks": hooks}, webhook_type_field="kind")
    assert api.webhooks is not None
    assert [(e.name, e.types) for e in api.webhooks.events] == [("made", ("made",))]
    assert api.webhooks.secret_env == "FLOWS_WEBHOOK_SECRET"
    assert any("/webhooks/ping/post" in w for w in api.warnings)
    assert any("/webhooks/count" in w and "object" in w for w in api.warnings)


def test_the_envelope_takes_its_types_from_the_profile_pointer() -> None:
    enabled = {"type": "array", "items": {"type": "string", "enum": ["*", "a.made", "a.gone"]}}
    extra = {
        "paths": {"/hooks": {"post": {"operationId": "hooks", "responses": OK, "requestBody": {
            "content": {"application/json": {"schema": {"type": "object", "properties": {
                "enabled": enabled}}}}}}}},
    }  # fmt: skip
    schemes: dict[str, Any] = {}
    api = _api(
        schemes,
        extra,
        webhook_scheme="stripe",
        webhook_event="envelope",
        webhook_event_types="/paths/~1hooks/post/requestBody/content/application~1json/schema"
        "/properties/enabled/items",
    )
    assert api.webhooks is None  # no such schema: a warning, no events
    assert any("webhook_event 'envelope'" in w for w in api.warnings)
    extra["components"] = {"schemas": {"envelope": {"type": "object", "properties": {
        "type": {"type": "string"}}}}}  # fmt: skip
    api = _api(schemes, extra, webhook_scheme="stripe", webhook_event="envelope",
               webhook_event_types="/paths/~1hooks/post/requestBody/content/application~1json"
               "/schema/properties/enabled/items")  # fmt: skip
    assert api.webhooks is not None and api.webhooks.scheme == "stripe"
    (event,) = api.webhooks.events
    assert event.types == ("a.made", "a.gone")  # "*" subscribes to all: not a type


def test_token_keywords_are_never_a_credentials_name() -> None:
    key = {"type": "apiKey", "in": "query", "name": "client_id"}
    flows = {"clientCredentials": {"tokenUrl": "/token", "scopes": {}}}
    api = _api({"key": key, "oauth": {"type": "oauth2", "flows": flows}})
    assert [c.argument for c in api.credentials] == ["client_id_", "token"]
    assert api.oauth is not None and api.oauth.keywords[0][:2] == ("client_id", "client_id")
    plain = _api({"key": key})  # no grant to run: the key keeps its name
    assert [c.argument for c in plain.credentials] == ["client_id"]

"""Views of the API's token handling and webhooks: the constructor keywords beyond the
credentials (a token provider, the OAuth2 grant's secrets and options), the ``OAuthConfig`` the
runtime reads, and what the generated ``webhooks`` module imports and names."""

from __future__ import annotations

import textwrap
from dataclasses import dataclass

from generator import naming, pytypes
from generator.ir import Api

_ROLE_DOCS = {
    "client_id": "OAuth2 client ID",
    "client_secret": "OAuth2 client secret",
    "username": "Resource owner's username, for the OAuth2 password grant",
    "password": "Resource owner's password, for the OAuth2 password grant",
    "refresh_token": "OAuth2 refresh token (from the browser step of the authorization code "
    "flow); the client exchanges it for access tokens",
}


@dataclass(frozen=True)
class Keyword:
    name: str
    annotation: str
    text: str
    role: str  # the key the runtime reads it under

    @property
    def doc(self) -> str:
        """The text wrapped to fit a 100-column ``Args:`` entry (8 spaces, then 12)."""
        first = " " * (len(self.name) - 2)  # the entry's name and ": " come before it
        return "\n".join(textwrap.wrap(self.text, width=88, initial_indent=first)).lstrip()


def auth_keywords(api: Api, is_async: bool) -> list[Keyword]:
    """The constructor keywords after the credentials, in signature order."""
    found: list[Keyword] = []
    if api.oauth is not None:
        for role, keyword, env in api.oauth.keywords:
            doc = f"{_ROLE_DOCS[role]}; defaults to the ``{env}`` environment variable."
            found.append(Keyword(keyword, "str | None", doc, role))
        grants = ", ".join(sorted({f.grant for f in api.oauth.flows}))
        scopes = "OAuth2 scopes to ask for (default: the token endpoint's)."
        url = f"Replaces the spec's token URL (grants: {grants})."
        rotated = "Called with each new refresh token the token endpoint issues, to store it."
        found += [
            Keyword("scopes", "Sequence[str] | None", scopes, "scopes"),
            Keyword("token_url", "str | None", url, "token_url"),
            Keyword(
                "on_refresh_token", "Callable[[str], object] | None", rotated, "on_refresh_token"
            ),
        ]
    if any(c.kind == "bearer" for c in api.credentials):
        provider = "AsyncTokenProvider" if is_async else "TokenProvider"
        found.append(
            Keyword(
                "token_provider",
                f"{provider} | None",
                "A callable that returns the bearer token, asked on every call (and once more "
                "after a 401): a vault, a cloud identity."
                + (" It may be a coroutine function." if is_async else ""),
                "token_provider",
            )
        )
    return found


@dataclass(frozen=True)
class WebhookView:
    alias: str  # the union ``unwrap`` returns
    imports: list[tuple[str, list[str]]]  # models module -> names
    required: list[tuple[str, ...]]  # per event: the wire names its model requires


def webhook_view(api: Api) -> WebhookView | None:
    hooks = api.webhooks
    if hooks is None:
        return None
    taken = {m.name for m in api.models} | {a.name for a in api.aliases}
    alias = naming.uniquify(["WebhookEvent"], taken)[0]
    home = {m.name: m.module for m in api.models} | {a.name: a.module for a in api.aliases}
    modules: dict[str, set[str]] = {}
    for event in hooks.events:
        for name in pytypes.model_names(event.type):
            if name in home:
                modules.setdefault(home[name], set()).add(name)
    models = {m.name: m for m in api.models}
    required = []
    for event in hooks.events:
        model = models.get(pytypes.response_type(event.type))
        fields = model.fields if model is not None else ()
        required.append(tuple(f.wire_name for f in fields if f.required))
    imports = [(m, sorted(n)) for m, n in sorted(modules.items())]
    return WebhookView(alias, imports, required)


def oauth_config(api: Api) -> str:
    """The ``OAuthConfig(...)`` expression of ``_operations.py``."""
    oauth = api.oauth
    assert oauth is not None
    pairs = dict.fromkeys((f.grant, f.token_url) for f in oauth.flows)  # schemes may share one
    flows = ", ".join(f"({pytypes.literal(g)}, {pytypes.literal(u)})" for g, u in pairs)
    env = ", ".join(
        f"{pytypes.literal(role)}: {pytypes.literal(v)}" for role, _, v in oauth.keywords
    )
    return (
        f"OAuthConfig({pytypes.literal(oauth.argument)}, ({flows},), "
        f"{pytypes.literal(oauth.client_auth)}, {{{env}}})"
    )

"""Views of the API's token handling and webhooks: the constructor keywords beyond the
credentials (a token provider, the OAuth2 grant's secrets and options), the ``OAuthConfig`` the
runtime reads, and what the generated ``webhooks`` module imports and names."""

from __future__ import annotations

import textwrap
from dataclasses import dataclass

from generator import naming, pytypes
from generator.ir import Api
from generator.views.imports import Imports

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
    uses: tuple[str, ...] = ()  # names the annotation spells, for the module's imports

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
            Keyword("scopes", "Sequence[str] | None", scopes, "scopes", ("Sequence",)),
            Keyword("token_url", "str | None", url, "token_url"),
            Keyword(
                "on_refresh_token",
                "Callable[[str], object] | None",
                rotated,
                "on_refresh_token",
                ("Callable",),
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
                (provider,),
            )
        )
    return found


@dataclass(frozen=True)
class EventClass:
    """One member of the union ``unwrap`` returns, and how the runtime recognises it."""

    name: str  # a model, or a subclass of the envelope made in webhooks.py
    types: tuple[str, ...]  # type field values it is for (empty: any)
    required: tuple[str, ...]  # wire names its model requires
    base: str | None = None  # the envelope model, for a subclass
    field: str = ""  # the type field's Python name, for a subclass


@dataclass(frozen=True)
class WebhookView:
    alias: str  # the union ``unwrap`` returns
    imports: str  # the module's import block
    classes: list[EventClass]

    @property
    def subclasses(self) -> list[EventClass]:
        return [c for c in self.classes if c.base is not None]


def webhook_view(api: Api) -> WebhookView | None:
    """What the generated ``webhooks.py`` defines: the profile's envelope becomes one subclass
    per type value (``InvoicePaidEvent``, its type field ``Literal["invoice.paid"]``), which
    ``isinstance`` narrows to; other events are their models."""
    hooks = api.webhooks
    if hooks is None:
        return None
    taken = {m.name for m in api.models} | {a.name for a in api.aliases}
    modules: dict[str, set[str]] = {}
    classes: list[EventClass] = []
    for event in hooks.events:
        name = pytypes.response_type(event.type)
        for used in pytypes.model_names(event.type):
            if (found := api.model(used) or api.alias(used)) is not None:
                modules.setdefault(found.module, set()).add(used)
        model = api.model(name)
        fields = model.fields if model is not None else ()
        required = tuple(f.wire_name for f in fields if f.required)
        field = next((f.py_name for f in fields if f.wire_name == hooks.type_field), None)
        if not (event.envelope and event.types and field):
            classes.append(EventClass(name, event.types, required))
            continue
        wanted = [naming.pascal(value) + name for value in event.types]
        for value, cls in zip(event.types, naming.uniquify(wanted, taken), strict=True):
            classes.append(EventClass(cls, (value,), required, base=name, field=field))
        taken |= {c.name for c in classes}
    alias = naming.uniquify(["WebhookEvent"], taken | {c.name for c in classes})[0]
    imports = Imports().add("__future__", "annotations").module("os").use("Mapping")
    imports.add("._webhooks", *_WEBHOOK_NAMES).add("._webhooks", "unwrap", alias="_unwrap")
    if any(c.base is not None for c in classes):  # subclasses pin their type with a Literal
        imports.use("Literal", "REQUIRED")
    for module, names in modules.items():
        imports.add(f".models.{module}", *names)
    return WebhookView(alias, imports.block(), classes)


# What webhooks.py takes from the runtime's _webhooks: used in its body or exported.
_WEBHOOK_NAMES = (
    "DEFAULT_TOLERANCE",
    "EventKind",
    "UnknownEvent",
    "WebhookError",
    "WebhookHeaderError",
    "WebhookPayloadError",
    "WebhookSignatureError",
    "WebhookTimestampError",
)


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

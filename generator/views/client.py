"""The flat client class (``_client.py``, ``_async_client.py``): its constructor's arguments,
their docstring entries, the maps it hands the runtime, and one method per operation."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from generator import pytypes
from generator.ir import Api, Credential
from generator.views.auth import auth_keywords
from generator.views.docstrings import docstring
from generator.views.methods import client_method
from generator.views.package import PackageView

_CONTINUED = "\n" + " " * 12  # an ``Args:`` entry's next line
_SHARED_CREDENTIALS = (
    "Each call sends the first set of credentials its operation accepts that is",
    "complete; with none complete it sends none, for use behind a gateway that adds",
    "credentials itself.",
)
_SAFE_RETRIES = (
    "; a POST or PATCH only when it cannot have reached the server or after a 429 or 503, so"
    " it is never executed twice"
)


def client_view(api: Api, package: PackageView, is_async: bool) -> dict[str, Any]:
    """What ``_client.py.jinja`` lays out for the sync or the async client."""
    profile = api.profile
    prefix = "async " if is_async else ""
    auth = auth_keywords(api, is_async=is_async)
    retries = "Retries after connection errors, timeouts, 409, 429 and 5xx responses"
    retries += ("" if profile.idempotency_header else _SAFE_RETRIES) + "."
    return {
        "cls": profile.async_client_class if is_async else profile.client_class,
        "base": "AsyncBaseClient" if is_async else "SyncBaseClient",
        "http": "httpx.AsyncClient" if is_async else "httpx.Client",
        "prefix": prefix,
        "auth_kw": auth,
        "imports": package.async_client_imports if is_async else package.client_imports,
        "credential_args": _credential_args(api)
        + [(k.name, docstring(k.doc, " " * 12, at=10 + len(k.name))) for k in auth],
        "header_args": _header_args(api),
        "retries_doc": docstring(retries, " " * 12, at=21),
        "credential_params": _credential_params(api)
        + [f"{k.name}: {k.annotation} = None" for k in auth],
        "credential_map": _map((c.argument, c.argument) for c in api.credentials),
        "header_map": _map((kw, kw) for kw, _ in profile.client_headers),
        "auth_map": _map((k.role, k.name) for k in auth) if auth else "",
        "methods": [client_method(op, prefix) for op in api.operations],
    }


def _credential_args(api: Api) -> list[tuple[str, str]]:
    """(argument, docstring entry) of each credential; with several, the last entry says how
    a call chooses among them."""
    creds = api.credentials
    entries = []
    for c in creds:
        if c.kind == "bearer" and len(creds) == 1:
            word = "key" if c.argument.endswith("key") else "token"
            doc = (
                f"Sent as a bearer token; defaults to the ``{docstring(c.env)}``{_CONTINUED}"
                f"environment variable. With no {word} at all no ``Authorization`` header is"
                f" sent, for{_CONTINUED}use behind a gateway that adds credentials itself."
            )
        else:
            doc = docstring(credential_doc(c), " " * 12, at=10 + len(c.argument))
        entries.append((c.argument, doc))
    if len(creds) > 1:
        name, doc = entries[-1]
        entries[-1] = (name, doc + "".join(_CONTINUED + line for line in _SHARED_CREDENTIALS))
    return entries


def _header_args(api: Api) -> list[tuple[str, str]]:
    """(keyword, docstring entry) of each header the client sends on every call."""
    entries = []
    for kw, header in api.profile.client_headers:
        text = f"Sent as the ``{header}`` header"
        if header == api.profile.version_header:
            text += (
                f"; defaults to the API version the client was generated from, ``{api.version}``"
            )
        entries.append((kw, docstring(text + ".", " " * 12, at=10 + len(kw))))
    return entries


def _credential_params(api: Api) -> list[str]:
    """The constructor's credential parameters: one credential comes positionally, several
    only by keyword (``*`` marks where keywords start)."""
    creds = [f"{c.argument}: str | None = None" for c in api.credentials]
    return [*creds, "*"] if len(creds) == 1 else ["*", *creds]


def _map(pairs: Iterable[tuple[str, str]]) -> str:
    """A dict display of names to variables, as the runtime receives them: an argument of the
    ``super().__init__(...)`` call in the constructor (its line indented 12)."""
    return pytypes.dict_display(((pytypes.literal(k), v) for k, v in pairs), " " * 12)


def credential_doc(c: Credential) -> str:
    """What a credential argument's docstring says: how it is sent, where it falls back to."""
    if c.kind == "bearer":
        how = "Sent as a bearer token (``Authorization: Bearer ...``)"
    elif c.kind == "basic":
        how = f"The {'user name' if c.name == 'username' else 'password'} for HTTP basic auth"
    elif c.kind == "query":
        how = f"Sent as the ``{c.name}`` query parameter (masked in logs)"
    else:
        how = f"Sent as the ``{c.name}`` {c.kind}"
    return f"{how}; defaults to the ``{c.env}`` environment variable."

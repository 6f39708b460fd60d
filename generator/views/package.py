"""Views of the package's top-level modules (``__init__``, the clients, ``_operations``,
``_exceptions``, ``_options``): what each imports, decided from what it prints."""

from __future__ import annotations

from dataclasses import dataclass

from generator import pytypes
from generator.ir import Api, Prim
from generator.naming import export_order
from generator.resources import ResourceModule
from generator.views.auth import auth_keywords
from generator.views.errors import ErrorView
from generator.views.imports import SOURCES, Imports
from generator.views.modules import model_homes, with_type_checking
from generator.views.operations import return_names
from generator.views.paging import method_names, pages, paging_descriptor

_STDLIB_SOURCES = ("typing", "collections.abc")


@dataclass(frozen=True)
class PackageView:
    """The import block of each top-level module, and what the package exports from
    ``_encode`` (only what its methods use)."""

    init_imports: str
    client_imports: str  # _client.py
    async_client_imports: str  # _async_client.py
    operations_imports: str
    exceptions_imports: str
    options_imports: str
    encode_exports: tuple[str, ...]
    exports: tuple[str, ...]  # __all__, in its order


def package_view(
    api: Api, errors: ErrorView, namespaces: list[tuple[str, str, str]]
) -> PackageView:
    """``namespaces``: (attribute, module, class) of each resource namespace of the client."""
    params = [p for op in api.operations for p in op.parameters]
    not_given = any(p.nullable and not p.required for p in params)
    raw_content = any(p.type == Prim("RawContent") for p in params)
    exports = (("NOT_GIVEN", "NotGiven") if not_given else ()) + (
        ("RawContent",) if raw_content else ()
    )
    return PackageView(
        init_imports=_init_imports(api, errors, exports),
        client_imports=_client_imports(api, "", not_given, namespaces),
        async_client_imports=_client_imports(api, "async ", not_given, namespaces),
        operations_imports=_operations_imports(api),
        exceptions_imports=_future().add("._errors", *errors.exceptions_imports).block(),
        options_imports=_future()
        .add("._base_client", "RequestOptions", alias="_BaseRequestOptions")
        .block(),
        encode_exports=exports,
        exports=_exports(api, errors, exports),
    )


def _exports(api: Api, errors: ErrorView, encode_exports: tuple[str, ...]) -> tuple[str, ...]:
    """``__all__``: the runtime's names and the profile's client and error names, in the order
    ruff's default rules want (RUF022)."""
    names = [*errors.exported, *encode_exports, "FileInput", "RawResponse", "RequestOptions"]
    names += ["UnknownObject", *(["TokenError"] if api.oauth else [])]
    names += ["PaginationError"] if any(pages(op) for op in api.operations) else []
    profile = api.profile
    names += [profile.async_client_class, profile.client_class, profile.error_base]
    return tuple(export_order(names))


def _future() -> Imports:
    return Imports().add("__future__", "annotations")


def _split(api: Api, names: set[str], package: str = "") -> tuple[Imports, Imports]:
    """A module's imports of names it only annotates with: ``typing`` and ``collections.abc``
    at the top, the package's own under ``TYPE_CHECKING``."""
    top = Imports(package).add("__future__", "annotations")
    checking = Imports(package, model_homes(api))
    for name in sorted(names):
        (top if SOURCES.get(name) in _STDLIB_SOURCES else checking).use(name)
    return top, checking


def _client_imports(
    api: Api, prefix: str, not_given: bool, namespaces: list[tuple[str, str, str]]
) -> str:
    """``prefix`` is "async " for the async client, as its template has it."""
    annotated = {"Mapping"}  # server_urls=
    for keyword in auth_keywords(api, is_async=bool(prefix)):
        annotated |= set(keyword.uses)
    for op in api.operations:
        annotated |= pytypes.names_in((p.type for p in op.parameters), request=True)
        annotated |= method_names(op, prefix)
    annotated -= {"NotGiven"}  # a default's type: imported with it, below
    top, checking = _split(api, annotated)
    checking.add("._options", "RequestOptions")
    top.module("httpx").add(".", "_operations", alias="_ops")
    base = "AsyncBaseClient" if prefix else "SyncBaseClient"
    top.add("._base_client", "DEFAULT_MAX_RETRIES", "DEFAULT_TIMEOUT", base)
    if not_given:
        top.use("NOT_GIVEN", "NotGiven")
    if namespaces:
        top.add("functools", "cached_property")
    for _, module, cls in namespaces:
        checking.add(f".resources.{module}", ("Async" if prefix else "") + cls)
    return with_type_checking(top, checking)


def resource_imports(api: Api, module: ResourceModule) -> str:
    """A ``resources/`` module's imports: its sync and async classes' methods, as the clients'."""
    params = [p for op in module.operations for p in op.parameters]
    annotated = pytypes.names_in((p.type for p in params), request=True)
    for op in module.operations:
        annotated |= method_names(op, "") | method_names(op, "async ")
    not_given = any(p.nullable and not p.required for p in params)
    annotated -= {"NotGiven"}
    top, checking = _split(api, annotated, "resources")
    if any(c.children for c in module.classes):
        top.add("functools", "cached_property")
    top.add(".", "_operations", alias="_ops")
    if not_given:
        top.use("NOT_GIVEN", "NotGiven")
    checking.add("._client", api.profile.client_class)
    checking.add("._async_client", api.profile.async_client_class)
    checking.add("._options", "RequestOptions")
    return with_type_checking(top, checking)


def _operations_imports(api: Api) -> str:
    annotated: set[str] = set()
    for op in api.operations:
        annotated |= return_names(op)
    top, checking = _split(api, annotated)
    if api.credentials:
        top.add("._auth", "Credential")
    top.add("._base_client", "ClientConfig", "Operation")
    top.add("._exceptions", "STATUS_ERRORS", "TYPE_ERRORS")
    if any(paging_descriptor(op) for op in api.operations):
        top.use("Paging")
    if api.oauth:
        top.use("OAuthConfig")
    if any(op.stream is not None for op in api.operations):
        top.use("Streaming")
    return with_type_checking(top, checking)


def _init_imports(api: Api, errors: ErrorView, encode_exports: tuple[str, ...]) -> str:
    profile = api.profile
    top = _future().use("Any", "FileInput", "RawResponse", "UnknownObject", *encode_exports)
    if api.oauth:
        top.use("TokenError")
    if any(pages(op) for op in api.operations):
        top.use("PaginationError")
    top.add("._client", profile.client_class)
    top.add("._options", "RequestOptions")
    top.add("._errors", *errors.runtime)
    top.add("._errors", profile.error_base)  # the base class, defined under its public name
    if errors.extra:
        top.add("._exceptions", *(name for name, _ in errors.extra))
    # re-exported for type checkers (``X as X``); loaded on first use by ``__getattr__``
    checking = Imports()
    checking.add("._async_client", profile.async_client_class, alias=profile.async_client_class)
    for name, module in model_index(api):
        checking.add(f".models.{module}", name, alias=name)
    return with_type_checking(top, checking)


def model_index(api: Api) -> list[tuple[str, str]]:
    """(class name, module) of everything importable from the package top level, sorted."""
    pairs = [(m.name, m.module) for m in api.models] + [(a.name, a.module) for a in api.aliases]
    return sorted(pairs)

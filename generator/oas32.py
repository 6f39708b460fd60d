"""OpenAPI 3.2 read on top of openapi-pydantic's 3.1 models.

3.2 is a superset of 3.1, and openapi-pydantic (0.6) knows only 3.0 and 3.1, so a 3.2 document
is validated through a *view*: the same tree, copied only along the nodes that differ, where
what 3.1 would refuse reads as its 3.1 equivalent (``openapi: 3.1.1``, a ``querystring``
parameter as a ``query`` one). The view has the document's keys and indexes, so a validation
error still names a real place of the document. What the 3.1 models do not look at (the
``query`` operation, ``additionalOperations``) is validated here, operation by operation, with
the same "operation skipped" warning a 3.1 operation gets.

A response without ``description`` (allowed from 3.2 on) gets an empty one in the document
itself: it is what the builder reads either way.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any
from urllib.parse import urljoin

import pydantic

from generator.errors import pointer
from generator.kinds import member_kind
from generator.oas_models import operation_3_1

if TYPE_CHECKING:
    from pydantic_core import ErrorDetails

# The methods with a field of their own in a 3.2 path item (``additionalOperations`` may not
# repeat them).
FIXED_METHODS = (
    "get",
    "put",
    "post",
    "delete",
    "options",
    "head",
    "patch",
    "trace",
    "query",
)

Parts = list[str | int]


def is_3_2(data: dict[str, Any]) -> bool:
    return str(data.get("openapi", "")).startswith("3.2")


def path_operations(
    item: dict[str, Any], newer: bool = True
) -> Iterator[tuple[str, Parts, dict[str, Any]]]:
    """The operations of a path item: (method as sent, parts below the item, operation).

    The fixed fields first (their method upper-cased), then, in a 3.2 document (``newer``),
    ``additionalOperations`` in the document's order, each under its key as written (HTTP
    methods are case-sensitive). Before 3.2 a ``query`` key is no operation."""
    for method in FIXED_METHODS if newer else FIXED_METHODS[:-1]:
        op = item.get(method)
        if isinstance(op, dict):
            yield method.upper(), [method], op
    if not newer:
        return
    more = item.get("additionalOperations")
    if isinstance(more, dict):
        for method, op in more.items():
            if isinstance(op, dict):
                yield str(method), ["additionalOperations", method], op


def prepare(data: dict[str, Any], warnings: list[str]) -> None:
    """Changes made to a 3.2 document before validation: responses without a description get
    an empty one; an ``additionalOperations`` entry repeating a fixed method is skipped.
    """
    for item_parts, item in _path_items(data):
        more = item.get("additionalOperations")
        if isinstance(more, dict):
            for method in list(more):
                if str(method).lower() in FIXED_METHODS:
                    del more[method]
                    warnings.append(
                        f"#{pointer(*item_parts, 'additionalOperations', method)}: "
                        f"{method!r} has its own field in a path item (use "
                        f"'{str(method).lower()}'); operation skipped"
                    )
        for _, _, op in path_operations(item):
            for response in _responses(op):
                response.setdefault("description", "")
    responses = (data.get("components") or {}).get("responses")
    if isinstance(responses, dict):
        for response in responses.values():
            if isinstance(response, dict) and "$ref" not in response:
                response.setdefault("description", "")


def validation_view(data: dict[str, Any]) -> dict[str, Any]:
    """What the 3.1 validator reads for a 3.2 document (see the module's docstring)."""
    changes: list[tuple[Parts, Any]] = [(["openapi"], "3.1.1")]
    for item_parts, item in _path_items(data):
        for i, param in enumerate(item.get("parameters") or []):
            if isinstance(param, dict) and param.get("in") == "querystring":
                changes.append(([*item_parts, "parameters", i, "in"], "query"))
        for _, parts, op in path_operations(item):
            for i, param in enumerate(op.get("parameters") or []):
                if isinstance(param, dict) and param.get("in") == "querystring":
                    changes.append(([*item_parts, *parts, "parameters", i, "in"], "query"))
    params = (data.get("components") or {}).get("parameters")
    if isinstance(params, dict):
        for key, param in params.items():
            if isinstance(param, dict) and param.get("in") == "querystring":
                changes.append((["components", "parameters", key, "in"], "query"))
    return replaced(data, changes)


def extra_operation_errors(view: dict[str, Any]) -> Iterator[tuple[Parts, ErrorDetails]]:
    """Validation errors of the operations the 3.1 models do not read (``query`` and
    ``additionalOperations``): (the operation's parts, the first error)."""
    operation = operation_3_1()
    for item_parts, item in _path_items(view):
        for _, parts, op in path_operations(item):
            if parts[0] not in ("query", "additionalOperations"):
                continue
            try:
                operation.model_validate(op)
            except pydantic.ValidationError as exc:
                yield [*item_parts, *parts], exc.errors()[0]


def replaced(data: dict[str, Any], changes: list[tuple[Parts, Any]]) -> dict[str, Any]:
    """``data`` with the value at each parts replaced, copying only the nodes on the way."""
    if not changes:
        return data
    out = dict(data)
    for parts, value in changes:
        node: Any = out
        original: Any = data
        for part in parts[:-1]:
            original = original[part]
            child = node[part]
            if child is original:  # not copied yet
                child = dict(child) if isinstance(child, dict) else list(child)
                node[part] = child
            node = child
        node[parts[-1]] = value
    return out


def _path_items(data: dict[str, Any]) -> Iterator[tuple[Parts, dict[str, Any]]]:
    for section in ("paths", "webhooks"):
        items = data.get(section)
        if isinstance(items, dict):
            for key, item in items.items():
                if isinstance(item, dict):
                    yield [section, key], item
    items = (data.get("components") or {}).get("pathItems")
    if isinstance(items, dict):
        for key, item in items.items():
            if isinstance(item, dict):
                yield ["components", "pathItems", key], item


def _responses(op: dict[str, Any]) -> Iterator[dict[str, Any]]:
    responses = op.get("responses")
    if isinstance(responses, dict):
        for response in responses.values():
            if isinstance(response, dict) and "$ref" not in response:
                yield response


def resolve_self(data: dict[str, Any], warnings: list[str]) -> None:
    """Read every ``$ref`` against the document's ``$self`` (its own URI, OpenAPI 3.2): a
    reference to the document itself becomes a local one (``#/...``), one to a file in
    ``$self``'s folder the relative reference to that file beside the spec. Others stay as
    written (the bundler refuses a URL, naming it)."""
    own = data.get("$self")
    if not isinstance(own, str) or not own:
        return
    if "#" in own:
        warnings.append("#/$self: a $self with a fragment is not a base URI; ignored")
        return
    folder = own.rsplit("/", 1)[0] + "/"
    stack: list[tuple[Any, str]] = [(data, "root")]
    while stack:
        node, kind = stack.pop()
        if kind == "data":
            continue
        if isinstance(node, list):
            stack.extend((v, member_kind(kind, i)) for i, v in enumerate(node))
            continue
        if not isinstance(node, dict):
            continue
        ref = node.get("$ref")
        if isinstance(ref, str) and not ref.startswith("#"):
            target, _, fragment = urljoin(own, ref).partition("#")
            if target == own:
                node["$ref"] = "#" + fragment
            elif target.startswith(folder):
                node["$ref"] = target[len(folder) :] + ("#" + fragment if fragment else "")
        stack.extend((v, member_kind(kind, k)) for k, v in node.items())


# OpenAPI 3.2 keywords the client has no use for, by the kind of object they sit in: each is
# named once in a warning, with how many places use it (never dropped silently).
_UNREAD: dict[str, tuple[str, ...]] = {
    "mediatype": ("itemEncoding", "prefixEncoding"),
    "encoding": ("encoding", "itemEncoding", "prefixEncoding"),
    "example": ("serializedValue",),
    "response": ("summary",),
    "discriminator": ("defaultMapping",),
}


def unread_keywords(data: dict[str, Any]) -> list[str]:
    """Warnings for the 3.2 keywords of ``data`` the generated client does not use."""
    found: dict[str, list[Parts]] = {}
    stack: list[tuple[Any, Parts, str]] = [(data, [], "root")]
    while stack:
        node, parts, kind = stack.pop()
        if kind == "data":
            continue
        if isinstance(node, list):
            stack.extend((v, [*parts, i], member_kind(kind, i)) for i, v in enumerate(node))
            continue
        if not isinstance(node, dict):
            continue
        for key in _UNREAD.get(kind, ()):
            if key in node:
                found.setdefault(f"{kind} {key}", []).append([*parts, key])
        if kind == "schema" and isinstance(node.get("xml"), dict) and "nodeType" in node["xml"]:
            found.setdefault("xml nodeType", []).append([*parts, "xml", "nodeType"])
        stack.extend((v, [*parts, k], member_kind(kind, k)) for k, v in node.items())
    for parts, server in _servers(data):
        if "name" in server:
            found.setdefault("server name", []).append([*parts, "name"])
    schemes = (data.get("components") or {}).get("securitySchemes")
    for key, scheme in (schemes if isinstance(schemes, dict) else {}).items():
        for word in ("oauth2MetadataUrl", "deprecated"):
            if isinstance(scheme, dict) and word in scheme:
                where: Parts = ["components", "securitySchemes", key, word]
                found.setdefault(f"security scheme {word}", []).append(where)
    warnings = []
    for what, places in sorted(found.items(), key=lambda kv: pointer(*kv[1][0])):
        more = f" (and {len(places) - 1} more)" if len(places) > 1 else ""
        warnings.append(
            f"#{pointer(*places[0])}: the {what} (OpenAPI 3.2) is not used by the client{more}"
        )
    return warnings


def _servers(data: dict[str, Any]) -> Iterator[tuple[Parts, dict[str, Any]]]:
    places: list[tuple[Parts, Any]] = [(["servers"], data.get("servers"))]
    for item_parts, item in _path_items(data):
        places.append(([*item_parts, "servers"], item.get("servers")))
        for _, parts, op in path_operations(item):
            places.append(([*item_parts, *parts, "servers"], op.get("servers")))
    for parts, servers in places:
        for i, server in enumerate(servers if isinstance(servers, list) else []):
            if isinstance(server, dict):
                yield [*parts, i], server

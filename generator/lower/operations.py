"""Paths → operations: which operations, their method names, servers, and their parts."""

from __future__ import annotations

import difflib
import re
from dataclasses import replace
from typing import Any

from generator import naming
from generator.errors import GeneratorError, join, unescape
from generator.ir import Operation
from generator.lower.bodies import body
from generator.lower.parameters import name_parameters, parameters, raw_parameters
from generator.lower.reserved import CLIENT_NAMES, OPERATIONS_MODULE_NAMES, OPTIONS_ARG
from generator.lower.responses import error_responses, response
from generator.lower.schemas import Schemas
from generator.lower.spec_examples import response_examples
from generator.lower.streams import stream_response
from generator.oas32 import path_operations
from generator.text import html_to_text


def normalize_operation_id(operation_id: str) -> str:
    """Operation IDs match case-insensitively and ignoring ``_``: ``post_account_links``,
    ``PostAccountLinks`` and ``postaccountlinks`` are one operation."""
    return operation_id.replace("_", "").casefold()


def operations(s: Schemas, wanted_ids: tuple[str, ...], file: str) -> list[Operation]:
    """The operations of the document (only ``wanted_ids`` when given), paths sorted."""
    wanted = {normalize_operation_id(o): o for o in wanted_ids}
    found: set[str] = set()
    known: list[str] = []
    raw: list[tuple[str, str, list[str | int], dict[str, Any], dict[str, Any]]] = []
    paths = s.spec.paths
    newer = s.spec.newer
    for path in sorted(paths):
        item, _ = s.resolver.deref(paths[path], join("/paths", path))
        for method, parts, op in path_operations(item, newer):
            op_id = str(op.get("operationId") or f"{method.lower()}_{path}")
            known.append(op_id)
            if wanted:
                norm = normalize_operation_id(op_id)
                if norm not in wanted:
                    continue
                found.add(norm)
            raw.append((path, method, parts, op, item))
    missing = [o for n, o in wanted.items() if n not in found]
    if missing:
        raise GeneratorError(unknown_operations(missing, known), file=file)
    ids = [str(op.get("operationId") or f"{m.lower()}_{p}") for p, m, _, op, _ in raw]
    py_names = naming.uniquify(
        [naming.identifier(naming.snake(i) or "call", CLIENT_NAMES) for i in ids]
    )
    first_at: dict[str, str] = {}
    for (path, _, parts, op, _), py in zip(raw, py_names, strict=True):
        if "operationId" not in op:
            continue
        where = join("/paths", path, *parts)
        earlier = first_at.setdefault(str(op["operationId"]), where)
        if earlier != where:
            s.warn(
                join(where, "operationId"),
                f"operationId {op['operationId']!r} is also used at #{earlier}/operationId;"
                f" this operation's method is named {py}: give each operation its own"
                " operationId in the spec to choose the names",
            )
    ops = [
        _operation(s, path, method, join("/paths", path, *parts), op, item, py)
        for (path, method, parts, op, item), py in zip(raw, py_names, strict=True)
    ]
    _warn_path_keys(s, [op for op in ops if op.fixed_query], "a query string", _QUERY_NOTE)
    odd = [op for op, (path, *_) in zip(ops, raw, strict=True) if "#" in path]
    _warn_path_keys(s, odd, "a fragment", _FRAGMENT_NOTE)
    # Distinct method names can share a constant (class_2 and class__2); _operations.py
    # also binds names of its own.
    consts = naming.uniquify([op.const_name for op in ops], OPERATIONS_MODULE_NAMES)
    return [replace(op, const_name=c) for op, c in zip(ops, consts, strict=True)]


def _operation(
    s: Schemas,
    path: str,
    method: str,
    where: str,
    op: dict[str, Any],
    item: dict[str, Any],
    py_name: str,
) -> Operation:
    """``method`` as sent (``GET``, ``QUERY``, an ``additionalOperations`` key as written)."""
    op_id = str(op.get("operationId") or py_name)
    type_prefix = naming.pascal(op_id) or naming.pascal(py_name)
    owner = py_name  # module of the params package for this operation's inline types
    raw = bind_path_template(
        s, path, where, op_id, raw_parameters(s, item, op, join("/paths", path), where)
    )
    params = parameters(s, raw, type_prefix, owner)
    request_body = body(s, op, method.lower(), where, type_prefix, owner, params)
    params = name_parameters(params)
    params.sort(key=lambda p: not p.required)  # stable: spec order within each group
    servers = server_urls(op.get("servers") or item.get("servers"))
    base = server_urls(s.spec.servers)
    server = servers[0] if servers and (not base or servers[0] != base[0]) else None
    clean, fixed_query = split_path_key(path)
    success = response(s, op, where, type_prefix, raw)
    return Operation(
        operation_id=op_id,
        py_name=py_name,
        const_name=naming.constant(py_name),
        method=method,
        path=clean,
        fixed_query=fixed_query,
        where=where,
        summary=html_to_text(str(op.get("summary", ""))),
        description=html_to_text(str(op.get("description", ""))),
        description_source=str(op.get("description", "")),
        parameters=tuple(params),
        body=request_body,
        response=success,
        stream=stream_response(s, op, where, type_prefix, success, params),
        server=server,
        # A spec parameter keeps its name; the options keyword then takes a suffix.
        options_arg=naming.uniquify([OPTIONS_ARG], [p.py_name for p in params])[0],
        deprecated=bool(op.get("deprecated")),
        tags=tuple(str(t) for t in op.get("tags", []) or []),
        errors=() if s.profile.raw_error_body else error_responses(s, op, where, type_prefix),
        response_examples=response_examples(s, op, where),
    )


def unknown_operations(missing: list[str], known: list[str]) -> str:
    """What --operation named that the spec lacks: the nearest IDs, then the known ones."""
    by_norm = {normalize_operation_id(k): k for k in known}
    parts = []
    for name in sorted(missing):
        near = difflib.get_close_matches(normalize_operation_id(name), list(by_norm), n=3)
        hint = f" (did you mean {', '.join(by_norm[n] for n in near)}?)" if near else ""
        parts.append(f"{name}{hint}")
    shown = sorted(dict.fromkeys(known), key=str.casefold)
    listing = ", ".join(shown[:KNOWN_SHOWN])
    if len(shown) > KNOWN_SHOWN:
        listing += f", ... ({len(shown) - KNOWN_SHOWN} more: the package's docs/README.md lists all)"
    return (
        f"no operation with ID {'; '.join(parts)} (IDs match ignoring case and '_'); the spec's"
        f" operations: {listing or 'none'}"
    )


KNOWN_SHOWN = 30  # IDs listed in an unknown-operation error; Stripe has 468
# A template expression as specs write them ({id}, {bookId}, {account-id}); text such as
# {% raw %} in a literal segment is not one.
_TEMPLATE_NAME = re.compile(r"\{([A-Za-z0-9_.$-]+)\}")


def bind_path_template(
    s: Schemas, path: str, where: str, op_id: str, raw: list[tuple[dict[str, Any], str]]
) -> list[tuple[dict[str, Any], str]]:
    """Every name in the path template gets a path parameter, so a value is never dropped.

    The fix-ups, each a warning that says what to change in the spec: a parameter whose name
    differs from the template's only in case is sent under the template's spelling ({bookId}
    with a parameter ``bookid``); a template name with no such parameter becomes a required
    string parameter of its own.
    """
    template = _TEMPLATE_NAME.findall(path)
    declared = [str(n.get("name")) for n, _ in raw if n.get("in") == "path"]
    bound = {name: name for name in template if name in declared}
    for name in template:
        if name in bound:
            continue
        alike = [d for d in declared if d.casefold() == name.casefold() and d not in template]
        listed = ", ".join(repr(d) for d in declared) or "none"
        if len(alike) == 1:
            bound[name] = alike[0]
            s.warn(
                where,
                f"operation {op_id}: the path template {path} names {{{name}}}, but the path"
                f" parameter is named {alike[0]!r} (path parameters: {listed}); it is sent as"
                f" {{{name}}}: rename the parameter {name!r} in the spec to match",
            )
        else:
            s.warn(
                where,
                f"operation {op_id}: the path template {path} names {{{name}}}, but no path"
                f" parameter is named so (path parameters: {listed}); the method takes a"
                f" required str {name!r}: declare it in the spec (in: path, required: true)",
            )
    renamed = {
        declared_name: name for name, declared_name in bound.items() if name != declared_name
    }
    fixed = [
        (
            ({**node, "name": renamed[str(node.get("name"))]}, pwhere)
            if node.get("in") == "path" and str(node.get("name")) in renamed
            else (node, pwhere)
        )
        for node, pwhere in raw
    ]
    fixed += [
        (
            {
                "name": name,
                "in": "path",
                "required": True,
                "schema": {"type": "string"},
            },
            where,
        )
        for name in dict.fromkeys(template)
        if name not in bound
    ]
    return fixed


def spec_operation(s: Schemas, op: Operation) -> dict[str, Any]:
    """The operation object ``op`` was built from, by its pointer: ``/paths/<key>/<method>``
    or ``/paths/<key>/additionalOperations/<method>``, the key as written (``op.path`` has no
    ``?query`` or ``#fragment``), the path item possibly a ``$ref``."""
    _, _, key, *rest = [unescape(p) for p in op.where.split("/")]
    node: Any = s.resolver.deref(s.spec.paths.get(key) or {}, "")[0]
    for part in rest:
        node = node.get(part) if isinstance(node, dict) else None
    found, _ = s.resolver.deref(node, op.where) if isinstance(node, dict) else ({}, "")
    return found if isinstance(found, dict) else {}


def split_path_key(key: str) -> tuple[str, str]:
    """A path key's path and the query it carries; a ``#fragment`` (some specs tell operations
    apart with one) is no part of a URL sent, so it is dropped."""
    key = key.split("#", 1)[0]
    path, _, query = key.partition("?")
    return path, query


_QUERY_NOTE = (
    "its parameters are sent with every call, before the caller's (a name given replaces it)"
)
_FRAGMENT_NOTE = "the fragment only tells operations apart and is not sent"


def _warn_path_keys(s: Schemas, ops: list[Operation], what: str, note: str) -> None:
    """One warning per spec for path keys carrying ``what``, naming the first."""
    if ops:
        more = f" (and {len(ops) - 1} more)" if len(ops) > 1 else ""
        s.warn(ops[0].where, f"a path key with {what}{more}: {note}")


def server_urls(servers: Any) -> list[str]:
    """Server URLs with their variables at their defaults, without a trailing slash."""
    urls: list[str] = []
    for server in servers or []:
        if not isinstance(server, dict) or "url" not in server:
            continue
        url = str(server["url"])
        for var, spec in (server.get("variables") or {}).items():
            url = url.replace("{" + var + "}", str((spec or {}).get("default", "")))
        urls.append(url.rstrip("/"))
    return urls

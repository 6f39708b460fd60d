"""Paths → operations: which operations, their method names, servers, and their parts."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from generator import naming
from generator.build.bodies import body
from generator.build.parameters import name_parameters, parameters, raw_parameters
from generator.build.reserved import CLIENT_NAMES, OPERATIONS_MODULE_NAMES, OPTIONS_ARG
from generator.build.responses import error_responses, response
from generator.build.schemas import Schemas
from generator.build.streams import stream_answer
from generator.errors import GeneratorError, join
from generator.ir import Operation
from generator.oas32 import is_3_2, path_operations
from generator.text import html_to_text


def normalize_operation_id(operation_id: str) -> str:
    """Operation IDs match case-insensitively and ignoring ``_``: ``post_account_links``,
    ``PostAccountLinks`` and ``postaccountlinks`` are one operation."""
    return operation_id.replace("_", "").casefold()


def operations(s: Schemas, wanted_ids: tuple[str, ...], file: str) -> list[Operation]:
    """The operations of the document (only ``wanted_ids`` when given), paths sorted."""
    wanted = {normalize_operation_id(o): o for o in wanted_ids}
    found: set[str] = set()
    raw: list[tuple[str, str, list[str | int], dict[str, Any], dict[str, Any]]] = []
    paths = s.data.get("paths") or {}
    newer = is_3_2(s.data)
    for path in sorted(paths):
        item, _ = s.resolver.deref(paths[path], join("/paths", path))
        for method, parts, op in path_operations(item, newer):
            op_id = str(op.get("operationId") or f"{method.lower()}_{path}")
            if wanted:
                norm = normalize_operation_id(op_id)
                if norm not in wanted:
                    continue
                found.add(norm)
            raw.append((path, method, parts, op, item))
    missing = [o for n, o in wanted.items() if n not in found]
    if missing:
        raise GeneratorError(
            f"no operation with ID {', '.join(sorted(missing))} (IDs match ignoring case and '_')",
            file=file,
        )
    ids = [str(op.get("operationId") or f"{m.lower()}_{p}") for p, m, _, op, _ in raw]
    py_names = naming.uniquify(
        [naming.identifier(naming.snake(i) or "call", CLIENT_NAMES) for i in ids]
    )
    ops = [
        _operation(s, path, method, join("/paths", path, *parts), op, item, py)
        for (path, method, parts, op, item), py in zip(raw, py_names, strict=True)
    ]
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
    raw = raw_parameters(s, item, op, join("/paths", path), where)
    params = parameters(s, raw, type_prefix, owner)
    request_body = body(s, op, method.lower(), where, type_prefix, owner, params)
    params = name_parameters(params)
    params.sort(key=lambda p: not p.required)  # stable: spec order within each group
    servers = server_urls(op.get("servers") or item.get("servers"))
    base = server_urls(s.data.get("servers"))
    server = servers[0] if servers and (not base or servers[0] != base[0]) else None
    answer = response(s, op, where, type_prefix, raw)
    return Operation(
        operation_id=op_id,
        py_name=py_name,
        const_name=naming.constant(py_name),
        method=method,
        path=path,
        where=where,
        summary=html_to_text(str(op.get("summary", ""))),
        description=html_to_text(str(op.get("description", ""))),
        description_source=str(op.get("description", "")),
        parameters=tuple(params),
        body=request_body,
        response=answer,
        stream=stream_answer(s, op, where, type_prefix, answer, params),
        server=server,
        # A spec parameter keeps its name; the options keyword then takes a suffix.
        options_arg=naming.uniquify([OPTIONS_ARG], [p.py_name for p in params])[0],
        deprecated=bool(op.get("deprecated")),
        tags=tuple(str(t) for t in op.get("tags", []) or []),
        errors=(
            ()
            if s.profile.raw_error_body
            else error_responses(s, op, where, type_prefix)
        ),
    )


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

"""The try-it command line's table: ``_commands.json`` in every generated package.

What ``templates/runtime/_cli.py`` needs to build an argparse parser for one operation, check
the values given and call the client: names, places, types, enums, required marks, defaults and
descriptions, all from the IR. JSON, not a Python module: only ``python -m <package>`` reads it
(``import <package>`` never does), it needs no formatting, and ``--help`` reads it in
milliseconds. One line per operation and per TypedDict, so a spec change shows up as a small
diff.

Types are written as: ``"str"``, ``"int"``, ``"float"``, ``"bool"``, ``"any"``, ``"none"``,
``"bytes"``, ``"file"``, ``{"enum": [...], "open": bool}``, ``{"list": T}``, ``{"map": T}``,
``{"union": [T, ...]}`` and ``{"dict": "TypedDictName"}``.
"""

from __future__ import annotations

import json
from typing import Any

from generator.ir import (
    Api,
    ListOf,
    Lit,
    MapOf,
    ModelRef,
    Operation,
    Parameter,
    ParamsRef,
    Prim,
    TypeRef,
    UnionOf,
)
from generator.primitives import primitive
from generator.resources import client_surface
from generator.surface import Surface

FILE = "_commands.json"


def command_name(op: Operation, surface: Surface | None = None) -> str:
    """The operation as a command: the kebab-case of its method name, or with a resource
    surface its access path as words (``customers payment-methods retrieve``)."""
    if surface is not None and op.operation_id in surface.where:
        return " ".join(part.replace("_", "-") for part in surface.where[op.operation_id])
    return op.py_name.replace("_", "-")


def command_table(api: Api) -> str:
    head: dict[str, Any] = {
        "title": api.title,
        "version": api.version,
        "client": api.profile.client_class,
        "credential_envs": [c.env for c in api.credentials],
        "base_url_env": api.profile.base_url_env,
    }
    call_options = dict(api.profile.client_headers)
    if api.profile.idempotency_header:
        call_options["idempotency_key"] = api.profile.idempotency_header
    if call_options:
        head["call_options"] = call_options
    surface = client_surface(api)
    ops = [
        f"{_dump(command_name(op))}: {_dump(_operation(op, surface))}" for op in api.operations
    ]
    types = [
        f"{_dump(p.name)}: {_dump([[f.wire_name, _type(f.type), f.required] for f in p.fields])}"
        for p in api.params_types
    ]
    lines = ["{", f'"api": {_dump(head)},', '"operations": {']
    lines.append(",\n".join(ops))
    if surface is not None:  # resource commands, each naming the operation's flat command
        aliases = [
            f"{_dump(command_name(op, surface))}: {_dump(command_name(op))}"
            for op in api.operations
        ]
        lines += ["},", '"aliases": {', ",\n".join(aliases)]
    lines += ["},", '"types": {', ",\n".join(types), "}", "}"]
    return "\n".join(lines) + "\n"


def _operation(op: Operation, surface: Surface | None) -> dict[str, Any]:
    out: dict[str, Any] = {
        "method": op.py_name,
        **({"access": surface.access(op)} if surface else {}),  # what snippets spell
        "const": op.const_name,
        "http": f"{op.method} {op.path}",
        "summary": op.summary,
        "description": op.description if op.description != op.summary else "",
        "deprecated": op.deprecated,
        "params": [_parameter(p) for p in op.parameters],
    }
    if op.paging is not None:
        out["pages"] = op.paging.style
    if op.options_arg != "request_options":
        out["options_arg"] = op.options_arg
    return out


def _parameter(p: Parameter) -> dict[str, Any]:
    out: dict[str, Any] = {
        "name": p.py_name,
        "wire": p.wire_name,
        "in": p.location,
        "type": _type(p.type),
        "required": p.required,
        "help": p.summary,
    }
    if p.default is not None:
        out["default"] = p.default.value
    if p.deprecated:
        out["deprecated"] = p.deprecated
    return out


def _type(t: TypeRef) -> Any:
    if isinstance(t, Prim):
        return primitive(t.name).command
    if isinstance(t, Lit):
        # lenient: the API takes values beyond the listed ones (x-stripeBypassValidation)
        return {"enum": list(t.values), "open": t.open or t.lenient}
    if isinstance(t, ListOf):
        return {"list": _type(t.item)}
    if isinstance(t, MapOf):
        return {"map": _type(t.value)}
    if isinstance(t, UnionOf):
        return {"union": [_type(m) for m in t.members]}
    if isinstance(t, ParamsRef):
        return {"dict": t.name}
    if isinstance(t, ModelRef):  # not met on the request side; send what is given
        return "any"
    raise TypeError(f"unknown IR type {t!r}")


def _dump(value: Any) -> str:
    return json.dumps(value, separators=(",", ":"))  # ASCII: spec text may hold lone surrogates

"""What the page's form means, before anything is sent: the request and the Python snippet.

``preview`` turns the form's values into typed arguments (``fields.coerce``), encodes the
request with the generated client's own encoder (``templates/runtime/_encode.py``, loaded by
path), writes the snippet with the one snippet builder (``generator.snippets``) and checks the
request with the gateway's validator, exactly as the gateway will check it when it is sent.
Pure: no I/O, no upstream call.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from generator import runtime
from generator.explorer.fields import coerce
from generator.gateway.forms import FormError, Problem, decode, parse_pairs
from generator.gateway.validate import validate
from generator.ir import Api, Operation
from generator.snippets import snippet_for

FORM = "application/x-www-form-urlencoded"


@dataclass(frozen=True)
class Preview:
    method: str
    target: str  # path and query string, relative to the gateway's root
    headers: dict[str, str]  # what the request sends besides the gateway's Authorization
    body: str | None
    snippet: str
    problems: list[Problem] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        return {
            "method": self.method,
            "target": self.target,
            "headers": self.headers,
            "body": self.body,
            "snippet": self.snippet,
            "problems": [{"param": p.param, "message": p.message} for p in self.problems],
        }


def preview(
    api: Api, op: Operation, values: Mapping[str, Any], *, package: str, base_url: str | None
) -> Preview:
    """The request ``op`` sends for the form's ``values`` (keyed by Python keyword; nested
    objects by wire name) and the snippet that sends it."""
    types = {t.name: t for t in api.params_types}
    args = {
        p.py_name: coerce(types, p.type, values[p.py_name])
        for p in op.parameters
        if values.get(p.py_name) is not None
    }
    encoder = runtime.load("_encode")
    path = op.path
    given: dict[str, dict[str, Any]] = {"path": {}, "query": {}, "header": {}, "body": {}}
    whole: Any = None
    for p in op.parameters:
        if p.py_name not in args:
            continue
        value = args[p.py_name]
        if p.location == "path":
            path = path.replace("{" + p.wire_name + "}", encoder.path_segment(value))
            given["path"][p.wire_name] = str(value)
        elif p.location == "body" and not p.wire_name:
            whole = value
        elif p.location in given:
            given[p.location][p.wire_name] = value
    headers = {name: str(value) for name, value in given["header"].items()}
    query = encoder.encode(encoder.flatten(given["query"]))
    body: str | None = None
    problems: list[Problem] = []
    if op.body is not None and op.body.encoding == "form":
        body = encoder.encode(encoder.flatten(given["body"]))
        headers["Content-Type"] = FORM
    elif op.body is not None and op.body.encoding == "json":
        payload = whole if whole is not None else given["body"]
        body = json.dumps(payload, separators=(",", ":"))
        headers["Content-Type"] = "application/json"
    elif op.body is not None:
        problems.append(Problem(None, "file uploads cannot be sent from the explorer"))
    problems += _check(api, op, given["path"], query, headers, body)
    snippet = snippet_for(api, op, args, package=package, base_url=base_url)
    target = path + (f"?{query}" if query else "")
    return Preview(op.method, target, headers, body, snippet, problems)


def _check(
    api: Api,
    op: Operation,
    path: dict[str, Any],
    query: str,
    headers: dict[str, str],
    body: str | None,
) -> list[Problem]:
    """What the gateway will say about this request: the encoded form is decoded back, as the
    gateway decodes what arrives."""
    try:
        decoded_query = decode(parse_pairs(query))
        if op.body is not None and op.body.encoding == "json" and body is not None:
            decoded_body: Any = json.loads(body)
            form = False
        else:
            decoded_body = decode(parse_pairs(body)) if body is not None else None
            form = True
    except FormError as exc:
        return [exc.problem]
    return validate(
        api, op, path=path, query=decoded_query, headers=headers, body=decoded_body, form=form
    )

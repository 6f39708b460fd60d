"""What the page's form means, before anything is sent: the request and the Python snippet.

``preview`` turns the form's values into typed arguments (``fields.coerce``), encodes the
request with the generated client's own encoder (``templates/runtime/_encode.py``, imported as
``generator.templates.runtime._encode``), writes the snippet with the one snippet builder (``generator.snippets``) and checks the
request with the gateway's validator, exactly as the gateway will check it when it is sent.
Pure: no I/O, no upstream call.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from generator.explorer.fields import coerce
from generator.gateway.forms import FormError, Problem, decode, decode_styled, parse_pairs
from generator.gateway.validate import validate
from generator.ir import DEFAULT_STYLE_CODES, Api, Operation
from generator.snippets import snippet_for
from generator.templates.runtime import _encode
from generator.views.operations import body_media_type

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
    args = arguments(api, op, values)
    request = _request(api, op, args)
    problems = list(request.problems)
    problems += _check(api, op, request)
    snippet = snippet_for(api, op, args, package=package, base_url=base_url)
    target = request.path + (f"?{request.query}" if request.query else "")
    return Preview(op.method, target, request.headers, request.body, snippet, problems)


def arguments(api: Api, op: Operation, values: Mapping[str, Any]) -> dict[str, Any]:
    """The client method's keyword arguments for the form's values, in parameter order."""
    types = {t.name: t for t in api.params_types}
    return {
        p.py_name: coerce(types, p.type, values[p.py_name])
        for p in op.parameters
        if values.get(p.py_name) is not None
    }


@dataclass
class _Request:
    path: str
    query: str
    headers: dict[str, str]
    body: str | None
    path_values: dict[str, str] = field(default_factory=dict)  # decoded, for validation
    problems: list[Problem] = field(default_factory=list)


def _request(api: Api, op: Operation, args: Mapping[str, Any]) -> _Request:
    """The request the generated client builds for ``args``: each parameter encoded by the
    runtime's own function for its location and style, placed as ``_base_client`` places it."""
    brackets = api.profile.param_style == "brackets"
    out = _Request(op.path, "", {}, None)
    query: dict[str, Any] = {}  # the profile's bracket style: encoded as a whole
    styled: list[str] = []  # any other style: parameter by parameter
    cookies: list[str] = []
    body: dict[str, Any] = {}
    whole: Any = None
    for p in op.parameters:
        if p.py_name not in args:
            continue
        value = args[p.py_name]
        style = p.style_code if p.style else DEFAULT_STYLE_CODES.get(p.location, "")
        if p.location == "path":
            segment = _encode.path_param(p.wire_name, value, style)
            out.path = out.path.replace("{" + p.wire_name + "}", segment)
            out.path_values[p.wire_name] = _encode.text(value)
        elif p.location == "query" and brackets:
            query[p.wire_name] = value
        elif p.location == "query":
            styled += _encode.query_param(p.wire_name, value, style, p.allow_reserved)
        elif p.location == "header":
            out.headers[p.wire_name] = _encode.header_param(value, style)
        elif p.location == "cookie":
            cookies += _encode.cookie_param(p.wire_name, value, style)
        elif not p.wire_name:
            whole = value
        else:
            body[p.wire_name] = value
    if cookies:
        out.headers["Cookie"] = "; ".join(cookies)
    bracketed = [_encode.encode(_encode.flatten(query))] if query else []
    out.query = "&".join(styled + bracketed)
    encoding = op.body.encoding if op.body is not None else None
    if encoding == "form":
        out.body = _encode.encode(_encode.flatten(body))
        out.headers["Content-Type"] = FORM
    elif encoding == "json":
        payload = whole if whole is not None else body
        out.body = json.dumps(payload, separators=(",", ":"), ensure_ascii=False)
        out.headers["Content-Type"] = body_media_type(op) or "application/json"
    elif encoding is not None and (whole is not None or body):  # files: multipart or raw
        out.problems.append(Problem(None, "file uploads cannot be sent from the explorer"))
    return out


def _check(api: Api, op: Operation, request: _Request) -> list[Problem]:
    """What the gateway will say about this request: the encoded form is decoded back, as the
    gateway decodes what arrives."""
    body = request.body
    try:
        pairs = parse_pairs(request.query)
        brackets = api.profile.param_style == "brackets"
        decoded_query = decode(pairs) if brackets else decode_styled(pairs, op.parameters)
        if op.body is not None and op.body.encoding == "json" and body is not None:
            decoded_body: Any = json.loads(body)
            form = False
        else:
            decoded_body = decode(parse_pairs(body)) if body is not None else None
            form = True
    except FormError as exc:
        return [exc.problem]
    headers = {k: v for k, v in request.headers.items() if k != "Content-Type"}
    return validate(
        api,
        op,
        path=request.path_values,
        query=decoded_query,
        headers=headers,
        body=decoded_body,
        form=form,
    )

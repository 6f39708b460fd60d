"""What the page's form means, before anything is sent: the request and the Python snippet.

``preview`` turns the form's values into typed arguments (``fields.coerce``), places and
encodes the request with the generated client's own functions (``templates/runtime/
_placement.py``), writes the snippet with the one snippet builder (``generator.snippets``) and
checks the request with the gateway's validator, exactly as the gateway will check it.

Pure: no I/O, no upstream call.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from generator.explorer.fields import coerce
from generator.explorer.tabs import cli_for, curl_for
from generator.gateway.forms import (
    FormError,
    Problem,
    Upload,
    decode,
    encode_pairs,
    parse_pairs,
)
from generator.gateway.query import read_query
from generator.gateway.validate import validate
from generator.ir import Api, Operation, Prim, TypeRef, UnionOf
from generator.primitives import primitive
from generator.snippets import snippet_for
from generator.templates.runtime import _placement, _values
from generator.templates.runtime._snippet import Expr
from generator.views.placement import placement


@dataclass(frozen=True)
class Preview:
    method: str
    target: str  # path and query string, relative to the gateway's root
    headers: dict[str, str]  # what the request sends besides the gateway's Authorization
    body: str | None
    snippet: str  # Python, through the generated client
    problems: list[Problem] = field(default_factory=list)
    cli: str = ""  # the generated try-it command line
    curl: str = ""
    # A multipart body: its non-file parts (name, text, content type), to which the page adds
    # its files (form key -> part name); a raw body: the form key of the file that is it.
    parts: list[tuple[str, str, str | None]] | None = None
    files: dict[str, str] = field(default_factory=dict)
    raw: str | None = None

    def as_json(self) -> dict[str, Any]:
        return {
            "method": self.method,
            "target": self.target,
            "headers": self.headers,
            "body": self.body,
            "snippet": self.snippet,
            "snippets": {"python": self.snippet, "cli": self.cli, "curl": self.curl},
            "parts": self.parts,
            "files": self.files,
            "raw": self.raw,
            "problems": [{"param": p.param, "message": p.message} for p in self.problems],
        }


def preview(
    api: Api,
    op: Operation,
    values: Mapping[str, Any],
    *,
    package: str,
    base_url: str | None,
    options: Mapping[str, str] | None = None,
    token: bool = True,
) -> Preview:
    """The request ``op`` sends for the form's ``values`` (keyed by Python keyword; nested
    objects by wire name) and the snippets that send it. ``options`` are the client's
    per-call headers by keyword (the profile's client headers, ``idempotency_key``); ``token``
    whether the gateway wants its token (curl then sends it)."""
    args = arguments(api, op, values)
    files = _take_files(op, args)
    request = _request(api, op, args, files)
    problems = list(request.problems)
    problems += _check(api, op, request)
    chosen = call_options(api, options or {})
    for keyword, value in chosen.items():
        request.headers[_option_headers(api)[keyword]] = value
    opened = {k: Expr(f'open({json.dumps(name)}, "rb")') for k, name in files.items()}
    call = {**args, **opened, **({op.options_arg: chosen} if chosen else {})}
    snippet = snippet_for(api, op, _in_order(op, call), package=package, base_url=base_url)
    target = request.path + (f"?{request.query}" if request.query else "")
    wires = {p.py_name: p.wire_name for p in op.parameters}
    root = base_url or "http://127.0.0.1:8000"
    return Preview(
        op.method,
        target,
        request.headers,
        request.body,
        snippet,
        problems,
        cli=cli_for(
            api,
            op,
            _in_order(op, {**args, **files}),
            package=package,
            base_url=base_url,
            options=chosen,
        ),
        curl=curl_for(
            op.method,
            root + target,
            request.headers,
            request.body,
            token=token,
            parts=request.parts,
            files={wires[k]: name for k, name in files.items()},
        ),
        parts=request.parts,
        files={k: wires[k] for k in files} if request.parts is not None else {},
        raw=next(iter(files), None) if request.parts is None and files else None,
    )


def _take_files(op: Operation, args: dict[str, Any]) -> dict[str, str]:
    """The file fields, taken out of ``args``: each holds the chosen file's name, and the page
    itself sends the file."""
    return {
        p.py_name: args.pop(p.py_name)
        for p in op.parameters
        if is_file(p.type) and isinstance(args.get(p.py_name), str)
    }


def is_file(t: TypeRef) -> bool:
    """Whether a parameter takes a file (alone or beside ``None``)."""
    members = t.members if isinstance(t, UnionOf) else (t,)
    return any(isinstance(m, Prim) and primitive(m.name).input == "file" for m in members)


def _in_order(op: Operation, args: Mapping[str, Any]) -> dict[str, Any]:
    """``args`` in the operation's parameter order (the options argument last)."""
    order = [p.py_name for p in op.parameters] + [op.options_arg]
    return {name: args[name] for name in order if name in args}


def _option_headers(api: Api) -> dict[str, str]:
    """The per-call options that are headers: keyword -> header name."""
    headers = dict(api.profile.client_headers)
    if api.profile.idempotency_header:
        headers["idempotency_key"] = api.profile.idempotency_header
    return headers


def call_options(api: Api, options: Mapping[str, Any]) -> dict[str, str]:
    """The header options the page gave that this API has (empty ones left out)."""
    known = _option_headers(api)
    return {k: v for k, v in options.items() if k in known and isinstance(v, str) and v}


def arguments(api: Api, op: Operation, values: Mapping[str, Any]) -> dict[str, Any]:
    """The client method's keyword arguments for the form's values, in parameter order."""
    return {
        p.py_name: coerce(api, p.type, values[p.py_name])
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
    parts: list[tuple[str, str, str | None]] | None = None  # multipart's non-file parts
    files: dict[str, str] = field(default_factory=dict)  # part (or raw body) -> file name


def _request(
    api: Api, op: Operation, args: Mapping[str, Any], files: Mapping[str, str]
) -> _Request:
    """The request the generated client builds for ``args``: placed and encoded by the
    runtime's own ``place`` and ``body`` (``templates/runtime/_placement.py``). ``files``
    (keyword -> file name) are added by the page."""
    brackets = api.profile.param_style == "brackets"
    placed = _placement.place(placement(op), args, brackets=brackets)
    out = _Request(placed.path, placed.query_string(), dict(placed.headers), None)
    out.path_values = {
        p.wire_name: _values.text(args[p.py_name])
        for p in op.parameters
        if p.location == "path" and args.get(p.py_name) is not None
    }
    if placed.cookies:
        out.headers["Cookie"] = "; ".join(placed.cookies)
    encoded = _placement.body(placement(op), placed)
    if encoded.form is not None:
        out.body = encode_pairs(encoded.form)
    elif encoded.json is not None:
        out.body = json.dumps(encoded.json, separators=(",", ":"), ensure_ascii=False)
    elif encoded.content is not None and op.body is not None and op.body.encoding == "json":
        out.body = encoded.content.decode()  # a +json media type
    elif op.body is not None and op.body.encoding == "multipart":
        out.parts = [
            (name, part[1].decode(), part[2] if len(part) > 2 else None)
            for name, part in encoded.files or []
        ]
    wires = {p.py_name: p.wire_name for p in op.parameters}
    out.files = {wires[k] or "": name for k, name in files.items()}
    if op.body is not None and op.body.encoding == "raw" and files:
        out.headers["Content-Type"] = placement(op).media_type or "application/octet-stream"
    if encoded.content_type is not None:
        out.headers["Content-Type"] = encoded.content_type
    elif encoded.json is not None:
        out.headers["Content-Type"] = "application/json"
    return out


def _check(api: Api, op: Operation, request: _Request) -> list[Problem]:
    """What the gateway will say about this request: the encoded form is decoded back, as the
    gateway decodes what arrives."""
    body = request.body
    try:
        brackets = api.profile.param_style == "brackets"
        decoded_query, _ = read_query(request.query, op, brackets)
        if op.body is not None and op.body.encoding == "json" and body is not None:
            decoded_body: Any = json.loads(body)
            form = False
        elif request.parts is not None:  # multipart: its fields, and the page's files
            decoded_body = decode(
                [(n, v) for n, v, _ in request.parts]
                + [(n, Upload(f)) for n, f in request.files.items()]
            )
            form = True
        elif op.body is not None and op.body.encoding == "raw" and request.files:
            decoded_body, form = Upload(next(iter(request.files.values()))), True
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

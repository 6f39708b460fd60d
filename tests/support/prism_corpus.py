"""Serve corpus documents with Prism and call every operation of their generated clients.

``check_document`` calls each operation twice through the real generated client, over HTTP
to a Prism mock of the same document on 127.0.0.1: once with its required arguments, once
more with its optional query, header and cookie parameters as well. A call is *accepted* when
Prism's request validation finds nothing wrong (no ``sl-violations`` header, no Prism error
response). Prism cannot see an optional parameter that is encoded in the wrong style (a
``form``/``explode: false`` array sent exploded still validates), so every optional parameter
that was sent is also decoded back from the wire by the style rules of the document itself
(read here from the spec, not from the IR) and compared with the value passed.

Prism is given a copy of the document without ``security`` requirements (``prism_copy``):
credentials are not what this harness judges, and without them Prism responds 401 to every
call. The copy also leaves out header parameters named ``Accept``, ``Content-Type`` and
``Authorization``, which OpenAPI says to ignore and Prism validates all the same (an enum of
single media types fails the client's ``Accept`` list). Nothing else is changed.

Hooking in response checks (the "Wire, responses" issue): pass ``response_checks`` to
``check_document``. Each check is called once per call with the ``Call`` (operation, phase,
arguments, the ``httpx`` request and response as sent and received, and the client's return
value or the exception it raised) and returns ``None`` when the response is right or a message
saying what is wrong; messages land in ``DocResult.response_problems``. The same Prism run serves
both sides, so Prism is started once per document.
"""

from __future__ import annotations

import importlib
import json
import re
import threading
from collections.abc import Callable, Iterator, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import httpx
import yaml

from generator.examples import Examples
from generator.ir import Operation, Parameter, Prim

from .corpus import Generated
from .prism_server import run_prism

HTTP_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
PRISM_ERRORS = "https://stoplight.io/prism/errors#"
_IGNORED_HEADERS = frozenset({"accept", "content-type", "authorization"})


@dataclass
class Call:
    """One call of one operation, as the harness made it."""

    operation: Operation
    phase: str  # "required" or "optional" (required plus optional query/header/cookie)
    args: dict[str, Any]
    request: httpx.Request | None = None
    response: httpx.Response | None = None
    result: Any = None  # what the method returned
    error: BaseException | None = None  # what it raised instead

    @property
    def violations(self) -> str | None:
        """Why Prism rejected the request, or None when it accepted it."""
        if self.response is None:
            return f"no response: {self.error!r}"
        found = _request_violations(self.response.headers.get("sl-violations"))
        if found:
            return found
        if self.response.headers.get("content-type", "").startswith("application/problem+json"):
            try:
                body = self.response.json()
            except ValueError:
                return None
            if isinstance(body, dict) and str(body.get("type", "")).startswith(PRISM_ERRORS):
                return f"{self.response.status_code} {body.get('title')}: {body.get('detail')}"
        return None


def _request_violations(header: str | None) -> str | None:
    """Prism's complaints about the request (it also reports its own mock responses that do not
    match the document: those are not the client's doing)."""
    if not header:
        return None
    start = header.find("[")
    try:
        found = json.loads(header[start:]) if start >= 0 else None
    except ValueError:  # "Too many violations! [...": cut short, so read the locations only
        places = re.findall(r'"location":\s*\["(\w+)"', header)
        return header if not places or "request" in places else None
    if not isinstance(found, list):
        return header
    mine = [
        v for v in found if not (isinstance(v, dict) and v.get("location", [""])[0] == "response")
    ]
    return json.dumps(mine) if mine else None


ResponseCheck = Callable[[Call], str | None]


@dataclass
class DocResult:
    name: str
    operations: int
    calls: list[Call] = field(default_factory=list)
    rejected: dict[str, str] = field(default_factory=dict)  # operation ID -> Prism's reason
    checked: int = 0  # optional query/header/cookie parameters decoded back from the wire
    wire_problems: dict[str, list[str]] = field(default_factory=dict)  # operation ID -> what
    response_problems: dict[str, list[str]] = field(default_factory=dict)  # from response_checks

    @property
    def accepted(self) -> int:
        """Operations whose every call Prism accepted and whose optional parameters decoded."""
        bad = set(self.rejected) | set(self.wire_problems)
        return sum(
            1 for op_id in {c.operation.operation_id for c in self.calls} if op_id not in bad
        )

    def row(self, exceptions: int) -> str:
        """``| document | operations | accepted | exceptions | optional parameters checked |``"""
        return (
            f"| {self.name} | {self.operations} | {self.accepted} | {exceptions} | {self.checked} |"
        )


def prism_copy(spec: Path, out: Path) -> Path:
    """The document without its ``security`` requirements (see the module docstring), written
    to ``out`` in its own format."""
    text = spec.read_text(encoding="utf-8")
    data = json.loads(text) if spec.suffix == ".json" else yaml.load(text, Loader=yaml.CSafeLoader)
    data.pop("security", None)
    for item in (data.get("paths") or {}).values():
        if not isinstance(item, dict):
            continue
        _drop_ignored_headers(data, item)
        for method in HTTP_METHODS:
            if isinstance(item.get(method), dict):
                item[method].pop("security", None)
                _drop_ignored_headers(data, item[method])
    if spec.suffix == ".json":
        out.write_text(json.dumps(data), encoding="utf-8")
    else:  # YAML keeps what JSON cannot hold (dates in examples)
        out.write_text(yaml.dump(data, Dumper=yaml.CSafeDumper), encoding="utf-8")
    return out


def _drop_ignored_headers(data: dict[str, Any], node: dict[str, Any]) -> None:
    """Header parameters named Accept, Content-Type or Authorization, which OpenAPI says to
    ignore (the client sets those headers itself): Prism validates them anyway."""
    if isinstance(node.get("parameters"), list):
        node["parameters"] = [
            p
            for p in node["parameters"]
            if not (
                _deref(data, p).get("in") == "header"
                and str(_deref(data, p).get("name")).lower() in _IGNORED_HEADERS
            )
        ]


@contextmanager
def serve_documents(specs: dict[str, Path], workers: int = 3) -> Iterator[dict[str, str]]:
    """Prism serving each document (name -> spec), started ``workers`` at a time; yields
    name -> base URL. Every server is stopped on exit."""
    managers: dict[str, AbstractContextManager[str]] = {n: run_prism(p) for n, p in specs.items()}
    urls: dict[str, str] = {}
    lock = threading.Lock()

    def start(name: str) -> None:
        url = managers[name].__enter__()
        with lock:
            urls[name] = url

    try:
        with ThreadPoolExecutor(max_workers=workers) as pool:
            list(pool.map(start, managers))
        yield urls
    finally:
        for name in list(urls):
            managers[name].__exit__(None, None, None)


def check_document(
    generated: Generated,
    base_url: str,
    response_checks: Sequence[ResponseCheck] = (),
    extra_args: Mapping[str, Mapping[str, Any]] | None = None,
) -> DocResult:
    """Call every operation of the generated client against Prism at ``base_url``.

    ``extra_args``: operation ID -> {wire name: value} added to both calls of that operation,
    for the few that cannot be made with their required arguments alone (say why where you
    pass them)."""
    api = generated.api
    package = importlib.import_module(generated.package)
    spec = _load(generated.spec)
    sent: list[httpx.Request] = []
    received: list[httpx.Response] = []

    def on_request(request: httpx.Request) -> None:
        request.read()  # multipart bodies are streams: buffer them to inspect later
        sent.append(request)

    def on_response(response: httpx.Response) -> None:
        response.read()
        received.append(response)

    http = httpx.Client(
        event_hooks={"request": [on_request], "response": [on_response]}, timeout=30
    )
    client = getattr(package, api.profile.client_class)(
        base_url=base_url, http_client=http, max_retries=0
    )
    examples = Examples(api)
    result = DocResult(generated.name, len(api.operations))
    try:
        for op in api.operations:
            required = {name: _sendable(op, name, v) for name, v in examples.args(op).items()}
            required.update(body_example(spec, op))
            by_wire = {p.wire_name: p.py_name for p in op.parameters}
            extra = (extra_args or {}).get(op.operation_id, {})
            required.update({by_wire[wire]: value for wire, value in extra.items()})
            for p in op.parameters:
                if p.required and p.location in ("path", "query", "header", "cookie"):
                    required[p.py_name] = sample(spec, spec_parameter(spec, op, p).get("schema"))
            optional = {
                p.py_name: sample(spec, spec_parameter(spec, op, p).get("schema"))
                for p in op.parameters
                if not p.required and p.location in ("query", "header", "cookie")
            }
            phases = [("required", required)]
            if optional:
                phases.append(("optional", {**required, **optional}))
            for phase, args in phases:
                sent.clear()
                received.clear()
                call = Call(op, phase, args)
                try:
                    call.result = getattr(client, op.py_name)(**args)
                except Exception as exc:  # judged below: Prism's verdict, then the response checks
                    call.error = exc
                call.request = sent[-1] if sent else None
                call.response = received[-1] if received else None
                result.calls.append(call)
                reason = call.violations
                if reason is not None:
                    result.rejected.setdefault(op.operation_id, f"{phase}: {reason}")
                if phase == "optional" and call.request is not None:
                    result.checked += len(optional)
                    problems = wire_problems(spec, op, optional, call.request)
                    if problems:
                        result.wire_problems[op.operation_id] = problems
                for check in response_checks:
                    message = check(call)
                    if message:
                        result.response_problems.setdefault(op.operation_id, []).append(message)
    finally:
        http.close()
    return result


def _sendable(op: Operation, name: str, value: Any) -> Any:
    """A raw body needs content, not the example of its schema."""
    param = next(p for p in op.parameters if p.py_name == name)
    if param.type == Prim("RawContent") and not isinstance(value, bytes | str):
        return b"example"
    return value


def body_example(spec: dict[str, Any], op: Operation) -> dict[str, Any]:
    """Arguments for a JSON body from the request example the document gives, else made from
    its schema: better values than the IR can make up (formats of array items, patterns)."""
    if op.body is None or op.body.encoding != "json":
        return {}
    raw = _deref(spec, spec["paths"][op.path][op.method.lower()].get("requestBody") or {})
    media = (raw.get("content") or {}).get(op.body.media_type) or {}
    if "example" in media:
        example = media["example"]
    elif media.get("examples"):
        example = _deref(spec, next(iter(media["examples"].values()))).get("value")
    else:
        example = sample(spec, media.get("schema"), required_only=True)
    whole = next((p for p in op.parameters if p.location == "body" and not p.wire_name), None)
    if whole is not None:
        return {whole.py_name: example}
    if not isinstance(example, dict):
        return {}
    by_wire = {p.wire_name: p.py_name for p in op.parameters if p.location == "body"}
    return {by_wire[k]: v for k, v in example.items() if k in by_wire}


_FORMATS = {
    "date-time": "2024-01-01T00:00:00Z",
    "date": "2024-01-01",
    "email": "jenny@example.com",
    "uuid": "123e4567-e89b-12d3-a456-426614174000",
    "uri": "https://example.com/x",
    "url": "https://example.com/x",
    "ipv4": "192.0.2.1",
    "ipv6": "2001:db8::1",
    "hostname": "example.com",
}


def sample(spec: dict[str, Any], schema: Any, depth: int = 0, required_only: bool = False) -> Any:
    """A value for a schema, read from the document itself: its example, enum or default, else
    one made from type and format (arrays of two items, so an exploded array shows up as a
    repeated key; objects with only their required properties when ``required_only``). The IR
    has no ranges, patterns or examples of array items, hence this."""
    node = _merged(spec, schema)
    given = [node.get("example"), node.get("default")]
    if isinstance(node.get("examples"), list) and node["examples"]:
        given.append(node["examples"][0])
    for value in given:
        if value is not None and _fits(node.get("type"), value):
            return value
    if node.get("enum"):
        return next((v for v in node["enum"] if v not in (None, "")), node["enum"][0])
    if "const" in node:
        return node["const"]
    for key in ("oneOf", "anyOf"):
        members = [_merged(spec, m) for m in node.get(key) or []]
        members = [m for m in members if m.get("type") != "null"]
        if members:
            return sample(spec, _one_of(members), depth, required_only)
    kind = node.get("type")
    if isinstance(kind, list):
        kind = next((k for k in kind if k != "null"), "string")
    if kind == "array" or "items" in node:
        item = _deref(spec, node.get("items") or {})
        values = [v for v in item.get("enum") or [] if v not in (None, "")]
        if len(values) >= 2:
            return values[:2]
        return [sample(spec, item, depth + 1, required_only) for _ in range(2)]
    if kind == "object" or "properties" in node:
        if depth > (8 if required_only else 2):
            return {}
        props = node.get("properties") or {}
        if required_only:
            wanted = set(node.get("required") or [])
            props = {k: v for k, v in props.items() if k in wanted}
            return {k: sample(spec, v, depth + 1, True) for k, v in props.items()}
        return {k: sample(spec, v, depth + 1) for k, v in props.items()} or {"key": "value"}
    if kind == "integer":
        return max(1, int(node.get("minimum", 1)))
    if kind == "number":
        return max(1.5, float(node.get("minimum", 1.5)))
    if kind == "boolean":
        return True
    alternatives = re.fullmatch(r"\^?\(?([\w-]+(?:\|[\w-]+)*)\)?\$?", node.get("pattern", ""))
    if alternatives:  # a pattern that lists the allowed words: the first of them
        return alternatives.group(1).split("|")[0]
    text = _FORMATS.get(str(node.get("format")), "example")
    text = text.ljust(int(node.get("minLength", 0)), "0")
    return text[: int(node["maxLength"])] if "maxLength" in node else text


def _fits(kind: Any, value: Any) -> bool:
    """Whether an example or default has its schema's type (some documents give an integer
    the default ``"null"``, or a string an example that is a number)."""
    kinds = set(kind) if isinstance(kind, list) else {kind}
    if None in kinds or ("null" in kinds and value is None):
        return True
    checks = {
        "string": lambda v: isinstance(v, str),
        "integer": lambda v: isinstance(v, int) and not isinstance(v, bool),
        "number": lambda v: isinstance(v, int | float) and not isinstance(v, bool),
        "boolean": lambda v: isinstance(v, bool),
        "array": lambda v: isinstance(v, list),
        "object": lambda v: isinstance(v, dict),
    }
    return any(checks.get(k, lambda v: True)(value) for k in kinds if k != "null")


def _merged(spec: dict[str, Any], schema: Any) -> dict[str, Any]:
    """A schema with its ``allOf`` members merged in (properties and required lists)."""
    node = _deref(spec, schema) if isinstance(schema, dict) else {}
    if not node.get("allOf"):
        return node
    merged: dict[str, Any] = {k: v for k, v in node.items() if k != "allOf"}
    for member in (_merged(spec, m) for m in node["allOf"]):
        for key, value in member.items():
            if key == "properties":  # a property both sides describe must meet both
                mine = merged.get("properties", {})
                merged["properties"] = {
                    **mine,
                    **{k: {"allOf": [mine[k], v]} if k in mine else v for k, v in value.items()},
                }
            elif key == "required":
                merged["required"] = [*merged.get("required", []), *value]
            else:
                merged.setdefault(key, value)
    return merged


def _one_of(members: list[dict[str, Any]]) -> dict[str, Any]:
    """The member a value should be made for so that it matches that member alone: one whose
    required properties include no other member's (JSON Schema validators ignore the
    discriminator, and members often differ only in what they require)."""
    required = [set(m.get("required") or []) for m in members]
    for i, mine in enumerate(required):
        if all(not other or not other <= mine for j, other in enumerate(required) if j != i):
            return members[i]
    return members[0]


def _load(spec: Path) -> dict[str, Any]:
    text = spec.read_text(encoding="utf-8")
    data = json.loads(text) if spec.suffix == ".json" else yaml.load(text, Loader=yaml.CSafeLoader)
    assert isinstance(data, dict)
    return data


# Decoding what went over the wire, by the document's own style rules ----------------------
def spec_parameter(spec: dict[str, Any], op: Operation, param: Parameter) -> dict[str, Any]:
    """The parameter object the document declares for ``param`` (``$ref`` followed)."""
    item = spec["paths"][op.path]
    nodes = [*(item.get("parameters") or []), *(item[op.method.lower()].get("parameters") or [])]
    for node in reversed(nodes):  # the operation's own win over the path item's
        node = _deref(spec, node)
        if node.get("name") == param.wire_name and node.get("in") == param.location:
            return node
    raise KeyError(f"{op.operation_id}: no parameter {param.wire_name!r} in {param.location}")


def _deref(spec: dict[str, Any], node: Any) -> dict[str, Any]:
    while isinstance(node, dict) and "$ref" in node:
        target: Any = spec
        for part in node["$ref"].removeprefix("#/").split("/"):
            target = target[part.replace("~1", "/").replace("~0", "~")]
        node = target
    assert isinstance(node, dict)
    return node


def wire_problems(
    spec: dict[str, Any], op: Operation, optional: dict[str, Any], request: httpx.Request
) -> list[str]:
    """Optional parameters that did not arrive as their style says they should."""
    problems = []
    query = [
        (unquote(k), unquote(v))
        for k, _, v in (piece.partition("=") for piece in request.url.query.decode().split("&"))
        if k
    ]
    cookies = [
        (k.strip(), unquote(v))
        for k, _, v in (c.partition("=") for c in request.headers.get("cookie", "").split(";"))
        if k.strip()
    ]
    for param in (p for p in op.parameters if p.py_name in optional):
        node = spec_parameter(spec, op, param)
        default_style = {"query": "form", "cookie": "form", "header": "simple"}[param.location]
        style = node.get("style", default_style)
        explode = node.get("explode", style == "form")
        value = optional[param.py_name]
        if param.location == "header":
            raw = request.headers.get(param.wire_name)
            got = None if raw is None else _decode_simple(raw, value, explode)
        else:
            pairs = query if param.location == "query" else cookies
            got = _decode_pairs(param.wire_name, pairs, value, style, explode)
        if got != expected(value):
            problems.append(
                f"{param.location} {param.wire_name!r} ({style}, explode={explode}): "
                f"sent {value!r}, the wire says {got!r}"
            )
    return problems


def expected(value: Any) -> Any:
    """A value as text, the way a server reads it back: scalars as strings, ``true``/``false``."""
    if isinstance(value, dict):
        return {str(k): expected(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [expected(v) for v in value]
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _decode_simple(raw: str, like: Any, explode: bool) -> Any:
    if isinstance(like, list | tuple):
        return raw.split(",")
    if isinstance(like, dict):
        if explode:
            return dict(part.split("=", 1) for part in raw.split(","))
        items = raw.split(",")
        return dict(zip(items[::2], items[1::2], strict=True))
    return raw


def _decode_pairs(
    name: str, pairs: list[tuple[str, str]], like: Any, style: str, explode: bool
) -> Any:
    if style == "deepObject":
        prefix = name + "["
        return {k[len(prefix) : -1]: v for k, v in pairs if k.startswith(prefix)} or None
    mine = [v for k, v in pairs if k == name]
    if isinstance(like, dict) and explode and style == "form":
        return {k: v for k, v in pairs if k in like} or None
    if not mine:
        return None
    if isinstance(like, list | tuple | dict):
        if explode and style == "form":
            items = mine
        else:
            sep = {"spaceDelimited": " ", "pipeDelimited": "|"}.get(style, ",")
            items = mine[0].split(sep)
        if isinstance(like, dict):
            return dict(zip(items[::2], items[1::2], strict=True))
        return items
    return mine[0]

"""Exercise a generated package in a fresh interpreter: ``python generated_check.py PLAN.json``.

The plan (JSON) says where the package is and what to try:

``{"root": DIR, "package": NAME, "client": CLASS (optional), "recursion_limit": N (optional),
   "roundtrips": [[MODEL, PAYLOAD], ...],
   "calls": [{"method": NAME, "kwargs": {...}, "response": JSON, "expect": {...}}, ...]}``

Every module is imported and every model (and named response type) is built, since models defer
building their validators until first use. Each round-trip payload must come back exactly from
``Model.model_validate(payload).model_dump(mode="json", by_alias=True, exclude_unset=True)``.
Each call goes through the sync client to an in-memory transport; ``expect`` lists what the
request must carry: ``method``, ``path`` or ``path_prefix`` (raw, percent-encoded), ``query``
(decoded pairs), ``headers`` (a subset, names case-insensitive), ``json`` (the body) and
``form`` (decoded pairs).

Prints one line per finding and exits 1 when something is wrong; prints ``ok`` otherwise.
"""

from __future__ import annotations

import importlib
import json
import pkgutil
import sys
from typing import Any
from urllib.parse import parse_qsl


def main(plan_path: str) -> int:
    with open(plan_path, encoding="utf-8") as fh:
        plan = json.load(fh)
    if plan.get("recursion_limit"):
        sys.setrecursionlimit(plan["recursion_limit"])
    sys.path.insert(0, plan["root"])
    package = importlib.import_module(plan["package"])
    problems: list[str] = []
    modules = [package]
    for info in pkgutil.walk_packages(package.__path__, plan["package"] + "."):
        modules.append(importlib.import_module(info.name))
    problems += build_everything(package, modules)
    for name, payload in plan.get("roundtrips", []):
        problems += roundtrip(package, name, payload)
    for call in plan.get("calls", []):
        problems += check_call(package, plan.get("client") or client_class(package), call)
    for line in problems:
        print(line)
    if not problems:
        print(f"ok: {len(modules)} modules")
    return 1 if problems else 0


def build_everything(package: Any, modules: list[Any]) -> list[str]:
    """Build every deferred validator, as a first use would: a broken annotation shows up here.

    (Not ``model_rebuild(force=True)``: that resolves names in the caller's frame too.)
    """
    import pydantic

    problems = []
    for module in modules:
        for attr, value in vars(module).items():
            if not (isinstance(value, type) and issubclass(value, pydantic.BaseModel)):
                continue
            if value.__module__ != module.__name__:
                continue
            try:
                value.model_validate({})
            except Exception as exc:  # report every broken model, not just the first
                problems.append(f"{module.__name__}.{attr}: {type(exc).__name__}: {exc}")
    for name in getattr(package, "_LAZY", {}):  # named response types that are not classes
        try:
            value = getattr(package, name)
            if not isinstance(value, type):
                pydantic.TypeAdapter(value)
        except Exception as exc:
            problems.append(f"{package.__name__}.{name}: {type(exc).__name__}: {exc}")
    return problems


def roundtrip(package: Any, name: str, payload: Any) -> list[str]:
    model = getattr(package, name)
    try:
        instance = model.model_validate(payload)
        dumped = instance.model_dump(mode="json", by_alias=True, exclude_unset=True)
    except Exception as exc:
        return [f"round-trip {name}: {type(exc).__name__}: {exc}"]
    if dumped != payload:
        return [f"round-trip {name}: {json.dumps(dumped)} != {json.dumps(payload)}"]
    # Models keep unknown keys, so a key that missed its field would still come back: every
    # key of the payload must have landed in a declared field.
    missed = sorted(_extra_keys(instance, name))
    if missed:
        return [f"round-trip {name}: not matched to any field: {missed}"]
    return []


def _extra_keys(value: Any, where: str) -> list[str]:
    from pydantic import BaseModel

    found: list[str] = []
    if isinstance(value, BaseModel):
        found += [f"{where}.{key}" for key in value.model_extra or {}]
        for field in type(value).model_fields:
            found += _extra_keys(getattr(value, field), f"{where}.{field}")
    elif isinstance(value, list):
        for i, item in enumerate(value):
            found += _extra_keys(item, f"{where}[{i}]")
    elif isinstance(value, dict):
        for key, item in value.items():
            found += _extra_keys(item, f"{where}[{key!r}]")
    return found


def client_class(package: Any) -> str:
    """The name of the package's synchronous client class."""
    base = importlib.import_module(package.__name__ + "._base_client").SyncBaseClient
    client = importlib.import_module(package.__name__ + "._client")
    (name,) = [
        n
        for n, v in vars(client).items()
        if isinstance(v, type) and issubclass(v, base) and v.__module__ == client.__name__
    ]
    return name


def check_call(package: Any, client_class: str, call: dict[str, Any]) -> list[str]:
    import httpx

    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        # Response in the first type asked for, as a server would (JSON unless told otherwise).
        media = request.headers.get("accept", "application/json").split(",")[0].strip()
        if media == "application/json" or media.endswith("+json") or media == "*/*":
            media = "application/json" if media == "*/*" else media
            return httpx.Response(200, json=call.get("response", {}), headers={"Content-Type": media})
        return httpx.Response(200, content=b"<ok/>", headers={"Content-Type": media})

    http = httpx.Client(transport=httpx.MockTransport(handler))
    client = getattr(package, client_class)(
        api_key="k", base_url="http://test.invalid", http_client=http
    )
    label = f"call {call['method']}"
    try:
        getattr(client, call["method"])(**call.get("kwargs", {}))
    except Exception as exc:
        return [f"{label}: {type(exc).__name__}: {exc}"]
    if len(seen) != 1:
        return [f"{label}: {len(seen)} requests sent"]
    request = seen[0]
    expect = call.get("expect", {})
    problems = []
    if "method" in expect and request.method != expect["method"]:
        problems.append(f"{label}: method {request.method}")
    path = request.url.raw_path.split(b"?")[0].decode()
    if "path" in expect and path != expect["path"]:
        problems.append(f"{label}: path {path!r} != {expect['path']!r}")
    if "path_prefix" in expect and not path.startswith(expect["path_prefix"]):
        problems.append(f"{label}: path {path!r} does not start with {expect['path_prefix']!r}")
    if "query" in expect:
        query = parse_qsl(request.url.query.decode(), keep_blank_values=True)
        if sorted(query) != sorted(map(tuple, expect["query"])):
            problems.append(f"{label}: query {query} != {expect['query']}")
    for header, value in expect.get("headers", {}).items():
        if request.headers.get(header) != value:
            problems.append(f"{label}: header {header!r} is {request.headers.get(header)!r}")
    if "json" in expect and json.loads(request.content or b"null") != expect["json"]:
        problems.append(f"{label}: json body {request.content!r} != {expect['json']!r}")
    if "form" in expect:
        form = parse_qsl(request.content.decode(), keep_blank_values=True)
        if sorted(form) != sorted(map(tuple, expect["form"])):
            problems.append(f"{label}: form body {form} != {expect['form']}")
    return problems


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))

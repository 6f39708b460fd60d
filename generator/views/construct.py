"""How to construct an API's client, in words: the opening section of a package's docs/README.md
(credentials and how each is sent, base URL, timeouts, retries, errors, paging)."""

from __future__ import annotations

import ast
import re
from functools import cache
from typing import Any

from generator.ir import Api, Credential
from generator.paths import templates_root


def sent_as(c: Credential) -> str:
    """Where a credential argument's value goes on the wire, in Markdown."""
    if c.kind == "bearer":
        return "`Authorization: Bearer <token>`"
    if c.kind == "basic":
        return f"HTTP basic auth ({'user name' if c.name == 'username' else 'password'})"
    return f"the `{c.name}` {c.kind}" + (" parameter (masked in logs)" if c.kind == "query" else "")


def _seconds(value: float | None) -> str:
    return "no limit" if value is None else f"{value:g} s"


@cache
def runtime_defaults() -> tuple[float | None, float | None, int]:
    """The runtime's default read and connect timeouts and retries, read from ``_base_client``'s
    source: importing it would import httpx and build the runtime's pydantic models, about a
    fifth of a second of every generation, for three numbers (a test holds them to the import)."""
    source = (templates_root() / "runtime" / "_base_client.py").read_text(encoding="utf-8")
    found = {
        m["name"]: ast.parse(m["value"], mode="eval").body
        for m in re.finditer(r"^(?P<name>DEFAULT_\w+) = (?P<value>.+)$", source, re.MULTILINE)
    }
    timeout, retries = found["DEFAULT_TIMEOUT"], found["DEFAULT_MAX_RETRIES"]
    # httpx.Timeout(all, connect=..., read=...): keywords override the positional default
    assert isinstance(timeout, ast.Call)
    default = ast.literal_eval(timeout.args[0]) if timeout.args else None
    given = {k.arg: ast.literal_eval(k.value) for k in timeout.keywords}
    return given.get("read", default), given.get("connect", default), int(ast.literal_eval(retries))


def construct_view(api: Api, import_name: str) -> dict[str, Any]:
    """What the README's "Constructing the client" section needs, computed from the IR."""
    client = api.profile.client_class
    creds = list(api.credentials)
    if len(creds) == 1:
        example = f'{client}("...")'
    elif creds:
        example = f"{client}({', '.join(f'{c.argument}=...' for c in creds)})"
    else:
        example = f"{client}()"
    read, connect, retries = runtime_defaults()
    paged = [op.py_name for op in api.operations if op.paging]
    return {
        "client": client,
        "async_client": api.profile.async_client_class,
        "import_name": import_name,
        "example": example,
        "credentials": [(c.argument, sent_as(c), c.env) for c in creds],
        "base_url": api.base_url,
        "timeout": _seconds(read),
        "connect_timeout": _seconds(connect),
        "max_retries": retries,
        "idempotency_header": api.profile.idempotency_header,
        "headers": [(keyword, header) for keyword, header in api.profile.client_headers],
        "error_base": api.profile.error_base,
        "paging": _paging_line(paged),
    }


def _paging_line(paged: list[str]) -> str:
    """The "Paging:" item (two lines, as the list lays it out), or "" when nothing pages."""
    if not paged:
        return ""
    names = ", ".join(f"`{name}`" for name in paged[:3]) + (", ..." if len(paged) > 3 else "")
    verb = "operation returns" if len(paged) == 1 else "operations return"
    return f"{len(paged)} {verb} a page you can iterate over for every item\n  ({names})."

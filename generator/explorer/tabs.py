"""The explorer's other two ways to make the call: the generated try-it command line and curl.

Both are written from what the preview computed (the typed arguments, the placed request), so
they send what Send sends. Neither ever holds a secret: the command line reads the gateway
token from the variable the client reads its key from, curl from ``$GATEWAY_TOKEN``.
"""

from __future__ import annotations

import json
import shlex
from collections.abc import Mapping
from typing import Any

from generator.commands import command_name
from generator.ir import Api, Operation
from generator.templates.runtime import _values
from generator.templates.runtime._cli import call_option_names, option_names

TOKEN_ENV = "GATEWAY_TOKEN"  # what the curl snippet and the docs call the gateway token


def cli_for(
    api: Api,
    op: Operation,
    args: Mapping[str, Any],
    *,
    package: str,
    base_url: str | None,
    options: Mapping[str, str] | None = None,
) -> str:
    """``python -m <package> <command> --option value ...`` for ``args``: scalars as text,
    lists of scalars as the option repeated, anything else as JSON (which every option
    takes)."""
    param_options = option_names([p.py_name for p in op.parameters])
    words = ["python", "-m", package, command_name(op)]
    for p in op.parameters:
        if p.py_name not in args:
            continue
        value = args[p.py_name]
        option = param_options[p.py_name]
        if isinstance(value, list) and all(not isinstance(v, dict | list) for v in value):
            for item in value:
                words += [option, _values.text(item)]
        elif isinstance(value, dict | list):
            words += [option, json.dumps(value, ensure_ascii=False, separators=(",", ":"))]
        else:
            words += [option, _values.text(value)]
    chosen = options or {}
    for keyword, option in call_option_names(chosen, param_options.values()).items():
        words += [option, chosen[keyword]]
    if base_url is not None:
        words += ["--base-url", base_url]
    envs = [c.env for c in api.credentials]
    prefix = " ".join(f'{env}="${TOKEN_ENV}"' for env in envs)
    return _lines(prefix, words)


def curl_for(
    method: str,
    url: str,
    headers: Mapping[str, str],
    body: str | None,
    *,
    token: bool,
    parts: list[tuple[str, str, str | None]] | None = None,
    files: Mapping[str, str] | None = None,
) -> str:
    """curl sending the previewed request to the gateway, with the token by reference: a
    multipart body as ``-F`` parts (its files by name, from the current folder), a raw body
    from its file."""
    words = ["curl", "-g", "-X", method, url]  # -g: brackets in a query are not a glob
    head = []
    if token:
        head.append(f'-H "Authorization: Bearer ${TOKEN_ENV}"')
    for name, value in headers.items():
        head.append("-H " + shlex.quote(f"{name}: {value}"))
    lines = [" ".join(shlex.quote(w) for w in words), *head]
    if body is not None:
        lines.append("--data-binary " + shlex.quote(body))
    if parts is not None:
        for name, value, media in parts:
            typed = f";type={media}" if media else ""
            lines.append(
                "--form-string " + shlex.quote(f"{name}={value}")
                if not typed
                else "-F " + shlex.quote(f"{name}={value}{typed}")
            )
        lines += ["-F " + shlex.quote(f"{name}=@{file}") for name, file in (files or {}).items()]
    elif files:
        lines.append("--data-binary " + shlex.quote("@" + next(iter(files.values()))))
    return " \\\n  ".join(lines) + "\n"


def _lines(prefix: str, words: list[str]) -> str:
    """A shell command, one option (and its value) per line."""
    quoted = [shlex.quote(w) for w in words]
    head = " ".join(([prefix] if prefix else []) + quoted[:4])
    rest = []
    i = 4
    while i < len(quoted):
        if quoted[i].startswith("--") and i + 1 < len(quoted):
            rest.append(f"{quoted[i]} {quoted[i + 1]}")
            i += 2
        else:
            rest.append(quoted[i])
            i += 1
    return " \\\n  ".join([head, *rest]) + "\n"

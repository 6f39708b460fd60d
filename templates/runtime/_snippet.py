"""Python source that makes one call with this client: the one snippet builder.

The operation pages of the docs, the command line's ``--print-snippet`` and the API explorer all
call ``snippet`` (the generator loads this file by path; generated packages carry a copy), so a
snippet is written in exactly one place. Standard library only.

The output is laid out the way black (at its default line length) lays it out: the call's
keyword arguments one per line with a trailing comma, nested lists and dicts on one line where
they fit and one item per line (trailing comma) where they do not, strings in double quotes
unless that needs more escapes.
"""

from __future__ import annotations

import math
import unicodedata
from collections.abc import Mapping, Sequence
from typing import Any

LINE_LENGTH = 88  # black's default
_INDENT = "    "


class Expr(str):
    """Source text put into a snippet as it is, e.g. ``Expr('open("a.pdf", "rb")')``."""

    __slots__ = ()


def snippet(
    package: str,
    client_class: str,
    method: str,
    args: Mapping[str, Any],
    *,
    base_url: str | None = None,
    env_vars: Sequence[str] = (),
) -> str:
    """A runnable Python program that calls ``method`` with ``args`` and prints the response.

    Args:
        package: The import path of the generated package, e.g. ``"generated.stripe"``.
        client_class: The client's class name, e.g. ``"StripeClient"``.
        method: The client method (the operation's Python name), e.g. ``"post_account_links"``.
        args: Keyword arguments by the method's Python keyword names, in the order to print
            them; values are JSON-like data (str, int, float, bool, None, lists, tuples, dicts),
            bytes, or ``Expr`` for source text.
        base_url: Passed to the client when given (a gateway or a local server).
        env_vars: Environment variables the client reads its credentials from; named in a
            comment, since the client reads them itself and the snippet never holds a secret.
    """
    lines = [f"from {package} import {client_class}", ""]
    if env_vars:
        names = ", ".join(env_vars)
        lines.append(f"# The client reads its credentials from {names}.")
    client_args = {"base_url": base_url} if base_url is not None else {}
    lines.append(_call(f"client = {client_class}", client_args, explode=False))
    lines.append(_call(f"result = client.{method}", args, explode=True))
    lines.append("print(result)")
    return "\n".join(lines) + "\n"


def literal(value: Any) -> str:
    """``value`` as Python source on one line, spelled as black spells it."""
    return _value(value, "", "", "", flat=True)


def _call(head: str, args: Mapping[str, Any], *, explode: bool) -> str:
    if not args:
        return head + "()"
    one_line = f"{head}({', '.join(f'{k}={literal(v)}' for k, v in args.items())})"
    if not explode and _width(one_line) <= LINE_LENGTH:
        return one_line
    # A trailing comma after the last argument keeps black from joining them again.
    inner = [_INDENT + _value(v, _INDENT, f"{k}=", ",", flat=False) for k, v in args.items()]
    return "\n".join([head + "(", *inner, ")"])


def _value(value: Any, indent: str, prefix: str, suffix: str, *, flat: bool) -> str:
    """``prefix`` + the value + ``suffix``: on one line when that fits after ``indent`` (or
    ``flat`` is asked for), else one item per line, each indented one level deeper."""
    if isinstance(value, Mapping):
        items = [(_value(k, "", "", ": ", flat=True), v) for k, v in value.items()]
        brackets = "{}"
    elif isinstance(value, list | tuple):
        items = [("", v) for v in value]
        brackets = "[]" if isinstance(value, list) else "()"
    else:
        return prefix + _scalar(value) + suffix
    parts = [key + _value(v, "", "", "", flat=True) for key, v in items]
    joined = ", ".join(parts)
    if brackets == "()" and len(parts) == 1:
        joined += ","  # a one-item tuple needs its comma
    one_line = prefix + brackets[0] + joined + brackets[1] + suffix
    if flat or not items or len(indent) + _width(one_line) <= LINE_LENGTH:
        return one_line
    deeper = indent + _INDENT
    inner = [deeper + _value(v, deeper, key, ",", flat=False) for key, v in items]
    return "\n".join([prefix + brackets[0], *inner, indent + brackets[1] + suffix])


def _width(text: str) -> int:
    """Columns the text takes, as black counts them: East Asian wide characters take two."""
    if text.isascii():
        return len(text)
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def _scalar(value: Any) -> str:
    if isinstance(value, Expr):
        return str(value)
    if isinstance(value, str):
        return _string(value)
    if isinstance(value, bytes | bytearray):
        return "b" + _string(bytes(value).decode("latin-1"), as_bytes=True)
    if isinstance(value, float) and not math.isfinite(value):
        return f'float("{value}")'
    if isinstance(value, float):
        return repr(value).replace("e+", "e")  # black writes 1e16, not 1e+16
    if value is None or isinstance(value, bool | int):
        return repr(value)
    raise TypeError(f"a snippet cannot spell a {type(value).__name__}")


def _string(value: str, *, as_bytes: bool = False) -> str:
    """A string literal in double quotes, unless single ones need fewer escapes (black's rule)."""
    text = repr(value.encode("latin-1"))[1:] if as_bytes else repr(value)
    if text[0] == '"':  # repr chose double quotes: the text has ' and no "
        return text
    body = text[1:-1]
    singles, doubles = body.count("\\'"), value.count('"')
    if doubles > singles:
        return text
    return '"' + body.replace("\\'", "'").replace('"', '\\"') + '"'

"""The call a generated method makes into the runtime, as source."""

from __future__ import annotations

from collections.abc import Sequence

from generator import pytypes
from generator.ir import Operation, Parameter
from generator.views.paging import call_method


def call_statement(
    op: Operation, params: Sequence[Parameter], receiver: str, prefix: str = ""
) -> str:
    """A generated method's last line, ``return self._call(_ops.NAME, {...}, request_options)``,
    laid out as black writes it in a method body: the call passes exactly the operation's
    arguments (``params``, in signature order) by name, and its request options apart.

    ``receiver`` is who makes the call (``self``, ``self._client``); ``prefix`` is "async " in
    the async client. Written the way black would, so black formats the method in one pass.
    """
    head = f"return {'await ' if prefix else ''}{receiver}.{call_method(op)}"
    first, last = f"_ops.{op.const_name}", op.options_arg
    pairs = [f"{pytypes.literal(p.py_name)}: {p.py_name}" for p in params]
    args = "{" + ", ".join(pairs) + "}"
    line = f"{_PAD}{head}({first}, {args}, {last})"
    if len(line) <= _WIDTH:
        return line
    inner = _PAD + "    "
    body = f"{inner}{first}, {args}, {last}"
    if len(body) <= _WIDTH:
        return f"{_PAD}{head}(\n{body}\n{_PAD})"
    if len(inner) + len(args) + 1 > _WIDTH:  # one argument a line
        args = "{\n" + "".join(f"{inner}    {p},\n" for p in pairs) + inner + "}"
    return f"{_PAD}{head}(\n{inner}{first},\n{inner}{args},\n{inner}{last},\n{_PAD})"


_PAD = " " * 8  # a method body's indentation
_WIDTH = 100  # black's line length (format.LINE_LENGTH)

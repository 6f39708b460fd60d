"""A generated method as source: its signature (and the overloads of one that streams when
asked), its docstring and its call into the runtime, for the clients and the resource
namespaces alike. Written the way black leaves it, so black formats the module in one pass."""

from __future__ import annotations

from collections.abc import Sequence

from generator import pytypes
from generator.ir import Operation, Parameter
from generator.surface import Method
from generator.views import wrap
from generator.views.calls import call_statement
from generator.views.docstrings import docstring
from generator.views.paging import method_type

_QUOTES = '        """'  # a method docstring's opening and closing line


def client_method(op: Operation, prefix: str) -> str:
    """One method of the flat client (``prefix`` "async " in the async one), without the final
    newline: overloads first for an operation that streams when asked (``stream=True``)."""
    params = op.parameters
    out = []
    if op.stream and op.stream.flag:
        for variant in ("json", "stream"):
            out.append(
                f"    @overload\n{signature(op, op.py_name, prefix, (), params, variant)} ...\n"
            )
    text = "\n".join(out) + ("\n" if out else "")
    paragraphs = []
    if op.summary and op.description and op.description != op.summary:
        paragraphs.append(docstring(op.description, "        ", at=8))
    if op.body and op.body.alternatives:
        media = docstring(op.body.media_type, "        ")
        others = docstring(", ".join(op.body.alternatives), "        ")
        paragraphs.append(f"Sends ``{media}``; the API also accepts {others}.")
    if op.deprecated:
        paragraphs.append("Deprecated.")
    text += signature(op, op.py_name, prefix, (), params) + "\n"
    text += _docstring(op, paragraphs, params)
    return text + call_statement(op, params, "self", prefix)


def resource_method(method: Method, prefix: str) -> str:
    """One method of a resource namespace class, without the final newline: path parameters
    come positionally, and the docstring names the HTTP method and path."""
    op = method.op
    params = method.positional + method.keywords
    where = f"``{op.method} {docstring(op.path, '        ')}``"
    where += " (deprecated)." if op.deprecated else "."
    text = signature(op, method.name, prefix, method.positional, method.keywords) + "\n"
    text += _docstring(op, [where], params if op.parameters else ())
    return text + call_statement(op, params, "self._client", prefix)


def signature(
    op: Operation,
    name: str,
    prefix: str,
    positional: Sequence[Parameter],
    keywords: Sequence[Parameter],
    variant: str = "",
) -> str:
    """``def name(self, ..., *, ..., request_options=None) -> T:`` one parameter a line;
    ``variant`` "json" / "stream" types the stream flag as the overload's ``Literal``."""
    lines = [f"    {prefix}def {name}(", "        self,"]
    lines += [f"        {p.py_name}: {pytypes.request_type(p.type)}," for p in positional]
    lines.append("        *,")
    flag = op.stream.flag if op.stream else None
    for p in keywords:
        if variant and p.py_name == flag:
            typed = "Literal[True]" if variant == "stream" else "Literal[False] | None = None"
            lines.append(f"        {p.py_name}: {typed},")
            continue
        annotation, default = _annotation(p)
        if default is None:
            lines.append(f"        {p.py_name}: {annotation},")
        else:
            lines.append("        " + wrap.annotated(8, p.py_name, annotation, default, comma=True))
    lines.append(f"        {op.options_arg}: RequestOptions | None = None,")
    lines.append(f"    ) -> {method_type(op, prefix, variant)}:")
    return "\n".join(lines)


def _annotation(p: Parameter) -> tuple[str, str | None]:
    """A keyword's annotation and default (None: required): NOT_GIVEN where None would be sent
    as null."""
    typed = pytypes.request_type(p.type)
    if p.required:
        return typed, None
    if p.nullable:
        return pytypes.or_not_given(typed), "NOT_GIVEN"
    return pytypes.or_none(typed), "None"


def _docstring(op: Operation, paragraphs: list[str], params: Sequence[Parameter]) -> str:
    """The method's docstring lines, each ending in a newline: the summary, ``paragraphs``
    after it, and an ``Args:`` entry per parameter."""
    first = op.summary or op.description or op.operation_id
    text = f"{_QUOTES}{docstring(first, '        ', at=11)}\n"
    text += "".join(f"\n        {p}\n" for p in paragraphs)
    if params:
        text += "\n        Args:\n"
        text += "".join(f"            {p.py_name}: {_argument_doc(p)}\n" for p in params)
    return text + _QUOTES + "\n"


def _argument_doc(p: Parameter) -> str:
    deprecated = p.deprecated and not p.description.lower().startswith("deprecated")
    text = ("Deprecated. " if deprecated else "") + p.summary
    return docstring(text, " " * 16, at=14 + len(p.py_name))

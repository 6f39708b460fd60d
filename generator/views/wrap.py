"""Long annotated names laid out as black lays them out, so black need not see them.

A model's field or a method's parameter whose line is too long is the commonest text black
rewrites in a generated package, and the costliest for it (black splits such a line by trying
one split after another, then formats the whole piece a second time). For a union of two or
more members black's choice is fixed: a statement whose ``name: annotation = (`` fits is split
after the ``=``; otherwise the annotation goes into parentheses on lines of its own, one line if
it fits, else a member a line (``| member``), and a member still too long is split at its
subscript: the items on one line if they fit, else one a line with a trailing comma.
``annotated`` writes exactly that (``annotated_key`` for a name with no value); any other shape
it leaves on one line, for black.
tests/generator/test_wrap.py holds it to black's own output.
"""

from __future__ import annotations

from generator.format import LINE_LENGTH


def annotated(indent: int, name: str, annotation: str, value: str, comma: bool = False) -> str:
    """``name: annotation = value`` (``,`` after it with ``comma``, as a parameter of an
    exploded ``def``), starting at column ``indent``: continuation lines carry their own
    indent, the first line none."""
    end = "," if comma else ""
    line = f"{name}: {annotation} = {value}{end}"
    if indent + len(line) <= LINE_LENGTH:
        return line
    call = value[: value.find("(") + 1]  # `Field(`, or nothing
    if call and (comma or indent + len(f"{name}: {annotation} = {call}") <= LINE_LENGTH):
        return line  # black splits the call's brackets (views.modules lays that out)
    if not comma and indent + len(f"{name}: {annotation} = (") <= LINE_LENGTH:
        # a statement whose left side fits: black splits after the `=` instead
        if indent + 4 + len(value) > LINE_LENGTH or value.startswith("Field("):
            return line
        return f"{name}: {annotation} = (\n{' ' * (indent + 4)}{value}\n{' ' * indent})"
    members = _split(annotation, "|")
    head, tail = f"{name}: (", f") = {value}{end}"
    if members is None or len(members) < 2 or indent + max(len(head), len(tail)) > LINE_LENGTH:
        return line
    body = _union(members, indent + 4)
    if body is None:
        return line
    return "\n".join([head, *body, " " * indent + tail])


def annotated_key(indent: int, name: str, annotation: str) -> str:
    """``name: annotation`` with no value (a TypedDict key), starting at column ``indent``:
    a union in parentheses as above, one member split at its subscript."""
    line = f"{name}: {annotation}"
    if indent + len(line) <= LINE_LENGTH:
        return line
    members = _split(annotation, "|")
    if members is None:
        return line
    if len(members) == 1:
        split = _member(f"{name}: ", annotation, indent)
        return line if split is None else "\n".join(split)[indent:]
    body = _union(members, indent + 4)
    return line if body is None else "\n".join([f"{name}: (", *body, " " * indent + ")"])


def _union(members: list[str], indent: int) -> list[str] | None:
    pad = " " * indent
    joined = " | ".join(members)
    if indent + len(joined) <= LINE_LENGTH:
        return [pad + joined]
    lines: list[str] = []
    for n, member in enumerate(members):
        split = _member("| " if n else "", member, indent)
        if split is None:
            return None
        lines += split
    return lines


def _member(prefix: str, member: str, indent: int) -> list[str] | None:
    """One member of a union on its line(s); None for a shape left to black."""
    pad = " " * indent
    if indent + len(prefix) + len(member) <= LINE_LENGTH:
        return [pad + prefix + member]
    open_at = member.find("[")
    if (
        open_at < 0
        or not member.endswith("]")
        or not member[:open_at].replace(".", "").isidentifier()
    ):
        return None
    inner = member[open_at + 1 : -1]
    items = _split(inner, ",")
    if items is None:
        return None
    head, close = pad + prefix + member[: open_at + 1], pad + "]"
    inside = " " * (indent + 4)
    if len(items) == 1:  # list[...] and the like: what it holds is a union, or one member
        union = _split(inner, "|")
        body = _union(union, indent + 4) if union is not None else None
        return None if body is None else [head, *body, close]
    joined = inside + ", ".join(items)
    if len(joined) <= LINE_LENGTH:
        return [head, joined, close]
    if any(len(inside) + len(item) + 1 > LINE_LENGTH and "[" in item for item in items):
        return None  # an item black would split again
    return [head, *(f"{inside}{item}," for item in items), close]


def _split(text: str, separator: str) -> list[str] | None:
    """``text`` split at ``separator`` outside brackets and double-quoted strings (``|`` with a
    space either side, ``,`` with one after), or None if it holds a single-quoted string,
    unbalanced brackets or spacing black would change."""
    parts: list[str] = []
    depth, start, at, quoted = 0, 0, 0, False
    while at < len(text):
        char = text[at]
        if quoted:
            if char == "\\":
                at += 1
            elif char == '"':
                quoted = False
        elif char == '"':
            quoted = True
        elif char == "'":
            return None
        elif char in "([{":
            depth += 1
        elif char in ")]}":
            depth -= 1
            if depth < 0:
                return None
        elif depth == 0 and char == separator:
            if separator == "|" and text[at - 1 : at + 2] != " | ":
                return None
            if separator == "," and text[at + 1 : at + 2] != " ":
                return None
            parts.append(text[start:at].strip())
            start = at + 1
        at += 1
    if depth or quoted:
        return None
    parts.append(text[start:].strip())
    return parts if all(parts) else None

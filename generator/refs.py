"""Stage 3: ``$ref`` resolution over the validated document, with errors that name both ends."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import unquote

from generator.errors import GeneratorError, join, pointer

MAX_REF_HOPS = 64
_KINDS = {str: "string", int: "number", float: "number", list: "list", type(None): "null"}


def walk(data: object, fragment: str) -> tuple[Any, str] | None:
    """The node at JSON pointer ``fragment`` in ``data`` and its normalized pointer, or None."""
    node: Any = data
    parts: list[str | int] = []
    for raw in fragment.split("/")[1:]:
        part = raw.replace("~1", "/").replace("~0", "~")
        if isinstance(node, dict) and part in node:
            node = node[part]
            parts.append(part)
        elif isinstance(node, list) and re.fullmatch(r"[0-9]+", part) and int(part) < len(node):
            node = node[int(part)]
            parts.append(int(part))
        else:
            return None
    return node, pointer(*parts)


class Resolver:
    def __init__(self, data: dict[str, Any], file: str) -> None:
        self.data = data
        self.file = file

    def target(self, ref: object, where: str) -> tuple[Any, str]:
        """The node a ``$ref`` at ``where`` points to, and that node's pointer.

        ``where`` is the node holding the ``$ref``; errors name the ``$ref`` itself and the
        target. The fragment is a JSON pointer, percent-decoded when it only matches that way
        (a URI fragment may percent-encode it: ``#/components/schemas/Foo%20Bar``).
        """
        at = join(where, "$ref")
        if not isinstance(ref, str):
            raise GeneratorError(f"malformed $ref {ref!r}: not a string", file=self.file, where=at)
        if not ref.startswith("#"):
            raise GeneratorError(
                f"$ref {ref!r} points outside this document;"
                " only local refs ('#/...') are supported",
                file=self.file,
                where=at,
            )
        fragment = ref[1:]
        if fragment and not fragment.startswith("/"):
            raise GeneratorError(
                f"malformed $ref {ref!r}: not a JSON pointer (it must start with '#/')",
                file=self.file,
                where=at,
            )
        if re.search(r"~(?![01])", fragment):
            raise GeneratorError(
                f"malformed $ref {ref!r}: in a JSON pointer '~' must be followed by 0 or 1",
                file=self.file,
                where=at,
            )
        found = walk(self.data, fragment)
        if found is None and "%" in fragment:
            found = walk(self.data, unquote(fragment))
        if found is None:
            raise GeneratorError(
                f"dangling $ref: target {fragment or '/'} does not exist",
                file=self.file,
                where=at,
            )
        return found

    def deref(self, node: object, where: str) -> tuple[Any, str]:
        """Follow ``$ref`` chains until a node that is not a reference.

        Every place that holds a reference (a schema, parameter, request body, response, path
        item) holds an object, or a boolean schema in OpenAPI 3.1: a reference to a string, a
        number, a list or null is an error at the ``$ref``.
        """
        start = where
        seen = [where]
        while isinstance(node, dict) and "$ref" in node:
            ref_at = where
            node, where = self.target(node["$ref"], where)
            if not isinstance(node, dict | bool):
                kind = _KINDS.get(type(node), type(node).__name__)
                raise GeneratorError(
                    f"$ref {where or '/'} points to a {kind}, not an object",
                    file=self.file,
                    where=join(ref_at, "$ref"),
                )
            if where in seen or len(seen) > MAX_REF_HOPS:
                chain = " -> ".join([*seen[seen.index(where) if where in seen else 0 :], where])
                raise GeneratorError(
                    f"$ref cycle: the reference never reaches a schema ({chain})",
                    file=self.file,
                    where=join(start, "$ref"),
                )
            seen.append(where)
        return node, where

"""Stage 3: ``$ref`` resolution over the validated document, with errors that name both ends."""

from __future__ import annotations

from typing import Any

from generator.errors import GeneratorError, join

MAX_REF_HOPS = 64


class Resolver:
    def __init__(self, data: dict[str, Any], file: str) -> None:
        self.data = data
        self.file = file

    def target(self, ref: Any, where: str) -> tuple[Any, str]:
        """The node a ``$ref`` at ``where`` points to, and that node's pointer."""
        if not isinstance(ref, str):
            raise GeneratorError(
                f"malformed $ref {ref!r}: not a string", file=self.file, where=where
            )
        if not ref.startswith("#"):
            raise GeneratorError(
                f"$ref {ref!r} points outside this document; only local refs ('#/...') are supported",
                file=self.file,
                where=where,
            )
        fragment = ref[1:]
        if fragment and not fragment.startswith("/"):
            raise GeneratorError(
                f"malformed $ref {ref!r}: not a JSON pointer", file=self.file, where=where
            )
        node: Any = self.data
        for raw in fragment.split("/")[1:]:
            part = raw.replace("~1", "/").replace("~0", "~")
            if isinstance(node, dict) and part in node:
                node = node[part]
            elif isinstance(node, list) and part.isdigit() and int(part) < len(node):
                node = node[int(part)]
            else:
                raise GeneratorError(
                    f"dangling $ref: target {fragment or '/'} does not exist",
                    file=self.file,
                    where=join(where, "$ref"),
                )
        return node, fragment

    def deref(self, node: Any, where: str) -> tuple[Any, str]:
        """Follow ``$ref`` chains until a node that is not a reference."""
        hops = 0
        while isinstance(node, dict) and "$ref" in node:
            node, where = self.target(node["$ref"], where)
            hops += 1
            if hops > MAX_REF_HOPS:
                raise GeneratorError(
                    "$ref cycle: a reference resolves to itself", file=self.file, where=where
                )
        return node, where

"""Multi-file specs: relative ``$ref``s to other local files, bundled into one document.

The result is the plain dict every later stage reads, as if the spec had been written in one
file: a schema from another file becomes a component (``#/components/schemas/<name>``, named
after its file or its last pointer segment), so it is one model however many places use it;
anything else from another file (a path item, an operation, a response, a parameter, an example)
is copied in where it is referred to. A ``$ref`` on an operation object (OpenAPI allows none
there, DigitalOcean writes them) is resolved the same way, with a warning.

Nothing is fetched: a ``$ref`` naming a URL, or a file outside the entry file's folder, is
refused, as is a ``$ref`` to a file or a place that does not exist; each error names the file
and the JSON pointer of the ``$ref``.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import unquote

from generator.errors import GeneratorError, join
from generator.kinds import member_kind
from generator.refs import walk

_URL = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:|^//")
# A ``$ref`` whose value does not start with '#': only such documents need bundling.
_EXTERNAL = re.compile(rb"""["']?\$ref["']?\s*:\s*["']?(?!["']?#)""")


def has_external_refs(raw: bytes) -> bool:
    """Whether the file's text may hold a ``$ref`` to another file (a cheap test, no walk)."""
    return _EXTERNAL.search(raw) is not None


Loader = Callable[[Path], tuple[Any, str]]  # a file -> its data and its sha256


class Bundler:
    def __init__(self, entry: Path, data: dict[str, Any], sha256: str, load: Loader) -> None:
        self.entry = entry.resolve()
        self.folder = self.entry.parent
        self.load = load
        self.docs: dict[Path, Any] = {self.entry: data}
        self.hashes: dict[Path, str] = {self.entry: sha256}
        schemas = (data.get("components") or {}).get("schemas") or {}
        self.taken = {str(k) for k in schemas} if isinstance(schemas, dict) else set()
        self.hoisted: dict[tuple[Path, str], str] = {}  # (file, fragment) -> component key
        self.new_schemas: dict[str, Any] = {}
        self.inlining: list[tuple[Path, str]] = []  # non-schema refs being copied in
        self.operation_refs: list[str] = []  # pointers of operations that were $refs
        self.warnings: list[str] = []

    def bundle(self) -> dict[str, Any]:
        data = self.docs[self.entry]
        out: dict[str, Any] = self._copy(data, self.entry, "", "root")
        if self.new_schemas:
            components = dict(out.get("components") or {})
            components["schemas"] = {**(components.get("schemas") or {}), **self.new_schemas}
            out["components"] = components
        if self.operation_refs:
            more = len(self.operation_refs) - 1
            self.warnings.insert(
                0,
                f"#{self.operation_refs[0]}: a $ref on an operation object (OpenAPI allows "
                "none there) was resolved" + (f", as were {more} more like it" if more else ""),
            )
        return out

    def files(self) -> dict[str, str]:
        """Every file read, relative to the entry's folder, with its sha256."""
        return {p.relative_to(self.folder).as_posix(): h for p, h in sorted(self.hashes.items())}

    # Walking -----------------------------------------------------------------------------
    def _copy(self, node: Any, file: Path, where: str, kind: str) -> Any:
        """``node`` (at ``where`` in ``file``) with every reference to another file resolved."""
        if kind == "data":
            return node
        if isinstance(node, list):
            return [
                self._copy(v, file, join(where, i), member_kind(kind, i))
                for i, v in enumerate(node)
            ]
        if not isinstance(node, dict):
            return node
        ref = node.get("$ref")
        if isinstance(ref, str) and (file != self.entry or not ref.startswith("#")):
            return self._resolve(node, ref, file, where, kind)
        if isinstance(ref, str) and kind == "operation":  # a local $ref, still not allowed
            return self._resolve(node, ref, file, where, kind)
        out = {}
        for key, value in node.items():
            if kind == "mapping" and isinstance(value, str):
                out[key] = self._mapping_value(value, file, join(where, key))
                continue
            out[key] = self._copy(value, file, join(where, key), member_kind(kind, key))
        return out

    def _resolve(self, node: dict[str, Any], ref: str, file: Path, where: str, kind: str) -> Any:
        at = join(where, "$ref")
        target_file, fragment = self._locate(ref, file, at)
        siblings = {k: v for k, v in node.items() if k != "$ref"}
        if kind == "schema":
            local = self._schema_ref(target_file, fragment, file, at)
            return {**self._copy(siblings, file, where, "schema"), "$ref": local}
        if kind == "operation":
            self.operation_refs.append(where)
        key = (target_file, fragment)
        if key in self.inlining:
            raise GeneratorError(
                f"$ref cycle: {ref!r} leads back to itself through objects that are not schemas",
                file=str(file),
                where=at,
            )
        target = self._target(target_file, fragment, ref, file, at)
        self.inlining.append(key)
        try:
            copied = self._copy(target, target_file, fragment, kind)
        finally:
            self.inlining.pop()
        if siblings and isinstance(copied, dict):  # siblings override (3.1 path items)
            return {**copied, **self._copy(siblings, file, where, kind)}
        return copied

    def _mapping_value(self, value: str, file: Path, where: str) -> str:
        """A discriminator mapping names a schema by name or by reference; a reference to
        another file becomes the reference to the component it is bundled as."""
        if not ("#" in value or "/" in value or re.search(r"\.(ya?ml|json)$", value)):
            return value  # a schema name
        if file == self.entry and value.startswith("#"):
            return value
        target_file, fragment = self._locate(value, file, where)
        return self._schema_ref(target_file, fragment, file, where)

    def _schema_ref(self, target_file: Path, fragment: str, file: Path, at: str) -> str:
        """The local ``$ref`` of a schema in ``target_file``: hoisted into components once."""
        if target_file == self.entry:
            self._target(target_file, fragment, "#" + fragment, file, at)
            return "#" + fragment
        key = self.hoisted.get((target_file, fragment))
        if key is None:
            target = self._target(target_file, fragment, f"{target_file.name}#{fragment}", file, at)
            key = self._component_key(target_file, fragment)
            self.hoisted[(target_file, fragment)] = key  # before the walk: schemas may recurse
            self.new_schemas[key] = self._copy(target, target_file, fragment, "schema")
        return "#" + join("/components/schemas", key)

    def _component_key(self, file: Path, fragment: str) -> str:
        """A schema from another file is named after its last pointer segment, or its file;
        the first one found keeps the plain name, later ones take ``_2``, ``_3`` ..."""
        last = fragment.rsplit("/", 1)[-1].replace("~1", "/").replace("~0", "~")
        base = last or re.sub(r"\.(ya?ml|json)$", "", file.name, flags=re.I)
        key, n = base, 1
        while key in self.taken:
            n += 1
            key = f"{base}_{n}"
        self.taken.add(key)
        return key

    # Files -------------------------------------------------------------------------------
    def _locate(self, ref: str, file: Path, at: str) -> tuple[Path, str]:
        """The file and the JSON pointer a reference names; refused when it is not local."""
        if _URL.match(ref):
            raise GeneratorError(
                f"$ref {ref!r} names a URL; only files beside the spec are read"
                " (nothing is fetched during generation)",
                file=str(file),
                where=at,
            )
        location, _, fragment = ref.partition("#")
        if fragment and not fragment.startswith("/"):
            raise GeneratorError(
                f"malformed $ref {ref!r}: the part after '#' must be a JSON pointer ('/...')",
                file=str(file),
                where=at,
            )
        if not location:
            return file, fragment
        target = (file.parent / unquote(location)).resolve()
        if not target.is_relative_to(self.folder):
            raise GeneratorError(
                f"$ref {ref!r} leaves the spec's folder ({self.folder}); only files inside it"
                " are read",
                file=str(file),
                where=at,
            )
        return target, fragment

    def _target(self, target_file: Path, fragment: str, ref: str, file: Path, at: str) -> Any:
        data = self._document(target_file, ref, file, at)
        found = walk(data, fragment)
        if found is None and "%" in fragment:
            found = walk(data, unquote(fragment))
        if found is None:
            name = target_file.relative_to(self.folder).as_posix()
            raise GeneratorError(
                f"dangling $ref {ref!r}: {name} has nothing at {fragment or '/'}",
                file=str(file),
                where=at,
            )
        return found[0]

    def _document(self, target_file: Path, ref: str, file: Path, at: str) -> Any:
        if target_file not in self.docs:
            if not target_file.is_file():
                raise GeneratorError(
                    f"$ref {ref!r}: file {target_file.relative_to(self.folder).as_posix()}"
                    " does not exist",
                    file=str(file),
                    where=at,
                )
            self.docs[target_file], self.hashes[target_file] = self.load(target_file)
        return self.docs[target_file]


def combined_sha256(files: dict[str, str]) -> str:
    """One hash over every file of a multi-file spec (names and contents)."""
    digest = hashlib.sha256()
    for name, sha in sorted(files.items()):
        digest.update(f"{name}\0{sha}\n".encode())
    return digest.hexdigest()

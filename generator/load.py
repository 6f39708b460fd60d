"""Stage 1: read a spec file into plain Python data (JSON or YAML), with a cache keyed by content.

YAML parsing dominates regeneration time on big specs (about 2 s for Stripe's even with libyaml),
so the parsed document is cached by the file's sha256; JSON is parsed directly, it is fast.
"""

from __future__ import annotations

import hashlib
import json
import marshal
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from generator import cache
from generator.bundle import Bundler, combined_sha256, has_external_refs
from generator.errors import GeneratorError, pointer
from generator.oas32 import is_3_2, resolve_self

# libyaml's C loader is ~4x faster; fall back to pure Python where PyYAML was built without it.
_YamlBase: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

_CACHE_FORMAT = "2"

# Nesting of mappings and lists a document may have. 200 levels of nested schemas take 400 to
# 600 (a property adds two: ``properties`` and the name); openapi-pydantic stops at about 250
# schema levels anyway. Past this, recursive code further on would fail without a place to name.
MAX_DEPTH = 1000
# Values a document may hold once YAML aliases are expanded (Stripe's full spec: about 100,000).
# An alias may stand for a whole subtree, so a small file can expand to billions ("billion
# laughs"); everything after loading walks the expanded tree.
MAX_VALUES = 5_000_000


class _YamlLoader(_YamlBase):  # type: ignore[misc]
    """YAML read with JSON's data model, which OpenAPI assumes.

    Mapping keys are the text as written: ``200:`` is ``"200"``, ``true:`` is ``"true"`` (YAML
    1.1 would make them an int and a bool, which no OpenAPI object accepts); timestamps stay
    strings (``default: 2024-01-01`` is the string JSON would carry).
    """

    def construct_mapping(self, node: Any, deep: bool = False) -> dict[str, Any]:
        if not isinstance(node, yaml.MappingNode):
            raise yaml.constructor.ConstructorError(
                None, None, f"expected a mapping, found {node.id}", node.start_mark
            )
        self.flatten_mapping(node)  # merge keys (<<: *base)
        mapping: dict[str, Any] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                raise yaml.constructor.ConstructorError(
                    "while reading a mapping",
                    node.start_mark,
                    "found a key that is not a plain value (OpenAPI keys are strings)",
                    key_node.start_mark,
                )
            mapping[str(key_node.value)] = self.construct_object(value_node, deep=deep)
        return mapping


_YamlLoader.add_constructor(
    "tag:yaml.org,2002:timestamp", lambda loader, node: loader.construct_scalar(node)
)


@dataclass(frozen=True)
class Document:
    path: Path
    data: dict[str, Any]
    sha256: str  # of the file; of every file (``bundle.combined_sha256``) for a multi-file spec
    # Every file the document was read from, relative to the entry file's folder -> sha256.
    files: dict[str, str] = field(default_factory=dict)
    # Local defects read around (``#/pointer: message``), from bundling and validation.
    warnings: list[str] = field(default_factory=list)


def load_document(path: Path) -> Document:
    """The spec at ``path``; relative ``$ref``s to other files are bundled in (``bundle``)."""
    raw, digest, data = _load_file(path)
    if not isinstance(data, dict):
        found = "empty" if data is None else f"a {_KINDS.get(type(data), 'value')}"
        raise GeneratorError(
            f"the document is {found}, not a mapping (expected an OpenAPI object)",
            file=str(path),
            where="",
        )
    warnings: list[str] = []
    if is_3_2(data):
        resolve_self(data, warnings)
    if not has_external_refs(raw):
        return Document(
            path=path, data=data, sha256=digest, files={path.name: digest}, warnings=warnings
        )
    bundler = Bundler(path, data, digest, _load_referred)
    data = bundler.bundle()
    files = bundler.files()
    sha = digest if len(files) == 1 else combined_sha256(files)
    return Document(
        path=path, data=data, sha256=sha, files=files, warnings=[*warnings, *bundler.warnings]
    )


def _load_referred(path: Path) -> tuple[Any, str]:
    _, digest, data = _load_file(path)
    return data, digest


def _load_file(path: Path) -> tuple[bytes, str, Any]:
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise GeneratorError(f"cannot read spec: {exc.strerror}", file=str(path)) from None
    digest = hashlib.sha256(raw).hexdigest()
    data = _parse_cached(raw, digest, path)
    check_structure(data, str(path))
    return raw, digest, data


def _parse_cached(raw: bytes, digest: str, path: Path) -> Any:
    if _looks_like_json(raw, path):
        return parse_json(raw, str(path))
    cached = cache.cache_dir() / "documents" / f"{digest}.v{_CACHE_FORMAT}.marshal"
    blob = cache.read(cached)
    if blob is not None:
        try:
            return marshal.loads(blob)
        except (EOFError, ValueError, TypeError):
            pass
    data = parse_yaml(raw, str(path))
    try:
        blob = marshal.dumps(data)
    except ValueError:  # YAML can hold values marshal cannot store (dates); just skip the cache
        return data
    cache.write_quietly(cached, blob)
    return data


def _looks_like_json(raw: bytes, path: Path) -> bool:
    return path.suffix.lower() == ".json" or raw.lstrip()[:1] in (b"{", b"[")


def parse_json(raw: bytes, file: str) -> Any:
    try:
        return json.loads(raw)
    except RecursionError:
        raise GeneratorError(
            f"invalid JSON: nests more than {MAX_DEPTH} levels deep", file=file
        ) from None
    except UnicodeDecodeError as exc:
        raise GeneratorError(f"not UTF-8 text: {exc.reason}", file=file) from None
    except json.JSONDecodeError as exc:
        raise GeneratorError(
            f"invalid JSON at line {exc.lineno}, column {exc.colno}: {exc.msg}", file=file
        ) from None


def parse_yaml(raw: bytes, file: str) -> Any:
    try:
        try:
            return _load_plain(raw)
        except _NotPlain:
            return yaml.load(raw, Loader=_YamlLoader)
    except RecursionError:
        raise GeneratorError(
            f"invalid YAML: nests more than {MAX_DEPTH} levels deep", file=file
        ) from None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        raise GeneratorError(
            f"invalid YAML{where}: {exc.problem or exc.context}", file=file
        ) from None
    except yaml.YAMLError as exc:
        raise GeneratorError(f"invalid YAML: {exc}", file=file) from None


class _NotPlain(Exception):
    """The document uses YAML features the fast path leaves to the full loader."""


_STR_TAG = "tag:yaml.org,2002:str"


# Over 60 lines on purpose: one loop over libyaml's events, run once per event of the file,
# where a helper call per event would spend the speed this loader exists for.
def _load_plain(raw: bytes) -> Any:
    """Build the data straight from libyaml's parser events: about 4x faster than the full
    loader on Stripe's spec, with the same result for documents without anchors, aliases,
    explicit tags or merge keys (those raise ``_NotPlain`` and take the full loader).

    Plain scalars are typed by PyYAML's own resolver and constructors, so ``yes``, ``0x1F`` or
    ``1e3`` mean what they mean to ``yaml.safe_load``; keys and timestamps stay text, as in
    ``_YamlLoader``.
    """
    parser_class = getattr(yaml, "CParser", None) or getattr(yaml.cyaml, "CParser", None)
    if parser_class is None:
        raise _NotPlain
    parser = parser_class(raw)
    resolve: Callable[..., str] = yaml.resolver.Resolver().resolve
    constructor = yaml.SafeLoader("")
    no_key = object()
    containers: list[Any] = []
    keys: list[Any] = []  # per open mapping: the key waiting for its value (or no_key)
    root: Any = None
    events = yaml.events
    try:
        while (event := parser.get_event()) is not None:
            kind = type(event)
            if kind is events.ScalarEvent:
                if event.anchor is not None or (event.tag is not None and event.tag != "!"):
                    raise _NotPlain
                text = event.value
                value: Any = text
                if event.implicit[0] and event.tag is None:
                    tag = resolve(yaml.ScalarNode, text, (True, False))
                    if tag not in (_STR_TAG, "tag:yaml.org,2002:timestamp"):
                        if tag == "tag:yaml.org,2002:merge":
                            raise _NotPlain
                        value = constructor.construct_object(yaml.ScalarNode(tag, text))
                if containers and type(containers[-1]) is dict and keys[-1] is no_key:
                    keys[-1] = text  # a mapping key: its text as written
                    continue
            elif kind is events.MappingStartEvent or kind is events.SequenceStartEvent:
                if event.anchor is not None or (event.tag is not None and event.tag != "!"):
                    raise _NotPlain
                value = {} if kind is events.MappingStartEvent else []
            elif kind is events.MappingEndEvent or kind is events.SequenceEndEvent:
                containers.pop()
                keys.pop()
                continue
            elif kind is events.AliasEvent:
                raise _NotPlain
            elif kind is events.DocumentStartEvent and root is not None:
                raise _NotPlain  # a second document: the full loader refuses it
            else:  # stream and document boundaries
                continue
            if not containers:
                root = value
            elif type(containers[-1]) is list:
                containers[-1].append(value)
            elif keys[-1] is no_key:
                raise _NotPlain  # a mapping or list as a key: let the full loader say so
            else:
                containers[-1][keys[-1]] = value
                keys[-1] = no_key
            if kind is not events.ScalarEvent:
                containers.append(value)
                keys.append(no_key)
    finally:
        parser.dispose()
    return root


# Over 60 lines on purpose: one explicit-stack walk whose frame state (depth, height, size,
# the path's nodes) every branch reads and updates; split up, each node would pay calls that
# pass it around.
def check_structure(data: Any, file: str) -> None:
    """Refuse data later stages cannot walk: a YAML alias inside itself (a cycle), nesting
    deeper than ``MAX_DEPTH``, aliases expanding to more than ``MAX_VALUES`` values, or a
    string holding a lone surrogate (JSON's ``"\\ud800"``), which is not Unicode text.

    One pass over distinct nodes (a shared node is walked once and remembered), without
    recursion; the error names the JSON pointer where the limit was hit.
    """
    done: dict[int, tuple[int, int]] = {}  # finished containers: (height, expanded size)
    on_path: set[int] = set()
    # Frames: [container, its (key, child) pairs, crumb, depth, height, size]. A crumb is
    # (parent crumb, key), turned into a pointer only for an error.
    frames: list[list[Any]] = [[data, _children(data), None, 0, 0, 1]]
    on_path.add(id(data))

    def fail(crumb: Any, message: str) -> GeneratorError:
        parts: list[str | int] = []
        while crumb is not None:
            crumb, key = crumb
            parts.append(key)
        return GeneratorError(message, file=file, where=pointer(*reversed(parts)))

    while frames:
        frame = frames[-1]
        node, children, crumb, depth = frame[0], frame[1], frame[2], frame[3]
        for key, child in children:
            if not isinstance(child, dict | list):
                frame[5] += 1
                if isinstance(child, str) and not child.isascii() and _SURROGATE.search(child):
                    raise fail((crumb, key), _surrogate_message(child))
                if isinstance(key, str) and not key.isascii() and _SURROGATE.search(key):
                    raise fail((crumb, key), _surrogate_message(key))
                continue
            here = (crumb, key)
            if isinstance(key, str) and not key.isascii() and _SURROGATE.search(key):
                raise fail(here, _surrogate_message(key))
            if id(child) in on_path:
                raise fail(here, "a YAML alias refers to a node that contains it (a cycle)")
            if id(child) in done:
                height, size = done[id(child)]
                if depth + 1 + height > MAX_DEPTH:
                    raise fail(here, f"the document nests more than {MAX_DEPTH} levels deep")
                frame[4] = max(frame[4], height + 1)
                frame[5] += size
                continue
            if depth + 1 > MAX_DEPTH:
                raise fail(here, f"the document nests more than {MAX_DEPTH} levels deep")
            on_path.add(id(child))
            frames.append([child, _children(child), here, depth + 1, 0, 1])
            break
        else:
            frames.pop()
            on_path.discard(id(node))
            height, size = frame[4], frame[5]
            if size > MAX_VALUES:
                raise fail(
                    crumb, f"YAML aliases expand this part to more than {MAX_VALUES:,} values"
                )
            done[id(node)] = (height, size)
            if frames:
                parent = frames[-1]
                parent[4] = max(parent[4], height + 1)
                parent[5] += size


_SURROGATE = re.compile("[\ud800-\udfff]")


def _surrogate_message(text: str) -> str:
    found = _SURROGATE.search(text)
    code = ord(found.group()) if found else 0
    return (
        f"a lone surrogate (\\u{code:04x}) is not Unicode text: nothing can send or read it "
        "as UTF-8 (in JSON, write the character itself or a complete surrogate pair)"
    )


_KINDS = {list: "list", str: "string", int: "number", float: "number", bool: "boolean"}


def _children(node: Any) -> Any:
    if isinstance(node, dict):
        return iter(node.items())
    if isinstance(node, list):
        return enumerate(node)
    return iter(())

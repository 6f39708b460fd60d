"""Stage 1: read a spec file into plain Python data (JSON or YAML), with a cache keyed by content.

YAML parsing dominates regeneration time on big specs (about 2 s for Stripe's even with libyaml),
so the parsed document is cached by the file's sha256; JSON is parsed directly, it is fast.
"""

from __future__ import annotations

import hashlib
import json
import marshal
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from generator import cache
from generator.errors import GeneratorError

# libyaml's C loader is ~4x faster; fall back to pure Python where PyYAML was built without it.
_YamlLoader: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

_CACHE_FORMAT = "1"


@dataclass(frozen=True)
class Document:
    path: Path
    data: dict[str, Any]
    sha256: str


def load_document(path: Path) -> Document:
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise GeneratorError(f"cannot read spec: {exc.strerror}", file=str(path)) from None
    digest = hashlib.sha256(raw).hexdigest()
    data = _parse_cached(raw, digest, path)
    if not isinstance(data, dict):
        raise GeneratorError(
            "the document is not a mapping (expected an OpenAPI object)", file=str(path)
        )
    return Document(path=path, data=data, sha256=digest)


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
    except UnicodeDecodeError as exc:
        raise GeneratorError(f"not UTF-8 text: {exc.reason}", file=file) from None
    except json.JSONDecodeError as exc:
        raise GeneratorError(
            f"invalid JSON at line {exc.lineno}, column {exc.colno}: {exc.msg}", file=file
        ) from None


def parse_yaml(raw: bytes, file: str) -> Any:
    try:
        return yaml.load(raw, Loader=_YamlLoader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        raise GeneratorError(
            f"invalid YAML{where}: {exc.problem or exc.context}", file=file
        ) from None
    except yaml.YAMLError as exc:
        raise GeneratorError(f"invalid YAML: {exc}", file=file) from None

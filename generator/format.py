"""Stage 6: black, in-process and pinned, over every generated Python file.

black costs far more than everything else together on big specs, so formatted text is cached
by the hash of its input (plus black's version and mode), and cache misses are formatted in
parallel processes when there are enough of them to pay for the processes.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from importlib.metadata import version

import black
from black.mode import TargetVersion

from generator import cache
from generator.errors import GeneratorError

MODE = black.Mode(target_versions={TargetVersion.PY311}, line_length=100)
BLACK_VERSION = version("black")
_MODE_KEY = f"black {BLACK_VERSION} py311 ll100"
_PARALLEL_MIN_LINES = 20_000  # below this, starting processes costs more than it saves


def format_source(path: str, text: str) -> str:
    try:
        return black.format_str(text, mode=MODE)
    except Exception as exc:  # black raises several types for code it cannot parse
        raise GeneratorError(
            f"internal error: generated code for {path} is not valid Python: {exc}"
        ) from None


def format_files(
    files: dict[str, str], progress: Callable[[str], None] = lambda _: None
) -> dict[str, str]:
    out = dict(files)
    pending: dict[str, tuple[str, str]] = {}  # path -> (cache key, text)
    store = cache.cache_dir() / "black"
    for path, text in files.items():
        if not path.endswith(".py"):
            continue
        key = hashlib.sha256(f"{_MODE_KEY}\0{text}".encode()).hexdigest()
        hit = cache.read(store / key[:2] / key)
        if hit is not None:
            out[path] = hit.decode("utf-8")
        else:
            pending[path] = (key, text)
    if not pending:
        return out
    lines = sum(text.count("\n") for _, text in pending.values())
    progress(f"formatting {len(pending)} files ({lines} lines) with black {BLACK_VERSION}")
    paths = sorted(pending, key=lambda p: -len(pending[p][1]))  # big first: better balance
    texts = [pending[p][1] for p in paths]
    workers = min(os.cpu_count() or 1, 8)
    if lines >= _PARALLEL_MIN_LINES and workers > 1:
        with ProcessPoolExecutor(max_workers=workers) as pool:
            results = list(pool.map(format_source, paths, texts, chunksize=1))
    else:
        results = [format_source(p, t) for p, t in zip(paths, texts, strict=True)]
    for path, formatted in zip(paths, results, strict=True):
        out[path] = formatted
        key = pending[path][0]
        cache.write_quietly(store / key[:2] / key, formatted.encode("utf-8"))
    return out

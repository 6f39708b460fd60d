"""Stage 6: black, in-process and pinned, over every generated Python file.

black costs far more than everything else together on big specs, so formatted text is cached
by the hash of its input (plus black's version and mode), and cache misses are formatted in
parallel processes when there are enough of them to pay for the processes.

Big modules (the clients, the operation table) are formatted in pieces: templates put a
``CHUNK`` line between statements black formats independently (the methods of a class, the
constants of a module), each piece is formatted and cached on its own, and the pieces are
joined with the one blank line black puts there. Changing one operation then re-formats one
method, not a 10,000-line module. Tests check the joined result is black-stable.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable
from functools import cache as once
from typing import TYPE_CHECKING

# black's own record of its version (black/__init__.py reads it from there too): importlib.metadata
# would cost 35 ms of every run, and a run whose output is cached needs the version but not black
import _black_version  # type: ignore[import-untyped]

from generator import cache
from generator.errors import GeneratorError
from generator.text import counted

if TYPE_CHECKING:
    import black

BLACK_VERSION: str = _black_version.version
LINE_LENGTH = 100
_MODE_KEY = f"black {BLACK_VERSION} py311 ll{LINE_LENGTH}"
_PARALLEL_MIN_LINES = 20_000  # below this, starting processes costs more than it saves
CHUNK = "# -- chunk --\n"  # a line of its own in rendered text; never reaches the output
_WRAPPER = "class _Chunk:\n"  # lets black format an indented method on its own


@once
def black_mode() -> black.Mode:
    """black's settings here; black is imported on first use (a tenth of a second that a run
    whose output is cached never spends)."""
    import black
    from black.mode import TargetVersion

    return black.Mode(target_versions={TargetVersion.PY311}, line_length=LINE_LENGTH)


def format_source(path: str, text: str) -> str:
    import black

    try:
        return black.format_str(text, mode=black_mode())
    except Exception as exc:  # black raises several types for code it cannot parse
        raise GeneratorError(
            f"internal error: generated code for {path} is not valid Python: {exc}"
        ) from None


def format_piece(path: str, text: str) -> str:
    """Format one piece: a whole module, or an indented method wrapped in a class for black."""
    if not text.startswith("    "):
        return format_source(path, text)
    return format_source(path, _WRAPPER + text).removeprefix(_WRAPPER)


def format_files(
    files: dict[str, str],
    progress: Callable[[str], None] = lambda _: None,
    pack: cache.Pack | None = None,
) -> dict[str, str]:
    """Every ``.py`` file formatted, piece by piece; ``pack`` holds pieces formatted before."""
    out = dict(files)
    pieces: dict[str, list[str]] = {}  # path -> its pieces, as rendered
    formatted: dict[str, str] = {}  # piece text -> formatted text
    pending: dict[str, tuple[str, str]] = {}  # piece text -> (path, cache key)
    for path, text in files.items():
        if not path.endswith(".py"):
            continue
        pieces[path] = text.split(CHUNK)
        for piece in pieces[path]:
            if piece in formatted or piece in pending:
                continue
            key = hashlib.sha256(f"{_MODE_KEY}\0{piece}".encode()).hexdigest()
            hit = pack.get(key) if pack is not None else None
            if hit is not None:
                formatted[piece] = hit
            else:
                pending[piece] = (path, key)
    if pending:
        lines = sum(piece.count("\n") for piece in pending)
        progress(
            f"formatting {counted(len(pending), 'piece')} ({counted(lines, 'line')}) with black"
            f" {BLACK_VERSION}"
        )
        texts = sorted(pending, key=len, reverse=True)  # big first: better balance
        paths = [pending[t][0] for t in texts]
        workers = min(os.cpu_count() or 1, 8) if lines >= _PARALLEL_MIN_LINES else 1
        for text, result in zip(texts, format_pieces(paths, texts, workers), strict=True):
            formatted[text] = result
            if pack is not None:
                pack.put(pending[text][1], result)
    for path, parts in pieces.items():
        if len(parts) == 1:
            out[path] = formatted[parts[0]]
            continue
        head, *rest = (formatted[p] for p in parts)
        # black puts one blank line between methods of a class and keeps the one we put between
        # top-level constants: join the pieces exactly so
        out[path] = "\n\n".join([head.rstrip("\n"), *(p.strip("\n") for p in rest)]) + "\n"
    return out


def format_pieces(paths: list[str], texts: list[str], workers: int) -> list[str]:
    """``texts`` formatted, in their order, by ``workers`` processes (1: in this one). Each
    piece is formatted on its own, so the result is the same either way."""
    if workers < 2:
        return [format_piece(p, t) for p, t in zip(paths, texts, strict=True)]
    # imported here: 0.02 s that runs formatting in this process (every small spec) never needs
    from concurrent.futures import ProcessPoolExecutor

    with ProcessPoolExecutor(max_workers=workers) as pool:
        return list(pool.map(format_piece, paths, texts, chunksize=8))

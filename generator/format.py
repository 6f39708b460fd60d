"""Stage 6: black, pinned, over every generated Python file.

black costs far more than everything else together on big specs, so it sees only what it would
change (``needs_black``: the built-in templates lay code out as black does), formatted text is
cached by the hash of its input (plus black's version and mode), and cache misses are formatted
in child processes (``generator.black_worker``), in parallel when there are enough of them.

Big modules (the clients, the operation table) are formatted in pieces: templates put a
``CHUNK`` line between statements black formats independently (the methods of a class, the
constants of a module), each piece is formatted and cached on its own, and the pieces are
joined with the one blank line black puts there. Changing one operation then re-formats one
method, not a 10,000-line module. Tests check the joined result is black-stable.
"""

from __future__ import annotations

import hashlib
import os
import re
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
_TRIPLE_QUOTED = re.compile(r'"""([^"\\]*(?:(?:\\.|"(?!""))[^"\\]*)*)"""', re.DOTALL)
_LONG_LINE = re.compile(f"^[^\\n]{{{LINE_LENGTH + 1},}}$", re.MULTILINE)
# A one-item tuple's comma is not magic to black: ("api_key",) stays as it is (a call's is); the
# comma becomes a space so the line keeps its length.
_ONE_TUPLE = re.compile(r'(?<![\w\])])\(("[^"\\\n]*"|[\w.]+|\([^()\n]*\)),\)')
# A line of an exploded bracket black cannot split further: a string alone, after a key or a
# keyword; an import's `Name as Name` and the `from module import (` line opening its names.
_UNSPLITTABLE = re.compile(
    r' *(?:(?:(?:"[^"\\\n]*": |\w+=)?"[^"\\\n]*"|\w+ as \w+),|from [\w.]+ import \()'
)
# A bracket left open at a line's end: black joins what it holds back onto one line if that
# fits and no magic trailing comma keeps it apart.
_OPEN_AT_END = re.compile(r"^( *)[^\n]*[(\[{]\n", re.MULTILINE)
# Stands in for text black would change: a tab, which _BLACK_WOULD_TOUCH always finds.
_TOUCHED = "\t"
_DEF = re.compile(r"(?:class |def |async def |@)")
_TOO_FEW_BEFORE_DEF = re.compile(r"(?:[^\n]\n|[^\n]\n\n)(?:class |def |async def |@)")
_BLANK_AFTER_DEF = re.compile(r"^ *(?:async )?def [^\n]*:\n\n|\) -> [^\n]*:\n\n", re.MULTILINE)
# What black rewrites on a line that fits: a magic trailing comma (it explodes the brackets), an
# escaped quote (it may swap the quotes), a float exponent's "+" (it drops it), a comment without
# its space, a tab, trailing spaces. Matches inside strings only send a piece to black needlessly.
_BLACK_WOULD_TOUCH = re.compile(r",[ \t]*[)\]}]|\\['\"]|\de\+|#[^ \n]|\t|[ \t]\n")


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


def needs_black(piece: str) -> bool:
    """False for a piece black leaves as it is, so the run need not pay for black on it.

    Templates lay code out as black writes it, and the renderers print names, literals and
    docstrings in black's spelling (pytypes, views.docstrings); what black still changes in
    such text is lines past the line length and the few spellings ``_BLACK_WOULD_TOUCH``
    lists. Black never rewraps a comment, a line it cannot split (``_UNSPLITTABLE``) or the
    inside of a triple-quoted string: a docstring counts by its closing line (black moves the
    quotes off a line they overfill), a string standing alone otherwise not at all
    (``_stand_in``). Non-ASCII text is measured in UTF-8 bytes, never fewer than black's
    columns. The corpus digests (tests/e2e/test_output_digests.py) and
    black-stability checks over random specs hold this rule to black's own output."""
    code = _TRIPLE_QUOTED.sub(_stand_in, piece)
    if ",)" in code:
        code = _ONE_TUPLE.sub(r"(\1 )", _ONE_TUPLE.sub(r"(\1 )", code))  # (("a",),) in two steps
    if _BLACK_WOULD_TOUCH.search(code) or not _blank_lines_as_black_puts_them(code):
        return True
    if any(_black_would_join(code, match) for match in _OPEN_AT_END.finditer(code)):
        return True
    if not code.isascii():
        code = code.encode().decode("latin-1")  # a character per UTF-8 byte
    return any(
        not line.lstrip().startswith("#") and not _UNSPLITTABLE.fullmatch(line)
        for line in _LONG_LINE.findall(code)
    )


def _black_would_join(code: str, opened: re.Match[str]) -> bool:
    """Whether black would put a bracket opened at a line's end back on one line: no trailing
    comma before its closing line, and the whole fits (counted generously: one space per line
    break). A closing line not found at the opener's indent is left to black too."""
    indent = opened.group(1)
    end = opened.end()
    close = _closing_at(len(indent)).search(code, end)
    if close is None:
        return True
    inner = code[end : close.start()].rstrip("\n")
    if inner.endswith(","):
        return False
    close_line = code[close.start() : code.find("\n", close.start()) % (len(code) + 1)]
    joined = len(opened.group(0)) - 1 + len(" ".join(inner.split())) + len(close_line.strip())
    return joined <= LINE_LENGTH


@once
def _closing_at(indent: int) -> re.Pattern[str]:
    return re.compile(f"^{' ' * indent}[)\\]}}]", re.MULTILINE)


def _blank_lines_as_black_puts_them(code: str) -> bool:
    """Black's blank lines: none at the start or after the end, at most two in a row, two only
    where a top-level class, def or decorator follows or a top-level block has just ended, and
    two before every top-level class, def and decorator (a comment before one sends the piece to
    black, as does a blank line after a def's colon)."""
    if code.startswith("\n") or code.endswith("\n\n") or "\n\n\n\n" in code:
        return False
    if _TOO_FEW_BEFORE_DEF.search(code) or _BLANK_AFTER_DEF.search(code):
        return False
    at = code.find("\n\n\n")
    while at >= 0:
        before = code[code.rfind("\n", 0, at) + 1 : at]
        after = code[at + 3 : at + 13]
        if after.startswith(" ") or not (before.startswith(" ") or _DEF.match(after)):
            return False
        at = code.find("\n\n\n", at + 3)
    return True


def _stand_in(match: re.Match[str]) -> str:
    """A triple-quoted string as black sees it: its text out of sight, its width kept where black
    would move or split around it, or ``_TOUCHED`` where black would change the text itself
    (spaces or a quote at either end, trailing spaces, lines indented unlike the statement)."""
    content = match.group(1)
    text, start, end = match.string, match.start(), match.end()
    line_start = text.rfind("\n", 0, start) + 1
    if content[:1].isspace() or content.startswith('"') or content.endswith('"'):
        return _TOUCHED
    *lines, last = content.split("\n")
    width = len(last) if last.isascii() else len(last.encode())
    alone = not text[line_start:start].strip() and text[end : end + 1] == "\n"
    if not lines:  # one line: black strips it, never splits it
        if content[-1:].isspace():
            return _TOUCHED
        return '""""""' if alone else '"""' + "x" * width + '"""'
    if alone and not _docstring_position(text, line_start):
        return '""""""'  # a string statement that is no docstring: black leaves it whole
    indent = len(text[line_start:start]) - len(text[line_start:start].lstrip(" "))
    rest = [line for line in (*lines[1:], last) if line.strip()]
    if not rest or any(line[-1:].isspace() for line in lines):
        return _TOUCHED  # black joins a docstring with one line of text, strips line ends
    if last[-1:].isspace() and last != " " * indent:
        return _TOUCHED  # closing quotes on a line of their own sit at the statement's indent
    if min(len(line) - len(line.lstrip(" ")) for line in rest) != indent:
        return _TOUCHED  # black re-indents a docstring's lines to the statement's indent
    lead = len(last) - len(last.lstrip(" "))
    return '"""\n' + " " * lead + "x" * (width - lead) + '"""'  # black checks the closing line


def _docstring_position(text: str, line_start: int) -> bool:
    """Whether a statement starting at ``line_start`` is the first of its block or module (what
    black takes for a docstring): only blank and comment lines between it and a line ending in
    ``:``, or the start."""
    at = line_start
    while at > 0:
        previous = text.rfind("\n", 0, at - 1) + 1
        line = text[previous : at - 1].strip()
        if line and not line.startswith("#"):
            return line.endswith(":")
        at = previous
    return True


def format_piece(path: str, text: str) -> str:
    """Format one piece: a whole module, or an indented method wrapped in a class for black."""
    if not text.startswith("    "):
        return format_source(path, text)
    return format_source(path, _WRAPPER + text).removeprefix(_WRAPPER)


def format_files(
    files: dict[str, str],
    progress: Callable[[str], None] = lambda _: None,
    pack: cache.Pack | None = None,
    *,
    laid_out: bool = False,
) -> dict[str, str]:
    """Every ``.py`` file formatted, piece by piece; ``pack`` holds pieces formatted before.
    ``laid_out``: the text comes from the built-in templates, which lay code out as black does,
    so only the pieces ``needs_black`` picks go to black (never for a user's templates)."""
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
            if laid_out and not needs_black(piece):
                formatted[piece] = piece
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
        # in child processes even when one is enough: the generator's own process is at its
        # largest now, and black would add its 14 MB to it (generator/black_worker.py)
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
    """``texts`` formatted, in their order, by ``workers`` child processes (0: in this one).
    Each piece is formatted on its own, so the result is the same either way."""
    if workers < 1:
        return [format_piece(p, t) for p, t in zip(paths, texts, strict=True)]
    from generator.black_worker import format_in_children

    return format_in_children(paths, texts, workers)

"""Spec prose as docstring text: escaped so it stays inert, and wrapped at the line length.

Templates print a docstring's text through ``docstring`` and say where it sits: the column its
first line starts at and whether the closing quotes follow its last line. Lines are wrapped the
way black leaves them alone (black never rewraps prose, but moves closing quotes that would pass
the line length onto a line of their own), so the pieces need one black pass, not two.
"""

from __future__ import annotations

import re

from generator.format import LINE_LENGTH

_CLOSING = len('"""')
# Markdown that is not a paragraph's running text: left as written, never joined or split.
_KEPT = re.compile(r"\s|[|#>]|```|~~~")
# What a docstring cannot hold as it is: control characters but tab and newline, DEL, the
# Unicode line and paragraph separators (editors break lines there), lone surrogates.
_UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f\u2028\u2029\ud800-\udfff]")
_GAPS = re.compile("( +)")
# A word that would read as a block marker (list item, heading, quote, table row) if it began a
# continuation line.
_MARKER = re.compile(r"[-*+#>|=]|\d+[.)]$")


def docstring(text: str, indent: str = "", at: int | None = None, closing: bool = False) -> str:
    """Text made safe inside a triple-double-quoted (non-raw) docstring, lines indented.

    Backslashes are doubled and ``\"\"\"`` escaped, so the text can neither end the string
    nor start an escape; characters Python source cannot hold as they are (NUL and other
    control characters) or that editors take for line breaks (U+2028/U+2029) become escapes,
    lone surrogates the text ``\\udxxx``; a ``"`` at the very end is escaped, as it would run
    into the closing quotes.

    With ``at`` (the column the text starts at; ``None`` for a fragment inside a sentence),
    running text is wrapped so that lines end by ``LINE_LENGTH``, the last one leaving room
    for the closing quotes when ``closing``. Code blocks, tables, headings and indented lines
    stay as written, and a word longer than a line stays whole.
    """
    text = text.replace("\\", "\\\\").replace('"""', '\\"\\"\\"')
    text = _UNSAFE.sub(_escaped, text)
    lines = [line.rstrip() for line in text.strip().splitlines()]
    if at is not None:
        lines = _wrapped(lines, at, len(indent), _CLOSING if closing else 0)
    # blank lines stay empty (black strips the indent it would find there)
    out = "\n".join(indent + line if n and line else line for n, line in enumerate(lines))
    body = out[:-1]
    if out.endswith('"') and (len(body) - len(body.rstrip("\\"))) % 2 == 0:  # not escaped yet
        out = body + '\\"'
    return out


def _escaped(match: re.Match[str]) -> str:
    code = ord(match.group())
    if code < 0x20 or code == 0x7F:
        return f"\\x{code:02x}"
    if code in (0x2028, 0x2029):
        return f"\\u{code:04x}"
    # a lone surrogate (JSON allows it): not even escaped, since a class docstring must encode
    # as UTF-8; shown as text
    return f"\\\\u{code:04x}"


def _wrapped(lines: list[str], at: int, indent: int, closing: int) -> list[str]:
    """``lines`` split at spaces so each fits: the first from column ``at``, the others from
    ``indent``, and, when the closing quotes follow, the last one ``closing`` columns shorter."""
    out: list[str] = []
    fenced = False
    for number, line in enumerate(lines):
        fence = line.startswith(("```", "~~~"))
        if fenced or fence or not line or _KEPT.match(line):
            fenced ^= fence
            out.append(line)
            continue
        last = closing if number == len(lines) - 1 else 0
        out += _split(line, LINE_LENGTH - (indent if out else at), LINE_LENGTH - indent, last)
    return out


def _split(line: str, first: int, rest: int, closing: int) -> list[str]:
    """One line of running text as lines of at most ``first`` then ``rest`` columns, the last
    one ``closing`` columns shorter. Breaks only at
    spaces (a word longer than a line stays whole), never before a word that would read as a
    block marker at the start of a line."""
    words = _GAPS.split(line)  # word, gap, word, ...
    out: list[list[str]] = [[words[0]]]
    for gap, word in zip(words[1::2], words[2::2], strict=True):
        room = first if len(out) == 1 else rest
        if sum(map(len, out[-1])) + len(gap) + len(word) <= room:
            out[-1] += [gap, word]
        else:
            out.append([word])
            _unmark(out)
    room = first if len(out) == 1 else rest
    if closing and sum(map(len, out[-1])) + closing > room and len(out[-1]) > 1:
        word = out[-1].pop()  # the last word moves down, away from the quotes
        out[-1].pop()
        out.append([word])
        _unmark(out)
    return ["".join(parts) for parts in out]


def _unmark(out: list[list[str]]) -> None:
    """A new last line must not start with a block marker: take the word before it along."""
    if _MARKER.match(out[-1][0]) and len(out[-2]) > 1:
        word = out[-2].pop()
        gap = out[-2].pop()
        out[-1][:0] = [word, gap]

"""Docstrings wrapped at the line length (issue 19): ``views.docstrings.docstring`` with ``at``.

Wrapped text must keep every word in order, fit the line length wherever a break is possible,
and be laid out as black leaves it, so a docstring's piece needs one black pass.
"""

from __future__ import annotations

import ast

import black
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from generator.format import LINE_LENGTH, black_mode
from generator.views.docstrings import LINE_LENGTH as WRAP_AT
from generator.views.docstrings import docstring

WORDS = st.one_of(
    st.sampled_from(["-", "*", "1.", "2)", "#", ">", "|", "=", "`code`", '"', "\\", "a" * 60]),
    st.text(alphabet="abcdefghij", min_size=1, max_size=14),
)
LINES = st.lists(
    st.one_of(
        st.lists(WORDS, min_size=1, max_size=40).map(" ".join),
        st.sampled_from(["", "| a | table |", "## Heading"]),
    ),
    min_size=1,
    max_size=6,
)


def test_wrapping_uses_the_formatter_line_length() -> None:
    assert WRAP_AT == LINE_LENGTH


def test_a_long_sentence_wraps_and_leaves_room_for_the_closing_quotes() -> None:
    text = " ".join(["word"] * 40)
    doc = docstring(text, "    ", at=7, closing=True)
    lines = ('    """' + doc + '"""').splitlines()
    assert len(lines) == 3 and all(len(line) <= LINE_LENGTH for line in lines)
    assert lines[1].startswith("    word")
    assert docstring(text, "    ") == text  # a fragment (no ``at``) is never wrapped


def test_a_continuation_line_never_starts_with_a_block_marker() -> None:
    text = " ".join(["word"] * 22) + " - item"
    doc = docstring(text, "", at=0)
    assert all(not line.startswith("-") for line in doc.splitlines()[1:])


@settings(max_examples=300, deadline=None)
@given(
    lines=LINES,
    depth=st.integers(min_value=1, max_value=3),
    name=st.text(alphabet="abcdefgh_", min_size=0, max_size=30),
)
def test_wrapped_docstrings_keep_their_words_fit_and_are_black_stable(
    lines: list[str], depth: int, name: str
) -> None:
    text = "\n".join(lines)
    assume(text.strip())  # templates print a docstring only for text that has some
    # black pads a docstring that starts or ends with a quote; wrapping has no say in that
    assume(not text.strip().startswith('"') and not text.strip().endswith('"'))
    indent = "    " * depth
    head = f"{indent}{name}: " if name else f'{indent}"""'
    at = len(head)
    doc = docstring(text, indent + ("    " if name else ""), at=at, closing=not name)
    unwrapped = docstring(text, indent)
    assert doc.split() == unwrapped.split()
    body = f'{indent}"""Summary.\n\n{head}{doc}\n{indent}"""' if name else f'{head}{doc}"""'
    source = "".join(f"{'    ' * d}class C{d}:\n" for d in range(depth)) + body + "\n"
    node: ast.stmt = ast.parse(source).body[0]  # still one docstring, whatever the text held
    for _ in range(depth - 1):
        assert isinstance(node, ast.ClassDef)
        node = node.body[0]
    assert isinstance(node, ast.ClassDef) and len(node.body) == 1
    assert black.format_str(source, mode=black_mode()) == source
    for line in source.splitlines():
        # over the line length only where no break could help: a long word (never the
        # closing quotes pushed past it)
        if len(line) > LINE_LENGTH:
            words = line.split()
            long_word = any(len(w) > LINE_LENGTH // 3 for w in words)
            assert long_word, line


def test_code_blocks_tables_and_indented_lines_stay_as_written() -> None:
    kept = [
        "```",
        "x = " + "1 + " * 40 + "1",
        "```",
        "|" + " cell |" * 20,
        "    " + "y " * 60 + "y",
    ]
    text = "Intro.\n" + "\n".join(kept)
    assert docstring(text, "", at=3, closing=True).splitlines()[1:] == kept

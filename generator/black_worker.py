"""Black in child processes: the generator itself never imports black.

Black adds about 14 MB to the process that imports it, and a big spec's generator process is
at its largest while formatting (every rendered file held); black runs in fresh interpreters
(never forked: a fork's pages count again in its own RSS), fed pieces on stdin and answering
on stdout, both as ``marshal`` data. Each piece is formatted on its own, so the result is the
same however the pieces are shared out.
"""

from __future__ import annotations

import marshal
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

from generator.errors import GeneratorError

# The folder holding the ``generator`` package: the child imports this very copy.
_ROOT = str(Path(__file__).resolve().parent.parent)
# The child wires the formatter in (generator.format imports this module, not the reverse).
_CHILD = (
    "import sys; sys.path.insert(0, sys.argv[1]); "
    "from generator.black_worker import serve; from generator.format import format_piece; "
    "serve(format_piece)"
)


def format_in_children(paths: list[str], texts: list[str], workers: int) -> list[str]:
    """``texts`` formatted, in their order, by ``workers`` (at least one) child processes."""
    workers = max(1, min(workers, len(texts)))
    shares = [list(range(n, len(texts), workers)) for n in range(workers)]
    children = [
        subprocess.Popen(
            [sys.executable, "-c", _CHILD, _ROOT], stdin=subprocess.PIPE, stdout=subprocess.PIPE
        )
        for _ in shares
    ]
    for child, share in zip(children, shares, strict=True):
        assert child.stdin is not None
        child.stdin.write(marshal.dumps([(paths[i], texts[i]) for i in share]))
        child.stdin.close()
    answers = []
    for child in children:  # every child read and waited for before any error is raised
        assert child.stdout is not None
        answers.append(child.stdout.read())
        child.wait()
    results: list[str] = [""] * len(texts)
    for child, share, answer in zip(children, shares, answers, strict=True):
        if child.returncode != 0 or not answer:
            raise GeneratorError(f"internal error: black's process ended with {child.returncode}")
        error, formatted = marshal.loads(answer)
        if error:
            raise GeneratorError(error)
        for i, text in zip(share, formatted, strict=True):
            results[i] = text
    return results


def serve(format_piece: Callable[[str, str], str]) -> None:
    """The child's side: (path, text) pairs in, ``(error, formatted texts)`` out."""
    pieces = marshal.loads(sys.stdin.buffer.read())
    try:
        answer: tuple[str, list[str]] = ("", [format_piece(p, t) for p, t in pieces])
    except GeneratorError as exc:
        answer = (str(exc), [])
    sys.stdout.buffer.write(marshal.dumps(answer))

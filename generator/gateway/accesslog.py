"""The access log: one JSON line per proxied call, written in batches.

Python's ``logging`` plus ``json.dumps`` cost a twentieth of a call; a line here is one format
string over parts mostly encoded once per operation, and lines are written to the stream a few
times a second (``flush``, which the server calls on a timer and at shutdown). A line never
holds a token (only a short prefix of its sha256), a query string or a header: the path is the
operation's template.
"""

from __future__ import annotations

import contextlib
import json
import time
from json.encoder import encode_basestring_ascii as _json_text
from typing import TYPE_CHECKING, TextIO

if TYPE_CHECKING:
    from generator.ir import Operation


def _string(text: str | None) -> str:
    """``text`` as a JSON string (``null`` for None), as ``json.dumps`` writes it, by the C
    function it uses (``json.dumps``'s own checks cost more than the escaping)."""
    return "null" if text is None else _json_text(text)


class Entry:
    """What one line says."""

    __slots__ = (
        "error",
        "method",
        "operation",
        "started",
        "status",
        "token",
        "upstream_request_id",
    )

    def __init__(self, method: str) -> None:
        self.method = method
        self.operation: Operation | None = None
        self.token = "-"
        self.status = 0
        self.upstream_request_id: str | None = None
        self.error: str | None = None
        self.started = time.perf_counter()


class AccessLog:
    def __init__(self, stream: TextIO | None, batch: int = 256) -> None:
        self.stream = stream
        self.batch = batch
        self.lines: list[str] = []
        self._ops: dict[int, str] = {}  # id(operation) -> its encoded fields
        self._ms = 0  # the millisecond ``_ts`` spells
        self._ts = "0.000"

    def write(self, entry: Entry) -> None:
        if self.stream is None:
            return
        op = entry.operation
        if op is None:
            where = f'"method":{json.dumps(entry.method)},"path":null,"operation":null'
        else:
            where = self._ops.get(id(op)) or self._encode(op)
        now = int(time.time() * 1000)
        if now != self._ms:  # under load many lines share a millisecond, and its text
            self._ms, self._ts = now, f"{now // 1000}.{now % 1000:03d}"
        error = f',"error":{_json_text(entry.error)}' if entry.error else ""
        self.lines.append(
            f'{{"ts":{self._ts},"token":"{entry.token}",{where},"status":{entry.status},'
            f'"ms":{(time.perf_counter() - entry.started) * 1000:.2f},"upstream_request_id":'
            f"{_string(entry.upstream_request_id)}{error}}}\n"
        )
        if len(self.lines) >= self.batch:
            self.flush()

    def _encode(self, op: Operation) -> str:
        text = (
            f'"method":{json.dumps(op.method)},"path":{json.dumps(op.path)},'
            f'"operation":{json.dumps(op.operation_id)}'
        )
        self._ops[id(op)] = text
        return text

    def flush(self) -> None:
        if self.lines and self.stream is not None:
            lines, self.lines = self.lines, []
            with contextlib.suppress(OSError, ValueError):
                self.stream.write("".join(lines))
                self.stream.flush()

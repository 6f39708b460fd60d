"""The access log's lines are JSON whatever the upstream's request ID holds."""

from __future__ import annotations

import io
import json

from hypothesis import given
from hypothesis import strategies as st

from generator.gateway.accesslog import AccessLog, Entry


@given(st.none() | st.text(max_size=30), st.none() | st.text(max_size=30))
def test_every_line_is_json(request_id: str | None, error: str | None) -> None:
    stream = io.StringIO()
    log = AccessLog(stream)
    entry = Entry("POST")
    entry.status, entry.upstream_request_id, entry.error = 200, request_id, error
    log.write(entry)
    log.flush()
    line = json.loads(stream.getvalue())
    assert line["upstream_request_id"] == request_id
    assert line.get("error") == (error or None)
    assert line["method"] == "POST" and line["status"] == 200 and line["token"] == "-"

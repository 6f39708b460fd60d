"""What the client gets of an upstream response's head (``outgoing.Responses.headers``): the
per-head plan it remembers must give each response its own values, and every rule must hold
whether the plan is new or remembered."""

from __future__ import annotations

import pytest

from generator.gateway.accesslog import Entry
from generator.gateway.incoming import Refusal
from generator.gateway.outgoing import Responses


class _Credentials:
    secrets = (b"sk_test_secret_value",)


def _responses(limit: int = 1000) -> Responses:
    return Responses(_Credentials(), limit)  # type: ignore[arg-type]


def test_headers_are_sorted_the_same_on_a_remembered_head() -> None:
    responses = _responses()
    for n in range(3):  # the first builds the plan, the others reuse it
        entry = Entry("GET")
        upstream = [
            (b"Server", b"nginx"),
            (b"Content-Type", b"application/json"),
            (b"Connection", b"keep-alive, X-Hop"),
            (b"X-Hop", b"dropped"),
            (b"Set-Cookie", b"a=b"),
            (b"Request-Id", b"req_%d" % n),
            (b"Content-Length", b"%d" % (10 + n)),
            (b"X-Kept", b"v%d" % n),
        ]
        assert responses.headers(upstream, entry) == [
            (b"content-type", b"application/json"),
            (b"request-id", b"req_%d" % n),
            (b"x-kept", b"v%d" % n),
            (b"content-length", b"%d" % (10 + n)),
        ]
        assert entry.upstream_request_id == f"req_{n}"


def test_an_encoded_or_oversized_response_is_refused_each_time() -> None:
    responses = _responses(limit=100)
    for _ in range(2):
        with pytest.raises(Refusal) as refused:
            responses.headers([(b"Content-Encoding", b"gzip")], Entry("GET"))
        assert refused.value.status == 502
        with pytest.raises(Refusal):
            responses.headers([(b"Content-Length", b"101")], Entry("GET"))
    assert responses.headers([(b"Content-Encoding", b"identity")], Entry("GET")) == [
        (b"content-encoding", b"identity")
    ]
    assert responses.headers([], Entry("GET")) == []

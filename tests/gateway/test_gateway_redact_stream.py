"""The streaming scrubber: a secret in any spelling is masked however the body is cut into
chunks, and a finished line is passed on at once (streamed events show as they arrive)."""

from __future__ import annotations

import base64
from urllib.parse import quote

from hypothesis import given
from hypothesis import strategies as st

from generator.gateway.redact import Redactor

SECRET = b"sk_test_51StreamingSecret"
SPELLINGS = [
    SECRET,
    SECRET.hex().encode(),
    base64.b64encode(SECRET),
    quote(SECRET.decode(), safe="").replace("_", "%5F").encode(),
    "".join(f"\\u{b:04x}" for b in SECRET).encode(),
]


@given(
    st.lists(st.sampled_from([*SPELLINGS, b"data: x\n\n", b"plain ", b"\n"]), max_size=12),
    st.lists(st.integers(1, 40), max_size=20),
)
def test_every_chunking_is_scrubbed(pieces: list[bytes], cuts: list[int]) -> None:
    body = b"".join(pieces)
    scrubber = Redactor((SECRET,)).stream()
    out, at = b"", 0
    for cut in cuts:
        out += scrubber.feed(body[at : at + cut])
        at += cut
    out += scrubber.feed(body[at:]) + scrubber.end()
    assert len(out) == len(body)
    for spelling in SPELLINGS:
        assert spelling not in out


def test_a_finished_line_is_passed_on_at_once() -> None:
    scrubber = Redactor((SECRET,)).stream()
    assert scrubber.feed(b"data: one\n\n") == b"data: one\n\n"
    assert scrubber.feed(b"data: tw") == b""  # an unfinished line may still become a secret
    assert scrubber.feed(b"o\n\n") == b"data: two\n\n"


def test_a_secret_with_a_line_break_keeps_the_whole_window() -> None:
    scrubber = Redactor((b"line\none-secret",)).stream()
    assert scrubber.feed(b"data: one\n\n") == b""


def test_a_hex_spelling_in_mixed_case_is_scrubbed() -> None:
    """The quick check that rules a body out must see every case mix the pattern masks."""
    secret = b"zZ_live_key_0123456789"  # its hex starts "7a5a": letters either case
    spelled = secret.hex().replace("a", "A", 1).encode()  # 7A5a5f...: neither lower nor upper
    assert spelled not in (secret.hex().encode(), secret.hex().upper().encode())
    redactor = Redactor((secret,))
    assert spelled not in redactor.scrub(b'{"echo": "' + spelled + b'"}')
    assert spelled not in b"".join([redactor.stream().feed(spelled), b""])

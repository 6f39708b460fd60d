"""Scrubbing the upstream key from what the upstream sends back, in the ways it could be written.

An upstream that echoes the key (an error message quoting it, a debug header) must not hand it
to a client. Besides the key itself this catches, in bodies and header values:

- each character as itself, ``%XX`` (any case), ``\\u00XX`` or ``\\xXX``, in any mix (URL- and
  JSON-escaped echoes);
- the key's bytes in hexadecimal (either case);
- the key inside base64 (standard or URL-safe alphabet, at each of the three byte alignments).

A match is replaced by as many bytes (``[redacted]`` padded with ``*``), so a body keeps its
``Content-Length`` and can be scrubbed while it streams: ``Scrubber`` holds back the last few
bytes of each piece until it knows they do not begin an echo. Compressed responses are not
scanned: the gateway asks the upstream for ``identity`` and refuses any other encoding.
"""

from __future__ import annotations

import base64
import re

_MASK = b"[redacted]"


def _any_case(hex_digits: bytes) -> bytes:
    """A regex for ``hex_digits`` with each letter in either case."""
    return b"".join(b"[%c%c]" % (c, c ^ 0x20) if c >= 0x61 else bytes([c]) for c in hex_digits)


def _hex_class(byte: int) -> bytes:
    """A regex for the two hex digits of ``byte``, either case."""
    out = b""
    for digit in f"{byte:02x}":
        out += (
            b"[%s%s]" % (digit.encode(), digit.upper().encode())
            if digit.isalpha()
            else digit.encode()
        )
    return out


def _b64_pieces(secret: bytes) -> list[bytes]:
    """The parts of base64 text that depend only on ``secret``, at each alignment."""
    pieces = []
    for offset in range(3):
        encoded = base64.b64encode(b"\0" * offset + secret)
        start = -(-8 * offset // 6)
        end = 8 * (offset + len(secret)) // 6
        piece = encoded[start:end]
        pieces += [piece, piece.replace(b"+", b"-").replace(b"/", b"_")]
    return list(dict.fromkeys(pieces))


def _alternatives(secret: bytes) -> list[bytes]:
    chars = [
        b"(?:%s|%%%s|\\\\u00%s|\\\\x%s)" % (re.escape(bytes([c])), _hex_class(c), _hex_class(c), _hex_class(c))
        for c in secret
    ]  # fmt: skip
    out = [b"".join(chars), b"(?i:%s)" % secret.hex().encode()]
    return out + [re.escape(p) for p in _b64_pieces(secret)]


class Redactor:
    """Scrubs every spelling of each of ``secrets`` (longest first)."""

    def __init__(self, secrets: tuple[bytes, ...]) -> None:
        self.secrets = secrets
        ordered = sorted((s for s in secrets if s), key=len, reverse=True)
        alternatives = [a for s in ordered for a in _alternatives(s)] or [b"(?!)"]
        self.pattern = re.compile(b"|".join(alternatives))
        self.longest = 6 * max((len(s) for s in ordered), default=0)  # all as \u00XX
        # every spelling (as it is, %XX, \u00XX, hex, base64) is free of raw line breaks
        self.lines = not any(b"\n" in s or b"\r" in s for s in ordered)
        # cheap tests that rule a match out: no escape character, not a secret as it is, not
        # the start of its hex spelling or of a base64 piece
        hints = [b"%", b"\\"]
        starts = []  # of the hex spellings: matched in any mix of cases, as the pattern is
        for s in ordered:
            starts.append(s[:2].hex().encode())
            hints += [s, *(p[:4] for p in _b64_pieces(s))]
        literal = [re.escape(h) for h in dict.fromkeys(hints)] if ordered else []
        # a class per letter, not (?i:...): that would halve the speed of the whole search
        hexes = [_any_case(h) for h in dict.fromkeys(starts)]
        self.hints = re.compile(b"|".join(literal + hexes) or b"(?!)")

    def scrub(self, data: bytes) -> bytes:
        if not self.may_hold(data):
            return data
        return self.pattern.sub(_masked, data)

    def may_hold(self, data: bytes) -> bool:
        """False when ``data`` certainly holds no spelling of a secret."""
        return self.hints.search(data) is not None

    def stream(self) -> Scrubber:
        return Scrubber(self)


def _masked(found: re.Match[bytes]) -> bytes:
    size = len(found.group())
    return (_MASK + b"*" * size)[:size]


class Scrubber:
    """Scrubs a body that arrives in pieces: ``feed`` returns what is safe to send so far,
    ``end`` the rest."""

    def __init__(self, redactor: Redactor) -> None:
        self.redactor = redactor
        self.held = b""

    def feed(self, data: bytes) -> bytes:
        buffer = self.redactor.scrub(self.held + data) if self.held else self.redactor.scrub(data)
        keep = self.redactor.longest
        if self.redactor.lines:
            # no spelling of a secret spans a line break: a line that ended is safe to send
            # now (a streamed event or JSON line shows as it arrives, not one chunk late)
            keep = min(keep, len(buffer) - buffer.rfind(b"\n") - 1)
        if len(buffer) <= keep:
            self.held = buffer
            return b""
        self.held = buffer[len(buffer) - keep :]
        return buffer[: len(buffer) - keep]

    def end(self) -> bytes:
        held, self.held = self.held, b""
        return held

"""Errors the generator reports to its user: always with a place (file and JSON pointer)."""

from __future__ import annotations

from functools import cache


def pointer(*parts: str | int) -> str:
    """Build a JSON pointer (RFC 6901) from raw path parts."""
    return "".join([_segment(p) for p in parts])


@cache  # the same keys recur across a spec: a big one builds pointers by the hundred thousand
def _segment(part: str | int) -> str:
    return "/" + str(part).replace("~", "~0").replace("/", "~1")


def unescape(part: str) -> str:
    """One segment of a JSON pointer as the key it names."""
    return part.replace("~1", "/").replace("~0", "~")


def join(base: str, *parts: str | int) -> str:
    return base + pointer(*parts)


class GeneratorError(Exception):
    """A problem with the input that stops generation; printed as one line, no traceback."""

    def __init__(self, message: str, *, file: str | None = None, where: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.file = file
        self.where = where

    def __str__(self) -> str:
        place = self.file or ""
        if self.where is not None:
            place += "#" + self.where
        return f"{place}: {self.message}" if place else self.message

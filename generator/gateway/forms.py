"""Decode form bodies and query strings written in Stripe's bracket syntax back into values.

``a[b]=1&c[0]=x&c[1]=y&d[]=z`` becomes ``{"a": {"b": "1"}, "c": {"0": "x", "1": "y"},
"d": ["z"]}``: the inverse of the client runtime's ``_encode.flatten``. Indexed lists stay
dicts with digit keys here, because only the schema tells ``c[0]`` (a list item) from a map key
``"0"``; the validator reads them as lists where the schema wants one.

Anything ambiguous is refused rather than guessed, so the gateway and the upstream cannot read
one body two ways: a key given twice, a key that is both a value and a container, malformed
brackets.
"""

from __future__ import annotations

import email.parser
import email.policy
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl, urlencode

_KEY = re.compile(r"^([^\[\]]+)((?:\[[^\[\]]*\])*)$")
_PART = re.compile(r"\[([^\[\]]*)\]")


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a request, named by the parameter it concerns (bracket syntax,
    ``collection_options[fields]``), or ``None`` when it concerns no parameter."""

    param: str | None
    message: str
    code: str = "parameter_invalid"


class FormError(ValueError):
    def __init__(self, problem: Problem) -> None:
        super().__init__(problem.message)
        self.problem = problem


# What needs no escaping, in urlencode's eyes (quote_plus's safe set), plus the brackets the
# runtime keeps literal: text made only of these is already in its canonical encoding.
_PLAIN = r"[A-Za-z0-9_.~\-\[\]]*"
_PLAIN_PAIRS = re.compile(rf"{_PLAIN}={_PLAIN}(?:&{_PLAIN}={_PLAIN})*\Z")


def parse_pairs(text: str) -> list[tuple[str, str]]:
    """Pairs of an urlencoded string (``+`` is a space); ``;`` does not separate."""
    if "%" not in text and "+" not in text:  # nothing to decode: parse_qsl's result, faster
        return [f.partition("=")[::2] for f in text.split("&") if f]
    try:
        return parse_qsl(text, keep_blank_values=True, strict_parsing=False, errors="strict")
    except UnicodeDecodeError:
        raise FormError(Problem(None, "the form data is not valid UTF-8")) from None


def encode_pairs(pairs: list[tuple[str, str]]) -> str:
    """The canonical encoding of pairs, the client runtime's (brackets kept literal): what the
    upstream receives is exactly what was validated, whatever escaping the client chose."""
    text = "&".join([f"{k}={v}" for k, v in pairs])
    # nothing to escape (an "&" inside a value would show as one pair too many)
    if not pairs or (_PLAIN_PAIRS.match(text) and text.count("&") == len(pairs) - 1):
        return text
    return urlencode(pairs).replace("%5B", "[").replace("%5D", "]")


def is_canonical(text: str) -> bool:
    """Whether urlencoded ``text`` is already what ``encode_pairs(parse_pairs(text))`` gives
    (plain names and values, each with one ``=``)."""
    return _PLAIN_PAIRS.match(text) is not None


_PLAIN_BYTES = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_.~-[]"


def is_canonical_bytes(raw: bytes) -> bool:
    """``is_canonical`` of ASCII bytes, without a regex (a body is checked on every call): with
    the plain characters deleted, what is left must be ``=`` then ``&=`` per further pair."""
    rest = raw.translate(None, _PLAIN_BYTES)
    return rest == b"=" or rest == b"=" + b"&=" * (len(rest) // 2)


def decode(pairs: Sequence[tuple[str, Any]]) -> dict[str, Any]:
    """Nested values of bracket-syntax pairs. Raises ``FormError`` on ambiguous input."""
    root: dict[str, Any] = {}
    for key, value in pairs:
        if key and "[" not in key and "]" not in key:  # a plain name: no regex needed
            if key in root:
                raise FormError(Problem(key, f"{key} is given more than once"))
            root[key] = value
            continue
        parts = _SPLIT.get(key) or _split(key)
        if len(parts) == 2 and parts[1]:  # ``a[b]``, the common nesting: _place's first step
            child = root.setdefault(parts[0], {})
            if not isinstance(child, dict):
                raise FormError(Problem(key, f"{key} is given both as a value and with sub-keys"))
            if parts[1] in child:
                raise FormError(Problem(key, f"{key} is given more than once"))
            child[parts[1]] = value
            continue
        _place(root, parts, value, key)
    return root


# bracketed names already split: the same few names come back call after call
_SPLIT: dict[str, list[str]] = {}


def _split(key: str) -> list[str]:
    found = _KEY.match(key)
    if found is None:
        raise FormError(Problem(key, f"malformed parameter name: {key}"))
    parts = [found.group(1), *_PART.findall(found.group(2))]
    if len(_SPLIT) < 4096 and len(key) <= 128:  # a client picks the names: bounded memory
        _SPLIT[key] = parts
    return parts


def _place(root: dict[str, Any], parts: list[str], value: Any, key: str) -> None:
    node: Any = root
    for depth, part in enumerate(parts):
        last = depth == len(parts) - 1
        if part == "" and depth > 0:  # ``[]`` is meaningful only last (``name[]=v``)
            raise FormError(Problem(key, f"malformed parameter name: {key}"))
        if last:
            if part in node:
                raise FormError(Problem(key, f"{key} is given more than once"))
            node[part] = value
            return
        nxt = parts[depth + 1]
        if nxt == "" and depth + 1 == len(parts) - 1:
            items = node.setdefault(part, [])
            if not isinstance(items, list):
                raise FormError(Problem(key, f"{key} mixes a list with other values"))
            items.append(value)
            return
        child = node.setdefault(part, {})
        if not isinstance(child, dict):
            raise FormError(Problem(key, f"{key} is given both as a value and with sub-keys"))
        node = child


class Upload:
    """A file part of a multipart body (its content is not validated, only its place)."""

    def __init__(self, filename: str) -> None:
        self.filename = filename


def decode_multipart(content_type: str, body: bytes) -> dict[str, Any]:
    """Fields of a ``multipart/form-data`` body, nested by their bracket names as a form's are;
    a file part becomes an ``Upload``. Raises ``FormError`` on a body that is not one."""
    head = f"Content-Type: {content_type}\r\nMIME-Version: 1.0\r\n\r\n".encode()
    message = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(head + body)
    if not message.is_multipart() or message.defects:
        raise FormError(Problem(None, "the body is not well-formed multipart/form-data"))
    pairs: list[tuple[str, Any]] = []
    for part in message.iter_parts():
        name = part.get_param("name", header="content-disposition")
        if not isinstance(name, str) or not name or part.defects:
            raise FormError(Problem(None, "a multipart part without a field name"))
        filename = part.get_filename()
        if filename is not None:
            pairs.append((name, Upload(filename)))
        else:
            payload = part.get_payload(decode=True) or b""
            if not isinstance(payload, bytes):  # a nested multipart where a field should be
                raise FormError(Problem(name, f"{name} is not text"))
            try:
                pairs.append((name, payload.decode(part.get_content_charset() or "utf-8")))
            except (UnicodeDecodeError, LookupError):
                raise FormError(Problem(name, f"{name} is not text")) from None
    return decode(pairs)

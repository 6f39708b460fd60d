"""How arguments become bytes on the wire: parameter styles, form bodies, request bodies.

Parameters follow OpenAPI's ``style``/``explode`` rules (RFC 6570 underneath). A style is written
as its name with ``*`` appended when exploded: ``"form*"`` (the query and cookie default),
``"simple"`` (the path and header default), ``"label"``, ``"matrix*"``, ``"spaceDelimited"``,
``"pipeDelimited"``, ``"deepObject*"``. With ``color`` = ``["blue", "black", "brown"]``:
``form*`` gives ``color=blue&color=black&color=brown``, ``form`` ``color=blue,black,brown``,
``simple`` ``blue,black,brown``; with ``{"R": 100, "G": 200}``: ``deepObject*`` gives
``color[R]=100&color[G]=200``. Booleans are ``true``/``false`` everywhere, ``None`` is never sent.

``deepObject`` (and every form body) nests in brackets the way Stripe's libraries do, which
OpenAPI leaves open for arrays and deeper levels: ``a[b][c]=1``, ``expand[0]=x``, so
``{"a": {"b": 1}, "c": ["x", "y"], "d": True}`` is ``a[b]=1&c[0]=x&c[1]=y&d=true``.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from typing import IO, Any, Final, final
from urllib.parse import quote, urlencode

from ._values import text

# A raw request body (octet-stream, text, XML, an image ...): bytes, text (sent as UTF-8) or a
# binary file object (read when the call is made).
RawContent = bytes | bytearray | str | IO[bytes]

# RFC 3986 reserved characters an ``allowReserved`` query value keeps as they are; ``&`` and
# ``#`` stay escaped because they would end the value (or the whole query) early.
_RESERVED: Final = ":/?[]@!$'()*+,;="


@final  # one instance, never subclassed
class NotGiven:
    """The default of a JSON body property that may be ``null``: leaving it out sends nothing,
    passing ``None`` sends ``null``."""

    _instance: NotGiven | None = None

    def __new__(cls) -> NotGiven:
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __bool__(self) -> bool:
        return False

    def __repr__(self) -> str:
        return "NOT_GIVEN"


NOT_GIVEN: Final = NotGiven()


# Form bodies and deepObject --------------------------------------------------------------
def flatten(data: Mapping[str, Any]) -> list[tuple[str, str]]:
    """Key/value pairs for a form body or a bracket-style query string."""
    return list(_pairs("", data))


def _pairs(prefix: str, value: Any) -> Iterator[tuple[str, str]]:
    if value is None:
        return
    if isinstance(value, Mapping):
        for key, item in value.items():
            yield from _pairs(f"{prefix}[{key}]" if prefix else str(key), item)
    elif isinstance(value, list | tuple):
        for index, item in enumerate(value):
            yield from _pairs(f"{prefix}[{index}]", item)
    elif isinstance(value, bool):  # before int: bool is an int
        yield prefix, "true" if value else "false"
    else:
        yield prefix, str(value)


def encode(pairs: list[tuple[str, str]]) -> str:
    """URL-encode pairs, keeping brackets literal (as Stripe's libraries do: the server accepts
    them, and logs stay readable)."""
    return urlencode(pairs).replace("%5B", "[").replace("%5D", "]")


def path_segment(value: Any) -> str:
    """A path parameter, escaped so it can never add a path segment or query."""
    return quote(text(value), safe="")


# Parameter styles ------------------------------------------------------------------------
def _members(value: Any) -> list[tuple[str, str]] | list[str] | None:
    """An object's (key, value) pairs, an array's items, or None for a scalar (Nones left out)."""
    if isinstance(value, Mapping):
        return [(str(k), text(v)) for k, v in value.items() if v is not None]
    if isinstance(value, list | tuple):
        return [text(v) for v in value if v is not None]
    return None


def _escape(value: str, reserved: bool = False) -> str:
    return quote(value, safe=_RESERVED if reserved else "")


def path_param(name: str, value: Any, style: str) -> str:
    """A path parameter in ``simple`` (default), ``label`` or ``matrix`` style, escaped so it can
    never add a path segment or a query."""
    kind, explode = style.rstrip("*"), style.endswith("*")
    members = _members(value)
    if kind == "matrix":
        prefix = ";" + _escape(name)
        if members is None:
            return f"{prefix}={_escape(text(value))}"
        if explode:
            return "".join(
                (
                    f";{_escape(m[0])}={_escape(m[1])}"
                    if isinstance(m, tuple)
                    else f"{prefix}={_escape(m)}"
                )
                for m in members
            )
        return f"{prefix}={_joined(members, ',', _escape)}"
    lead, sep = (".", ".") if kind == "label" else ("", ",")
    if members is None:
        return lead + _escape(text(value))
    if explode:
        return lead + sep.join(
            f"{_escape(m[0])}={_escape(m[1])}" if isinstance(m, tuple) else _escape(m)
            for m in members
        )
    return lead + _joined(members, ",", _escape)


def header_param(value: Any, style: str) -> str:
    """A header value in ``simple`` style: ``blue,black,brown``, ``R=100,G=200`` (exploded)."""
    members = _members(value)
    if members is None:
        return text(value)
    if style.endswith("*"):
        return ",".join(f"{m[0]}={m[1]}" if isinstance(m, tuple) else m for m in members)
    return _joined(members, ",", str)


def query_param(name: str, value: Any, style: str, reserved: bool = False) -> list[str]:
    """Encoded ``key=value`` pieces of one query parameter (joined with ``&`` by the caller)."""
    kind, explode = style.rstrip("*"), style.endswith("*")
    if kind == "json":  # an OpenAPI 3.2 querystring of media type JSON: the whole query
        return [_escape(json.dumps(value, separators=(",", ":"), ensure_ascii=False))]
    if kind == "deepObject":
        return [
            f"{_escape(k).replace('%5B', '[').replace('%5D', ']')}={_escape(v, reserved)}"
            for k, v in flatten({name: value})
        ]
    members = _members(value)
    key = _escape(name)

    def esc(part: str) -> str:
        return _escape(part, reserved)

    if members is None:
        return [f"{key}={esc(text(value))}"]
    if kind == "form" and explode:
        return [
            f"{esc(m[0])}={esc(m[1])}" if isinstance(m, tuple) else f"{key}={esc(m)}"
            for m in members
        ]
    sep = {"spaceDelimited": "%20", "pipeDelimited": "%7C"}.get(kind, ",")
    return [f"{key}={_joined(members, sep, esc)}"]


def cookie_param(name: str, value: Any, style: str) -> list[str]:
    """``name=value`` pieces of one cookie in ``form`` style (joined with ``; `` by the caller:
    the Cookie header's separator where a query string has ``&``)."""
    members = _members(value)
    if members is None:
        return [f"{name}={_escape(text(value))}"]
    if style.endswith("*"):
        return [
            f"{_escape(m[0])}={_escape(m[1])}" if isinstance(m, tuple) else f"{name}={_escape(m)}"
            for m in members
        ]
    return [f"{name}={_joined(members, ',', _escape)}"]


def _joined(members: list[tuple[str, str]] | list[str], sep: str, esc: Any) -> str:
    """Members of a non-exploded value: ``a,b,c``, or ``k1,v1,k2,v2`` for an object."""
    flat: list[str] = []
    for m in members:
        flat.extend((esc(m[0]), esc(m[1])) if isinstance(m, tuple) else (esc(m),))
    return sep.join(flat)


# Request bodies ---------------------------------------------------------------------------
def raw_content(value: Any) -> bytes:
    """A raw body (octet-stream, text, XML, images ...) from bytes, text or a file object; a file
    is read once, when the call is made, so a retry sends the same bytes."""
    if isinstance(value, bytes):
        return value
    if isinstance(value, bytearray | memoryview):
        return bytes(value)
    if isinstance(value, str):
        return value.encode("utf-8")
    if hasattr(value, "read"):
        data = value.read()
        return data.encode("utf-8") if isinstance(data, str) else bytes(data)
    raise TypeError(f"a raw body takes bytes, str or a file object, not {type(value).__name__}")


def is_json_media(media_type: str) -> bool:
    """``application/json`` and every ``+json`` type (merge-patch, vendor types ...)."""
    base = media_type.split(";", 1)[0].strip().lower()
    return base == "application/json" or base.endswith("+json")


def multipart(body: Mapping[str, Any], part_types: Mapping[str, str]) -> list[tuple[str, Any]]:
    """The parts of a ``multipart/form-data`` body, plain fields first, then files.

    A field whose ``encoding`` names a content type (a JSON object, say) is one part of that
    type; a file is bytes, a file object or ``(filename, content[, content type])``; a list of
    files becomes ``name[0]``, ``name[1]`` ...; anything else is flattened as in a form body.
    Plain fields are parts without a filename, so the body is multipart even with no file."""
    fields: list[tuple[str, Any]] = []
    files: list[tuple[str, Any]] = []
    for key, value in body.items():
        if value is None:
            continue
        part_type = part_types.get(key)
        if _is_file(value):
            files.append((key, _file_part(value, part_type)))
        elif isinstance(value, list | tuple) and value and all(_is_file(v) for v in value):
            files += [(f"{key}[{i}]", _file_part(v, part_type)) for i, v in enumerate(value)]
        elif part_type is not None:
            content = json.dumps(value) if is_json_media(part_type) else text(value)
            fields.append((key, (None, content.encode("utf-8"), part_type)))
        else:
            fields += [(k, (None, v.encode("utf-8"))) for k, v in flatten({key: value})]
    return fields + files


def _is_file(value: Any) -> bool:
    return isinstance(value, bytes | bytearray | tuple) or hasattr(value, "read")


def _file_part(value: Any, part_type: str | None) -> Any:
    if isinstance(value, tuple):
        name, content, *rest = value
        content_type = rest[0] if rest and rest[0] else part_type
        return (name, replayable(content), *((content_type,) if content_type else ()))
    if part_type is not None:
        return ("upload", replayable(value), part_type)
    return replayable(value)


def replayable(content: Any) -> Any:
    """File content that a retry can send again: httpx rewinds seekable files itself; a stream
    that cannot seek (a pipe, a socket) is read into memory once, here."""
    if hasattr(content, "read"):
        seekable = getattr(content, "seekable", None)
        if not (callable(seekable) and seekable()):
            return content.read()
    return content

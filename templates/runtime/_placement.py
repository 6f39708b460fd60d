"""Where each argument of a call goes: the one request-placement function.

``place`` takes an operation's description (``Placement``, or the client's own ``Operation``,
which has the same attributes) and the call's keyword arguments, and says what the request
carries: its path with the path parameters in, its query, its headers and cookies, its body
fields. ``body`` then encodes those fields as the operation sends them. The client
(``_base_client``), the API explorer's preview and the gateway all call these two, so what a
snippet would send, what the explorer shows and what the gateway expects can never disagree.
Standard library only.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol
from urllib.parse import unquote_plus

from ._encode import (
    NOT_GIVEN,
    cookie_param,
    encode,
    flatten,
    header_param,
    multipart,
    path_param,
    query_param,
    raw_content,
)

FORM = "application/x-www-form-urlencoded"


class Described(Protocol):
    """What ``place`` reads of an operation (``Placement`` and ``_base_client.Operation``)."""

    @property
    def method(self) -> str: ...
    @property
    def path(self) -> str: ...
    @property
    def path_params(self) -> tuple[str, ...]: ...
    @property
    def query(self) -> tuple[str, ...]: ...
    @property
    def headers(self) -> tuple[str, ...]: ...
    @property
    def cookies(self) -> tuple[str, ...]: ...
    @property
    def wire_names(self) -> Mapping[str, str]: ...
    @property
    def styles(self) -> Mapping[str, str]: ...
    @property
    def reserved(self) -> tuple[str, ...]: ...
    @property
    def body(self) -> str | None: ...
    @property
    def whole_body(self) -> str | None: ...
    @property
    def media_type(self) -> str | None: ...
    @property
    def parts(self) -> Mapping[str, str]: ...
    @property
    def nullable(self) -> tuple[str, ...]: ...
    @property
    def body_required(self) -> bool: ...
    @property
    def fixed_query(self) -> str: ...


@dataclass(frozen=True)
class Placement:
    """An operation's description for ``place``, as the generator builds it from the IR (the
    generated ``Operation`` is given the very same values)."""

    method: str
    path: str
    path_params: tuple[str, ...] = ()
    query: tuple[str, ...] = ()
    headers: tuple[str, ...] = ()
    cookies: tuple[str, ...] = ()
    wire_names: Mapping[str, str] = field(default_factory=dict)
    styles: Mapping[str, str] = field(default_factory=dict)
    reserved: tuple[str, ...] = ()
    body: str | None = None
    whole_body: str | None = None
    media_type: str | None = None
    parts: Mapping[str, str] = field(default_factory=dict)
    nullable: tuple[str, ...] = ()
    body_required: bool = False
    fixed_query: str = ""  # the query a path key carries, as written ("beta=true")


@dataclass
class Placed:
    """A call's arguments in their places, encoded except for the bracket-style query and the
    body (the client adds credentials and options to both before they are encoded)."""

    path: str
    styled: list[str] = field(default_factory=list)  # encoded ``k=v`` query pieces
    query: dict[str, Any] = field(default_factory=dict)  # bracket style: encoded as a whole
    headers: dict[str, str] = field(default_factory=dict)
    cookies: list[str] = field(default_factory=list)  # ``k=v`` pieces of the Cookie header
    fields: dict[str, Any] = field(default_factory=dict)  # body fields by wire name
    whole: Any = None  # a body that is not an object of fields

    def query_string(self) -> str:
        return "&".join(self.styled + ([encode(flatten(self.query))] if self.query else []))


def place(
    op: Described,
    args: Mapping[str, Any],
    *,
    brackets: bool,
) -> Placed:
    """``args`` (by keyword) in their places. ``None`` is left out (sent as JSON ``null`` for a
    nullable body field), as is ``NOT_GIVEN``; with ``brackets`` (the
    profile's ``param_style``) every query parameter is bracket-encoded as a form body is.
    """
    placed = Placed(op.path)
    given: set[str] = set()  # wire names placed in the query
    for name, value in args.items():
        if value is None:
            if name not in op.nullable:
                continue
        elif value is NOT_GIVEN:
            continue
        wire = op.wire_names.get(name, name)
        if name in op.path_params:
            segment = path_param(wire, value, op.styles.get(name, "simple"))
            placed.path = placed.path.replace("{" + wire + "}", segment)
        elif name in op.query:
            given.add(wire)
            if brackets:
                placed.query[wire] = value
            else:
                style = op.styles.get(name, "form*")
                placed.styled += query_param(wire, value, style, name in op.reserved)
        elif name in op.headers:
            set_header(placed.headers, wire, header_param(value, op.styles.get(name, "simple")))
        elif name in op.cookies:
            placed.cookies += cookie_param(wire, value, op.styles.get(name, "form*"))
        elif name == op.whole_body:
            placed.whole = value
        else:
            placed.fields[wire] = value
    if op.fixed_query:  # first, as the path key has it; once: a name given replaces it
        fixed = [
            piece
            for piece in op.fixed_query.split("&")
            if piece and unquote_plus(piece.partition("=")[0]) not in given
        ]
        placed.styled[:0] = fixed
    return placed


@dataclass
class Body:
    """A request body: one of ``form`` (pairs), ``json`` (a value), ``files`` (multipart parts
    as httpx takes them) or ``content`` (bytes), and the Content-Type to set (None: the HTTP
    library sets it: multipart's boundary, httpx's ``json=``)."""

    form: list[tuple[str, str]] | None = None
    json: Any = None
    files: list[tuple[str, Any]] | None = None
    content: bytes | None = None
    content_type: str | None = None


def body(op: Described, placed: Placed) -> Body:
    """The body ``op`` sends for the fields and whole body in ``placed``."""
    if op.body == "form":
        return Body(form=flatten(placed.fields), content_type=FORM)
    if op.body == "multipart":
        return Body(files=multipart(placed.fields, op.parts))
    if op.body == "json":
        value = placed.fields if placed.fields or op.body_required else None  # none: no body
        if placed.whole is not None:
            value = placed.whole
        if op.media_type:  # a +json type: httpx's json= would say application/json
            text = json.dumps(value, separators=(",", ":"), ensure_ascii=False)
            return Body(content=text.encode(), content_type=op.media_type)
        return Body(json=value)
    if op.body == "raw" and placed.whole is not None:
        return Body(
            content=raw_content(placed.whole),
            content_type=op.media_type or "application/octet-stream",
        )
    return Body()


def set_header(headers: dict[str, str], name: str, value: str) -> None:
    """Set a header, replacing any spelling of it (header names ignore case)."""
    lower = name.lower()
    for key in [k for k in headers if k.lower() == lower]:
        del headers[key]
    headers[name] = value

"""An operation's placement description (``_placement.Placement``) from the IR.

The generated ``Operation`` descriptors are written from it (the ``placement`` template
filter), and the explorer's preview and the gateway hand it to the runtime's ``place``: one
description of where each argument goes, so the client, the preview and the gateway agree.
"""

from __future__ import annotations

from generator.ir import DEFAULT_STYLE_CODES, Operation
from generator.templates.runtime._placement import Placement
from generator.views.operations import body_media_type


def placement(op: Operation) -> Placement:
    """The ``Placement`` of ``op`` (only what differs from the defaults is set)."""

    def names(location: str) -> tuple[str, ...]:
        return tuple(p.py_name for p in op.parameters if p.location == location)

    body = op.body
    in_body = body is not None
    return Placement(
        method=op.method,
        path=op.path,
        path_params=names("path"),
        query=names("query"),
        headers=names("header"),
        cookies=names("cookie"),
        wire_names={
            p.py_name: p.wire_name
            for p in op.parameters
            if p.wire_name and p.py_name != p.wire_name
        },
        styles={
            p.py_name: p.style_code
            for p in op.parameters
            if p.style and p.style_code != DEFAULT_STYLE_CODES[p.location]
        },
        reserved=tuple(p.py_name for p in op.parameters if p.allow_reserved),
        body=body.encoding if body is not None else None,
        whole_body=next(
            (p.py_name for p in op.parameters if p.location == "body" and p.wire_name == ""),
            None,
        ),
        media_type=body_media_type(op),
        parts={p.py_name: p.part_type for p in op.parameters if p.part_type} if in_body else {},
        nullable=tuple(p.py_name for p in op.parameters if p.nullable) if in_body else (),
        body_required=body is not None and body.required and body.encoding == "json",
        fixed_query=op.fixed_query,
    )

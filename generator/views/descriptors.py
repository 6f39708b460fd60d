"""The descriptors of ``_operations.py`` as Python source: ``CONFIG = ClientConfig(...)`` and one
``Operation(...)`` per operation, each a list of (keyword, source) pairs the template lays out.

Only what differs from the runtime's defaults is written. Every value is a literal built here
(``pytypes.literal`` for scalars), and every non-empty dict and tuple ends with a comma, which
black keeps as one item per line. They are laid out as black lays them out (one item per line
at the keyword's depth, ``(x,)`` for one item): black still formats the module, but text it
would not change costs it one pass instead of two.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from generator.ir import Api, Operation
from generator.pytypes import literal
from generator.views.auth import oauth_config
from generator.views.operations import (
    error_targets,
    response_target,
    response_targets,
    return_type,
)
from generator.views.paging import paging_descriptor, stream_descriptor
from generator.views.placement import placement

Arguments = list[tuple[str, str]]  # (keyword, Python source of its value)


_DEPTH = 4  # every dict and tuple here is the value of a keyword argument at this indentation


def _dict(pairs: Iterable[tuple[str, str]]) -> str:
    return _exploded("{", [f"{k}: {v}" for k, v in pairs], "}", _DEPTH)


def _tuple(items: Iterable[str], depth: int = _DEPTH) -> str:
    listed = list(items)
    if len(listed) == 1 and "\n" not in listed[0]:
        return f"({listed[0]},)"
    return _exploded("(", listed, ")", depth)


def _exploded(opening: str, items: list[str], closing: str, depth: int) -> str:
    if not items:
        return opening + closing
    inner = " " * (depth + 4)
    return (
        f"{opening}\n" + "".join(f"{inner}{item},\n" for item in items) + f"{' ' * depth}{closing}"
    )


def _words(names: Iterable[str]) -> str:
    """Names as the runtime takes them: one space-separated string."""
    return literal(" ".join(names))


def _security(alternatives: tuple[tuple[str, ...], ...]) -> str:
    inner = _DEPTH + 4
    return _tuple(_tuple((literal(a) for a in alt), inner) for alt in alternatives)


def config_arguments(api: Api) -> Arguments:
    profile = api.profile
    args = [
        ("package", '__name__.rpartition(".")[0]'),
        ("base_url", literal(api.base_url)),
        ("api_version", literal(api.version)),
        ("version_header", literal(profile.version_header)),
        ("retry_hint_header", literal(profile.retry_hint_header)),
        ("client_headers", _dict((literal(k), literal(h)) for k, h in profile.client_headers)),
        ("status_errors", "STATUS_ERRORS"),
        ("error_types", "TYPE_ERRORS"),
        ("rate_limit_codes", _tuple(literal(c) for c in profile.rate_limit_codes)),
    ]
    if profile.param_style:
        args.append(("param_style", literal(profile.param_style)))
    args += [
        ("error_message", literal(profile.error_message)),
        ("idempotency_header", literal(profile.idempotency_header)),
        (
            "credentials",
            _dict(
                (
                    literal(c.argument),
                    f"Credential({literal(c.kind)}, {literal(c.name)}, {literal(c.env)})",
                )
                for c in api.credentials
            ),
        ),
        ("security", _security(api.default_security)),
    ]
    if api.oauth:
        args.append(("oauth", oauth_config(api)))
    return args


def operation_arguments(api: Api, op: Operation) -> Arguments:
    """The arguments of the operation's ``Operation(...)`` after its method and path."""
    pl = placement(op)
    args: Arguments = [
        (key, _words(names))
        for key, names in (
            ("path_params", pl.path_params),
            ("query", pl.query),
            ("headers", pl.headers),
            ("cookies", pl.cookies),
        )
        if names
    ]
    if pl.wire_names:
        args.append(
            ("wire_names", _dict((literal(k), literal(v)) for k, v in pl.wire_names.items()))
        )
    if pl.styles:
        args.append(("styles", _dict((literal(k), literal(v)) for k, v in pl.styles.items())))
    if pl.reserved:
        args.append(("reserved", _words(pl.reserved)))
    if pl.fixed_query:
        args.append(("fixed_query", literal(pl.fixed_query)))
    if pl.body:
        args.append(("body", literal(pl.body)))
        if pl.body_required:
            args.append(("body_required", "True"))
        if pl.media_type:
            args.append(("media_type", literal(pl.media_type)))
        if pl.parts:
            args.append(("parts", _dict((literal(k), literal(v)) for k, v in pl.parts.items())))
        if pl.nullable:
            args.append(("nullable", _words(pl.nullable)))
    if pl.whole_body:
        args.append(("whole_body", literal(pl.whole_body)))
    args += _response_arguments(op)
    if op.server:
        args.append(("server", literal(op.server)))
    if op.security is not None and op.security != api.default_security:
        args.append(("security", _security(op.security)))
    errors = error_targets(op)
    if errors:
        args.append(("errors", _dict((literal(s), literal(t)) for s, t in errors)))
    deprecated = [
        (literal(p.py_name), literal(p.deprecated)) for p in op.parameters if p.deprecated
    ]
    if op.deprecated:
        deprecated.insert(0, ('""', literal(f"'{op.py_name}' is deprecated")))
    if deprecated:
        args.append(("deprecated", _dict(deprecated)))
    return args


def _response_arguments(op: Operation) -> Arguments:
    """How the runtime reads what the server sends back: target(s), Accept, pages."""
    args: Arguments = []
    target = response_target(op)
    if target:
        args.append(("response", literal(target)))
    targets = response_targets(op)
    if targets:
        args.append(("responses", _dict((literal(m), literal(t)) for m, t in targets.items())))
    if op.response.accept:
        args.append(("accept", literal(op.response.accept)))
    paging = paging_descriptor(op)
    if paging:
        args.append(("paging", paging))
    stream = stream_descriptor(op)
    if stream:
        args.append(("stream", stream))
    return args


@dataclass(frozen=True)
class Descriptor:
    """One ``NAME: Operation[returns] = Operation(method, path, **arguments)``."""

    name: str
    returns: str
    method: str  # as source
    path: str  # as source
    arguments: Arguments


def descriptors(api: Api) -> list[Descriptor]:
    return [
        Descriptor(
            op.const_name,
            return_type(op),
            literal(op.method),
            literal(op.path),
            operation_arguments(api, op),
        )
        for op in api.operations
    ]

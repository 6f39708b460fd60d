"""Check a request against its operation in the IR: a pure function, no I/O.

The gateway runs it before forwarding; the explorer's preview can run it on a form's values.
Values come as they arrive: from a query string or form body every scalar is a string (``"42"``,
``"true"``), from a JSON body they are JSON values. Form lists come from the decoder as dicts
with digit keys (``expand[0]``) or as lists (``expand[]``).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from urllib.parse import parse_qsl

from generator.gateway.forms import Problem
from generator.ir import (
    Api,
    ListOf,
    Lit,
    MapOf,
    ModelRef,
    Operation,
    ParamsRef,
    ParamsType,
    Prim,
    TypeRef,
    UnionOf,
)
from generator.primitives import Name, primitive
from generator.templates.runtime import _values  # the one value codec


def validate(
    api: Api,
    operation: Operation,
    *,
    path: Mapping[str, str | list[str]] | None = None,
    query: Mapping[str, Any] | None = None,
    headers: Mapping[str, str] | None = None,
    body: Any = None,
    form: bool = True,
) -> list[Problem]:
    """Problems with a request, each naming its parameter; empty when it may be forwarded.

    ``path`` and ``query`` hold decoded values, ``headers`` lower-case names, ``body`` the
    decoded body (``None``: none was sent) and ``form`` whether its scalars are strings.
    """
    checker = _Checker(api)
    given: dict[str, Mapping[str, Any]] = {
        "path": path or {},
        "query": query or {},
        "header": {k.lower(): v for k, v in (headers or {}).items()},
    }
    problems = _body_problems(checker, operation, body, form, given)
    for location, values in given.items():
        problems += _location_problems(checker, operation, location, values, form)
    return problems


def _body_problems(
    checker: _Checker,
    operation: Operation,
    body: Any,
    form: bool,
    given: dict[str, Mapping[str, Any]],
) -> list[Problem]:
    """Problems with the body as a whole; an object body's properties go into ``given["body"]``
    to be checked as parameters."""
    whole = next(
        (p for p in operation.parameters if p.location == "body" and not p.wire_name),
        None,
    )
    if operation.body is None and body not in (None, {}):
        return [Problem(None, "this operation takes no request body")]
    if whole is not None:
        if body is None and whole.required:
            return [Problem(None, "a request body is required", "parameter_missing")]
        if body is not None:
            return checker.check(whole.type, body, "", stringly=form)
    elif operation.body is not None:
        if body is not None and not isinstance(body, dict):
            return [Problem(None, "the request body must be an object")]
        given["body"] = body or {}
    return []


def _location_problems(
    checker: _Checker,
    operation: Operation,
    location: str,
    values: Mapping[str, Any],
    form: bool,
) -> list[Problem]:
    """Problems with the parameters of one location: missing, invalid, unknown."""
    problems: list[Problem] = []
    params = [p for p in operation.parameters if p.location == location and p.wire_name]
    by_name = {(p.wire_name.lower() if location == "header" else p.wire_name): p for p in params}
    for name, param in by_name.items():
        if name not in values:
            if param.required:
                problems.append(
                    Problem(
                        param.wire_name,
                        f"missing required parameter: {param.wire_name}",
                        "parameter_missing",
                    )
                )
            continue
        problems += checker.check(
            param.type,
            values[name],
            param.wire_name,
            stringly=location != "body" or form,
        )
    if location in ("query", "body"):
        # the query a path key carries (``?beta=true``) is the operation's own
        fixed = {k for k, _ in parse_qsl(operation.fixed_query)} if location == "query" else ()
        problems += [
            Problem(name, f"unknown parameter: {name}", "parameter_unknown")
            for name in values
            if name not in by_name and name not in fixed
        ]
    return problems


class _Checker:
    def __init__(self, api: Api) -> None:
        self.api = api

    def check(self, t: TypeRef, value: Any, where: str, *, stringly: bool) -> list[Problem]:
        if isinstance(t, Prim):
            ok = _prim_ok(t.name, value, stringly)
            return [] if ok else [_bad(where, primitive(t.name).words)]
        if isinstance(t, Lit):
            return self._lit(t, value, where, stringly)
        if isinstance(t, ListOf):
            items = _as_list(value) if stringly else value
            if not isinstance(items, list):
                return [_bad(where, "a list")]
            return [
                p
                for i, item in enumerate(items)
                for p in self.check(t.item, item, f"{where}[{i}]", stringly=stringly)
            ]
        if isinstance(t, MapOf):
            if not isinstance(value, dict):
                return [_bad(where, "an object")]
            return [
                p
                for key, item in value.items()
                for p in self.check(t.value, item, _sub(where, key), stringly=stringly)
            ]
        if isinstance(t, ParamsRef):
            return self._object(self.api.params_type(t.name), value, where, stringly)
        if isinstance(t, UnionOf):
            return self._union(t, value, where, stringly)
        assert isinstance(t, ModelRef)  # response-side only; nothing to check in a request
        return []

    def _lit(self, t: Lit, value: Any, where: str, stringly: bool) -> list[Problem]:
        if t.open or t.lenient:  # the API accepts values beyond the listed ones
            return [] if isinstance(value, str) else [_bad(where, "a string")]
        for allowed in t.values:
            if value == allowed and type(value) is type(allowed):
                return []
        if stringly and isinstance(value, str):
            try:
                _values.literal(t.values, value)
                return []
            except _values.Invalid as exc:
                return [_bad(where, exc.expected)]
        shown = ", ".join(_values.text(v) or '"" (empty)' for v in t.values)
        return [_bad(where, f"one of {shown}")]

    def _object(self, t: ParamsType, value: Any, where: str, stringly: bool) -> list[Problem]:
        if not isinstance(value, dict):
            return [_bad(where, "an object")]
        fields = {f.wire_name: f for f in t.fields}
        problems = [
            Problem(
                _sub(where, k),
                f"unknown parameter: {_sub(where, k)}",
                "parameter_unknown",
            )
            for k in value
            if k not in fields
        ]
        for name, f in fields.items():
            if name in value:
                problems += self.check(f.type, value[name], _sub(where, name), stringly=stringly)
            elif f.required:
                problems.append(
                    Problem(
                        _sub(where, name),
                        f"missing required parameter: {_sub(where, name)}",
                        "parameter_missing",
                    )
                )
        return problems

    def _union(self, t: UnionOf, value: Any, where: str, stringly: bool) -> list[Problem]:
        results = [self.check(m, value, where, stringly=stringly) for m in t.members]
        if any(not r for r in results):
            return []
        # Report against the member of the value's own kind (an object against the object
        # member of Stripe's emptyable ``object | ""``), else a summary.
        same_kind = [r for m, r in zip(t.members, results, strict=True) if _kind_fits(m, value)]
        if len(same_kind) == 1:
            return same_kind[0]
        return [_bad(where, "a value of one of the allowed types")]


def _prim_ok(name: Name, value: Any, stringly: bool) -> bool:
    kind = primitive(name).command  # the codec's name for it; files are not its to read
    if kind not in _values.SCALARS:
        return True
    if stringly and isinstance(value, str):
        return bool(_values.fits(kind, value))
    return bool(_values.is_typed(kind, value))


def _kind_fits(t: TypeRef, value: Any) -> bool:
    if isinstance(value, dict):
        return isinstance(t, ParamsRef | MapOf) or (
            isinstance(t, ListOf) and _as_list(value) is not None
        )
    if isinstance(value, list):
        return isinstance(t, ListOf)
    return isinstance(t, Prim | Lit)


def _as_list(value: Any) -> list[Any] | None:
    """A form list: ``[...]`` from ``name[]``, the dict of ``name[0]``, ``name[1]``, ... in
    index order, or ``""`` (``expand=``: Stripe's way of sending an empty list)."""
    items: list[Any] | None = _values.as_list(value)
    return items


def _sub(where: str, key: str) -> str:
    return f"{where}[{key}]" if where else key


def _bad(where: str, expected: str) -> Problem:
    return Problem(where or None, f"invalid value for {where or 'the body'}: expected {expected}")

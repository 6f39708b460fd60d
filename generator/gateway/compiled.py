"""Per-operation validators compiled from the IR, for the gateway's hot path.

``validate`` walks the IR for every request: which parameters an operation has, where, which
are required, what each type is. ``Validators`` decides all of that once per operation and
keeps, for each type, a small closure that answers one question: is this value certainly
acceptable? A request whose every value passes is forwarded without further work; anything
else goes to ``validate``, which finds and words the problems. So the compiled checks only need
to be *sound* (never pass what ``validate`` would refuse); where a value is unusual (a literal
spelled unlike its canonical text, say) they decline and ``validate`` decides, and the two can
never disagree about a request that is refused.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from generator.gateway.forms import Problem
from generator.gateway.validate import validate
from generator.ir import (
    Api,
    ListOf,
    Lit,
    MapOf,
    ModelRef,
    Operation,
    ParamsRef,
    Prim,
    TypeRef,
    UnionOf,
)
from generator.primitives import Name, primitive
from generator.templates.runtime import _values

Check = Callable[[Any], bool]  # True: certainly acceptable


def _always(value: Any) -> bool:
    return True


def _is_str(value: Any) -> bool:
    return isinstance(value, str)


class _Compiler:
    """Closures per (type, stringly); object types compiled on first use (they may recurse)."""

    def __init__(self, api: Api) -> None:
        self.api = api
        self.objects: dict[tuple[str, bool], Check] = {}

    def compile(self, t: TypeRef, stringly: bool) -> Check:
        if isinstance(t, Prim):
            return self._prim(t.name, stringly)
        if isinstance(t, Lit):
            return self._lit(t, stringly)
        if isinstance(t, ListOf):
            item = self.compile(t.item, stringly)

            def listed(value: Any) -> bool:
                items = _values.as_list(value) if stringly else value
                return isinstance(items, list) and all(item(i) for i in items)

            return listed
        if isinstance(t, MapOf):
            member = self.compile(t.value, stringly)
            return lambda value: isinstance(value, dict) and all(member(v) for v in value.values())
        if isinstance(t, ParamsRef):
            key = (t.name, stringly)
            return lambda value: self._object(key)(value)
        if isinstance(t, UnionOf):
            members = [self.compile(m, stringly) for m in t.members]
            return lambda value: any(m(value) for m in members)
        assert isinstance(t, ModelRef)  # response-side only
        return _always

    def _prim(self, name: Name, stringly: bool) -> Check:
        kind = primitive(name).command  # the codec's name for it; files are not its to read
        if kind not in _values.SCALARS or kind == "any":
            return _always
        if kind == "str":  # any text fits, and a typed value must be text too
            return _is_str
        fits, typed = _values.fits, _values.is_typed
        if stringly:
            return lambda v: bool(fits(kind, v)) if isinstance(v, str) else bool(typed(kind, v))
        return lambda v: bool(typed(kind, v))

    def _lit(self, t: Lit, stringly: bool) -> Check:
        if t.open or t.lenient:
            return lambda v: isinstance(v, str)
        allowed = [(v, type(v)) for v in t.values]
        texts = frozenset(_values.text(v) for v in t.values) if stringly else frozenset()

        def literal(value: Any) -> bool:
            if isinstance(value, str) and value in texts:
                return True
            return any(value == a and type(value) is kind for a, kind in allowed)

        return literal

    def _object(self, key: tuple[str, bool]) -> Check:
        found = self.objects.get(key)
        if found is not None:
            return found
        self.objects[key] = _always  # a recursive reference while compiling: filled in below
        t = self.api.params_type(key[0])
        fields = {f.wire_name: self.compile(f.type, key[1]) for f in t.fields}
        required = frozenset(f.wire_name for f in t.fields if f.required)

        def obj(value: Any) -> bool:
            if not isinstance(value, dict):
                return False
            for name, item in value.items():
                check = fields.get(name)
                if check is None or not check(item):
                    return False
            return required <= value.keys()

        self.objects[key] = obj
        return obj


class _Plan:
    """One operation's parameters by location: name -> check, and the required names."""

    def __init__(self, compiler: _Compiler, op: Operation) -> None:
        whole = next((p for p in op.parameters if p.location == "body" and not p.wire_name), None)
        self.has_body = op.body is not None
        self.whole = whole
        form = op.body is None or op.body.encoding in ("form", "multipart")
        self.whole_form = compiler.compile(whole.type, True) if whole else None
        self.whole_json = compiler.compile(whole.type, False) if whole else None
        self.by_location: dict[str, tuple[dict[str, Check], tuple[str, ...]]] = {}
        for location in ("path", "query", "header", "body"):
            params = [p for p in op.parameters if p.location == location and p.wire_name]
            stringly = location != "body" or form
            names = {
                (p.wire_name.lower() if location == "header" else p.wire_name): p for p in params
            }
            checks = {n: compiler.compile(p.type, stringly) for n, p in names.items()}
            required = tuple(n for n, p in names.items() if p.required)
            self.by_location[location] = (checks, required)
        # the same, unpacked: ``passes`` runs on every call
        self.path, self.path_required = self.by_location["path"]
        self.query, self.query_required = self.by_location["query"]
        self.header, self.header_required = self.by_location["header"]
        self.body, self.body_required = self.by_location["body"]

    def passes(
        self,
        path: Mapping[str, Any],
        query: Mapping[str, Any],
        headers: Mapping[str, str],
        body: Any,
        form: bool,
    ) -> bool:
        if not self.has_body:
            if body not in (None, {}):
                return False
        elif self.whole is not None:
            if body is None:
                if self.whole.required:
                    return False
            else:
                check = self.whole_form if form else self.whole_json
                if check is None or not check(body):
                    return False
        elif body is not None:
            if not isinstance(body, dict) or not _only_known(self.body, self.body_required, body):
                return False
        elif self.body_required:
            return False  # required body fields, and no body
        if (path or self.path_required) and not _known(self.path, self.path_required, path):
            return False
        if (query or self.query_required) and not _only_known(
            self.query, self.query_required, query
        ):
            return False
        return not (headers or self.header_required) or _known(
            self.header, self.header_required, headers
        )


def _known(checks: dict[str, Check], required: tuple[str, ...], values: Mapping[str, Any]) -> bool:
    """Every required name is there and every value with a check passes it (others ignored)."""
    for name in required:
        if name not in values:
            return False
    return all(check(values[n]) for n, check in checks.items() if n in values)


def _only_known(
    checks: dict[str, Check], required: tuple[str, ...], values: Mapping[str, Any]
) -> bool:
    """As ``_known``, and no value without a check."""
    for name in required:
        if name not in values:
            return False
    for name, value in values.items():
        check = checks.get(name)
        if check is None or not check(value):
            return False
    return True


class Validators:
    """``check(op, ...)``: ``validate``'s response, by the compiled plan when it passes."""

    def __init__(self, api: Api) -> None:
        self.api = api
        compiler = _Compiler(api)
        self.plans = {op.operation_id: _Plan(compiler, op) for op in api.operations}

    def check(
        self,
        op: Operation,
        *,
        path: Mapping[str, Any],
        query: Mapping[str, Any],
        headers: Mapping[str, str],  # lower-case names
        body: Any,
        form: bool,
    ) -> list[Problem]:
        if self.plans[op.operation_id].passes(path, query, headers, body, form):
            return []
        return validate(self.api, op, path=path, query=query, headers=headers, body=body, form=form)

"""Compare two APIs through their IR: what changed, in the terms of the client people call.

Pure: two ``Api`` values in, a list of ``Change`` out. Subjects are what a user of the client
writes (method names, keyword arguments, TypedDict keys, model classes and attributes) and
types are spelled as the generated code annotates them.

A change is *breaking* when code that type-checked and ran against the old client may fail
against the new one. Requests and responses differ: a request type that accepts more
(widened) is safe and one that accepts less (narrowed) is not; on the response side any change
of what a field or method returns is breaking, except values added to an open enum
(``Literal[...] | str`` already admits any string, so readers see nothing new).

Things are matched by what users refer to them by: methods by name, keyword arguments by
keyword, TypedDict keys by key, model attributes by attribute name, credentials by the
client's constructor argument, and models by their
component key (a class rename is one change, and types that refer to the model through the
old and new name are the same type). Inline TypedDict names depend on where a shape first
appears, so TypedDicts are compared by position (the TypedDict a keyword argument takes in the
old and the new client), never by name.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from generator import pytypes
from generator.diff_types import Index, compare, read_type, returns
from generator.errors import GeneratorError
from generator.ir import (
    Api,
    Credential,
    Model,
    Operation,
    Parameter,
    ParamsField,
    ParamsRef,
    TypeRef,
    walk,
)
from generator.lower import normalize_operation_id

# Every kind of change, in report order. The first part says what the subject is.
KINDS = (
    "operation.added",
    "operation.removed",
    "operation.deprecated",
    "operation.security_changed",
    "return.type_changed",
    "return.enum_changed",
    "parameter.added",
    "parameter.removed",
    "parameter.required",
    "parameter.optional",
    "parameter.type_changed",
    "parameter.enum_changed",
    "parameter.deprecated",
    "key.added",
    "key.removed",
    "key.required",
    "key.optional",
    "key.type_changed",
    "key.enum_changed",
    "model.added",
    "model.removed",
    "model.renamed",
    "field.added",
    "field.removed",
    "field.type_changed",
    "field.enum_changed",
    "field.deprecated",
    "credential.added",
    "credential.removed",
    "credential.changed",
    "security.added",
    "security.removed",
    "security.changed",
)


@dataclass(frozen=True)
class Change:
    kind: str  # one of KINDS
    scope: str  # the method or model class it belongs to ("" for API-wide changes)
    subject: str  # what a user of the client writes: get_customers(limit=), Customer.email
    breaking: bool
    detail: str  # one line for a reviewer
    where: str  # JSON pointer in the spec it comes from (the new one; the old one for removals)
    old: str | None = None  # Python types as the client spells them, where a type changed
    new: str | None = None


def diff_apis(old: Api, new: Api, operations: Sequence[str] = ()) -> list[Change]:
    """What changed from ``old`` to ``new``; with ``operations`` (IDs matched as ``generate``
    matches them), only those operations and the models they return."""
    d = _Diff(Index(old), Index(new))
    wanted = {normalize_operation_id(o): o for o in operations}
    if wanted:
        known = {
            normalize_operation_id(op.operation_id) for op in (*old.operations, *new.operations)
        }
        missing = [o for n, o in wanted.items() if n not in known]
        if missing:
            raise GeneratorError(
                f"no operation with ID {', '.join(sorted(missing))} in either spec"
                " (IDs match ignoring case and '_')"
            )
    d.operations(lambda op: not wanted or normalize_operation_id(op.operation_id) in wanted)
    keys = None
    if wanted:
        keys = d.old.reachable(o for o in old.operations if d.selected(o)) | d.new.reachable(
            o for o in new.operations if d.selected(o)
        )
    d.models(keys)
    d.security(old, new)
    return d.changes


class _Diff:
    def __init__(self, old: Index, new: Index) -> None:
        self.old = old
        self.new = new
        self.changes: list[Change] = []
        self.compared: set[tuple[str, str]] = set()  # TypedDict pairs already compared
        self.selected: _Selector = _all

    def add(
        self,
        kind: str,
        scope: str,
        subject: str,
        breaking: bool,
        detail: str,
        where: str,
        old: str | None = None,
        new: str | None = None,
    ) -> None:
        self.changes.append(Change(kind, scope, subject, breaking, detail, where, old, new))

    # Operations -----------------------------------------------------------------------------
    def operations(self, selected: _Selector) -> None:
        self.selected = selected
        for name in sorted(self.old.ops.keys() | self.new.ops.keys()):
            o, n = self.old.ops.get(name), self.new.ops.get(name)
            if o is not None and n is not None:
                if selected(o) or selected(n):
                    self.operation(o, n)
            elif n is not None and selected(n):
                text = f"new method ({n.method} {n.path})"
                self.add("operation.added", name, f"{name}()", False, text, n.where)
            elif o is not None and selected(o):
                text = f"method removed ({o.method} {o.path})"
                self.add("operation.removed", name, f"{name}()", True, text, o.where)

    def operation(self, o: Operation, n: Operation) -> None:
        name = n.py_name
        if n.deprecated and not o.deprecated:
            text = "method deprecated (it warns when called)"
            self.add("operation.deprecated", name, f"{name}()", False, text, n.where)
        self.requirements(o, n)
        self.typed("return", name, f"{name}()", returns(o), returns(n), n.where, request=False)
        self.members(
            "parameter",
            name,
            lambda key: f"{name}({key}=)",
            {p.py_name: p for p in o.parameters},
            {p.py_name: p for p in n.parameters},
            (o.where, n.where),
            "",
        )
        for p in o.parameters:
            q = next((q for q in n.parameters if q.py_name == p.py_name), None)
            if q is not None and q.deprecated and not p.deprecated:
                subject, text = f"{name}({p.py_name}=)", f"deprecated: {q.deprecated}"
                self.add("parameter.deprecated", name, subject, False, text, n.where)

    def members(
        self,
        what: str,
        scope: str,
        subject: Callable[[str], str],
        old: Mapping[str, Parameter | ParamsField],
        new: Mapping[str, Parameter | ParamsField],
        where: tuple[str, str],
        context: str,
    ) -> None:
        """Keyword arguments of a method, or keys of a TypedDict: both are request members
        that may be required, and whose types may hold TypedDicts of their own."""
        note = f" {context}" if context else ""
        for key in [*new, *(k for k in old if k not in new)]:
            p, q = old.get(key), new.get(key)
            if p is None and q is not None:
                text = f"new{' required' if q.required else ''} {_NOUN[what]}{note}"
                spelled = pytypes.request_type(q.type)
                self.add(
                    f"{what}.added", scope, subject(key), q.required, text, where[1], None, spelled
                )
            elif q is None and p is not None:
                text, spelled = f"{_NOUN[what]} removed{note}", pytypes.request_type(p.type)
                self.add(f"{what}.removed", scope, subject(key), True, text, where[0], spelled)
            elif p is not None and q is not None:
                if q.required != p.required:
                    kind, text = (
                        ("required", "now required") if q.required else ("optional", "now optional")
                    )
                    self.add(
                        f"{what}.{kind}", scope, subject(key), q.required, text + note, where[1]
                    )
                self.typed(what, scope, subject(key), p.type, q.type, where[1])
                self.nested(p.type, q.type, f"in {subject(key)}")

    def typed(
        self,
        what: str,
        scope: str,
        subject: str,
        before: TypeRef,
        after: TypeRef,
        where: str,
        request: bool = True,
    ) -> None:
        verdict = compare(self.old, self.new, before, after, request)
        if verdict is None:
            return
        suffix, breaking, detail = verdict
        if what == "return":
            detail = f"return {detail}"
        was, now = self.old.spell(before, request), self.new.spell(after, request)
        if was == now:  # the change is inside a named union: spell it out
            was, now = self.old.spell(before, request, True), self.new.spell(after, request, True)
        self.add(f"{what}.{suffix}", scope, subject, breaking, detail, where, was, now)

    def nested(self, before: TypeRef, after: TypeRef, context: str) -> None:
        """Compare the TypedDicts two request types take, position by position."""
        olds = [u.name for u in walk(before) if isinstance(u, ParamsRef)]
        news = [u.name for u in walk(after) if isinstance(u, ParamsRef)]
        for a, b in zip(olds, news, strict=False):
            old, new = self.old.api, self.new.api
            if (a, b) in self.compared or not old.has_params_type(a) or not new.has_params_type(b):
                continue
            self.compared.add((a, b))
            o, n = old.params_type(a), new.params_type(b)
            self.members(
                "key",
                n.name,
                _key_subject(n.name),
                {f.wire_name: f for f in o.fields},
                {f.wire_name: f for f in n.fields},
                (o.where, n.where),
                context,
            )

    # Models ---------------------------------------------------------------------------------
    def models(self, keys: set[str] | None) -> None:
        old, new = self.old.api, self.new.api
        named = {m.schema_key: m.name for api in (old, new) for m in api.models}  # newer last
        for key in sorted(named, key=named.__getitem__):
            if keys is not None and key not in keys:
                continue
            o, n = old.model_by_key(key), new.model_by_key(key)
            if o is None and n is not None:
                self.add("model.added", n.name, n.name, False, "new model", n.where)
            elif n is None and o is not None:
                self.add("model.removed", o.name, o.name, True, "model removed", o.where)
            elif o is not None and n is not None:
                if o.name != n.name:
                    text = f"class renamed from {o.name}"
                    self.add("model.renamed", n.name, n.name, True, text, n.where, o.name, n.name)
                self.model(o, n)

    def model(self, o: Model, n: Model) -> None:
        old_fields = {f.py_name: f for f in o.fields}
        new_fields = {f.py_name: f for f in n.fields}
        for name in [*new_fields, *(k for k in old_fields if k not in new_fields)]:
            subject = f"{n.name}.{name}"
            p, q = old_fields.get(name), new_fields.get(name)
            if p is None and q is not None:
                spelled = self.new.spell(read_type(q), request=False)
                self.add("field.added", n.name, subject, False, "new field", n.where, None, spelled)
            elif q is None and p is not None:
                spelled = self.old.spell(read_type(p), request=False)
                self.add("field.removed", n.name, subject, True, "field removed", o.where, spelled)
            elif p is not None and q is not None:
                self.typed("field", n.name, subject, read_type(p), read_type(q), n.where, False)
                if q.deprecated and not p.deprecated:
                    self.add(
                        "field.deprecated", n.name, subject, False, "field deprecated", n.where
                    )

    # Security -------------------------------------------------------------------------------
    def security(self, old: Api, new: Api) -> None:
        """The constructor's credential arguments (what users pass), then the spec's schemes
        themselves (for the reviewer; what breaks shows in the credentials and methods)."""
        client = new.profile.client_class
        was = {c.argument: c for c in old.credentials}
        now = {c.argument: c for c in new.credentials}
        where = "/components/securitySchemes"
        for arg in [*now, *(a for a in was if a not in now)]:
            a, b = was.get(arg), now.get(arg)
            subject = f"{client}({arg}=)"
            if a is None and b is not None:
                # one credential is taken positionally, several by keyword only
                moved = len(old.credentials) == 1 and len(new.credentials) > 1
                text = f"new credential argument ({_sent(b)})" + (
                    "; the client now takes its credentials by keyword only" if moved else ""
                )
                self.add("credential.added", client, subject, moved, text, where)
            elif b is None and a is not None:
                text = f"credential argument removed (was {_sent(a)})"
                self.add("credential.removed", client, subject, True, text, where)
            elif a is not None and b is not None and _sent(a) != _sent(b):
                text = f"sent differently: {_sent(a)} -> {_sent(b)}"
                self.add("credential.changed", client, subject, False, text, where)
        schemes_was = {s.key: s for s in old.security}
        schemes_now = {s.key: s for s in new.security}
        for key in sorted(schemes_was.keys() | schemes_now.keys()):
            x, y = schemes_was.get(key), schemes_now.get(key)
            if x is None and y is not None:
                text = f"new security scheme ({_scheme(y.type, y.scheme)})"
                self.add("security.added", "", key, False, text, where)
            elif y is None and x is not None:
                text = f"security scheme removed ({_scheme(x.type, x.scheme)})"
                self.add("security.removed", "", key, False, text, where)
            elif x is not None and y is not None and (x.type, x.scheme) != (y.type, y.scheme):
                text = f"security scheme changed: {_scheme(x.type, x.scheme)} -> {_scheme(y.type, y.scheme)}"
                self.add("security.changed", "", key, False, text, where)

    def requirements(self, o: Operation, n: Operation) -> None:
        """Which credentials a method sends: breaking when credentials that were enough for
        it before are not enough now."""
        before = _alternatives(o, self.old.api)
        after = _alternatives(n, self.new.api)
        if before == after:
            return
        breaking = any(not any(b <= a for b in after) for a in before)
        text = (
            f"credentials it needs: {_spell_alternatives(before)} -> {_spell_alternatives(after)}"
        )
        self.add("operation.security_changed", n.py_name, f"{n.py_name}()", breaking, text, n.where)


def _key_subject(typed_dict: str) -> Callable[[str], str]:
    return lambda key: f"{typed_dict}[{pytypes.literal(key)}]"


_NOUN = {"parameter": "keyword argument", "key": "key"}


_Selector = Callable[[Operation], bool]


def _all(op: Operation) -> bool:
    return True


def _scheme(kind: str, scheme: str | None) -> str:
    return f"{kind} {scheme}" if scheme else kind


def _sent(c: Credential) -> str:
    if c.kind == "bearer":
        return "Authorization: Bearer"
    if c.kind == "basic":
        return f"basic auth {c.name}"
    return f"{c.kind} {c.name}"


def _alternatives(op: Operation, api: Api) -> frozenset[frozenset[str]]:
    """The sets of credential arguments any one of which is enough for the operation."""
    alternatives = op.security if op.security is not None else api.default_security
    if not alternatives:  # nothing required
        return frozenset({frozenset()})
    return frozenset(frozenset(a) for a in alternatives)


def _spell_alternatives(alternatives: frozenset[frozenset[str]]) -> str:
    spelled = sorted(" + ".join(sorted(a)) or "none" for a in alternatives)
    return " or ".join(spelled)

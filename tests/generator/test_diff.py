"""``generator diff``: changes in the client's terms, with breaking verdicts.

The two shared Stripe specs are built into IRs once per session (about a second); everything
else compares small crafted specs that differ in one way each.
"""

from __future__ import annotations

import copy
import json
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from support.paths import ROOT, shared_spec

from generator.diff import KINDS, Change, diff_apis
from generator.diff_report import SCHEMA, render, to_json
from generator.ir import Api
from generator.load import Document, load_document
from generator.spec_ir import build_ir

Spec = dict[str, Any]


# The two Stripe specs ------------------------------------------------------------------------
@pytest.fixture(scope="session")
def stripe_pair() -> tuple[Spec, Spec, list[Change]]:
    docs = [
        load_document(shared_spec(name))
        for name in ("spec3.2022-04-12.json", "spec3.2023-09-12.yaml")
    ]
    old, new = (build_ir(d, d.path.name, {}) for d in docs)
    return docs[0].data, docs[1].data, diff_apis(old, new)


def _find(changes: list[Change], kind: str, subject: str) -> Change:
    found = [c for c in changes if c.kind == kind and c.subject == subject]
    assert len(found) == 1, f"{kind} {subject}: {found}"
    return found[0]


@pytest.mark.slow  # builds both full Stripe specs
def test_real_stripe_changes_checked_by_hand(stripe_pair: tuple[Spec, Spec, list[Change]]) -> None:
    old, new, changes = stripe_pair
    # /v1/treasury/debit_reversals (POST) exists only in the 2023 spec
    added = _find(changes, "operation.added", "post_treasury_debit_reversals()")
    assert not added.breaking and "POST /v1/treasury/debit_reversals" in added.detail
    assert "/v1/treasury/debit_reversals" not in old["paths"]
    # /v1/issuer_fraud_records is gone in 2023: removing a method breaks its callers
    assert _find(changes, "operation.removed", "get_issuer_fraud_records()").breaking
    # POST /v1/issuing/disputes gained an optional `amount`
    amount = _find(changes, "parameter.added", "post_issuing_disputes(amount=)")
    assert (amount.breaking, amount.new) == (False, "int")
    # POST /v1/customers/{customer} lost `trial_end`
    trial_end = _find(changes, "parameter.removed", "post_customers_customer(trial_end=)")
    assert trial_end.breaking and trial_end.old == 'Literal["now"] | int'
    # GET /v1/subscriptions: the status filter accepts "paused" now
    status = _find(changes, "parameter.enum_changed", "get_subscriptions(status=)")
    assert (status.breaking, status.detail) == (False, 'values added: "paused"')
    # payment_method_details_card_wallet.type grew "link": an open enum on a response
    wallet = _find(changes, "field.enum_changed", "PaymentMethodDetailsCardWallet.type")
    assert (wallet.breaking, wallet.detail) == (False, 'values added: "link"')
    # dispute.status lost "charge_refunded": an enum narrowed
    dispute = _find(changes, "field.enum_changed", "Dispute.status")
    assert (dispute.breaking, dispute.detail) == (True, 'values removed: "charge_refunded"')
    # checkout.session.success_url became nullable: readers must handle None now
    success = _find(changes, "field.type_changed", "CheckoutSession.success_url")
    assert (success.breaking, success.old, success.new) == (True, "str", "str | None")
    assert new["components"]["schemas"]["checkout.session"]["properties"]["success_url"]["nullable"]


def _operation_ids(spec: Spec) -> dict[str, tuple[str, str]]:
    ops = {}
    for path, item in spec["paths"].items():
        for method, op in item.items():
            if isinstance(op, dict) and "operationId" in op:
                ops[op["operationId"]] = (path, method)
    return ops


def _deref(spec: Spec, node: Any) -> Any:
    while isinstance(node, dict) and "$ref" in node:
        node = spec["components"]["schemas"][node["$ref"].rsplit("/", 1)[1]]
    return node


def _argument_names(spec: Spec, path: str, method: str) -> set[str]:
    """Keyword arguments as the spec names them: parameters and top-level body properties."""
    op = spec["paths"][path][method]
    names = {p["name"] for p in op.get("parameters", [])}
    for media in op.get("requestBody", {}).get("content", {}).values():
        names |= set(_deref(spec, media.get("schema", {})).get("properties", {}))
    return names


def _is_component(where: str) -> bool:
    return where.startswith("/components/schemas/") and where.count("/") == 3


def _component_models(spec: Spec) -> set[str]:
    return {k for k, v in spec["components"]["schemas"].items() if "properties" in v}


@pytest.mark.slow  # builds both full Stripe specs
def test_counts_match_an_independent_count_of_the_raw_specs(
    stripe_pair: tuple[Spec, Spec, list[Change]],
) -> None:
    old, new, changes = stripe_pair

    def count(kind: str, components: bool = False) -> int:
        """Changes of a kind; with ``components``, only of component schemas themselves."""
        return sum(c.kind == kind and (not components or _is_component(c.where)) for c in changes)

    old_ops, new_ops = _operation_ids(old), _operation_ids(new)
    assert count("operation.added") == len(new_ops.keys() - old_ops.keys()) == 102
    assert count("operation.removed") == len(old_ops.keys() - new_ops.keys()) == 51
    added = removed = 0
    for op_id in old_ops.keys() & new_ops.keys():
        before, after = _argument_names(old, *old_ops[op_id]), _argument_names(new, *new_ops[op_id])
        added += len(after - before)
        removed += len(before - after)
    assert (count("parameter.added"), count("parameter.removed")) == (added, removed) == (142, 3)
    old_models, new_models = _component_models(old), _component_models(new)
    assert count("model.added", True) == len(new_models - old_models) == 279
    assert count("model.removed", True) == len(old_models - new_models) == 21
    # what the report says sums up
    report = json.loads(to_json(changes, "old", "new"))
    assert (
        report["summary"]["changes"] == len(changes) == sum(report["summary"]["by_kind"].values())
    )
    assert report["summary"]["breaking"] == sum(c.breaking for c in changes)


def test_json_report_follows_its_schema(stripe_pair: tuple[Spec, Spec, list[Change]]) -> None:
    schema = json.loads(SCHEMA.read_text())
    jsonschema.Draft202012Validator.check_schema(schema)
    assert schema["$defs"]["kind"]["enum"] == list(KINDS)
    report = json.loads(to_json(stripe_pair[2], "a.json", "b.yaml"))
    jsonschema.validate(report, schema, cls=jsonschema.Draft202012Validator)
    report["changes"][0]["kind"] = "operation.renamed"  # the schema does reject what is wrong
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(report, schema, cls=jsonschema.Draft202012Validator)


# Crafted pairs -------------------------------------------------------------------------------
def _base() -> Spec:
    """One form-bodied method with a nested TypedDict and a query parameter; one model."""
    return {
        "openapi": "3.0.0",
        "info": {"title": "Demo API", "version": "1"},
        "servers": [{"url": "https://api.example.com"}],
        "components": {
            "securitySchemes": {"bearerAuth": {"type": "http", "scheme": "bearer"}},
            "schemas": {
                "thing": {
                    "type": "object",
                    "required": ["id", "status", "count"],
                    "properties": {
                        "id": {"type": "string"},
                        "status": {"type": "string", "enum": ["new", "done"]},
                        "count": {"type": "integer"},
                        "note": {"type": "string"},
                    },
                }
            },
        },
        "paths": {
            "/v1/things": {
                "post": {
                    "operationId": "PostThings",
                    "parameters": [
                        {"name": "limit", "in": "query", "schema": {"type": "integer"}},
                    ],
                    "requestBody": {
                        "required": True,
                        "content": {
                            "application/x-www-form-urlencoded": {
                                "schema": {
                                    "type": "object",
                                    "required": ["name"],
                                    "properties": {
                                        "name": {"type": "string"},
                                        "kind": {"type": "string", "enum": ["a", "b"]},
                                        "size": {"type": "integer"},
                                        "options": {
                                            "type": "object",
                                            "properties": {
                                                "color": {"type": "string"},
                                                "shade": {"type": "string", "enum": ["x", "y"]},
                                            },
                                        },
                                    },
                                }
                            }
                        },
                    },
                    "responses": {
                        "200": {
                            "description": "ok",
                            "content": {
                                "application/json": {
                                    "schema": {"$ref": "#/components/schemas/thing"}
                                }
                            },
                        }
                    },
                }
            }
        },
    }


def _api(spec: Spec) -> Api:
    return build_ir(Document(path=Path("demo.json"), data=spec, sha256=""), "demo.json", {})


def _changes(edit: Callable[[Spec], None], operations: tuple[str, ...] = ()) -> list[Change]:
    old = _base()
    new = copy.deepcopy(old)
    edit(new)
    return diff_apis(_api(old), _api(new), operations)


def _verdicts(changes: list[Change]) -> list[tuple[str, str, bool]]:
    return [(c.kind, c.subject, c.breaking) for c in changes]


def _body(spec: Spec) -> Spec:
    post = spec["paths"]["/v1/things"]["post"]
    schema: Spec = post["requestBody"]["content"]["application/x-www-form-urlencoded"]["schema"]
    return schema


def _thing(spec: Spec) -> Spec:
    thing: Spec = spec["components"]["schemas"]["thing"]
    return thing


def test_no_change_is_no_change() -> None:
    assert _changes(lambda spec: None) == []


def test_optional_parameter_made_required_breaks() -> None:
    changes = _changes(lambda s: _body(s)["required"].append("size"))
    assert _verdicts(changes) == [("parameter.required", "post_things(size=)", True)]


def test_required_parameter_made_optional_does_not_break() -> None:
    changes = _changes(lambda s: _body(s).pop("required"))
    assert _verdicts(changes) == [("parameter.optional", "post_things(name=)", False)]


def test_new_parameters_break_only_when_required() -> None:
    def edit(s: Spec) -> None:
        _body(s)["properties"]["extra"] = {"type": "boolean"}
        _body(s)["properties"]["must"] = {"type": "string"}
        _body(s)["required"].append("must")

    assert _verdicts(_changes(edit)) == [
        ("parameter.added", "post_things(must=)", True),
        ("parameter.added", "post_things(extra=)", False),
    ]


def test_renamed_parameter_is_one_removed_and_one_added() -> None:
    def edit(s: Spec) -> None:
        s["paths"]["/v1/things"]["post"]["parameters"][0]["name"] = "max_count"

    changes = _changes(edit)
    assert _verdicts(changes) == [
        ("parameter.added", "post_things(max_count=)", False),
        ("parameter.removed", "post_things(limit=)", True),
    ]
    assert changes[1].old == "int"


def test_enum_value_added_to_a_parameter_does_not_break_removed_does() -> None:
    grown = _changes(lambda s: _body(s)["properties"]["kind"]["enum"].append("c"))
    assert _verdicts(grown) == [("parameter.enum_changed", "post_things(kind=)", False)]
    assert grown[0].detail == 'values added: "c"'
    assert (grown[0].old, grown[0].new) == ('Literal["a", "b"]', 'Literal["a", "b", "c"]')
    shrunk = _changes(lambda s: _body(s)["properties"]["kind"].update(enum=["a"]))
    assert _verdicts(shrunk) == [("parameter.enum_changed", "post_things(kind=)", True)]
    assert shrunk[0].detail == 'values removed: "b"'


def test_parameter_type_widened_does_not_break_narrowed_does() -> None:
    either = {"anyOf": [{"type": "integer"}, {"type": "string"}]}
    widened = _changes(lambda s: _body(s)["properties"].update(size=either))
    assert _verdicts(widened) == [("parameter.type_changed", "post_things(size=)", False)]
    assert (widened[0].detail, widened[0].old, widened[0].new) == (
        "type widened (accepts more)",
        "int",
        "int | str",
    )
    narrowed = _changes(
        lambda s: _body(s)["properties"].update(name={"type": "string", "enum": ["n"]})
    )
    assert _verdicts(narrowed) == [("parameter.type_changed", "post_things(name=)", True)]
    assert narrowed[0].detail == "type narrowed (accepts less)"
    changed = _changes(lambda s: _body(s)["properties"].update(name={"type": "boolean"}))
    assert _verdicts(changed) == [("parameter.type_changed", "post_things(name=)", True)]
    assert (changed[0].detail, changed[0].old, changed[0].new) == ("type changed", "str", "bool")
    # an int is a float to a type checker: integer -> number widens
    number = _changes(lambda s: _body(s)["properties"].update(size={"type": "number"}))
    assert _verdicts(number) == [("parameter.type_changed", "post_things(size=)", False)]


def test_keys_of_a_nested_typed_dict() -> None:
    def edit(s: Spec) -> None:
        options = _body(s)["properties"]["options"]
        options["required"] = ["color"]  # newly required
        options["properties"]["shade"]["enum"] = ["x", "y", "z"]  # grew
        options["properties"]["depth"] = {"type": "integer"}  # new optional key
        options["properties"]["must"] = {"type": "string"}  # new required key
        options["required"].append("must")

    changes = _changes(edit)
    assert _verdicts(changes) == [
        ("key.required", 'PostThingsOptions["color"]', True),
        ("key.enum_changed", 'PostThingsOptions["shade"]', False),
        ("key.added", 'PostThingsOptions["depth"]', False),
        ("key.added", 'PostThingsOptions["must"]', True),
    ]
    assert changes[0].detail == "now required in post_things(options=)"
    removed = _changes(lambda s: _body(s)["properties"]["options"]["properties"].pop("color"))
    assert _verdicts(removed) == [("key.removed", 'PostThingsOptions["color"]', True)]


def test_response_field_changes() -> None:
    def edit(s: Spec) -> None:
        props = _thing(s)["properties"]
        props["extra"] = {"type": "boolean"}  # added: safe
        props.pop("note")  # removed: breaks readers
        props["status"]["enum"] = ["new", "done", "late"]  # open enum grew: safe
        props["count"] = {"anyOf": [{"type": "integer"}, {"type": "string"}]}  # widened: breaks
        props["id"]["nullable"] = True  # may be None now: breaks

    changes = _changes(edit)
    assert sorted(_verdicts(changes)) == [
        ("field.added", "Thing.extra", False),
        ("field.enum_changed", "Thing.status", False),
        ("field.removed", "Thing.note", True),
        ("field.type_changed", "Thing.count", True),
        ("field.type_changed", "Thing.id", True),
    ]
    count = _find(changes, "field.type_changed", "Thing.count")
    assert (count.old, count.new) == ("int", "int | str")


def test_response_narrowing_counts_as_breaking_too() -> None:
    def narrowed(s: Spec) -> None:
        _thing(s)["properties"]["status"]["enum"] = ["new"]
        _thing(s)["properties"]["note"] = {"type": "string", "enum": ["hi"]}

    changes = _changes(narrowed)
    assert sorted(_verdicts(changes)) == [
        ("field.enum_changed", "Thing.status", True),
        ("field.type_changed", "Thing.note", True),
    ]


def test_operations_added_removed_deprecated_and_return_type() -> None:
    def edit(s: Spec) -> None:
        s["paths"]["/v1/things"]["post"]["deprecated"] = True
        s["paths"]["/v1/others"] = {"get": copy.deepcopy(s["paths"]["/v1/things"]["post"])}
        other = s["paths"]["/v1/others"]["get"]
        other.update(operationId="GetOthers", deprecated=False)
        del other["requestBody"]

    assert _verdicts(_changes(edit)) == [
        ("operation.added", "get_others()", False),
        ("operation.deprecated", "post_things()", False),
    ]
    gone = _changes(lambda s: s["paths"]["/v1/things"]["post"].update(operationId="MakeThing"))
    assert _verdicts(gone) == [
        ("operation.added", "make_thing()", False),
        ("operation.removed", "post_things()", True),
    ]

    def returns_string(s: Spec) -> None:
        response = s["paths"]["/v1/things"]["post"]["responses"]["200"]["content"]
        response["application/json"]["schema"] = {"type": "string"}

    returned = _changes(returns_string)
    assert ("return.type_changed", "post_things()", True) in _verdicts(returned)
    # a method responding a bare string returns a named alias of str
    assert _find(returned, "return.type_changed", "post_things()").new == "PostThingsResponse"


def test_model_matched_by_component_key_so_a_rename_is_one_change() -> None:
    # A new component "Thing" takes the class name Thing; "thing" becomes Thing_2. Types that
    # name the model are the same type under its new name.
    def edit(s: Spec) -> None:
        s["components"]["schemas"]["Thing"] = {
            "type": "object",
            "properties": {"x": {"type": "string"}},
        }

    changes = _changes(edit)
    assert _verdicts(changes) == [
        ("model.added", "Thing", False),
        ("model.renamed", "Thing_2", True),
    ]
    assert (changes[1].old, changes[1].new) == ("Thing", "Thing_2")
    removed = _changes(lambda s: s["components"]["schemas"].__setitem__("gone", {"type": "object"}))
    assert removed == []  # a schema without properties is no model
    extra = {"type": "object", "properties": {"a": {"type": "string"}}}
    assert _verdicts(_changes(lambda s: s["components"]["schemas"].update(extra=extra))) == [
        ("model.added", "Extra", False)
    ]


def test_credentials_and_what_each_method_needs() -> None:
    # The demo's one scheme (http bearer) is the constructor argument `token`, taken
    # positionally while it is the only credential.
    def api_key_too(s: Spec) -> None:
        s["components"]["securitySchemes"]["apiKey"] = {
            "type": "apiKey",
            "in": "header",
            "name": "X-Key",
        }

    changes = _changes(api_key_too)
    assert _verdicts(changes) == [
        ("operation.security_changed", "post_things()", False),  # token still does
        ("credential.added", "DemoClient(key=)", True),  # DemoClient("tok") stops working
        ("security.added", "apiKey", False),
    ]
    assert changes[0].detail == "credentials it needs: token -> key or token"
    assert "keyword only" in changes[1].detail

    def basic(s: Spec) -> None:
        s["components"]["securitySchemes"]["bearerAuth"]["scheme"] = "basic"

    assert _verdicts(_changes(basic)) == [
        ("operation.security_changed", "post_things()", True),  # a token is not enough now
        ("credential.added", "DemoClient(username=)", True),
        ("credential.added", "DemoClient(password=)", True),
        ("credential.removed", "DemoClient(token=)", True),
        ("security.changed", "bearerAuth", False),  # the spec's side; the rows above judge it
    ]
    public = _changes(lambda s: s["paths"]["/v1/things"]["post"].update(security=[]))
    assert _verdicts(public) == [("operation.security_changed", "post_things()", False)]
    assert public[0].detail == "credentials it needs: token -> none"


def test_operation_filter_keeps_that_operation_and_its_models() -> None:
    def edit(s: Spec) -> None:
        s["paths"]["/v1/others"] = {"get": {"operationId": "GetOthers", "responses": {}}}
        _body(s)["required"].append("size")
        s["components"]["schemas"]["extra"] = {"type": "object", "properties": {}}

    everything = _verdicts(_changes(edit))
    assert ("operation.added", "get_others()", False) in everything
    assert ("model.added", "Extra", False) in everything
    only = _changes(edit, operations=("post_things",))
    assert _verdicts(only) == [("parameter.required", "post_things(size=)", True)]
    with pytest.raises(Exception, match="no operation with ID Nope"):
        _changes(edit, operations=("Nope",))


# The command ---------------------------------------------------------------------------------
def _write(tmp: Path, name: str, spec: Spec) -> Path:
    path = tmp / name
    path.write_text(json.dumps(spec))
    return path


def _run(*args: str | Path, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "generator", *map(str, args)],
        cwd=cwd,
        capture_output=True,
        text=True,
        check=False,
        env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(ROOT)},
    )


@pytest.mark.slow
def test_command_formats_and_fail_on_breaking(tmp_path: Path) -> None:
    old = _write(tmp_path, "old.json", _base())
    grown = _base()
    _body(grown)["properties"]["kind"]["enum"].append("c")
    safe = _write(tmp_path, "safe.json", grown)
    shrunk = copy.deepcopy(grown)
    _thing(shrunk)["properties"].pop("note")
    _write(tmp_path, "bad.json", shrunk)

    text = _run("diff", old, safe, "--fail-on-breaking", cwd=tmp_path)
    assert text.returncode == 0, text.stderr
    assert text.stdout.startswith(f"{old} -> {safe}: 1 API change, 0 breaking")
    assert 'post_things(kind=): values added: "c"' in text.stdout

    failed = _run(
        "diff", "old.json", "bad.json", "--fail-on-breaking", "--format", "markdown", cwd=tmp_path
    )
    assert failed.returncode == 1, failed.stderr
    assert "**2 API changes, 1 breaking.**" in failed.stdout
    assert "#### Breaking changes (1)" in failed.stdout
    assert "- `Thing.note`: field removed (was `str | None`)" in failed.stdout
    assert "<details><summary>Methods (1)</summary>" in failed.stdout
    assert _run("diff", "old.json", "bad.json", cwd=tmp_path).returncode == 0

    data = json.loads(_run("diff", "old.json", "bad.json", "--format", "json", cwd=tmp_path).stdout)
    jsonschema.validate(data, json.loads(SCHEMA.read_text()))
    assert [(c["kind"], c["breaking"]) for c in data["changes"]] == [
        ("parameter.enum_changed", False),
        ("field.removed", True),
    ]
    missing = _run("diff", "old.json", "absent.json", cwd=tmp_path)
    assert missing.returncode == 2 and "cannot read spec" in missing.stderr


def test_markdown_keeps_spec_text_from_becoming_markup() -> None:
    change = Change("parameter.deprecated", "m", "m(a=)", False, "use <b>`x`</b>", "/p")
    text = render([change], "markdown", "a`b", "c")
    assert "use &lt;b>`x`&lt;/b>" in text
    assert "``a`b``" in text


# The end of `generate` -----------------------------------------------------------------------
def _generate(cwd: Path, cache: Path) -> str:
    done = subprocess.run(
        [sys.executable, "-m", "generator", "generate"],
        cwd=cwd,
        capture_output=True,
        text=True,
        check=False,
        env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(ROOT), "GENERATOR_CACHE_DIR": str(cache)},
    )
    assert done.returncode == 0, done.stderr
    return "\n".join(line for line in done.stderr.splitlines() if not line.startswith("["))


def _git(cwd: Path, *args: str) -> None:
    subprocess.run(
        ["git", "-c", "user.name=t", "-c", "user.email=t@example.com", *args],
        cwd=cwd,
        check=True,
        capture_output=True,
    )


@pytest.mark.slow
def test_generate_ends_with_what_changed(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text(
        '[[tool.generator.targets]]\nspec = "spec/demo.json"\nout = "generated"\npackage = "demo"\n'
    )
    (tmp_path / "spec").mkdir()
    spec = _write(tmp_path / "spec", "demo.json", _base())
    first = _generate(tmp_path, tmp_path / "cache")
    total = len([p for p in (tmp_path / "generated" / "demo").rglob("*") if p.is_file()])
    assert f"demo: {total} of {total} files changed" in first
    assert f"({total} added, 0 changed, 0 removed)" in first
    assert "the spec changed" not in first  # nothing generated before

    grown = _base()
    _body(grown)["required"].append("size")
    _thing(grown)["properties"]["extra"] = {"type": "boolean"}
    spec.write_text(json.dumps(grown))
    second = _generate(tmp_path, tmp_path / "cache")
    assert "0 added" in second and "0 removed)" in second
    assert "demo: the spec changed since the last generation: 2 API changes, 1 breaking" in second
    lines = second.splitlines()
    breaking = lines.index("  breaking: post_things(size=): now required")
    assert lines[breaking + 1] == "  change: Thing.extra: new field"
    assert "  full report: python -m generator diff " in second
    assert "the spec changed" not in _generate(tmp_path, tmp_path / "cache")  # nothing new

    # A fresh clone has no cache: the spec last generated from is the one committed at HEAD.
    if shutil.which("git") is None:
        pytest.skip("git is not installed: the fallback to git show HEAD:<spec> is untested")
    _git(tmp_path, "init", "-q")
    _git(tmp_path, "add", "-A")
    _git(tmp_path, "commit", "-qm", "generated")
    thing = _thing(grown)
    thing["properties"].pop("note")
    spec.write_text(json.dumps(grown))
    third = _generate(tmp_path, tmp_path / "fresh-cache")
    assert "demo: the spec changed since the last generation: 1 API change, 1 breaking" in third
    assert "  breaking: Thing.note: field removed" in third
    # Neither cached nor committed: said so, not guessed.
    spec.write_text(json.dumps(_base()))
    fourth = _generate(tmp_path, tmp_path / "third-cache")
    assert "is neither in the cache nor at git HEAD, so no API change summary" in fourth

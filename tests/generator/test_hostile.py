"""Hostile and malformed specs (issue 5): never crash, never emit broken or dangerous Python,
never half-write.

Each spec in ``tests/generator/hostile/`` is run through the real command line in a subprocess:

- specs that must generate: exit 0, no traceback, the expected warnings (and no others), every
  file compiles, no spec text appears in code outside string literals and comments, every module
  imports and every model builds in a fresh interpreter, models round-trip payloads that use the
  exact wire names (each key landing in a declared field), the client sends the exact wire names
  for the Python-safe keywords, and nothing in the spec ran (it would create HOSTILE_MARKER);
- specs that must fail: exit 2, a single ``error:`` line naming the file and the JSON pointer
  (or line and column, for syntax errors), no traceback, and the output directory byte for byte
  as it was.
"""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
import time
import tokenize
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import black
import pytest
import yaml
from support.paths import ROOT

from generator.format import black_mode

pytestmark = pytest.mark.slow  # the fast lane leaves it out: generates and type-checks dozens of hostile specs

HOSTILE = Path(__file__).resolve().parent / "hostile"
CHECK = ROOT / "tests" / "support" / "generated_check.py"
MARKER = "HOSTILE_MARKER"


# Running the generator --------------------------------------------------------------------
@pytest.fixture(scope="module")
def cache_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One generator cache for the module: black's output for the runtime files is reused."""
    return tmp_path_factory.mktemp("generator-cache")


def run_generator(
    spec: Path, out: Path, package: str, cwd: Path, cache: Path
) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "GENERATOR_CACHE_DIR": str(cache), "PYTHONPATH": str(ROOT)}
    env.pop(ENV_DEBUG, None)
    command = [sys.executable, "-m", "generator", "generate"]
    command += ["--spec", str(spec), "--out", str(out), "--package", package]
    return subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True, timeout=300)


ENV_DEBUG = "GENERATOR_DEBUG"


def check_package(plan: dict[str, Any], cwd: Path) -> subprocess.CompletedProcess[str]:
    plan_file = cwd / f"plan-{plan['package']}.json"
    plan_file.write_text(json.dumps(plan), encoding="utf-8")
    return subprocess.run(
        [sys.executable, str(CHECK), str(plan_file)],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=300,
    )


def snapshot(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes() if p.is_file() else b"<dir>"
        for p in sorted(folder.rglob("*"))
    }


def code_tokens(source: str) -> Iterator[str]:
    """Every token of Python source that is code: not a string, comment or layout."""
    skip = {tokenize.STRING, tokenize.COMMENT, tokenize.NL, tokenize.NEWLINE, tokenize.INDENT}
    for token in tokenize.generate_tokens(io.StringIO(source).readline):
        if token.type not in skip:
            yield token.string


# Payloads from the spec -------------------------------------------------------------------
def load_spec(name: str) -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load((HOSTILE / name).read_text(encoding="utf-8"))
    return data


def sample(spec: dict[str, Any], schema: Any, depth: int = 0) -> Any:
    """A payload for a schema: every property present under its exact wire name."""
    if not isinstance(schema, dict):
        return "any"
    if "$ref" in schema:
        if depth > 2:
            return None
        key = schema["$ref"].rsplit("/", 1)[1].replace("~1", "/").replace("~0", "~")
        return sample(spec, spec["components"]["schemas"][key], depth + 1)
    if "enum" in schema:
        return schema["enum"][0]
    if "const" in schema:
        return schema["const"]
    for union in ("anyOf", "oneOf"):
        if union in schema:
            return sample(spec, schema[union][0], depth)
    kind = schema.get("type")
    if isinstance(kind, list):
        kind = next(k for k in kind if k != "null")
    if kind == "object" or "properties" in schema or "allOf" in schema:
        out: dict[str, Any] = {}
        for member in schema.get("allOf", []):
            member_payload = sample(spec, member, depth)
            if isinstance(member_payload, dict):
                out.update(member_payload)
        for wire, sub in (schema.get("properties") or {}).items():
            value = sample(spec, sub, depth)
            if value is not None:
                out[str(wire)] = value
        return out
    if kind == "array":
        item = sample(spec, schema.get("items"), depth)
        return [] if item is None else [item]
    return {"integer": 7, "number": 2.5, "boolean": True}.get(str(kind), f"text of {kind}")


def component(spec_name: str, key: str) -> Any:
    spec = load_spec(spec_name)
    return sample(spec, spec["components"]["schemas"][key])


# The corpus: specs that must generate ------------------------------------------------------
@dataclass(frozen=True)
class Generates:
    client: str
    roundtrips: list[tuple[str, Any]] = field(default_factory=list)
    calls: list[dict[str, Any]] = field(default_factory=list)
    warnings: tuple[str, ...] = ()  # JSON pointers every expected warning names, in order


def _property_names() -> Generates:
    record = component("property_names.yaml", "Record")
    return Generates(
        client="PropertyNamesClient",
        roundtrips=[("Record", record), ("Record", {"class": "c", "+1": 1, "": "e"})],
    )


def _parameter_names() -> Generates:
    kwargs = {
        "class_": "c/1", "id": "i", "n1": "q1", "timestamp": "t", "files_0": "f", "from_": "fr",
        "self_": "s", "locals_": "l", "f_ops": "o", "request_options": "ro", "name_3": "N",
        "name": "n", "file": "lig", "x_request_id": "rid", "ref": "r", "class__2": "bc",
        "name_2": "bn", "name_4": "bN", "n1_2": 5, "body": "b", "self__2": "bs", "async_": True,
        "await_": False, "日本語": "ja",
    }  # fmt: skip
    query = [
        ["+1", "q1"], ["@timestamp", "t"], ["files[0]", "f"], ["from", "fr"], ["self", "s"],
        ["locals", "l"], ["_ops", "o"], ["request_options", "ro"], ["Name", "N"], ["name", "n"],
        ["ﬁle", "lig"],
    ]  # fmt: skip
    body = {
        "class": "bc", "name": "bn", "Name": "bN", "+1": 5, "body": "b", "self": "bs",
        "async": True, "await": False, "日本語": "ja",
    }  # fmt: skip
    return Generates(
        client="ParameterNamesClient",
        calls=[
            {
                "method": "create_thing",
                "kwargs": kwargs,
                "expect": {
                    "method": "POST",
                    "path": "/things/c%2F1/i",  # base_url replaces the server URL
                    "query": query,
                    "headers": {"X-Request-Id": "rid", "$ref": "r"},
                    "json": body,
                },
            },
            {
                "method": "search",
                "kwargs": {"q": ["a", "b"], "filter_type": "x", "type": "t", "id": 3},
                "expect": {
                    "method": "GET",
                    "path": "/search",
                    "query": [  # an array in form style, exploded (OpenAPI's default)
                        ["q[]", "a"],
                        ["q[]", "b"],
                        ["filter.type", "x"],
                        ["type", "t"],
                        ["id", "3"],
                    ],
                },
            },
        ],
    )


def _schema_names() -> Generates:
    everything = component("schema_names.yaml", "Everything")
    return Generates(
        client="SchemaNamesClient",
        roundtrips=[
            ("Everything", everything),
            ("Field_2", {"name": "f"}),
            ("Literal_2", {"kind": "b"}),
        ],
        calls=[
            {
                "method": "post_everything",
                "kwargs": {"client": {"name": "c"}, "import_": {"name": "i"}},
                "response": [{"name": "c"}],
                "expect": {
                    "method": "POST",
                    "json": {"client": {"name": "c"}, "import": {"name": "i"}},
                },
            },
            {"method": "get_everything", "response": everything, "expect": {"method": "GET"}},
        ],
    )


def _descriptions() -> Generates:
    note = load_spec("descriptions.yaml")["components"]["schemas"]["Note"]
    return Generates(
        client="",  # named after the hostile title: found by the check
        roundtrips=[("Note", component("descriptions.yaml", "Note"))]
        + [("Note", {"kind": v}) for v in note["properties"]["kind"]["enum"]],
        calls=[
            {
                "method": "get_note",
                "kwargs": {"id": "x/y", "q": '"""\''},
                "expect": {
                    "method": "GET",
                    "path_prefix": "/notes/x%2Fy",
                    "query": [["q", '"""\'']],
                },
            }
        ],
    )


def _enums() -> Generates:
    spec = load_spec("enums.yaml")
    zones = spec["components"]["schemas"]["Timezone"]["enum"]
    mixed = spec["components"]["schemas"]["Zone"]["properties"]["mixed"]["enum"]
    return Generates(
        client="EnumsClient",
        roundtrips=[("Zone", {"tz": z}) for z in zones]
        + [("Zone", {"mixed": m}) for m in mixed]
        + [
            (
                "Zone",
                {"bools": True, "ints": 9007199254740993, "nullable_enum": None, "only_null": None},
            )
        ]
        + [("Zone", {"tz": "a zone added later"})],  # responses are lenient: open enums
        calls=[
            {
                "method": "set_zone",
                "kwargs": {"tz": "GMT+0", "level": -1},
                "expect": {"method": "POST", "form": [["tz", "GMT+0"], ["level", "-1"]]},
            },
            {
                "method": "set_zone",
                "kwargs": {"tz": "GMT-0"},
                "expect": {"method": "POST", "form": [["tz", "GMT-0"]]},
            },
        ],
    )


def _cycles() -> Generates:
    node = {
        "name": "root",
        "parent": {"name": "up", "parent": {"name": "top"}},
        "children": [{"name": "c1", "children": [{"name": "c11"}]}, {"name": "c2"}],
        "by_name": {"x": {"name": "x", "by_name": {"y": {"name": "y"}}}},
        "either": {"node": {"name": "leafs node"}},
        "ping": {"pong": {"ping": {"pong": {}}}},
        "tree": [[[]], []],
        "nested": ["a", ["b", ["c"]]],
    }
    return Generates(
        client="CyclesClient",
        roundtrips=[
            ("Node", node),
            ("Derived", {"extra": "e", "derived": {"extra": "f"}}),
            ("Left", {"left": "l", "right": "r"}),
            ("Right", {"left": "l", "right": "r"}),
            ("Folder", {"name": "/", "children": [{"name": "a", "depth": 1, "children": [{}]}]}),
        ],
        calls=[
            {
                "method": "post_node",
                "kwargs": {"name": "n", "children": [{"name": "c", "children": []}]},
                "expect": {
                    "method": "POST",
                    "json": {"name": "n", "children": [{"name": "c", "children": []}]},
                },
            },
            {"method": "get_node", "response": node, "expect": {"method": "GET", "path": "/nodes"}},
        ],
        warnings=(
            "/components/schemas/Tree/items",
            "/components/schemas/Nested/anyOf/1/items",
            "/components/schemas/Folder/properties/children/items",
            "/components/schemas/Right/allOf/0",
            "/components/schemas/Left/allOf/0",
        ),
    )


def _code_defaults() -> Generates:
    status = load_spec("code_defaults.yaml")["components"]["schemas"]["Result"]["properties"][
        "status"
    ]["const"]
    return Generates(
        client="CodeDefaultsClient",
        # YAML 1.1 reads 1e400 as a string: not a default for a number
        warnings=(
            "/paths/~1run/post/requestBody/content/application~1json/schema/properties/number/default",
        ),
        roundtrips=[
            ("Result", {"out": "x", "status": status, "when": "2024-01-01T00:00:00Z"}),
            ("Result", {"out": None}),
        ],
        calls=[
            {
                "method": "run",
                "kwargs": {"cmd": "c", "script": "s", "number": 1.5, "obj": {"x": "eval('1+1')"}},
                "expect": {
                    "method": "POST",
                    "query": [["cmd", "c"]],
                    "json": {"script": "s", "number": 1.5, "obj": {"x": "eval('1+1')"}},
                },
            }
        ],
    )


def _operation_ids() -> Generates:
    routes = [
        ("post_foo", "POST", "/foo/a"), ("post_foo_2", "POST", "/foo/b"),
        ("post_foo_3", "POST", "/foo/c"), ("get_thing", "GET", "/FOO/e"),
        ("get_thing_2", "GET", "/Foo/d"), ("get_class_id", "GET", "/class/x"),
        ("delete_class_id", "DELETE", "/class/x"), ("n123", "GET", "/1st"), ("call", "GET", "/v1"),
        ("close_", "POST", "/close"), ("base_url_", "GET", "/base-url"),
        ("with_raw_response_", "GET", "/raw"), ("config", "GET", "/config"),
        ("class_", "GET", "/c/one"), ("class_2", "GET", "/c/three"),
        ("class__2", "GET", "/c/two"), ("self_", "GET", "/self"),
    ]  # fmt: skip
    return Generates(
        client="OperationIdsClient",
        # getThing twice: the second (paths sorted) is named get_thing_2, with a warning
        warnings=("/paths/~1Foo~1d/get/operationId",),
        calls=[
            {
                "method": name,
                "kwargs": {"id": "x"} if "class_id" in name else {},
                "expect": {"method": method, "path": path},
            }
            for name, method, path in routes
        ],
    )


def _unsupported() -> Generates:
    return Generates(
        client="UnsupportedClient",
        roundtrips=[("Item", {"name": "n", "shape": {"a": 1}}), ("Item", {"shape": [1, 2]})],
        calls=[
            {
                "method": "create_item",
                "kwargs": {"q": "x", "name": "n", "session": "s 1"},
                "expect": {
                    "method": "POST",
                    "query": [["q", "x"]],
                    "json": {"name": "n"},
                    "headers": {"Cookie": "session=s%201"},
                },
            },
            {  # the most structured of the two raw media types; a str is sent as UTF-8
                "method": "upload",
                "kwargs": {"body": "<a>é</a>"},
                "response": "raw",
                "expect": {
                    "method": "PUT",
                    "path": "/upload",
                    "headers": {"Content-Type": "application/xml"},
                },
            },
        ],
        warnings=(
            "/paths/~1items/post/parameters/1",
            "/paths/~1items/post/requestBody/content/application~1json/schema/properties/",
            "/components/schemas/Item/properties/shape",
        ),
    )


def _yaml_keys() -> Generates:
    payload = {
        "1": "a", "true": "b", "null": "c", "1.5": "d", "2024-01-01": "2024-01-02", "on": "e",
        "extra": 1,
    }  # fmt: skip
    return Generates(client="YamlKeysClient", roundtrips=[("A", payload)])


def _openapi31() -> Generates:
    payload = {
        "const_object": {"x": 1}, "const_list": [1, 2], "const_null": None, "const_float": 1.5,
        "const_code": "__import__('os').mkdir('HOSTILE_MARKER')", "mixed": 1,
        "nullable_list": None, "either": [1], "negated": 3,
    }  # fmt: skip
    return Generates(
        client="ThreeOneClient",
        roundtrips=[("C", payload), ("C", {"mixed": "a", "nullable_list": ["x"], "either": {}})],
        warnings=(
            "/components/schemas/C/properties/const_object",
            "/components/schemas/C/properties/const_list",
            "/components/schemas/C/properties/negated",  # 'not' is ignored, and said so
        ),
    )


GENERATES = {
    "property_names.yaml": _property_names,
    "parameter_names.yaml": _parameter_names,
    "schema_names.yaml": _schema_names,
    "descriptions.yaml": _descriptions,
    "enums.yaml": _enums,
    "cycles.yaml": _cycles,
    "code_defaults.yaml": _code_defaults,
    "operation_ids.yaml": _operation_ids,
    "unsupported.yaml": _unsupported,
    "yaml_keys.yaml": _yaml_keys,
    "openapi31.yaml": _openapi31,
}


def package_of(spec_name: str) -> str:
    return "h_" + spec_name.split(".")[0]


@dataclass
class Generated:
    result: subprocess.CompletedProcess[str]
    package_dir: Path
    checked: subprocess.CompletedProcess[str] | None  # the fresh-interpreter check, if generated


WORKERS = max(2, os.cpu_count() or 2)  # the corpus runs in parallel subprocesses


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory, cache_dir: Path) -> Any:
    """Generate and check every corpus spec once per module, each in a fresh cwd, in parallel;
    the tests then look at the outcome (the mypy test type-checks all packages at once)."""
    root = tmp_path_factory.mktemp("hostile")
    out = root / "out"

    def run(spec_name: str) -> Generated:
        cwd = root / "cwd" / spec_name
        cwd.mkdir(parents=True)
        package = package_of(spec_name)
        result = run_generator(HOSTILE / spec_name, out, package, cwd, cache_dir)
        checked = None
        if result.returncode == 0:
            case = GENERATES[spec_name]()
            plan = {
                "root": str(out),
                "package": package,
                "client": case.client,
                "roundtrips": case.roundtrips,
                "calls": case.calls,
            }
            checked = check_package(plan, cwd)
        return Generated(result, out / package, checked)

    names = sorted(GENERATES)
    first = run(names[0])  # fills the shared black cache (runtime files) before the others
    with ThreadPoolExecutor(WORKERS) as pool:
        rest = list(pool.map(run, names[1:]))
    return root, out, dict(zip(names, [first, *rest], strict=True))


def assert_no_marker(*folders: Path) -> None:
    for folder in folders:
        assert not list(folder.rglob(MARKER)), f"spec text ran: {MARKER} appeared in {folder}"


@pytest.mark.parametrize("spec_name", sorted(GENERATES))
def test_hostile_spec_generates_a_working_package(spec_name: str, generated: Any) -> None:
    case = GENERATES[spec_name]()
    root, _, done = generated
    run = done[spec_name]
    stderr = run.result.stderr
    assert run.result.returncode == 0, stderr
    assert "Traceback" not in stderr
    warnings = [line for line in stderr.splitlines() if line.startswith("warning:")]
    prefix = f"warning: tests/generator/hostile/{spec_name}#"  # relative to the project holding the spec
    assert [w.removeprefix(prefix).split(": ", 1)[0] for w in warnings] == list(case.warnings)

    for path in sorted(run.package_dir.rglob("*.py")):
        source = path.read_text(encoding="utf-8")
        compile(source, str(path), "exec")  # compiles; nothing runs
        # as black writes it, though the generator sent black only what needs_black picked
        assert black.format_str(source, mode=black_mode()) == source, path
        code = " ".join(code_tokens(source))
        for needle in (MARKER, "__import__", "mkdir", "{{", "{%"):
            assert needle not in code, f"spec text outside a string in {path}: {needle}"

    assert run.checked is not None
    assert run.checked.returncode == 0, run.checked.stdout + run.checked.stderr
    assert run.checked.stdout.startswith("ok"), run.checked.stdout
    assert_no_marker(root, Path.cwd())


def test_generated_hostile_packages_pass_mypy_strict(generated: Any) -> None:
    _, out, done = generated
    assert all(run.result.returncode == 0 for run in done.values())
    result = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--no-incremental", "."],
        cwd=out,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout


def test_same_spec_same_names(tmp_path: Path, cache_dir: Path) -> None:
    """Names do not depend on hash seeds or runs: two runs write identical packages."""
    spec = HOSTILE / "property_names.yaml"
    outputs = []
    for seed in ("1", "2"):
        env = {**os.environ, "GENERATOR_CACHE_DIR": str(tmp_path / f"cache{seed}")}
        env["PYTHONHASHSEED"] = seed
        out = tmp_path / f"out{seed}"
        command = [sys.executable, "-m", "generator", "generate", "-q", "--spec", str(spec)]
        command += ["--out", str(out), "--package", "p"]
        result = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True)
        assert result.returncode == 0, result.stderr
        outputs.append(snapshot(out / "p"))
    assert outputs[0] == outputs[1]


# The corpus: specs that must fail ----------------------------------------------------------
@dataclass(frozen=True)
class Fails:
    where: str | None  # the JSON pointer after '#'; None: a syntax error, placed by line/column
    says: tuple[str, ...]
    where_is_prefix: bool = False  # the pointer goes on (how deep depends on openapi-pydantic)


FAILS = {
    "dangling_ref.yaml": Fails(
        "/components/schemas/Thing/properties/other/$ref",
        ("dangling $ref", "target /components/schemas/Missing does not exist"),
    ),
    "malformed_ref.yaml": Fails(
        "/paths/~1a/get/parameters/0/schema/$ref",
        ("malformed $ref '#components/schemas/Q'", "not a JSON pointer"),
    ),
    "malformed_ref_escape.yaml": Fails(
        "/paths/~1a/get/requestBody/content/application~1json/schema/$ref",
        ("malformed $ref '#/components/schemas/a~2b'", "'~' must be followed by 0 or 1"),
    ),
    "external_ref.yaml": Fails(
        "/paths/~1a/get/responses/200/content/application~1json/schema/$ref",
        ("$ref 'common.yaml#/components/schemas/Thing': file common.yaml does not exist",),
    ),
    "ref_to_non_object.yaml": Fails(
        "/paths/~1a/get/parameters/0/$ref", ("$ref /info/title points to a string, not an object",)
    ),
    "ref_loop.yaml": Fails(
        "/components/schemas/A/$ref",
        ("$ref cycle", "/components/schemas/A -> /components/schemas/B -> /components/schemas/A"),
    ),
    "broken.yaml": Fails(None, ("invalid YAML at line 4, column 1",)),
    "broken.json": Fails(None, ("invalid JSON at line 4, column 50",)),
    "swagger2.yaml": Fails("/swagger", ("Swagger 2.0", "OpenAPI 3.0, 3.1 or 3.2 is needed")),
    "openapi_4.yaml": Fails("/openapi", ("unsupported OpenAPI version '4.0.0'",)),
    "not_openapi.yaml": Fails("", ("the document is a list, not a mapping",)),
    "empty.yaml": Fails("", ("the document is empty",)),
    "invalid_document.yaml": Fails(
        "/paths/~1a/get/parameters/0/in", ("invalid OpenAPI document", "found 'body'")
    ),
    "yaml_alias_cycle.yaml": Fails(
        "/components/schemas/A/properties/self", ("a YAML alias refers to a node that contains it",)
    ),
    "yaml_bomb.yaml": Fails("/x-lol/g", ("YAML aliases expand this part to more than",)),
    "descriptions_surrogates.json": Fails("/info/title", ("lone surrogate (\\ud800)",)),
}


@dataclass
class Refusal:
    spec: Path
    out: Path
    before: dict[str, bytes]
    result: subprocess.CompletedProcess[str]
    seconds: float


def refuse(spec: Path, folder: Path, cache: Path) -> Refusal:
    """Run the generator on ``spec`` into an output folder holding an old package and a file
    of someone else's; keep what the folder held before."""
    out = folder / "out"
    (out / "p").mkdir(parents=True)
    (out / "p" / "SENTINEL").write_text("the old package\n")
    (out / "keep.txt").write_text("not the generator's\n")
    before = snapshot(out)
    started = time.monotonic()
    result = run_generator(spec, out, "p", folder, cache)
    return Refusal(spec, out, before, result, time.monotonic() - started)


def assert_refused(refusal: Refusal, expected: Fails) -> None:
    result = refusal.result
    assert refusal.seconds < 60
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr
    lines = result.stderr.splitlines()
    errors = [line for line in lines if line.startswith("error:")]
    assert errors == lines[-1:], result.stderr  # one error line, the last; the rest is progress
    where = f"#{expected.where}" if expected.where is not None else ""
    assert errors[0].startswith(f"error: {refusal.spec}{where}"), errors[0]
    if not expected.where_is_prefix:
        assert errors[0].startswith(f"error: {refusal.spec}{where}: "), errors[0]
    for text in expected.says:
        assert text in errors[0]
    assert snapshot(refusal.out) == refusal.before
    assert_no_marker(refusal.out.parent)


@pytest.fixture(scope="module")
def refused(tmp_path_factory: pytest.TempPathFactory, cache_dir: Path) -> dict[str, Refusal]:
    """Every corpus spec that must fail, run once per module, in parallel."""
    root = tmp_path_factory.mktemp("refused")

    def run(spec_name: str) -> Refusal:
        return refuse(HOSTILE / spec_name, root / spec_name, cache_dir)

    with ThreadPoolExecutor(WORKERS) as pool:
        return dict(zip(sorted(FAILS), pool.map(run, sorted(FAILS)), strict=True))


@pytest.mark.parametrize("spec_name", sorted(FAILS))
def test_hostile_spec_is_refused_in_one_line(spec_name: str, refused: dict[str, Refusal]) -> None:
    assert_refused(refused[spec_name], FAILS[spec_name])


def test_corpus_is_complete() -> None:
    """Every file of tests/generator/hostile/ is a case, and every case has its file."""
    on_disk = {p.name for p in HOSTILE.iterdir()}
    assert on_disk == set(GENERATES) | set(FAILS)


# Deep and huge specs, built here rather than stored --------------------------------------
def nested(kind: str, levels: int) -> dict[str, Any]:
    schema: dict[str, Any] = {"type": "string"}
    for i in range(levels):
        if kind == "object":
            schema = {"type": "object", "properties": {f"l{i}": schema}}
        elif kind == "array":
            schema = {"type": "array", "items": schema}
        else:
            schema = {"anyOf": [schema, {"type": "integer"}]}
    return schema


def deep_spec(kind: str, levels: int) -> dict[str, Any]:
    response = {"application/json": {"schema": {"$ref": "#/components/schemas/Deep"}}}
    return {
        "openapi": "3.0.3",
        "info": {"title": "Deep", "version": "1"},
        "paths": {
            "/deep": {
                "get": {
                    "operationId": "getDeep",
                    "responses": {"200": {"description": "ok", "content": response}},
                }
            }
        },
        "components": {
            "schemas": {"Deep": {"type": "object", "properties": {"x": nested(kind, levels)}}}
        },
    }


def deep_spec_text(kind: str, levels: int) -> str:
    """``deep_spec`` as JSON text, written without recursion (json.dumps stops near 1000)."""
    wrap = (
        ('{"type": "object", "properties": {"l": ', "}}")
        if kind == "object"
        else ('{"type": "array", "items": ', "}")
    )
    schema = wrap[0] * levels + '{"type": "string"}' + wrap[1] * levels
    return json.dumps(deep_spec(kind, 0)).replace('{"type": "string"}', schema)


def deep_payload(kind: str, levels: int) -> Any:
    value: Any = "leaf"
    for i in range(levels):
        value = {f"l{i}": value} if kind == "object" else [value] if kind == "array" else value
    return value


@pytest.mark.parametrize("kind", ["object", "array", "anyOf"])
def test_200_levels_of_nesting_generate(kind: str, tmp_path: Path, cache_dir: Path) -> None:
    spec = tmp_path / "deep.json"
    spec.write_text(json.dumps(deep_spec(kind, 200)))
    result = run_generator(spec, tmp_path / "out", "deep", tmp_path, cache_dir)
    assert result.returncode == 0, result.stderr
    warnings = [line for line in result.stderr.splitlines() if line.startswith("warning:")]
    if kind == "array":  # 200 nested brackets are past Python's parser: typed Any below 64
        assert warnings and all("nest more than 64 levels" in w for w in warnings)
    else:
        assert not warnings
    plan = {
        "root": str(tmp_path / "out"),
        "package": "deep",
        "client": "DeepClient",
        "roundtrips": [("Deep", {"x": deep_payload(kind, 200)})],
        # pydantic builds a model's nested models recursively, about 15 frames a level
        "recursion_limit": 5000 if kind == "object" else None,
    }
    checked = check_package(plan, tmp_path)
    assert checked.returncode == 0, checked.stdout + checked.stderr


@pytest.mark.parametrize(
    ("kind", "levels", "says"),
    [
        ("array", 300, "nests too deeply to validate"),
        ("object", 300, "nests too deeply to validate"),
        ("array", 1200, "nests more than 1000 levels deep"),
    ],
)
def test_deeper_nesting_is_refused_at_its_place(
    kind: str, levels: int, says: str, tmp_path: Path, cache_dir: Path
) -> None:
    spec = tmp_path / "deep.json"
    spec.write_text(deep_spec_text(kind, levels))
    step = "/items" if kind == "array" else "/properties/l"
    where = f"/components/schemas/Deep/properties/x{step}"
    assert_refused(refuse(spec, tmp_path, cache_dir), Fails(where, (says,), where_is_prefix=True))


def huge_enum_spec(count: int) -> dict[str, Any]:
    values = [f"v{i}" for i in range(count)] + ["GMT0", "GMT+0", "GMT-0", "gmt0", ""]
    ref = {"$ref": "#/components/schemas/Zone"}
    return {
        "openapi": "3.0.3",
        "info": {"title": "Huge", "version": "1"},
        "paths": {
            "/h": {
                "get": {
                    "operationId": "getH",
                    "parameters": [{"name": "z", "in": "query", "schema": ref}],
                    "responses": {
                        "200": {
                            "description": "ok",
                            "content": {
                                "application/json": {"schema": {"$ref": "#/components/schemas/H"}}
                            },
                        }
                    },
                }
            }
        },
        "components": {
            "schemas": {
                "Zone": {"type": "string", "enum": values},
                "H": {"type": "object", "properties": {"z": ref}},
            }
        },
    }


def test_huge_enum_generates(tmp_path: Path, cache_dir: Path) -> None:
    spec = tmp_path / "huge.json"
    spec.write_text(json.dumps(huge_enum_spec(3000)))
    result = run_generator(spec, tmp_path / "out", "huge", tmp_path, cache_dir)
    assert result.returncode == 0, result.stderr
    plan = {
        "root": str(tmp_path / "out"),
        "package": "huge",
        "client": "HugeClient",
        "roundtrips": [("H", {"z": v}) for v in ("v0", "v2999", "GMT0", "GMT+0", "GMT-0", "")],
        "calls": [
            {"method": "get_h", "kwargs": {"z": "GMT-0"}, "expect": {"query": [["z", "GMT-0"]]}}
        ],
    }
    checked = check_package(plan, tmp_path)
    assert checked.returncode == 0, checked.stdout + checked.stderr


def test_huge_enum_costs_linear_work_in_the_generator() -> None:
    """Lowering and rendering (black aside) stay linear: 8x the values, well under 16x the work.

    Work is counted as Python and C function calls (``sys.setprofile``), which is the same on
    every run and every machine, unlike wall-clock time (timing belongs in benchmarks/)."""
    from support.inline_specs import valid_spec

    from generator.config import make_profile
    from generator.lower import BuildInput, build_api
    from generator.render import render_package

    def calls(count: int) -> int:
        data = huge_enum_spec(count)
        seen = 0

        def count_call(frame: object, event: str, arg: object) -> None:
            nonlocal seen
            if event in ("call", "c_call"):
                seen += 1

        sys.setprofile(count_call)
        try:
            spec = valid_spec(data, "huge.json")
            api = build_api(BuildInput(spec, "huge.json", make_profile({}, "Huge")))
            render_package(api, "huge")
        finally:
            sys.setprofile(None)
        return seen

    calls(500)  # warm up: templates compiled, caches filled
    small, large = calls(2_500), calls(20_000)
    assert large < 16 * small, (small, large)  # quadratic work would be 64x


def test_title_starting_with_a_digit(tmp_path: Path, cache_dir: Path) -> None:
    spec = tmp_path / "title.yaml"
    spec.write_text("openapi: 3.0.3\ninfo: {title: 2fa API, version: '1'}\npaths: {}\n")
    result = run_generator(spec, tmp_path / "out", "p", tmp_path, cache_dir)
    assert result.returncode == 0, result.stderr
    assert "class Api2faClient(" in (tmp_path / "out" / "p" / "_client.py").read_text()

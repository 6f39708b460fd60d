"""The try-it command line of generated packages (``python -m <package> ...``), run as real
subprocesses against a recording server on 127.0.0.1."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from support.paths import ROOT
from support.recording_server import Recorder, Reply, recording_server

from generator.config import make_target
from generator.pipeline import produce
from generator.write import write_package

pytestmark = pytest.mark.slow  # the fast lane leaves it out: one subprocess per command-line call

WIDGET = {"id": "wid_1", "object": "widget", "count": 3}
DEMO_SPEC: dict[str, Any] = {
    "openapi": "3.0.3",
    "info": {"title": "Demo API", "version": "1.0"},
    "servers": [{"url": "https://demo.example.com"}],
    "paths": {
        "/v1/widgets": {
            "post": {
                "operationId": "CreateWidget",
                "summary": "Create a widget",
                "requestBody": {
                    "required": True,
                    "content": {
                        "application/x-www-form-urlencoded": {
                            "schema": {
                                "type": "object",
                                "required": ["name", "count"],
                                "properties": {
                                    "name": {"type": "string", "description": "What to call it."},
                                    "count": {"type": "integer"},
                                    "ratio": {"type": "number"},
                                    "enabled": {"type": "boolean"},
                                    "color": {"type": "string", "enum": ["red", "green"]},
                                    "tags": {"type": "array", "items": {"type": "string"}},
                                    "settings": {
                                        "type": "object",
                                        "required": ["mode"],
                                        "properties": {
                                            "mode": {"type": "string", "enum": ["fast", "slow"]},
                                            "limits": {
                                                "type": "object",
                                                "properties": {"depth": {"type": "integer"}},
                                            },
                                        },
                                    },
                                    "metadata": {
                                        "type": "object",
                                        "additionalProperties": {"type": "string"},
                                    },
                                    "parts": {
                                        "type": "array",
                                        "items": {
                                            "type": "object",
                                            "required": ["sku"],
                                            "properties": {
                                                "sku": {"type": "string"},
                                                "qty": {"type": "integer"},
                                            },
                                        },
                                    },
                                },
                            }
                        }
                    },
                },
                "responses": {"200": {"$ref": "#/components/responses/widget"}},
            }
        },
        "/v1/widgets/{widget}": {
            "get": {
                "operationId": "GetWidget",
                "summary": "Retrieve a widget",
                "parameters": [
                    {
                        "name": "widget",
                        "in": "path",
                        "required": True,
                        "schema": {"type": "string"},
                    },
                    {"name": "limit", "in": "query", "schema": {"type": "integer", "default": 10}},
                ],
                "responses": {"200": {"$ref": "#/components/responses/widget"}},
            }
        },
    },
    "components": {
        "responses": {
            "widget": {
                "description": "A widget.",
                "content": {
                    "application/json": {"schema": {"$ref": "#/components/schemas/widget"}}
                },
            }
        },
        "schemas": {
            "widget": {
                "type": "object",
                "properties": {
                    "id": {"type": "string"},
                    "object": {"type": "string", "enum": ["widget"]},
                    "count": {"type": "integer"},
                },
            }
        },
    },
}
FULL_ARGS = [
    *("--name", "Sprocket", "--count", "3", "--ratio", "0.5", "--enabled", "true"),
    *("--tags", "x", "--tags", "y", "--settings", "mode=fast", "--settings", "limits.depth=2"),
    *("--metadata", "order=6735", "--parts", "0.sku=s1", "--parts", "0.qty=2"),
    *("--parts", '[{"sku": "s1", "qty": 2}, {"sku": "s2"}]'),
]
FULL_BODY = (
    "name=Sprocket&count=3&ratio=0.5&enabled=true&tags[0]=x&tags[1]=y&settings[mode]=fast"
    "&settings[limits][depth]=2&metadata[order]=6735&parts[0][sku]=s1&parts[0][qty]=2"
    "&parts[1][sku]=s2"
)


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A generated demo package; the folder to run ``python -m demo`` in."""
    out = tmp_path_factory.mktemp("tryit")
    spec = out / "demo.json"
    spec.write_text(json.dumps(DEMO_SPEC), encoding="utf-8")
    target = make_target(out, spec, out, "demo", (), {})
    write_package(target.package_dir, produce(target).files)
    return out


@pytest.fixture
def upstream() -> Iterator[tuple[str, Recorder]]:
    with recording_server() as pair:
        pair[1].default = Reply(200, WIDGET, {"Request-Id": "req_ok"})
        yield pair


def run(
    cwd: Path, package: str, *args: str, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    environment = {"PATH": os.environ.get("PATH", ""), "PYTHONPATH": str(cwd), **(env or {})}
    return subprocess.run(
        [sys.executable, "-m", package, *args],
        cwd=cwd,
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_creates_an_account_link_with_the_exact_form_body(
    upstream: tuple[str, Recorder],
) -> None:
    url, recorder = upstream
    recorder.default = Reply(200, {"object": "account_link", "url": "https://x.test/s"})
    result = run(
        ROOT,
        "generated.stripe",
        *("post-account-links", "--account", "acct_123", "--type", "account_onboarding"),
        *("--collection-options", "fields=eventually_due", "--base-url", url),
        env={"STRIPE_API_KEY": "sk_test_cli"},
    )
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == {"object": "account_link", "url": "https://x.test/s"}
    assert result.stdout.startswith('{\n  "')  # pretty
    (request,) = recorder.requests
    assert (request.method, request.path) == ("POST", "/v1/account_links")
    assert request.body == (
        b"account=acct_123&type=account_onboarding&collection_options[fields]=eventually_due"
    )
    assert request.headers["authorization"] == "Bearer sk_test_cli"


def test_the_base_url_can_come_from_the_environment(upstream: tuple[str, Recorder]) -> None:
    url, recorder = upstream
    result = run(
        ROOT,
        "generated.stripe",
        *("post-account-links", "--account", "acct_1", "--type", "account_update"),
        env={"STRIPE_BASE_URL": url},
    )
    assert result.returncode == 0, result.stderr
    assert [r.path for r in recorder.requests] == ["/v1/account_links"]
    assert "authorization" not in recorder.requests[0].headers  # no key: none sent


def test_an_api_error_is_one_line_with_status_param_message_and_request_id(
    upstream: tuple[str, Recorder],
) -> None:
    url, recorder = upstream
    error = {"type": "invalid_request_error", "message": "No such account: 'acct_x'"}
    recorder.replies.append(
        Reply(400, {"error": {**error, "param": "account"}}, {"Request-Id": "req_8Qn1"})
    )
    result = run(
        ROOT,
        "generated.stripe",
        *("post-account-links", "--account", "acct_x", "--type", "account_update"),
        *("--base-url", url),
    )
    assert result.returncode == 1
    assert result.stdout == ""
    assert result.stderr == (
        "error: HTTP 400 InvalidRequestError: No such account: 'acct_x' "
        "(param account, request id req_8Qn1)\n"
    )


def test_every_kind_of_value_reaches_the_wire(demo: Path, upstream: tuple[str, Recorder]) -> None:
    url, recorder = upstream
    result = run(demo, "demo", "create-widget", *FULL_ARGS, "--base-url", url)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == WIDGET
    (request,) = recorder.requests
    assert (request.method, request.path) == ("POST", "/v1/widgets")
    assert request.body.decode() == FULL_BODY


def test_path_and_query_parameters(demo: Path, upstream: tuple[str, Recorder]) -> None:
    url, recorder = upstream
    result = run(demo, "demo", "get-widget", "--widget", "wid_1", "--limit", "5", "--base-url", url)
    assert result.returncode == 0, result.stderr
    assert [(r.method, r.path) for r in recorder.requests] == [("GET", "/v1/widgets/wid_1?limit=5")]


def test_the_printed_snippet_sends_the_same_request(
    demo: Path, upstream: tuple[str, Recorder]
) -> None:
    url, recorder = upstream
    assert run(demo, "demo", "create-widget", *FULL_ARGS, "--base-url", url).returncode == 0
    printed = run(demo, "demo", "create-widget", *FULL_ARGS, "--base-url", url, "--print-snippet")
    assert printed.returncode == 0, printed.stderr
    assert recorder.requests[1:] == []  # printing sends nothing
    assert "from demo import DemoClient" in printed.stdout
    ran = subprocess.run(
        [sys.executable, "-c", printed.stdout],
        cwd=demo,
        env={"PATH": os.environ.get("PATH", ""), "PYTHONPATH": str(demo)},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert ran.returncode == 0, ran.stderr
    cli, snippet = recorder.requests
    assert (snippet.method, snippet.path, snippet.body) == (cli.method, cli.path, cli.body)


@pytest.mark.parametrize(
    ("args", "named"),
    [
        (["--count", "3"], "--name"),  # a required option missing
        (["--name", "a", "--count", "3", "--color", "blue"], "--color"),  # outside the enum
        (["--name", "a", "--count", "three"], "--count"),  # not an integer
        (["--name", "a", "--count", "3", "--ratio", "half"], "--ratio"),  # not a number
        (["--name", "a", "--count", "3", "--enabled", "maybe"], "--enabled"),
        (["--name", "a", "--count", "3", "--settings", '{"mode": '], "--settings"),  # bad JSON
        (["--name", "a", "--count", "3", "--settings", "mode=warp"], "--settings"),  # nested enum
        (["--name", "a", "--count", "3", "--settings", "speed=1"], "--settings"),  # unknown key
        (["--name", "a", "--count", "3", "--settings", "limits.depth=2"], "--settings"),  # no mode
        (["--name", "a", "--count", "3", "--settings", "limits.depth=x"], "--settings"),
        (["--name", "a", "--count", "3", "--parts", "0.qty=1"], "--parts"),  # item lacks sku
        (["--name", "a", "--count", "3", "--parts", "2.sku=s"], "--parts"),  # skips an index
        (["--name", "a", "--count", "3", "--tags"], "--tags"),  # no value
    ],
)
def test_bad_input_exits_2_naming_the_parameter_and_sends_nothing(
    demo: Path, upstream: tuple[str, Recorder], args: list[str], named: str
) -> None:
    url, recorder = upstream
    result = run(demo, "demo", "create-widget", *args, "--base-url", url)
    assert result.returncode == 2
    first = result.stderr.splitlines()[0]
    assert first.startswith("python -m demo create-widget: error: ")
    assert named in first
    assert recorder.requests == []


def test_dry_run_prints_the_request_masks_the_key_and_sends_nothing(
    demo: Path, upstream: tuple[str, Recorder]
) -> None:
    url, recorder = upstream
    secret = "sk_live_do_not_print_me"
    result = run(
        demo,
        "demo",
        *("create-widget", "--name", "a", "--count", "3", "--dry-run"),
        env={"DEMO_API_KEY": secret, "DEMO_BASE_URL": url},
    )
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == f"POST {url}/v1/widgets"
    assert "Authorization: Bearer ****" in lines
    assert "Content-Type: application/x-www-form-urlencoded" in lines
    assert lines[-2:] == ["", "name=a&count=3"]
    assert secret not in result.stdout + result.stderr
    assert recorder.requests == []


def test_help_lists_operations_and_parameters_required_first_with_enum_values(
    demo: Path,
) -> None:
    overview = run(demo, "demo", "--help")
    assert overview.returncode == 0
    assert "  create-widget  Create a widget" in overview.stdout
    assert "  get-widget     Retrieve a widget" in overview.stdout
    page = run(demo, "demo", "create-widget", "--help").stdout
    required, optional = page.index("required parameters:"), page.index("optional parameters:")
    options = page[required:]  # the usage line above lists them too
    assert options.index("--name TEXT") < options.index("--count INTEGER")
    assert options.index("--count INTEGER") < optional - required
    assert options.index("--color {red,green}") > optional - required
    assert "What to call it." in page
    widget = " ".join(run(demo, "demo", "get-widget", "--help").stdout.split())  # unwrapped
    assert "Sent as the query parameter 'limit'. Default (the server's): 10." in widget
    unknown = run(demo, "demo", "create-widgets")
    assert unknown.returncode == 2
    assert "did you mean 'create-widget'?" in unknown.stderr


def test_importing_the_package_does_not_load_the_command_line() -> None:
    code = "import sys, generated.stripe; print([m for m in sys.modules if m.endswith(('._cli', '._snippet'))])"
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=60
    )
    assert result.stdout.strip() == "[]", result.stderr

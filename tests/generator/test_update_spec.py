"""``generator update-spec`` against a real HTTP server on 127.0.0.1, run as a subprocess.

Every failure must leave the current spec byte for byte as it was and say why.
"""

from __future__ import annotations

import copy
import hashlib
import json
import subprocess
import sys
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, ClassVar

import pytest
from support.paths import ROOT

Spec = dict[str, Any]

SPEC_V1: Spec = {
    "openapi": "3.0.0",
    "info": {"title": "Demo API", "version": "1"},
    "servers": [{"url": "https://api.example.com"}],
    "paths": {
        "/v1/things": {
            "get": {
                "operationId": "GetThings",
                "parameters": [{"name": "limit", "in": "query", "schema": {"type": "integer"}}],
                "responses": {"200": {"description": "ok"}},
            }
        }
    },
}
SPEC_V2 = copy.deepcopy(SPEC_V1)
SPEC_V2["paths"]["/v1/things"]["get"]["parameters"][0]["required"] = True
SPEC_V2["paths"]["/v1/others"] = {
    "get": {"operationId": "GetOthers", "responses": {"200": {"description": "ok"}}}
}


pytestmark = pytest.mark.slow  # the fast lane leaves it out: real downloads from a local server, with timeouts

class _Handler(BaseHTTPRequestHandler):
    routes: ClassVar[dict[str, tuple[int, dict[str, str], bytes]]] = {}

    def do_GET(self) -> None:
        if self.path == "/truncated":  # announces more than it sends, then hangs up
            body = json.dumps(SPEC_V2).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body) + 500))
            self.end_headers()
            self.wfile.write(body[: len(body) // 2])
            self.wfile.flush()
            self.close_connection = True
            return
        if self.path == "/unannounced":  # no Content-Length: the body ends when the connection does
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Connection", "close")
            self.end_headers()
            self.wfile.write(b" " * 5000 + json.dumps(SPEC_V2).encode())
            self.close_connection = True
            return
        status, headers, body = self.routes.get(self.path, (404, {}, b"not found"))
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{httpd.server_address[1]}"
    json_type = {"Content-Type": "application/json"}
    _Handler.routes = {
        "/v1.json": (200, json_type, json.dumps(SPEC_V1).encode()),
        "/v2.json": (200, json_type, json.dumps(SPEC_V2, indent=1).encode()),
        "/v2.yaml": (200, {"Content-Type": "application/yaml"}, b"openapi: 3.0.0\ninfo: {title: x"),
        "/big.json": (200, json_type, b" " * 5000 + json.dumps(SPEC_V2).encode()),
        "/page.html": (200, {"Content-Type": "text/html"}, b"<html>sign in</html>"),
        "/not-openapi.json": (200, json_type, b'{"hello": "world"}'),
        "/to-plain-http": (302, {"Location": "http://example.com/v2.json"}, b""),
        "/to-v2": (301, {"Location": "/v2.json"}, b""),
    }
    yield base
    httpd.shutdown()
    httpd.server_close()
    thread.join(timeout=5)


def _project(tmp: Path, source: str, spec_name: str = "api.json") -> Path:
    (tmp / "spec").mkdir(exist_ok=True)
    (tmp / "pyproject.toml").write_text(
        "[[tool.generator.targets]]\n"
        f'spec = "spec/{spec_name}"\nout = "generated"\npackage = "demo"\nsource = "{source}"\n'
    )
    return tmp / "spec" / spec_name


def _update(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "generator", "update-spec", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
        env={
            "PATH": "/usr/bin:/bin",
            "PYTHONPATH": str(ROOT),
            "GENERATOR_CACHE_DIR": str(cwd / ".cache"),
        },
    )


def test_download_replace_and_report(tmp_path: Path, server: str) -> None:
    spec = _project(tmp_path, f"{server}/v1.json")
    first = _update(tmp_path)
    assert first.returncode == 0, first.stderr
    assert spec.read_bytes() == json.dumps(SPEC_V1).encode()
    record = json.loads((tmp_path / "spec" / ".sources.json").read_text())
    assert record["api.json"]["url"] == f"{server}/v1.json"
    assert "spec/api.json: updated from" in first.stderr
    assert first.stdout == ""  # nothing to compare the first download with

    _project(tmp_path, f"{server}/to-v2")  # a redirect that stays on loopback http is followed
    second = _update(tmp_path, "demo", "--format", "markdown")
    assert second.returncode == 0, second.stderr
    assert spec.read_bytes() == json.dumps(SPEC_V2, indent=1).encode()
    assert "**2 API changes, 1 breaking.**" in second.stdout
    assert "- `get_things(limit=)`: now required" in second.stdout
    assert "`get_others()`: new method (GET /v1/others)" in second.stdout
    assert "run `python -m generator generate`" in second.stderr

    third = _update(tmp_path)
    assert third.returncode == 0 and "already up to date" in third.stderr
    assert sorted(p.name for p in (tmp_path / "spec").iterdir()) == [".sources.json", "api.json"]


@pytest.mark.parametrize(
    ("path", "args", "reason"),
    [
        ("/missing.json", (), "HTTP 404 Not Found"),
        ("/truncated", (), "the connection broke off before the whole body arrived"),
        ("/v2.yaml", (), "invalid YAML"),
        ("/big.json", ("--max-bytes", "4000"), "over the size limit of 4,000 bytes (5,"),
        ("/unannounced", ("--max-bytes", "4000"), "over the size limit of 4,000 bytes (the body"),
        ("/to-plain-http", (), "refusing to download from http://example.com/v2.json: only https"),
        ("/page.html", (), "the server responded with 'text/html', not a JSON or YAML document"),
        ("/not-openapi.json", (), "not a usable spec: not an OpenAPI 3.x document"),
    ],
)
def test_failed_download_leaves_the_spec_as_it_was(
    tmp_path: Path, server: str, path: str, args: tuple[str, ...], reason: str
) -> None:
    name = "api.yaml" if path.endswith(".yaml") else "api.json"  # the loader goes by suffix
    spec = _project(tmp_path, f"{server}{path}", name)
    before = json.dumps(SPEC_V1).encode()
    spec.write_bytes(before)  # as a download would have left it (the test above does one)
    record = json.dumps({name: {"sha256": hashlib.sha256(before).hexdigest()}}).encode()
    (tmp_path / "spec" / ".sources.json").write_bytes(record)
    failed = _update(tmp_path, *args)
    assert failed.returncode == 2, failed.stdout + failed.stderr
    assert reason in failed.stderr
    assert f"spec/{name} is unchanged" in failed.stderr
    assert spec.read_bytes() == before
    assert (tmp_path / "spec" / ".sources.json").read_bytes() == record
    assert sorted(p.name for p in (tmp_path / "spec").iterdir()) == [".sources.json", name]


def test_plain_http_elsewhere_is_refused_before_any_request(tmp_path: Path, server: str) -> None:
    _project(tmp_path, "http://192.0.2.1/spec.json")
    failed = _update(tmp_path)
    assert failed.returncode == 2
    assert "refusing to download from http://192.0.2.1/spec.json: only https" in failed.stderr
    assert not (tmp_path / "spec" / "api.json").exists()


def test_a_spec_not_written_by_the_last_download_needs_force(tmp_path: Path, server: str) -> None:
    spec = _project(tmp_path, f"{server}/v2.json")
    authored = b'{"openapi": "3.0.0", "info": {"title": "mine", "version": "1"}, "paths": {}}'
    spec.write_bytes(authored)
    refused = _update(tmp_path)
    assert refused.returncode == 2
    assert "spec/api.json was not written by update-spec" in refused.stderr
    assert "--force" in refused.stderr
    assert spec.read_bytes() == authored

    forced = _update(tmp_path, "--force")
    assert forced.returncode == 0, forced.stderr
    assert spec.read_bytes() == json.dumps(SPEC_V2, indent=1).encode()

    spec.write_bytes(spec.read_bytes().replace(b'"1"', b'"1.1"'))  # edited by hand
    edited = spec.read_bytes()
    refused = _update(tmp_path)
    assert refused.returncode == 2 and "was edited since its last download" in refused.stderr
    assert spec.read_bytes() == edited


def test_targets_without_source(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text(
        '[[tool.generator.targets]]\nspec = "a.json"\nout = "g"\npackage = "demo"\n'
    )
    failed = _update(tmp_path)
    assert failed.returncode == 2 and "no configured target has a source" in failed.stderr
    named = _update(tmp_path, "demo")
    assert named.returncode == 2 and "target 'demo' has no source" in named.stderr

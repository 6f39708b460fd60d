"""Paging benchmarks, side by side in one run (issue 21):

- iterate 10,000 items over 100 cursor pages with the generated client (``for item in
  client.list_items(limit=100)``: every page parsed into models) against the bare httpx loop
  that sends the same 100 requests and reads each page's JSON; target ≤ 1.2x;
- a non-paging call of the same client against a bare ``httpx.Client.get`` + ``.json()``, the
  per-call anchor of benchmarks/run.py; and what the paging and streaming hooks add to such a
  call (the checks ``op.paging is not None`` / ``op.stream is not None`` it makes), timed alone.

    .venv/bin/python benchmarks/paging.py [--rounds 7]

The server runs in its own process on 127.0.0.1 (pages rendered once, up front), so it never
competes with the client for the GIL. Rounds alternate the contenders; medians are printed.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
import timeit
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parent.parent
PAGES, PER_PAGE = 100, 100
ITEM = {
    "type": "object",
    "required": ["id", "name"],
    "properties": {"id": {"type": "string"}, "name": {"type": "string"}, "n": {"type": "integer"}},
}
SPEC: dict[str, Any] = {
    "openapi": "3.1.0",
    "info": {"title": "Bench API", "version": "1"},
    "servers": [{"url": "https://bench.example.com"}],
    "paths": {
        "/items": {
            "get": {
                "operationId": "list_items",
                "parameters": [
                    {"name": "cursor", "in": "query", "schema": {"type": "string"}},
                    {"name": "limit", "in": "query", "schema": {"type": "integer"}},
                ],
                "responses": {
                    "200": {
                        "description": "ok",
                        "content": {
                            "application/json": {
                                "schema": {
                                    "type": "object",
                                    "properties": {
                                        "data": {
                                            "type": "array",
                                            "items": {"$ref": "#/components/schemas/Item"},
                                        },
                                        "next_cursor": {"type": ["string", "null"]},
                                    },
                                }
                            }
                        },
                    }
                },
            }
        },
        "/items/one": {
            "get": {
                "operationId": "get_item",
                "responses": {
                    "200": {
                        "description": "ok",
                        "content": {
                            "application/json": {"schema": {"$ref": "#/components/schemas/Item"}}
                        },
                    }
                },
            }
        },
    },
    "components": {"schemas": {"Item": ITEM}},
}

SERVER = r"""
import json, sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit
pages, per = int(sys.argv[1]), int(sys.argv[2])
bodies = {}
for p in range(pages):
    data = [{"id": f"it_{p * per + i}", "name": f"item {p * per + i}", "n": i} for i in range(per)]
    nxt = f"c{p + 1}" if p + 1 < pages else None
    bodies[f"c{p}" if p else None] = json.dumps({"data": data, "next_cursor": nxt}).encode()
one = json.dumps({"id": "it_1", "name": "one", "n": 1}).encode()
class H(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True  # else headers and body wait on delayed ACKs (40 ms)
    def do_GET(self):
        parts = urlsplit(self.path)
        if parts.path == "/items/one":
            body = one
        else:
            body = bodies[parse_qs(parts.query).get("cursor", [None])[0]]
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)
    def log_message(self, *a):
        pass
server = ThreadingHTTPServer(("127.0.0.1", 0), H)
print(server.server_address[1], flush=True)
server.serve_forever()
"""


def bare_walk(http: httpx.Client, base: str) -> int:
    count, cursor = 0, None
    while True:
        params: dict[str, Any] = {"limit": PER_PAGE}
        if cursor:
            params["cursor"] = cursor
        page = http.get(base + "/items", params=params).json()
        count += len(page["data"])
        cursor = page["next_cursor"]
        if not cursor:
            return count


def parsed_walk(http: httpx.Client, base: str, model: Any) -> int:
    """The bare loop, each page also parsed into the generated models (what the client adds
    besides paging)."""
    count, cursor = 0, None
    while True:
        params: dict[str, Any] = {"limit": PER_PAGE}
        if cursor:
            params["cursor"] = cursor
        page = model.model_validate_json(http.get(base + "/items", params=params).content)
        count += len(page.data)
        cursor = page.next_cursor
        if not cursor:
            return count


def client_walk(client: Any) -> int:
    return sum(1 for _ in client.list_items(limit=PER_PAGE))


def _timed(fn: Any, results: dict[str, list[float]], name: str) -> None:
    """Wall time, and (under ``name + " cpu"``) this process's CPU time: the client's own cost,
    steadier than wall time on a busy machine."""
    started, cpu = time.perf_counter(), time.process_time()
    fn()
    results.setdefault(name, []).append(time.perf_counter() - started)
    results.setdefault(name + " cpu", []).append(time.process_time() - cpu)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--calls", type=int, default=2000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        spec = Path(tmp) / "bench.json"
        spec.write_text(json.dumps(SPEC), encoding="utf-8")
        command = [sys.executable, "-m", "generator", "generate", "--spec", str(spec)]
        subprocess.run(
            [*command, "--out", tmp, "--package", "bench_api", "-q"], cwd=ROOT, check=True
        )
        sys.path.insert(0, tmp)
        import bench_api  # type: ignore[import-not-found]

        server = subprocess.Popen(
            [sys.executable, "-c", SERVER, str(PAGES), str(PER_PAGE)], stdout=subprocess.PIPE
        )
        try:
            assert server.stdout is not None
            base = f"http://127.0.0.1:{int(server.stdout.readline())}"
            return _run(bench_api, base, args.rounds, args.calls)
        finally:
            server.terminate()
            server.wait()


def _run(bench_api: Any, base: str, rounds: int, calls: int) -> int:
    walks: dict[str, list[float]] = {}
    per_call: dict[str, list[float]] = {}
    with httpx.Client() as http, bench_api.BenchClient(base_url=base, max_retries=0) as client:
        model = bench_api.ListItemsResponse
        assert bare_walk(http, base) == client_walk(client) == PAGES * PER_PAGE  # warm up, check
        assert parsed_walk(http, base, model) == PAGES * PER_PAGE
        for _ in range(rounds):
            _timed(lambda: bare_walk(http, base), walks, "bare httpx loop")
            _timed(lambda: parsed_walk(http, base, model), walks, "bare loop + models")
            _timed(lambda: client_walk(client), walks, "generated client")
        url = base + "/items/one"
        for _ in range(rounds):
            started = time.perf_counter()
            for _ in range(calls):
                http.get(url).json()
            per_call.setdefault("bare httpx get + json", []).append(
                (time.perf_counter() - started) / calls
            )
            started = time.perf_counter()
            for _ in range(calls):
                client.get_item()
            per_call.setdefault("generated client get_item", []).append(
                (time.perf_counter() - started) / calls
            )
        op = bench_api._operations.GET_ITEM
        hooks = timeit.timeit(
            lambda: (op.paging is not None, op.stream is not None, op.stream is not None),
            number=1_000_000,
        )
    bare, ours, bare_cpu, ours_cpu = (
        statistics.median(walks[k])
        for k in (
            "bare httpx loop",
            "generated client",
            "bare httpx loop cpu",
            "generated client cpu",
        )
    )
    print(f"iterating {PAGES * PER_PAGE:,} items over {PAGES} pages (median of {rounds}):")
    print(f"  bare httpx loop   {bare * 1000:8.1f} ms wall {bare_cpu * 1000:8.1f} ms CPU")
    parsed, parsed_cpu = (
        statistics.median(walks[k]) for k in ("bare loop + models", "bare loop + models cpu")
    )
    print(
        f"  bare loop+models  {parsed * 1000:8.1f} ms wall {parsed_cpu * 1000:8.1f} ms CPU   "
        f"{parsed / bare:.2f}x wall, {parsed_cpu / bare_cpu:.2f}x CPU"
    )
    print(
        f"  generated client  {ours * 1000:8.1f} ms wall {ours_cpu * 1000:8.1f} ms CPU   "
        f"{ours / bare:.2f}x wall, {ours_cpu / bare_cpu:.2f}x CPU   (target <= 1.2x)"
    )
    one, mine = (
        statistics.median(per_call[k])
        for k in ("bare httpx get + json", "generated client get_item")
    )
    print(f"a non-paging call (median of {rounds} x {calls} calls):")
    print(f"  bare httpx get + json       {one * 1e6:7.1f} us")
    print(f"  generated client get_item   {mine * 1e6:7.1f} us   {mine / one:.2f}x")
    added = hooks / 1_000_000
    print(f"  paging/stream checks a call makes: {added * 1e9:.0f} ns ({added / mine:.3%} of it)")
    return 0 if ours / bare <= 1.2 else 1


if __name__ == "__main__":
    sys.exit(main())

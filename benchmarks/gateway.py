"""The gateway under bounded load on loopback, beside nginx doing the same header injection.

    .venv/bin/python benchmarks/gateway.py [--calls 5000] [--concurrency 50]

Three ways to one upstream (an nginx answering a fixed account link, so the upstream is never
what limits): direct, through our gateway (one uvicorn worker, validation on, an in-memory rate
limit high enough never to refuse), and through nginx (Debian's package; one worker) setting
``Authorization: Bearer <key>``. Each gets a warm-up, then ``--calls`` account-link POSTs at
``--concurrency`` (throughput, latency under load) and ``--sequential`` calls one at a time
(latency the proxy adds to a lone call). The load generator is a small asyncio HTTP/1.1 client
over keep-alive connections, in this process; every process shares the machine's cores.

nginx is installed with apt-get when missing and this runs as root; it is needed for this
script only, never for the tests.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
SECRET = "sk_test_bench_upstream_key"
TOKEN = "gw_bench_token"
BODY = b"account=acct_123&type=account_onboarding&collection_options[fields]=eventually_due"
LINK = '{"object":"account_link","created":1700000000,"expires_at":1700000300,"url":"https://connect.stripe.com/setup/s/acct_123/bench"}'


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def nginx_binary() -> str:
    found = shutil.which("nginx") or (os.path.exists("/usr/sbin/nginx") and "/usr/sbin/nginx")
    if not found and os.geteuid() == 0 and shutil.which("apt-get"):
        env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
        subprocess.run(["apt-get", "update", "-qq"], env=env, check=False)
        subprocess.run(["apt-get", "install", "-y", "-qq", "nginx-light"], env=env, check=False)
        found = shutil.which("nginx") or (os.path.exists("/usr/sbin/nginx") and "/usr/sbin/nginx")
    if not found:
        sys.exit("nginx is needed: apt-get install nginx-light")
    return str(found)


def _nginx_conf(tmp: Path, server: str) -> str:
    return f"""
daemon off;
worker_processes 1;
pid {tmp}/nginx.pid;
error_log {tmp}/error.log warn;
events {{ worker_connections 1024; }}
http {{
    access_log off;
    client_body_temp_path {tmp}/body;
    proxy_temp_path {tmp}/proxy;
    fastcgi_temp_path {tmp}/fastcgi;
    uwsgi_temp_path {tmp}/uwsgi;
    scgi_temp_path {tmp}/scgi;
    keepalive_requests 1000000;
    {server}
}}
"""


@contextmanager
def nginx(binary: str, server: str) -> Iterator[int]:
    with tempfile.TemporaryDirectory() as folder:
        tmp = Path(folder)
        (tmp / "nginx.conf").write_text(_nginx_conf(tmp, server))
        process = subprocess.Popen(
            [binary, "-c", str(tmp / "nginx.conf"), "-p", str(tmp), "-e", str(tmp / "error.log")],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            yield process.pid
        finally:
            process.terminate()
            process.wait(10)


def upstream_server(port: int) -> str:
    return f"""server {{
        listen 127.0.0.1:{port};
        location / {{
            default_type application/json;
            add_header Request-Id req_bench;
            return 200 '{LINK}';
        }}
    }}"""


def proxy_server(port: int, upstream: int) -> str:
    return f"""upstream api {{ server 127.0.0.1:{upstream}; keepalive 64; }}
    server {{
        listen 127.0.0.1:{port};
        location / {{
            proxy_pass http://api;
            proxy_http_version 1.1;
            proxy_set_header Connection "";
            proxy_set_header Authorization "Bearer {SECRET}";
        }}
    }}"""


@contextmanager
def our_gateway(port: int, upstream: int) -> Iterator[int]:
    env = {"PATH": os.environ["PATH"], "STRIPE_API_KEY": SECRET, "GATEWAY_TOKENS": TOKEN}
    process = subprocess.Popen(
        [sys.executable, "-m", "generator", "gateway", "--spec", "spec/stripe.yaml",
         "--upstream", f"http://127.0.0.1:{upstream}", "--port", str(port),
         "--rate-limit", "1000000/s"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,  # one access-log line per call: written, not kept
    )  # fmt: skip
    try:
        yield process.pid
    finally:
        process.terminate()
        process.wait(10)


def cpu_seconds(pid: int) -> float:
    """CPU time (user + system) of a process and its children (nginx's worker), so far."""
    total = 0.0
    pids = [pid]
    while pids:
        current = pids.pop()
        try:
            fields = Path(f"/proc/{current}/stat").read_text().rsplit(")", 1)[1].split()
            children = Path(f"/proc/{current}/task/{current}/children").read_text().split()
        except OSError:
            continue
        total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
        pids += [int(c) for c in children]
    return total


def wait_ready(port: int, path: str) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            httpx.get(f"http://127.0.0.1:{port}{path}", timeout=1)
            return
        except httpx.TransportError:
            time.sleep(0.05)
    sys.exit(f"nothing answers on port {port}")


def request_bytes(port: int, token: str) -> bytes:
    return (
        f"POST /v1/account_links HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n"
        f"Authorization: Bearer {token}\r\nContent-Type: application/x-www-form-urlencoded\r\n"
        f"Content-Length: {len(BODY)}\r\n\r\n"
    ).encode() + BODY


@dataclass
class Run:
    seconds: float
    latencies: list[float]  # seconds, of successful calls
    failures: int


async def _one(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, data: bytes) -> bool:
    writer.write(data)
    head = await reader.readuntil(b"\r\n\r\n")
    length = 0
    for line in head.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            length = int(value)
    body = await reader.readexactly(length)
    return head.startswith(b"HTTP/1.1 200") and b"account_link" in body


async def load(port: int, token: str, calls: int, concurrency: int) -> Run:
    data = request_bytes(port, token)
    remaining = calls
    latencies: list[float] = []
    failures = 0

    async def worker() -> None:
        nonlocal remaining, failures
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        try:
            while remaining > 0:
                remaining -= 1
                started = time.perf_counter()
                try:
                    ok = await _one(reader, writer, data)
                except (OSError, asyncio.IncompleteReadError, ValueError):
                    failures += 1
                    writer.close()
                    reader, writer = await asyncio.open_connection("127.0.0.1", port)
                    continue
                if ok:
                    latencies.append(time.perf_counter() - started)
                else:
                    failures += 1
        finally:
            writer.close()

    started = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(concurrency)))
    return Run(time.perf_counter() - started, latencies, failures)


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000


@dataclass
class Result:
    name: str
    loaded: Run
    alone: Run
    cpu_per_call: float  # seconds of the serving process's CPU per call under load

    @property
    def throughput(self) -> float:
        return len(self.loaded.latencies) / self.loaded.seconds


def measure(name: str, port: int, pid: int, token: str, args: argparse.Namespace) -> Result:
    asyncio.run(load(port, token, 500, args.concurrency))  # warm-up: connections, caches
    before = cpu_seconds(pid)
    loaded = asyncio.run(load(port, token, args.calls, args.concurrency))
    used = cpu_seconds(pid) - before
    alone = asyncio.run(load(port, token, args.sequential, 1))
    return Result(name, loaded, alone, used / args.calls)


def table(results: list[Result]) -> str:
    direct, nginx_result = results[0], results[-1]
    rows = [
        "| path | calls/s | p50 / p99 at load (ms) | added p50 / p99 at load | alone p50 / p99 (ms)"
        " | added alone p50 / p99 | CPU per call (µs) | failures | throughput vs nginx |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for r in results:
        lp50, lp99 = pct(r.loaded.latencies, 0.5), pct(r.loaded.latencies, 0.99)
        ap50, ap99 = pct(r.alone.latencies, 0.5), pct(r.alone.latencies, 0.99)
        dl50, dl99 = pct(direct.loaded.latencies, 0.5), pct(direct.loaded.latencies, 0.99)
        da50, da99 = pct(direct.alone.latencies, 0.5), pct(direct.alone.latencies, 0.99)
        added = "-" if r is direct else f"{lp50 - dl50:+.2f} / {lp99 - dl99:+.2f}"
        added_alone = "-" if r is direct else f"{ap50 - da50:+.3f} / {ap99 - da99:+.3f}"
        ratio = "-" if r is direct else f"{r.throughput / nginx_result.throughput:.2f}x"
        rows.append(
            f"| {r.name} | {r.throughput:,.0f} | {lp50:.2f} / {lp99:.2f} | {added} | "
            f"{ap50:.3f} / {ap99:.3f} | {added_alone} | {r.cpu_per_call * 1e6:.0f} | "
            f"{r.loaded.failures + r.alone.failures} | {ratio} |"
        )
    return "\n".join(rows)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--calls", type=int, default=5000)
    parser.add_argument("--concurrency", type=int, default=50)
    parser.add_argument("--sequential", type=int, default=1000)
    args = parser.parse_args()
    binary = nginx_binary()
    up, ours, theirs = free_port(), free_port(), free_port()
    load_before = os.getloadavg()[0]
    with (
        nginx(binary, upstream_server(up)) as up_pid,
        nginx(binary, proxy_server(theirs, up)) as nginx_pid,
        our_gateway(ours, up) as our_pid,
    ):
        for port, path in ((up, "/"), (theirs, "/"), (ours, "/_gateway/health")):
            wait_ready(port, path)
        results = [
            measure("direct to the upstream", up, up_pid, SECRET, args),
            measure("our gateway (1 worker)", ours, our_pid, TOKEN, args),
            measure("nginx injecting the header", theirs, nginx_pid, "unused", args),
        ]
    print(
        f"{args.calls} account-link POSTs at {args.concurrency} concurrent, then "
        f"{args.sequential} one at a time; loopback, {os.cpu_count()} cores shared by all; "
        f"load average {load_before:.1f} before the run. CPU per call: the serving process "
        "(the upstream nginx for direct, the proxy otherwise) under load."
    )
    print(table(results))
    return 1 if any(r.loaded.failures or r.alone.failures for r in results) else 0


if __name__ == "__main__":
    sys.exit(main())

"""The gateway under load on loopback, beside nginx doing the same header injection.

    .venv/bin/python benchmarks/gateway.py [--seconds 6] [--concurrency 50]

Three ways to one upstream (an nginx responding a fixed account link, so the upstream is never
what limits): direct, through our gateway (one worker process, validation on, an in-memory rate
limit high enough never to refuse, the access log written), and through nginx (Debian's package;
one worker) setting ``Authorization: Bearer <key>``. Each gets a one-second warm-up, then
``--seconds`` of account-link POSTs over ``--concurrency`` keep-alive connections (throughput,
latency under load, the serving process's CPU per call) and half as long on one connection
(the latency a proxy adds to a lone call). The load generator is wrk (C, one thread), so it is
not what limits; every process shares the machine's cores with whatever else runs, which is
why the load average is printed and only ratios within one run are compared.

nginx and wrk are installed with apt-get when missing and this runs as root; they are needed
for this script only, never for the tests.
"""

from __future__ import annotations

import argparse
import os
import re
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
    sys.exit(f"nothing responses on port {port}")


def wrk_binary() -> str:
    found = shutil.which("wrk")
    if not found and os.geteuid() == 0 and shutil.which("apt-get"):
        env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
        subprocess.run(["apt-get", "install", "-y", "-qq", "wrk"], env=env, check=False)
        found = shutil.which("wrk")
    if not found:
        sys.exit("wrk is needed: apt-get install wrk")
    return found


def _script(folder: Path, token: str) -> Path:
    path = folder / f"post-{token}.lua"
    path.write_text(
        f'wrk.method = "POST"\nwrk.body = "{BODY.decode()}"\n'
        'wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"\n'
        f'wrk.headers["Authorization"] = "Bearer {token}"\n'
    )
    return path


@dataclass
class Run:
    calls: int
    seconds: float
    p50: float  # milliseconds
    p99: float
    failures: int  # non-2xx responses and socket errors

    @property
    def throughput(self) -> float:
        return self.calls / self.seconds


_UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0}


def _ms(text: str) -> float:
    number = re.match(r"([\d.]+)([a-z]+)", text)
    assert number is not None, text
    return float(number.group(1)) * _UNITS[number.group(2)]


def wrk(binary: str, port: int, script: Path, connections: int, seconds: int) -> Run:
    """One wrk run (one thread: wrk's C costs a few µs a call, far below what is measured)."""
    out = subprocess.run(
        [binary, "-t1", f"-c{connections}", f"-d{seconds}s", "--latency", "-s", str(script),
         f"http://127.0.0.1:{port}/v1/account_links"],
        capture_output=True, text=True, check=True, timeout=seconds + 60,
    ).stdout  # fmt: skip
    done = re.search(r"(\d+) requests in ([\d.]+)(\w+)", out)
    assert done is not None, out
    elapsed = _ms(done.group(2) + done.group(3)) / 1000
    latency = dict(re.findall(r"^\s+(50|99)(?:\.0+)?%\s+(\S+)", out, re.MULTILINE))
    failures = sum(int(n) for n in re.findall(r"Non-2xx or 3xx responses: (\d+)", out))
    errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    if errors is not None:
        failures += sum(int(n) for n in errors.groups())
    return Run(int(done.group(1)), elapsed, _ms(latency["50"]), _ms(latency["99"]), failures)


@dataclass
class Result:
    name: str
    loaded: Run
    alone: Run
    cpu_per_call: float  # seconds of the serving process's CPU per call under load


def measure(name: str, port: int, pid: int, token: str, args: argparse.Namespace) -> Result:
    with tempfile.TemporaryDirectory() as folder:
        script = _script(Path(folder), token)
        wrk(args.wrk, port, script, args.concurrency, 1)  # warm-up: connections, caches
        before = cpu_seconds(pid)
        loaded = wrk(args.wrk, port, script, args.concurrency, args.seconds)
        used = cpu_seconds(pid) - before
        alone = wrk(args.wrk, port, script, 1, max(1, args.seconds // 2))
    return Result(name, loaded, alone, used / max(1, loaded.calls))


def table(results: list[Result]) -> str:
    direct, nginx_result = results[0], results[-1]
    rows = [
        "| path | calls/s | p50 / p99 at load (ms) | added p50 / p99 at load | alone p50 / p99 (ms)"
        " | added alone p50 / p99 | CPU per call (µs) | failures | throughput vs nginx |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for r in results:
        added = (
            "-"
            if r is direct
            else (
                f"{r.loaded.p50 - direct.loaded.p50:+.2f} / {r.loaded.p99 - direct.loaded.p99:+.2f}"
            )
        )
        added_alone = (
            "-"
            if r is direct
            else (f"{r.alone.p50 - direct.alone.p50:+.3f} / {r.alone.p99 - direct.alone.p99:+.3f}")
        )
        ratio = (
            "-" if r is direct else f"{r.loaded.throughput / nginx_result.loaded.throughput:.2f}x"
        )
        rows.append(
            f"| {r.name} | {r.loaded.throughput:,.0f} | {r.loaded.p50:.2f} / {r.loaded.p99:.2f} | "
            f"{added} | {r.alone.p50:.3f} / {r.alone.p99:.3f} | {added_alone} | "
            f"{r.cpu_per_call * 1e6:.0f} | {r.loaded.failures + r.alone.failures} | {ratio} |"
        )
    return "\n".join(rows)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=int, default=6, help="of each loaded run")
    parser.add_argument("--concurrency", type=int, default=50)
    args = parser.parse_args()
    binary = nginx_binary()
    args.wrk = wrk_binary()
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
    load_after = os.getloadavg()[0]
    print(
        f"wrk (1 thread): account-link POSTs for {args.seconds:g} s at {args.concurrency} "
        f"connections, then {max(1, args.seconds // 2)} s on one connection (one call at a time); "
        f"loopback, {os.cpu_count()} cores shared by all; load average {load_before:.1f} before "
        f"the run, {load_after:.1f} after. CPU per call: the serving process (the upstream nginx "
        "for direct, the proxy otherwise) under load."
    )
    print(table(results))
    return 1 if any(r.loaded.failures or r.alone.failures for r in results) else 0


if __name__ == "__main__":
    sys.exit(main())

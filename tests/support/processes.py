"""Real server processes for tests: a gateway and a Redis server, on 127.0.0.1."""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@dataclass
class Gateway:
    url: str
    process: subprocess.Popen[bytes]
    stderr_path: Path
    final_stderr: str | None = None  # kept when the process has stopped (its folder is gone)

    def stderr(self) -> str:
        if self.final_stderr is not None:
            return self.final_stderr
        return self.stderr_path.read_text(encoding="utf-8", errors="replace")


def _wait_ready(url: str, process: subprocess.Popen[bytes], what: str, log: Path) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{what} exited with {process.returncode}: {log.read_text()}")
        try:
            if httpx.get(f"{url}/_gateway/health", timeout=1).status_code == 200:
                return
        except httpx.TransportError:
            time.sleep(0.05)
    raise RuntimeError(f"{what} did not become ready: {log.read_text()}")


def _stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(5)


@contextmanager
def gateway(
    args: Sequence[str], env: Mapping[str, str], *, port: int | None = None
) -> Iterator[Gateway]:
    """``python -m generator gateway ARGS`` on a free port, until the block ends. ``env`` is the
    whole environment besides PATH (so no secret of the test runner's leaks in)."""
    port = port or free_port()
    with tempfile.TemporaryDirectory() as tmp:
        log = Path(tmp) / "stderr"
        with log.open("wb") as err:
            process = subprocess.Popen(
                [sys.executable, "-m", "generator", "gateway", "--port", str(port), *args],
                cwd=ROOT,
                env={"PATH": os.environ.get("PATH", ""), **env},
                stdout=err,
                stderr=err,
            )
        running = Gateway(f"http://127.0.0.1:{port}", process, log)
        try:
            _wait_ready(running.url, process, "gateway", log)
            yield running
        finally:
            _stop(process)
            running.final_stderr = log.read_text(encoding="utf-8", errors="replace")


@dataclass
class Redis:
    url: str
    process: subprocess.Popen[bytes]
    port: int

    def stop(self) -> None:
        _stop(self.process)


@contextmanager
def redis_server(binary: str, port: int | None = None) -> Iterator[Redis]:
    """A throwaway Redis on a (free) loopback port: no persistence, no config file."""
    port = port or free_port()
    with tempfile.TemporaryDirectory() as tmp:
        process = subprocess.Popen(
            [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly",
             "no", "--dir", tmp, "--protected-mode", "yes"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )  # fmt: skip
        try:
            deadline = time.monotonic() + 10
            while True:
                try:
                    with socket.create_connection(("127.0.0.1", port), timeout=1) as sock:
                        sock.sendall(b"PING\r\n")
                        if sock.recv(16).startswith(b"+PONG"):
                            break
                except OSError:
                    pass
                if process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError("redis-server did not start")
                time.sleep(0.05)
            yield Redis(f"redis://127.0.0.1:{port}/0", process, port)
        finally:
            _stop(process)


@dataclass
class RawResponse:
    status: int
    head: str  # the status line and headers as sent
    body: bytes

    @property
    def text(self) -> str:
        return self.head + "\r\n\r\n" + self.body.decode("utf-8", "replace")


def raw_request(url: str, request: bytes, timeout: float = 10.0) -> RawResponse:
    """Send ``request`` byte for byte (no client normalises its target) and read the response
    until the server closes; the request should carry ``Connection: close``."""
    address = httpx.URL(url)
    with socket.create_connection((address.host, address.port or 80), timeout=timeout) as sock:
        # the server may respond (413) before reading all of it: read that response then
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):
            sock.sendall(request)
        data = b""
        try:
            while chunk := sock.recv(65536):
                data += chunk
        except ConnectionResetError:
            pass
    head, _, body = data.partition(b"\r\n\r\n")
    text = head.decode("latin-1")
    return RawResponse(int(text.split(" ", 2)[1]), text, body)

"""Run Stoplight Prism (pinned in ``tests/prism/package.json``) as a local mock server.

Prism validates each request against the spec it serves (parameters, body, security) and
responds 2xx with a placeholder response when the request is valid, 4xx when it is not
(422 unless the operation declares a 400; 401 when ``Authorization`` is missing).  The
Stripe specs must first go through ``prism_spec.write_prism_spec``: Prism never finishes
loading the raw ones.

Only 127.0.0.1 is ever used.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

#: tests/prism: package.json + package-lock.json pinning @stoplight/prism-cli.
PRISM_DIR = Path(__file__).resolve().parents[1] / "prism"
PRISM_BIN = PRISM_DIR / "node_modules" / ".bin" / "prism"
HOST = "127.0.0.1"

_STOP_TIMEOUT_S = 10.0
_TAIL_LINES = 40


class PrismError(RuntimeError):
    """Prism is not installed or did not start."""


def prism_missing() -> str | None:
    """Why the pinned Prism cannot run here, or None when it can.

    Nothing is installed here: ``scripts/test`` runs ``npm ci`` in tests/prism (and installs
    Node.js as root where it can), so a test never changes the machine behind the user's back.
    """
    if shutil.which("node") is None:
        return (
            "Node.js is not installed, so Prism cannot run: scripts/test installs it "
            "(Debian's nodejs and npm, as root) and then runs `npm ci` in tests/prism"
        )
    if not PRISM_BIN.exists():
        return "Prism is not installed: run scripts/test, or `npm ci` in tests/prism"
    installed, pinned = _installed_version(), _pinned_version()
    if installed != pinned:
        return (
            f"tests/prism has Prism {installed} but package.json pins {pinned}: "
            "run scripts/test, or `npm ci` in tests/prism"
        )
    return None


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((HOST, 0))
        port: int = sock.getsockname()[1]
        return port


@contextmanager
def run_prism(spec_path: Path, port: int | None = None, *, timeout: float = 90.0) -> Iterator[str]:
    """Serve ``spec_path`` with ``prism mock`` on 127.0.0.1 and yield its base URL.

    Waits (polling) until Prism accepts connections and says it is listening, for at most
    ``timeout`` seconds; otherwise raises :class:`PrismError` with the tail of Prism's
    output.  On exit the whole process group is terminated (then killed).
    """
    missing = prism_missing()
    if missing is not None:
        raise PrismError(missing)
    spec = Path(spec_path).resolve()
    if not spec.is_file():
        raise PrismError(f"spec not found: {spec}")
    port = free_port() if port is None else port
    base_url = f"http://{HOST}:{port}"

    with tempfile.TemporaryDirectory(prefix="prism-") as tmp:
        log_path = Path(tmp) / "prism.log"
        # Prism logs every request: send it to a file, never to a pipe nobody drains.
        with log_path.open("wb") as log:
            process = subprocess.Popen(
                [str(PRISM_BIN), "mock", "-h", HOST, "-p", str(port), str(spec)],
                cwd=PRISM_DIR,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,  # own process group: killed as a whole on exit
            )
        try:
            _wait_until_ready(process, port, log_path, timeout)
            yield base_url
        finally:
            _stop(process)


def _wait_until_ready(
    process: subprocess.Popen[bytes], port: int, log_path: Path, timeout: float
) -> None:
    started = time.monotonic()
    listening = f"Prism is listening on http://{HOST}:{port}"
    while True:
        code = process.poll()
        if code is not None:
            raise PrismError(
                f"Prism exited with code {code} before it was ready:\n" + _log_tail(log_path)
            )
        if listening in _read(log_path) and _accepts_connections(port):
            return
        if time.monotonic() - started > timeout:
            _stop(process)
            raise PrismError(
                f"Prism was not ready on port {port} after {timeout:.0f} s:\n" + _log_tail(log_path)
            )
        time.sleep(0.1)


def _accepts_connections(port: int) -> bool:
    try:
        with socket.create_connection((HOST, port), timeout=0.5):
            return True
    except OSError:
        return False


def _stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is not None:
        return
    for sig in (signal.SIGTERM, signal.SIGKILL):
        try:
            os.killpg(process.pid, sig)
        except ProcessLookupError:
            return
        try:
            process.wait(timeout=_STOP_TIMEOUT_S)
            return
        except subprocess.TimeoutExpired:
            continue


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8", errors="replace")
    except FileNotFoundError:
        return ""


def _log_tail(log_path: Path) -> str:
    return _tail(_read(log_path)) or "(Prism printed nothing)"


def _tail(text: str) -> str:
    return "\n".join(text.strip().splitlines()[-_TAIL_LINES:])


def _pinned_version() -> object:
    """The prism-cli version tests/prism/package.json pins."""
    return (
        _json_file(PRISM_DIR / "package.json").get("dependencies", {}).get("@stoplight/prism-cli")
    )


def _installed_version() -> object:
    """The prism-cli version in node_modules (None when not installed)."""
    path = PRISM_DIR / "node_modules" / "@stoplight" / "prism-cli" / "package.json"
    return _json_file(path).get("version")


def _json_file(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}

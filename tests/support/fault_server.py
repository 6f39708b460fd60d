"""A fault-injecting HTTP server on 127.0.0.1, scriptable per test.

Each request gets the next behaviour from a queue (or, once the queue is empty, from ``chooser``
when one is set, else a success):

- ``Reset()``: read the request, then reset the connection (RST, no response);
- ``Stall(seconds)``: read the request and response nothing for ``seconds`` (past the client's
  timeout), then close the connection;
- ``Response(status, headers, body)``: response; with no body, a 2xx returns an ``account_link``
  for the request's ``account`` form value and any other status a Stripe-style error body.

Every request is recorded (method, path with query, headers, body, arrival time) before it is
answered; every response carries a ``Request-Id``.
"""

from __future__ import annotations

import json
import socket
import struct
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl


@dataclass(frozen=True)
class Reset:
    """Cut the connection with a TCP reset after reading the request."""


@dataclass(frozen=True)
class Stall:
    """Say nothing for ``seconds``, then close the connection."""

    seconds: float = 2.0


@dataclass(frozen=True)
class Response:
    status: int = 200
    headers: Mapping[str, str] = field(default_factory=dict)
    body: Any = None  # bytes as they are, anything else as JSON; None: see the module docstring


Behaviour = Reset | Stall | Response


@dataclass
class Recorded:
    method: str
    path: str  # with the query string
    headers: dict[str, str]  # lower-case names
    header_items: list[tuple[str, str]]  # as sent, repeats included
    body: bytes
    arrived: float  # time.monotonic()
    request_id: str  # the Request-Id it is answered with (if it is answered)

    @property
    def form(self) -> dict[str, str]:
        return dict(parse_qsl(self.body.decode(), keep_blank_values=True))

    @property
    def idempotency_key(self) -> str | None:
        return self.headers.get("idempotency-key")

    def header_count(self, name: str) -> int:
        return sum(1 for k, _ in self.header_items if k.lower() == name.lower())


def account_link(account: str) -> dict[str, Any]:
    return {
        "object": "account_link",
        "created": 1_700_000_000,
        "expires_at": 1_700_000_300,
        "url": f"https://connect.stripe.com/setup/s/{account}",
    }


def _error_body(status: int) -> dict[str, Any]:
    if status == 429:
        error = {"type": "invalid_request_error", "code": "rate_limit"}
    elif status == 409:
        error = {"type": "invalid_request_error", "code": "lock_timeout"}
    elif status < 500:
        error = {"type": "invalid_request_error"}
    else:
        error = {"type": "api_error"}
    return {"error": {**error, "message": f"injected {status}"}}


class FaultServer:
    def __init__(self) -> None:
        self.requests: list[Recorded] = []
        self.queue: list[Behaviour] = []
        self.chooser: Callable[[Recorded], Behaviour] | None = None
        self.lock = threading.Lock()
        self.stopping = threading.Event()
        self.url = ""

    def script(self, *behaviours: Behaviour) -> None:
        with self.lock:
            self.queue.extend(behaviours)

    def _record(self, record: Recorded) -> Behaviour:
        with self.lock:
            record.request_id = f"req_{len(self.requests) + 1:04d}"
            self.requests.append(record)
            if self.queue:
                return self.queue.pop(0)
            return self.chooser(record) if self.chooser is not None else Response()


def _handler(server: FaultServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        disable_nagle_algorithm = True
        protocol_version = "HTTP/1.1"  # keep-alive, as a real API does
        timeout = 10  # an idle kept-alive connection frees its thread after this

        def _serve(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else b""
            record = Recorded(
                method=self.command,
                path=self.path,
                headers={k.lower(): v for k, v in self.headers.items()},
                header_items=list(self.headers.items()),
                body=body,
                arrived=time.monotonic(),
                request_id="",
            )
            behaviour = server._record(record)
            if isinstance(behaviour, Reset):
                self.connection.setsockopt(
                    socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0)
                )
                self.connection.close()  # linger 0: the peer gets RST, not FIN
                self.close_connection = True
                return
            if isinstance(behaviour, Stall):
                server.stopping.wait(behaviour.seconds)
                self.close_connection = True
                return
            payload = behaviour.body
            if payload is None:
                payload = (
                    account_link(record.form.get("account", ""))
                    if 200 <= behaviour.status < 300
                    else _error_body(behaviour.status)
                )
            data = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
            try:
                self.send_response(behaviour.status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.send_header("Request-Id", record.request_id)
                for name, value in behaviour.headers.items():
                    self.send_header(name, value)
                self.end_headers()
                self.wfile.write(data)
            except OSError:  # the client gave up (timed out) meanwhile
                self.close_connection = True

        do_GET = do_POST = do_DELETE = do_PUT = do_PATCH = do_QUERY = _serve

        def log_message(self, format: str, *args: Any) -> None:
            pass

    return Handler


class _Server(ThreadingHTTPServer):
    request_queue_size = 256  # a burst of concurrent connects must not overflow the backlog
    daemon_threads = True
    block_on_close = False  # stalled handlers must not hold up the end of a test


@contextmanager
def fault_server() -> Iterator[FaultServer]:
    state = FaultServer()
    httpd = _Server(("127.0.0.1", 0), _handler(state))
    state.url = f"http://127.0.0.1:{httpd.server_address[1]}"
    thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.02})
    thread.daemon = True
    thread.start()
    try:
        yield state
    finally:
        state.stopping.set()
        httpd.shutdown()
        httpd.server_close()
        thread.join(5)

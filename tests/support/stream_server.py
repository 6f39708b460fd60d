"""A real HTTP server on 127.0.0.1 that streams a scripted response chunk by chunk (chunked
transfer encoding), waiting where the test says, and notices when the client goes away."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

CUT = "cut"  # close the connection mid-response (no final chunk)
FOREVER = "forever"  # keep sending comments until the client leaves


@dataclass
class StreamState:
    base: str = ""
    # bytes: a chunk to send; threading.Event: wait for the test to set it; CUT; FOREVER
    script: list[Any] = field(default_factory=list)
    status: int = 200
    media_type: str = "text/event-stream"
    json_response: Any = None  # answered whole as JSON when the request's body says stream=false
    waited_too_long: bool = False
    gone: threading.Event = field(default_factory=threading.Event)
    bodies: list[Any] = field(default_factory=list)


def _handler(state: StreamState) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        disable_nagle_algorithm = True

        def _chunk(self, data: bytes) -> None:
            self.wfile.write(f"{len(data):x}\r\n".encode() + data + b"\r\n")
            self.wfile.flush()

        def _serve(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = json.loads(self.rfile.read(length)) if length else None
            state.bodies.append(body)
            if state.status >= 400 or (isinstance(body, dict) and body.get("stream") is False):
                payload = json.dumps(
                    state.json_response if state.status < 400 else {"message": "nope"}
                ).encode()
                self.send_response(state.status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)
                return
            self.send_response(200)
            self.send_header("Content-Type", state.media_type)
            self.send_header("Transfer-Encoding", "chunked")
            self.end_headers()
            self.wfile.flush()
            try:
                for step in state.script:
                    if isinstance(step, threading.Event):
                        if not step.wait(5):
                            state.waited_too_long = True
                    elif step == CUT:
                        self.wfile.flush()
                        self.close_connection = True
                        return
                    elif step == FOREVER:
                        for _ in range(500):  # bounded: 10 s at most
                            self._chunk(b": keep-alive\n")
                            time.sleep(0.02)
                        return
                    else:
                        self._chunk(step)
                self.wfile.write(b"0\r\n\r\n")
                self.wfile.flush()
            except (BrokenPipeError, ConnectionResetError):
                state.gone.set()

        do_GET = do_POST = _serve

        def log_message(self, format: str, *args: Any) -> None:
            pass

    return Handler


@contextmanager
def stream_server() -> Iterator[StreamState]:
    state = StreamState()
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(state))
    server.daemon_threads = True
    state.base = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        yield state
    finally:
        server.shutdown()
        server.server_close()

"""An OAuth2 token endpoint and an API behind it, in one real HTTP server on 127.0.0.1.

``POST`` to a path ending in ``/token`` or ``/refresh`` runs a grant (client credentials,
password, refresh token) as RFC 6749 says: the client authenticates by HTTP basic or in the
form, errors are ``{"error", "error_description"}`` with 400 or 401. Any other request is the
API: it responds 200 with what it was sent when ``Authorization: Bearer`` holds a live token,
401 otherwise. Everything is recorded; ``revoke`` kills the live tokens (the next API call is
refused), ``delay`` slows each token response so concurrent callers pile up behind one fetch.
"""

from __future__ import annotations

import base64
import json
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, unquote_plus

CLIENT_ID = "client-7f3a"
CLIENT_SECRET = "cs_SECRET_d41d8cd98f00b204"
USERNAME = "ada"
PASSWORD = "pw_SECRET_correct-horse-battery"
REFRESH_TOKEN = "rt_SECRET_first_0001"


@dataclass
class TokenRequest:
    path: str
    form: dict[str, str]
    authorization: str | None
    client_auth: str  # "basic", "body" or "none"


@dataclass
class ApiRequest:
    method: str
    path: str
    authorization: str | None


@dataclass
class TokenServer:
    url: str = ""
    expires_in: int | None = 3600
    delay: float = 0.0
    rotate: bool = False  # response each refresh with a new refresh token
    client_auth: str = "any"  # "basic", "body" or "any": what the endpoint accepts
    issued: list[str] = field(default_factory=list)
    live: set[str] = field(default_factory=set)
    refresh_tokens: set[str] = field(default_factory=lambda: {REFRESH_TOKEN})
    token_requests: list[TokenRequest] = field(default_factory=list)
    api_requests: list[ApiRequest] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def revoke(self) -> None:
        with self.lock:
            self.live.clear()

    def grant(self, path: str, form: dict[str, str], header: str | None) -> tuple[int, Any]:
        client_id, secret, style = form.get("client_id"), form.get("client_secret"), "body"
        if header and header.startswith("Basic "):
            pair = base64.b64decode(header[6:]).decode()
            ident, _, sec = pair.partition(":")
            client_id, secret, style = unquote_plus(ident), unquote_plus(sec), "basic"
        elif client_id is None:
            style = "none"
        with self.lock:
            self.token_requests.append(TokenRequest(path, form, header, style))
        kind = form.get("grant_type")
        if style != "none" and (
            (self.client_auth not in ("any", style))
            or client_id != CLIENT_ID
            or secret != CLIENT_SECRET
        ):
            return 401, {"error": "invalid_client", "error_description": "Client unknown."}
        if kind == "client_credentials" and style == "none":
            return 401, {"error": "invalid_client", "error_description": "No client."}
        if kind == "password" and (
            form.get("username") != USERNAME or form.get("password") != PASSWORD
        ):
            return 400, {"error": "invalid_grant", "error_description": "Bad credentials."}
        if kind == "refresh_token" and form.get("refresh_token") not in self.refresh_tokens:
            return 400, {"error": "invalid_grant", "error_description": "Refresh token revoked."}
        if kind not in ("client_credentials", "password", "refresh_token"):
            return 400, {"error": "unsupported_grant_type"}
        if self.delay:
            time.sleep(self.delay)
        with self.lock:
            token = f"at_{len(self.issued) + 1:04d}"
            self.issued.append(token)
            self.live.add(token)
            response: dict[str, Any] = {"access_token": token, "token_type": "Bearer"}
            if self.expires_in is not None:
                response["expires_in"] = self.expires_in
            if kind == "refresh_token" and self.rotate:
                rotated = f"rt_SECRET_rotated_{len(self.issued):04d}"
                self.refresh_tokens = {rotated}
                response["refresh_token"] = rotated
        return 200, response


def _handler(server: TokenServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        disable_nagle_algorithm = True

        def _response(self, status: int, body: Any) -> None:
            payload = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        def _serve(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else b""
            path = self.path.split("?")[0]
            if self.command == "POST" and path.endswith(("/token", "/refresh")):
                form = dict(parse_qsl(body.decode()))
                self._response(*server.grant(path, form, self.headers.get("Authorization")))
                return
            auth = self.headers.get("Authorization")
            with server.lock:
                server.api_requests.append(ApiRequest(self.command, self.path, auth))
                ok = auth is not None and auth.removeprefix("Bearer ") in server.live
            if ok:
                self._response(200, {"path": path})
            else:
                self._response(401, {"error": {"message": "token expired or revoked"}})

        do_GET = do_POST = do_DELETE = do_PUT = do_PATCH = _serve

        def log_message(self, format: str, *args: Any) -> None:
            pass

    return Handler


@contextmanager
def token_server(**settings: Any) -> Iterator[TokenServer]:
    state = TokenServer(**settings)
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(state))
    server.daemon_threads = True
    server.request_queue_size = 128  # 50 callers at once must not be refused by the backlog
    thread = threading.Thread(
        target=server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
    )
    thread.start()
    state.url = f"http://127.0.0.1:{server.server_address[1]}"
    try:
        yield state
    finally:
        server.shutdown()
        server.server_close()

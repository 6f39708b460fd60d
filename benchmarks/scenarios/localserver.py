"""A tiny HTTP/1.1 server on 127.0.0.1 that returns ``POST /v1/account_links`` like Stripe.

Run as a script: it prints its port on the first line of stdout, then serves until killed.
It checks every request body against the form the benchmark clients are meant to send and
responds 400 when it differs, so a client that sends something else fails loudly instead of
being timed. TCP_NODELAY is set (``disable_nagle_algorithm``): without it, clients that write
headers and body separately stall ~40 ms per call on delayed ACKs.
"""

from __future__ import annotations

import json
import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl

# The fields every contender can send: the 2023 spec has no `collection_options` (only the
# deprecated `collect`), so nested params are left out rather than sent differently by some.
EXPECTED_FORM = {
    "account": "acct_123",
    "type": "account_onboarding",
    "refresh_url": "https://example.com/reauth",
    "return_url": "https://example.com/return",
}
ACCOUNT_LINK = json.dumps(
    {
        "object": "account_link",
        "created": 1700000000,
        "expires_at": 1700000300,
        "url": "https://connect.stripe.com/setup/s/acct_123/bench",
    }
).encode()
BAD_REQUEST = json.dumps(
    {"error": {"type": "invalid_request_error", "message": "unexpected form body"}}
).encode()


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, as every client under test uses it
    disable_nagle_algorithm = True

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        form = dict(parse_qsl(raw.decode("ascii", "replace"), keep_blank_values=True))
        ok = self.path == "/v1/account_links" and form == EXPECTED_FORM
        body = ACCOUNT_LINK if ok else BAD_REQUEST
        self.send_response(200 if ok else 400)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Request-Id", "req_bench")
        self.end_headers()
        self.wfile.write(body)
        if not ok:
            print(f"unexpected request {self.path} {form!r}", file=sys.stderr, flush=True)

    def log_message(self, format: str, *args: object) -> None:
        pass


def main() -> None:
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    print(server.server_address[1], flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()

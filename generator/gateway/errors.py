"""The gateway's own error responses, worded in the API's shape (the profile's ``error_shape``).

``stripe``: ``{"error": {"type": "invalid_request_error", "message", "param", "code"}}``, so a
generated client raises its usual typed error (``InvalidRequestError`` with ``param`` set).
``problem``: RFC 9457 ``application/problem+json``, for an API whose profile names no shape.
Messages never carry a header or credential, only the gateway's own words and parameter names.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from http import HTTPStatus
from typing import Any

from generator.gateway.forms import Problem

Headers = list[tuple[bytes, bytes]]


def error_body(
    shape: str,
    status: int,
    message: str,
    *,
    code: str | None = None,
    param: str | None = None,
    problems: Sequence[Problem] = (),
) -> tuple[bytes, bytes]:
    """(content type, body) of an error response."""
    if shape == "stripe":
        error: dict[str, Any] = {
            "type": "api_error" if status >= 500 else "invalid_request_error",
            "message": message,
        }
        if code is not None:
            error["code"] = code
        if param is not None:
            error["param"] = param
        return b"application/json", json.dumps({"error": error}).encode()
    body: dict[str, Any] = {
        "type": "about:blank",
        "title": HTTPStatus(status).phrase,
        "status": status,
        "detail": message,
    }
    if code is not None:
        body["code"] = code
    if problems:
        body["invalid_params"] = [
            {"name": p.param, "reason": p.message} for p in problems if p.param is not None
        ]
    return b"application/problem+json", json.dumps(body).encode()


def problems_message(problems: Sequence[Problem]) -> str:
    first = problems[0].message
    more = len(problems) - 1
    return first if not more else f"{first} (and {more} more problem{'s' if more > 1 else ''})"

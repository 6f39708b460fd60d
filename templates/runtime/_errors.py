"""Exceptions raised by the client.

Classified the way Stripe's libraries do it: by the error body's ``type`` first, by HTTP status
second. The API-specific part (which ``type`` values map to which class) comes from the
generated client's configuration.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any


class ClientError(Exception):
    """Base of every error this client raises (exported under the API's own name)."""

    def __init__(
        self,
        message: str,
        *,
        status_code: int | None = None,
        code: str | None = None,
        param: str | None = None,
        request_id: str | None = None,
        body: Any = None,
        headers: Mapping[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.status_code = status_code
        self.code = code
        self.param = param
        self.request_id = request_id
        self.body = body
        self.headers = dict(headers or {})

    def __str__(self) -> str:
        return self.message

    def __repr__(self) -> str:
        return (
            f"{type(self).__name__}(message={self.message!r}, status_code={self.status_code!r}, "
            f"code={self.code!r}, request_id={self.request_id!r})"
        )


class InvalidRequestError(ClientError):
    """The request had invalid parameters (400, 404)."""


class AuthenticationError(ClientError):
    """The API key was missing or wrong (401)."""


class CardError(ClientError):
    """The card could not be charged (402)."""


class PermissionDeniedError(ClientError):
    """The key lacks permission for this request (403)."""


class IdempotencyError(ClientError):
    """An idempotency key was reused with different parameters."""


class RateLimitError(ClientError):
    """Too many requests (429)."""


class APIError(ClientError):
    """A server error (5xx), or any answer that fits no other class."""


class APIConnectionError(ClientError):
    """No answer: the connection failed or was cut."""


class APITimeoutError(APIConnectionError):
    """No answer in time."""


class APIResponseValidationError(ClientError):
    """A successful (2xx) answer whose body cannot be what the spec declares: not JSON although
    JSON is declared, or JSON of another type (an array where an object is declared). ``body``
    holds the raw text."""


_BY_STATUS: dict[int, type[ClientError]] = {
    400: InvalidRequestError,
    404: InvalidRequestError,
    401: AuthenticationError,
    402: CardError,
    403: PermissionDeniedError,
    429: RateLimitError,
}

ERROR_CLASSES: dict[str, type[ClientError]] = {
    cls.__name__: cls
    for cls in (
        InvalidRequestError,
        AuthenticationError,
        CardError,
        PermissionDeniedError,
        IdempotencyError,
        RateLimitError,
        APIError,
    )
}


def request_id_of(headers: Mapping[str, str]) -> str | None:
    """The server's id for a request: ``Request-Id`` (Stripe) or ``X-Request-Id``. Quote it
    when asking the API's support about a call."""
    return headers.get("request-id") or headers.get("x-request-id")


def error_from_response(
    status: int,
    body: Any,
    headers: Mapping[str, str],
    *,
    error_types: Mapping[str, str],
    rate_limit_codes: tuple[str, ...],
) -> ClientError:
    detail = body.get("error") if isinstance(body, dict) else None
    detail = detail if isinstance(detail, dict) else {}
    kind, code = detail.get("type"), detail.get("code")
    cls: type[ClientError]
    if isinstance(code, str) and code in rate_limit_codes:
        cls = RateLimitError
    elif isinstance(kind, str) and kind in error_types:
        cls = ERROR_CLASSES[error_types[kind]]
    else:
        cls = _BY_STATUS.get(status, APIError)
    message = detail.get("message")
    if not isinstance(message, str) or not message:
        message = f"HTTP {status} with no error message"
    return cls(
        message,
        status_code=status,
        code=code if isinstance(code, str) else None,
        param=detail.get("param") if isinstance(detail.get("param"), str) else None,
        request_id=request_id_of(headers),
        body=body,
        headers=headers,
    )

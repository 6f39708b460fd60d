"""Exceptions raised by the client.

Every error is a ``ClientError``: a generated package defines that class under the API's own
name (``class PetShopError``, see the generator's ``views.errors.errors_module``), and keeps
``ClientError`` as the alias the rest of the runtime imports. A response with an error status
raises an ``APIStatusError`` subclass picked by the status (the
table comes from the generated ``_exceptions.py``: the standard one below, or the API
profile's), or by the error body's ``type`` where the profile maps types to classes (Stripe).
``body`` is the error model the spec declares for that status when the body fits it, else the
raw JSON (or text); ``message`` is that body's message field, verbatim.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any


class ClientError(Exception):
    """Base of every error this client raises (named after the API in a generated package)."""

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


class APIStatusError(ClientError):
    """The API responded with an error status (any status without a class of its own)."""


class BadRequestError(APIStatusError):
    """HTTP 400: the request was malformed or had invalid parameters."""


class AuthenticationError(APIStatusError):
    """HTTP 401: the credentials were missing or wrong."""


class PermissionDeniedError(APIStatusError):
    """HTTP 403: the credentials lack permission for this request."""


class NotFoundError(APIStatusError):
    """HTTP 404: no such resource."""


class ConflictError(APIStatusError):
    """HTTP 409: the request conflicts with the resource's current state."""


class UnprocessableEntityError(APIStatusError):
    """HTTP 422: the request was well-formed but its content was refused."""


class RateLimitError(APIStatusError):
    """HTTP 429: too many requests."""


class InternalServerError(APIStatusError):
    """HTTP 5xx: the server failed."""


class APIConnectionError(ClientError):
    """No response: the connection failed or was cut."""


class APITimeoutError(APIConnectionError):
    """No response in time."""


class APIResponseValidationError(ClientError):
    """A successful (2xx) response whose body cannot be what the spec declares: not JSON although
    JSON is declared, or JSON of another type (an array where an object is declared). ``body``
    holds the raw text."""


# Where an error body keeps its message, tried in order when the profile names no pointer:
# plain APIs, RFC 7807 problem details (detail, then title), OAuth 2 (error_description), the
# nested shapes of Stripe-like and GraphQL-like APIs, and a bare "error" or "err" string.
MESSAGE_FIELDS: tuple[tuple[str | int, ...], ...] = (
    ("message",),
    ("detail",),
    ("title",),
    ("error_description",),
    ("error", "message"),
    ("errors", 0, "message"),
    ("error",),
    ("err",),
)


def request_id_of(headers: Mapping[str, str]) -> str | None:
    """The server's id for a request: ``Request-Id`` (Stripe) or ``X-Request-Id``. Quote it
    when asking the API's support about a call."""
    return headers.get("request-id") or headers.get("x-request-id")


def pointer_path(pointer: str) -> tuple[str | int, ...]:
    """A JSON pointer (``/error/message``, ``/errors/0/message``) as a path of keys and indexes."""
    parts = [p.replace("~1", "/").replace("~0", "~") for p in pointer.split("/")[1:]]
    return tuple(int(p) if p.isdigit() else p for p in parts)


def _at(body: Any, path: tuple[str | int, ...]) -> Any:
    for part in path:
        if isinstance(part, int) and isinstance(body, list) and 0 <= part < len(body):
            body = body[part]
        elif isinstance(part, str) and isinstance(body, dict):
            body = body.get(part)
        else:
            return None
    return body


# Failing the fields above, a field whose name ends like one of these (ignoring case, "-" and
# "_") is taken, in the body, its "error" object or its first "errors" item: Vonage's
# "error-code-label", Linode's errors[0].reason, "errorMessage", "error_description"...
MESSAGE_ENDINGS = ("message", "description", "detail", "label", "reason")


def message_of(body: Any, pointer: str | None = None) -> str | None:
    """An error body's message: the string at ``pointer`` (the profile's) when given, else the
    first of ``MESSAGE_FIELDS``, else a field named like a message (``MESSAGE_ENDINGS``)."""
    for path in (pointer_path(pointer),) if pointer else MESSAGE_FIELDS:
        found = _at(body, path)
        if isinstance(found, str) and found:
            return found
    if pointer:
        return None
    for container in (body, _at(body, ("error",)), _at(body, ("errors", 0))):
        if not isinstance(container, dict):
            continue
        for key, value in container.items():
            name = str(key).lower().replace("-", "").replace("_", "")
            if isinstance(value, str) and value and name.endswith(MESSAGE_ENDINGS):
                return value
    return None


def error_class(
    status: int,
    body: Any,
    *,
    by_status: Mapping[str, type[ClientError]],
    by_type: Mapping[str, type[ClientError]],
    rate_limit_codes: tuple[str, ...],
) -> type[ClientError]:
    """The class for an error response: the body's ``code`` when it is a rate-limit code, its
    ``type`` when the profile maps it, else the status (exact, then its class, then default)."""
    detail = _detail(body)
    kind, code = detail.get("type"), detail.get("code")
    if isinstance(code, str) and code in rate_limit_codes:
        return RateLimitError
    if isinstance(kind, str) and kind in by_type:
        return by_type[kind]
    for key in (str(status), f"{status // 100}XX", "default"):
        if key in by_status:
            return by_status[key]
    return APIStatusError


def _detail(body: Any) -> dict[str, Any]:
    """The object describing the error: ``body["error"]`` when that is one (Stripe), else the
    body itself."""
    if not isinstance(body, dict):
        return {}
    nested = body.get("error")
    return nested if isinstance(nested, dict) else body


def error_from_response(
    status: int,
    body: Any,
    headers: Mapping[str, str],
    *,
    model: Any = None,
    by_status: Mapping[str, type[ClientError]],
    by_type: Mapping[str, type[ClientError]],
    rate_limit_codes: tuple[str, ...] = (),
    message_pointer: str | None = None,
) -> ClientError:
    """The exception for an error response; ``body`` is its parsed JSON (or text, or None) and
    ``model`` the declared error model's class, if any: ``.body`` becomes the model when the
    body validates against it."""
    cls = error_class(
        status, body, by_status=by_status, by_type=by_type, rate_limit_codes=rate_limit_codes
    )
    message = message_of(body, message_pointer) or f"HTTP {status} with no error message"
    detail = _detail(body)
    code, param = detail.get("code"), detail.get("param")
    typed = body
    if model is not None and isinstance(body, dict | list):
        try:
            typed = model.model_validate(body)
        except ValueError:  # pydantic's ValidationError: keep the raw JSON
            typed = body
    return cls(
        message,
        status_code=status,
        code=code if isinstance(code, str) else None,
        param=param if isinstance(param, str) else None,
        request_id=request_id_of(headers),
        body=typed,
        headers=headers,
    )

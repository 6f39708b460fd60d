"""When a failed attempt is sent again, and how long to wait first.

Connection errors, timeouts, 409, 429 and 5xx responses are retried, after an exponential backoff
with jitter (or the server's ``Retry-After``, capped); the API's retry-hint header (from its
profile) overrides the status either way. A write (POST, PATCH) without an idempotency header is
retried only when it cannot have reached the server or the server said it did not act. The loop
that sends the attempts is the client's (``_base_client``).
"""

from __future__ import annotations

import math
import random
import time

import httpx

from ._descriptors import ClientConfig

INITIAL_RETRY_DELAY = 0.5  # seconds before the first retry; doubles on each one after it
MAX_RETRY_DELAY = 8.0  # backoff never waits longer than this
MAX_RETRY_AFTER = 60.0  # a server's Retry-After is honoured up to this many seconds
_RETRY_STATUSES = frozenset({409, 429})
# Methods HTTP does not promise are idempotent: repeating one may act twice.
_WRITE_METHODS = frozenset({"POST", "PATCH"})
# Responses that say the server did not act on the request, so even a write may be sent again.
_NOT_ACTED_STATUSES = frozenset({429, 503})
# Failures before the request left (no connection, or none free in time): safe to repeat.
NOT_SENT_FAILURES = (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout)
# Failures worth another attempt: the network or the server let us down. Anything else
# (an unsupported URL scheme, a header httpx refuses to send, a proxy refusing the tunnel) would
# fail the same way again.
RETRY_FAILURES = (
    httpx.TimeoutException,
    httpx.NetworkError,
    httpx.RemoteProtocolError,
)


def unsafe_write(method: str, config: ClientConfig) -> bool:
    """A write that carries no idempotency key: the server could act on it twice."""
    return method in _WRITE_METHODS and not config.idempotency_header


def should_retry(method: str, response: httpx.Response, config: ClientConfig) -> bool:
    """Whether an error response to ``method`` is worth sending again."""
    hint = config.retry_hint_header
    if hint and hint in response.headers:  # the server knows best: "true" or "false"
        return response.headers[hint].strip().lower() == "true"
    if unsafe_write(method, config):
        return response.status_code in _NOT_ACTED_STATUSES
    return response.status_code in _RETRY_STATUSES or response.status_code >= 500


def backoff(attempt: int, response: httpx.Response | None) -> float:
    """Seconds to wait before retry number ``attempt + 1``: exponential backoff with jitter, or
    the server's ``Retry-After`` (capped at MAX_RETRY_AFTER) when that is longer."""
    delay: float = min(MAX_RETRY_DELAY, INITIAL_RETRY_DELAY * 2.0**attempt)
    delay *= 1 - 0.25 * random.random()  # jitter spreads clients that failed together
    after = retry_after(response) if response is not None else None
    if after is not None:
        delay = max(delay, min(after, MAX_RETRY_AFTER))
    return delay


def retry_after(response: httpx.Response) -> float | None:
    """``Retry-After`` in seconds: a number of seconds or an HTTP date; None if absent or bad."""
    value = response.headers.get("retry-after")
    if value is None:
        return None
    try:
        seconds = float(value)
    except ValueError:
        try:
            from email.utils import parsedate_to_datetime  # rare: not paid at import

            when = parsedate_to_datetime(value)
        except (TypeError, ValueError, IndexError):
            return None
        seconds = when.timestamp() - time.time()  # a naive date is read as UTC (RFC 9110)
    return max(0.0, seconds) if math.isfinite(seconds) else None


async def sleep(seconds: float) -> None:
    # asyncio is imported on the first retry of an async call: importing it costs ~35 ms,
    # and a sync application never needs it.
    import asyncio

    await asyncio.sleep(seconds)

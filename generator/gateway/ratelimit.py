"""Per-token token buckets: in this process's memory, or in Redis shared by many gateways."""

from __future__ import annotations

import time
from typing import Protocol

from generator.gateway.settings import RateLimit


class LimiterUnavailable(Exception):
    """The shared store cannot be reached: nothing may be forwarded meanwhile."""


class Limiter(Protocol):
    async def take(self, key: str) -> float | None:
        """Take one token from ``key``'s bucket: None when allowed, else seconds to wait."""

    async def close(self) -> None: ...


class MemoryLimiter:
    """Buckets in a dict: right for one process (one worker) only."""

    def __init__(self, limit: RateLimit) -> None:
        self.limit = limit
        self.buckets: dict[str, tuple[float, float]] = {}  # key -> (tokens, when)

    async def take(self, key: str) -> float | None:
        return self.take_now(key)

    def take_now(self, key: str) -> float | None:
        """``take`` without a coroutine: nothing here waits (the proxy calls this directly)."""
        now = time.monotonic()
        tokens, then = self.buckets.get(key, (float(self.limit.burst), now))
        tokens = min(float(self.limit.burst), tokens + (now - then) * self.limit.rate)
        if tokens >= 1.0:
            self.buckets[key] = (tokens - 1.0, now)
            return None
        self.buckets[key] = (tokens, now)
        return (1.0 - tokens) / self.limit.rate

    async def close(self) -> None:
        pass


# One atomic step of a bucket, run inside Redis: refill by elapsed time (Redis's own clock, the
# same for every gateway), take a token if there is one, store, and let idle buckets expire.
_TAKE = """
local rate = tonumber(ARGV[1])
local burst = tonumber(ARGV[2])
local now_parts = redis.call('TIME')
local now = tonumber(now_parts[1]) + tonumber(now_parts[2]) / 1000000
local state = redis.call('HMGET', KEYS[1], 'tokens', 'at')
local tokens = tonumber(state[1]) or burst
local at = tonumber(state[2]) or now
tokens = math.min(burst, tokens + math.max(0, now - at) * rate)
local wait = 0
if tokens >= 1 then
  tokens = tokens - 1
else
  wait = (1 - tokens) / rate
end
redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'at', tostring(now))
redis.call('PEXPIRE', KEYS[1], math.ceil(burst / rate * 1000) + 1000)
return tostring(wait)
"""


class RedisLimiter:
    """Buckets in Redis, updated by one Lua script per request (atomic on the server), so any
    number of gateway processes share one limit per token."""

    PREFIX = "gateway:bucket:"

    def __init__(self, limit: RateLimit, url: str, timeout: float = 1.0) -> None:
        from redis.asyncio import Redis
        from redis.asyncio.retry import Retry
        from redis.backoff import NoBackoff
        from redis.exceptions import ConnectionError, RedisError

        self.errors = (RedisError, OSError)
        self.limit = limit
        # One retry on a broken connection: after Redis restarts, each pooled connection fails
        # once before the client reconnects; that must not turn into a 503.
        self.redis = Redis.from_url(
            url,
            socket_timeout=timeout,
            socket_connect_timeout=timeout,
            retry=Retry(NoBackoff(), 1),
            retry_on_error=[ConnectionError],
        )
        self.script = self.redis.register_script(_TAKE)

    async def take(self, key: str) -> float | None:
        try:
            wait = await self.script(
                keys=[self.PREFIX + key], args=[repr(self.limit.rate), self.limit.burst]
            )
        except self.errors as exc:
            raise LimiterUnavailable(type(exc).__name__) from None
        seconds = float(wait)
        return seconds if seconds > 0 else None

    async def close(self) -> None:
        await self.redis.aclose()


def make_limiter(limit: RateLimit | None, redis_url: str | None) -> Limiter | None:
    if limit is None:
        return None
    return RedisLimiter(limit, redis_url) if redis_url is not None else MemoryLimiter(limit)


class FailureThrottle:
    """Failed token checks per client address: a token bucket each (``burst`` failures, then
    ``rate`` per second). A blocked address gets 429 before its token is even looked at, so
    guessing costs time and the response tells nothing. At most ``max_addresses`` are tracked;
    the oldest is forgotten first."""

    def __init__(self, rate: float = 1.0, burst: int = 20, max_addresses: int = 10_000) -> None:
        self.rate = rate
        self.burst = float(burst)
        self.max_addresses = max_addresses
        self.buckets: dict[str, tuple[float, float]] = {}  # address -> (tokens, when)

    def _tokens(self, address: str, now: float) -> float:
        tokens, then = self.buckets.get(address, (self.burst, now))
        return min(self.burst, tokens + (now - then) * self.rate)

    def blocked(self, address: str, cost: float = 1.0) -> float | None:
        """Seconds until ``address`` may spend ``cost`` again, or None."""
        if address not in self.buckets:
            return None
        tokens = self._tokens(address, time.monotonic())
        return None if tokens >= cost else (cost - tokens) / self.rate

    def failed(self, address: str, cost: float = 1.0) -> None:
        now = time.monotonic()
        tokens = self._tokens(address, now) - cost
        self.buckets.pop(address, None)  # re-inserted last: dicts keep insertion order
        self.buckets[address] = (max(tokens, 0.0), now)
        while len(self.buckets) > self.max_addresses:
            del self.buckets[next(iter(self.buckets))]

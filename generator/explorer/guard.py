"""Bounds on the preview endpoint, which anyone who can reach the gateway may call.

A preview is CPU work (coercing values, encoding the request, writing the snippet, validating)
on input of the caller's choosing, with no gateway token (the page previews as you type, before
a token is entered). So: each client address has a bucket of work (``burst`` units, refilled at
``rate`` a second; a preview costs one unit plus one per KiB of its body, so typing is never
held up while large previews are few), the body is capped in size and its JSON nesting depth
counted *before* it is parsed, and the work runs in a worker thread, at most ``parallel`` at a
time, so the event loop keeps serving proxied calls meanwhile.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import TypeVar

import anyio
import anyio.to_thread

from generator.gateway.ratelimit import FailureThrottle

T = TypeVar("T")
MAX_DEPTH = 16  # nesting of the form's values: objects in objects, lists in lists


def too_deep(raw: bytes, limit: int = MAX_DEPTH) -> bool:
    """Whether JSON text nests arrays/objects deeper than ``limit`` (strings skipped)."""
    depth = 0
    in_string = escaped = False
    for byte in raw:
        if in_string:
            if escaped:
                escaped = False
            elif byte == 0x5C:  # backslash
                escaped = True
            elif byte == 0x22:
                in_string = False
        elif byte == 0x22:
            in_string = True
        elif byte in (0x5B, 0x7B):  # [ {
            depth += 1
            if depth > limit:
                return True
        elif byte in (0x5D, 0x7D):
            depth -= 1
    return False


class PreviewGuard:
    def __init__(self, rate: float = 50.0, burst: int = 200, parallel: int = 1) -> None:
        self.buckets = FailureThrottle(rate=rate, burst=burst)  # every preview counts
        self.slots = anyio.CapacityLimiter(parallel)

    def wait(self, address: str, size: int) -> float | None:
        """Seconds ``address`` must wait before this preview of ``size`` bytes, or None (and
        its cost is taken)."""
        cost = 1.0 + size / 1024
        wait = self.buckets.blocked(address, cost)
        if wait is None:
            self.buckets.failed(address, cost)
        return wait

    async def run(self, work: Callable[[], T]) -> T:
        return await anyio.to_thread.run_sync(functools.partial(work), limiter=self.slots)

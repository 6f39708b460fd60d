"""Writes made together once the event loop has run what was ready.

On loopback every write wakes the process on the other end, and when the gateway is the busy
one that process is usually asleep: a wake-up of a sleeping process (an interprocessor
interrupt on a VM) cost more than the rest of the write. Writes held until the calls that are
ready have all run go out back to back, so the first wakes the peer and the others find it
awake. A connection that is closed or aborted has its held writes made first (``flush``).
"""

from __future__ import annotations

import asyncio
from typing import Any


class Writes:
    """The held writes of one server or one upstream client (each lives in one event loop)."""

    __slots__ = ("held",)

    def __init__(self) -> None:
        self.held: list[tuple[Any, bytes]] = []

    def write(self, transport: Any, data: bytes) -> None:
        if not self.held:
            asyncio.get_running_loop().call_soon(self.flush)
        self.held.append((transport, data))

    def flush(self) -> None:
        held, self.held = self.held, []
        for transport, data in held:
            if not transport.is_closing():
                transport.write(data)

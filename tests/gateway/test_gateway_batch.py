"""Held writes (``gateway.batch``): made in order once the loop has run what was ready, never
to a transport that is closing, and at once on ``flush`` (before a close or an abort)."""

from __future__ import annotations

import asyncio

from generator.gateway.batch import Writes


class _Transport:
    def __init__(self, log: list[tuple[str, bytes]], name: str) -> None:
        self.log, self.name, self.closing = log, name, False

    def write(self, data: bytes) -> None:
        self.log.append((self.name, data))

    def is_closing(self) -> bool:
        return self.closing


def test_writes_wait_for_the_ready_callbacks_then_go_in_order() -> None:
    async def run() -> list[tuple[str, bytes]]:
        log: list[tuple[str, bytes]] = []
        writes = Writes()
        a, b = _Transport(log, "a"), _Transport(log, "b")
        writes.write(a, b"1")
        writes.write(b, b"2")
        writes.write(a, b"3")
        assert log == []  # held
        await asyncio.sleep(0)
        assert log == [("a", b"1"), ("b", b"2"), ("a", b"3")]
        writes.write(b, b"4")  # a new batch gets its own flush
        await asyncio.sleep(0)
        return log

    assert asyncio.run(run())[-1] == ("b", b"4")


def test_flush_writes_now_and_skips_a_closing_transport() -> None:
    async def run() -> list[tuple[str, bytes]]:
        log: list[tuple[str, bytes]] = []
        writes = Writes()
        a, b = _Transport(log, "a"), _Transport(log, "b")
        writes.write(a, b"1")
        writes.write(b, b"2")
        b.closing = True
        writes.flush()
        assert log == [("a", b"1")]
        await asyncio.sleep(0)  # the scheduled flush finds nothing held
        return log

    assert asyncio.run(run()) == [("a", b"1")]

"""Cache-aside with single flight, and close()."""

from __future__ import annotations

import asyncio
import threading

import pytest

from tests.unit.redis._fakes import CONN, Harness
from verifiedfan.errors import NotConnectedError
from verifiedfan.redis import CacheClosedError


async def test_concurrent_async_misses_call_the_loader_once() -> None:
    h = Harness("async")
    calls = 0
    gate = asyncio.Event()

    async def loader() -> dict[str, int]:
        nonlocal calls
        calls += 1
        await gate.wait()
        return {"v": 1}

    tasks = [asyncio.create_task(h.client.get_or_set("k", loader, ttl=60)) for _ in range(200)]
    await asyncio.sleep(0)
    gate.set()
    results = await asyncio.gather(*tasks)
    assert calls == 1
    assert results == [{"v": 1}] * 200
    assert h.primary.names() == ["get", "set"]  # the flight checks the primary once, then writes


def test_concurrent_thread_misses_call_the_loader_once() -> None:
    h = Harness("sync")
    calls = 0
    gate = threading.Event()
    results: list[object] = []

    def loader() -> list[int]:
        nonlocal calls
        calls += 1
        gate.wait(5)
        return [1]

    threads = [
        threading.Thread(target=lambda: results.append(h.client.get_or_set("k", loader, ttl=9)))
        for _ in range(20)
    ]
    for t in threads:
        t.start()
    gate.set()
    for t in threads:
        t.join(5)
    assert calls == 1
    assert results == [[1]] * 20


async def test_a_miss_written_meanwhile_by_another_flight_is_not_loaded_again(h: Harness) -> None:
    """The replica missed (lag, or a flight that just ended): the primary has it, no second load."""
    h.primary.data["k"] = b'"fresh"'

    def loader() -> object:
        raise AssertionError("the primary had the value")

    async def aloader() -> object:
        return loader()

    assert await h.call("get_or_set", "k", aloader if h.flavour == "async" else loader, ttl=1) == "fresh"


async def test_a_hit_does_not_call_the_loader(h: Harness) -> None:
    assert h.replica is not None
    h.replica.data["k"] = b'{"cached":true}'

    def loader() -> object:
        raise AssertionError("not called on a hit")

    async def aloader() -> object:
        return loader()

    result = await h.call("get_or_set", "k", aloader if h.flavour == "async" else loader, ttl=1)
    assert result == {"cached": True}


async def test_the_loaded_value_is_cached_and_returned_as_its_json_round_trip(h: Harness) -> None:
    def loader() -> tuple[int, int]:
        return (1, 2)

    async def aloader() -> tuple[int, int]:
        return loader()

    result = await h.call("get_or_set", "k", aloader if h.flavour == "async" else loader, ttl=30)
    assert result == [1, 2]
    assert h.primary.data["k"] == b"[1,2]"


async def test_loader_errors_reach_every_waiter_and_nothing_is_cached() -> None:
    h = Harness("async")

    async def loader() -> int:
        await asyncio.sleep(0)
        raise KeyError("db down")

    results = await asyncio.gather(
        *[h.client.get_or_set("k", loader, ttl=5) for _ in range(5)], return_exceptions=True
    )
    assert all(isinstance(r, KeyError) for r in results)
    assert "k" not in h.primary.data


async def test_a_failed_write_back_still_returns_the_loaded_value(h: Harness) -> None:
    h.primary.failures = [CONN("x")] * 4
    h.primary.fail_only = {"set"}

    def loader() -> int:
        return 7

    async def aloader() -> int:
        return 7

    assert await h.call("get_or_set", "k", aloader if h.flavour == "async" else loader, ttl=5) == 7


async def test_calls_after_close_raise_not_connected(h: Harness) -> None:
    close = "aclose" if h.flavour == "async" else "close"
    ended: list[object] = []
    h.client.on("end", ended.append)
    await h.call(close)
    await h.call(close)  # idempotent
    with pytest.raises(CacheClosedError, match="client is closed") as info:
        await h.call("get", "k")
    assert isinstance(info.value, NotConnectedError)
    assert len(ended) == 2

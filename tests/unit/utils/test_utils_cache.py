"""TtlCache: size bound (LRU), time to live on an injected clock, single flight, errors not cached."""

from __future__ import annotations

import asyncio

import pytest

from verifiedfan.errors import ValidationError
from verifiedfan.utils import TtlCache


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_get_set_delete_and_default() -> None:
    cache: TtlCache[int] = TtlCache(4, 10, clock=Clock())
    assert cache.get("a") is None
    assert cache.get("a", -1) == -1
    cache.set("a", 1)
    assert cache.get("a") == 1
    assert "a" in cache
    assert cache.delete("a") is True
    assert cache.delete("a") is False
    assert cache.get("a") is None


def test_entries_expire_exactly_at_ttl() -> None:
    clock = Clock()
    cache: TtlCache[str] = TtlCache(4, 10, clock=clock)
    cache.set("k", "v")
    clock.now += 9.999
    assert cache.get("k") == "v"
    clock.now += 0.001
    assert cache.get("k") is None
    assert len(cache) == 0  # dropped when met


def test_set_again_refreshes_the_ttl() -> None:
    clock = Clock()
    cache: TtlCache[int] = TtlCache(4, 10, clock=clock)
    cache.set("k", 1)
    clock.now += 8
    cache.set("k", 2)
    clock.now += 8
    assert cache.get("k") == 2


def test_lru_eviction_respects_reads() -> None:
    cache: TtlCache[int] = TtlCache(3, 100, clock=Clock())
    for i, key in enumerate("abc"):
        cache.set(key, i)
    assert cache.get("a") == 0  # a becomes most recently used; b is now the oldest
    cache.set("d", 3)
    assert len(cache) == 3
    assert cache.get("b") is None
    assert [cache.get(k) for k in "acd"] == [0, 2, 3]


def test_expired_entries_are_evicted_before_live_ones() -> None:
    clock = Clock()
    cache: TtlCache[int] = TtlCache(2, 10, clock=clock)
    cache.set("old", 1)
    clock.now += 5
    cache.set("live", 2)
    cache.get("old")  # old is most recently used but will expire first
    clock.now += 6  # old expired, live has 4 s left
    cache.set("new", 3)
    assert cache.get("live") == 2
    assert cache.get("new") == 3


@pytest.mark.parametrize(
    ("maxsize", "ttl", "match"),
    [
        (0, 1, "maxsize"),
        (True, 1, "maxsize"),
        (1.5, 1, "maxsize"),
        (1, 0, "ttl"),
        (1, -1, "ttl"),
        (1, float("inf"), "ttl"),
        (1, float("nan"), "ttl"),
    ],
)
def test_bad_arguments_are_rejected(maxsize: object, ttl: object, match: str) -> None:
    with pytest.raises(ValidationError, match=match):
        TtlCache(maxsize, ttl)  # type: ignore[arg-type]


async def test_concurrent_get_or_set_shares_one_load() -> None:
    cache: TtlCache[str] = TtlCache(8, 60, clock=Clock())
    calls = 0
    gate = asyncio.Event()

    async def loader() -> str:
        nonlocal calls
        calls += 1
        await gate.wait()
        return "loaded"

    waiters = [asyncio.ensure_future(cache.get_or_set("k", loader)) for _ in range(10)]
    await asyncio.sleep(0)
    gate.set()
    assert await asyncio.gather(*waiters) == ["loaded"] * 10
    assert calls == 1
    assert await cache.get_or_set("k", loader) == "loaded"
    assert calls == 1  # served from the cache
    assert cache.get("k") == "loaded"


async def test_get_or_set_reloads_after_expiry() -> None:
    clock = Clock()
    cache: TtlCache[int] = TtlCache(8, 60, clock=clock)
    values = iter([1, 2])

    async def loader() -> int:
        return next(values)

    assert await cache.get_or_set("k", loader) == 1
    clock.now += 60
    assert await cache.get_or_set("k", loader) == 2


async def test_loader_exception_reaches_every_caller_and_is_not_cached() -> None:
    cache: TtlCache[int] = TtlCache(8, 60, clock=Clock())
    calls = 0
    gate = asyncio.Event()

    async def failing() -> int:
        nonlocal calls
        calls += 1
        await gate.wait()
        raise RuntimeError("upstream down")

    waiters = [asyncio.ensure_future(cache.get_or_set("k", failing)) for _ in range(3)]
    await asyncio.sleep(0)
    gate.set()
    results = await asyncio.gather(*waiters, return_exceptions=True)
    assert calls == 1
    assert all(isinstance(r, RuntimeError) and str(r) == "upstream down" for r in results)
    assert "k" not in cache

    async def ok() -> int:
        return 7

    assert await cache.get_or_set("k", ok) == 7


async def test_a_cancelled_waiter_does_not_cancel_the_shared_load() -> None:
    cache: TtlCache[int] = TtlCache(8, 60, clock=Clock())
    gate = asyncio.Event()

    async def loader() -> int:
        await gate.wait()
        return 5

    first = asyncio.ensure_future(cache.get_or_set("k", loader))
    second = asyncio.ensure_future(cache.get_or_set("k", loader))
    await asyncio.sleep(0)
    first.cancel()
    await asyncio.sleep(0)
    gate.set()
    assert await second == 5
    assert first.cancelled()
    assert cache.get("k") == 5


def test_clear_drops_every_entry_and_the_cache_still_works() -> None:
    cache: TtlCache[int] = TtlCache(4, 10, clock=Clock())
    cache.set("a", 1)
    cache.set("b", 2)
    cache.clear()
    assert len(cache) == 0
    assert ("a" in cache, "b" in cache) == (False, False)
    assert cache.get("a") is None
    cache.set("a", 3)
    assert cache.get("a") == 3

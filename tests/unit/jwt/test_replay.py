from __future__ import annotations

import pytest

from verifiedfan.errors import ConfigurationError
from verifiedfan.jwt import AsyncReplayCache, InMemoryReplayCache, ReplayCache


class Clock:
    now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_first_use_then_refused() -> None:
    cache = InMemoryReplayCache(clock=Clock())
    assert cache.first_use("a", expires_at=1100)
    assert not cache.first_use("a", expires_at=1100)
    assert cache.first_use("b", expires_at=1100)


def test_forgotten_after_expiry() -> None:
    clock = Clock()
    cache = InMemoryReplayCache(clock=clock)
    cache.first_use("a", expires_at=1100)
    clock.now = 1101
    assert cache.first_use("a", expires_at=1200)
    assert len(cache) == 1


def test_already_expired_id_is_not_stored() -> None:
    cache = InMemoryReplayCache(clock=Clock())
    assert cache.first_use("old", expires_at=999)
    assert len(cache) == 0


def test_bounded_size_drops_soonest_expiring() -> None:
    cache = InMemoryReplayCache(max_entries=2, clock=Clock())
    cache.first_use("soon", expires_at=1010)
    cache.first_use("late", expires_at=1500)
    cache.first_use("later", expires_at=1600)
    assert len(cache) == 2
    assert not cache.first_use("late", expires_at=1500)
    assert cache.first_use("soon", expires_at=1010)


async def test_async_twin() -> None:
    cache = InMemoryReplayCache(clock=Clock())
    assert await cache.afirst_use("a", expires_at=1100)
    assert not await cache.afirst_use("a", expires_at=1100)


def test_implements_both_protocols() -> None:
    cache = InMemoryReplayCache()
    assert isinstance(cache, ReplayCache)
    assert isinstance(cache, AsyncReplayCache)


def test_max_entries_must_be_positive() -> None:
    with pytest.raises(ConfigurationError, match="max_entries must be at least 1"):
        InMemoryReplayCache(max_entries=0)

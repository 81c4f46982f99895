"""The I/O-free local cache of client-side caching: tickets, LRU, TTL, tracking on/off."""

from __future__ import annotations

import pytest

from verifiedfan.redis import CacheValidationError, LocalCacheConfig
from verifiedfan.redis._local import LocalCache


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def tracking_cache(max_keys: int = 3, ttl: float = 10.0) -> tuple[LocalCache, Clock]:
    clock = Clock()
    cache = LocalCache(LocalCacheConfig(max_keys=max_keys, ttl=ttl), clock)
    cache.set_tracking(True)
    return cache, clock


def test_a_stored_value_is_a_hit() -> None:
    cache, _ = tracking_cache()
    assert cache.lookup("k") is None
    cache.store("k", cache.ticket("k"), b"1")
    assert cache.lookup("k") == b"1"
    info = cache.info()
    assert (info.hits, info.misses, info.size) == (1, 1, 1)


def test_an_invalidation_during_the_read_voids_the_ticket() -> None:
    cache, _ = tracking_cache()
    token = cache.ticket("k")
    cache.invalidate(["k"])  # another client wrote while our GET was in the air
    cache.store("k", token, b"old")
    assert cache.lookup("k") is None


def test_nothing_is_stored_while_tracking_is_off_and_losing_it_empties_the_cache() -> None:
    cache, _ = tracking_cache()
    cache.store("a", cache.ticket("a"), b"1")
    token = cache.ticket("b")
    cache.set_tracking(False)
    cache.store("b", token, b"2")
    assert cache.ticket("c") is None
    assert (cache.lookup("a"), cache.lookup("b"), cache.info().size) == (None, None, 0)


def test_least_recently_used_is_evicted_and_entries_expire() -> None:
    cache, clock = tracking_cache(max_keys=2, ttl=5)
    for key in ("a", "b"):
        cache.store(key, cache.ticket(key), key.encode())
    assert cache.lookup("a") == b"a"  # b is now the least recently used
    cache.store("c", cache.ticket("c"), b"c")
    assert (cache.lookup("a"), cache.lookup("b"), cache.lookup("c")) == (b"a", None, b"c")
    clock.now += 5
    assert cache.lookup("a") is None


def test_a_flush_clears_everything() -> None:
    cache, _ = tracking_cache()
    cache.store("a", cache.ticket("a"), b"1")
    cache.clear()
    assert cache.info().size == 0
    assert cache.info().tracking is True


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"max_keys": 0}, "max_keys"),
        ({"max_keys": True}, "max_keys"),
        ({"ttl": 0}, "ttl"),
        ({"ttl": "1"}, "ttl"),
        ({"health_check": 0}, "health_check"),
    ],
)
def test_bad_config_is_a_typed_error(kwargs: dict[str, object], match: str) -> None:
    with pytest.raises(CacheValidationError, match=match):
        LocalCacheConfig(**kwargs)  # type: ignore[arg-type]

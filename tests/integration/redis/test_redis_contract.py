"""The Redis cache contract, run against the in-memory fake and against the real Redis of ``vf stack``.

One set of test bodies, two backends (the ``backend`` fixture): ``fake`` is
:class:`verifiedfan.testing.redis.FakeRedisServer` and needs no server; ``real`` is the stack's
primary and replica (the plugin's ``vf_redis``), each test in its own key prefix (``vf_redis_prefix``),
marked ``integration`` and ``redis``. What one backend does and the other does not fails here.
"""

from __future__ import annotations

import asyncio
import json
import threading
import time
import uuid
from collections.abc import Awaitable, Callable, Iterator
from datetime import timedelta
from typing import Any

import pytest
import redis as redis_sync

from verifiedfan.redis import (
    CacheClosedError,
    CacheDecodeError,
    CacheValidationError,
    Redis,
    SyncRedis,
)
from verifiedfan.testing.redis import FakeRedisServer


class Backend:
    """Builds caches on one backend and inspects its keys through a plain redis-py client."""

    name: str
    namespace: str

    def redis(self, **options: Any) -> Redis:
        raise NotImplementedError

    def sync_redis(self, **options: Any) -> SyncRedis:
        raise NotImplementedError

    def raw(self) -> redis_sync.Redis:
        """A plain blocking redis-py client on the primary (for assertions and set-up)."""
        raise NotImplementedError

    def replicated(self) -> None:
        """Return once the replica has every write made so far."""


class FakeBackend(Backend):
    name = "fake"

    def __init__(self) -> None:
        self.server = FakeRedisServer()
        self.namespace = f"contract:{uuid.uuid4().hex[:12]}:"

    def redis(self, **options: Any) -> Redis:
        return self.server.redis(**{"namespace": self.namespace, **options})

    def sync_redis(self, **options: Any) -> SyncRedis:
        return self.server.sync_redis(**{"namespace": self.namespace, **options})

    def raw(self) -> redis_sync.Redis:
        return self.server.sync_client()


class RealBackend(Backend):
    name = "real"

    def __init__(self, url: str, replica_url: str, namespace: str) -> None:
        self.url, self.replica_url, self.namespace = url, replica_url, namespace

    def redis(self, **options: Any) -> Redis:
        options = {"namespace": self.namespace, **options}
        return Redis(url=self.url, read_only_url=self.replica_url, **options)

    def sync_redis(self, **options: Any) -> SyncRedis:
        options = {"namespace": self.namespace, **options}
        return SyncRedis(url=self.url, read_only_url=self.replica_url, **options)

    def raw(self) -> redis_sync.Redis:
        return redis_sync.Redis.from_url(self.url)

    def replicated(self) -> None:
        with self.raw() as client:
            assert client.execute_command("WAIT", 1, 5000) >= 1


@pytest.fixture(params=["fake", pytest.param("real", marks=[pytest.mark.integration, pytest.mark.redis])])
def backend(request: pytest.FixtureRequest) -> Backend:
    if request.param == "fake":
        return FakeBackend()
    conn = request.getfixturevalue("vf_redis")
    return RealBackend(conn.url, conn.replica_url, request.getfixturevalue("vf_redis_prefix"))


@pytest.fixture
async def cache(backend: Backend) -> Any:
    client = backend.redis()
    yield client
    await client.aclose()


@pytest.fixture
def sync_cache(backend: Backend) -> Iterator[SyncRedis]:
    with backend.sync_redis() as client:
        yield client


def stored(backend: Backend, key: str) -> tuple[bytes | None, int]:
    """The raw stored bytes of ``namespace + key`` and its ``PTTL`` (-2 missing, -1 no expiry)."""
    with backend.raw() as client:
        full = backend.namespace + key
        return client.get(full), int(client.pttl(full))  # type: ignore[arg-type]


async def eventually(check: Callable[[], Awaitable[bool]], attempts: int = 200) -> None:
    for _ in range(attempts):
        if await check():
            return
        await asyncio.sleep(0.025)
    raise AssertionError("condition never became true")


VALUES: list[Any] = [
    {"name": "Zoë Ångström", "tags": ["vip", "早期"], "nested": {"deep": [1, {"x": None}]}},
    [1, 2.5, True, False, None, "🎫"],
    2**70,  # beyond double precision: JSON text keeps every digit
    -(2**63) - 1,
    0.1,
    "plain string",
    "",
    0,
    False,
]


@pytest.mark.parametrize("value", VALUES, ids=[f"v{i}" for i in range(len(VALUES))])
async def test_json_values_round_trip_unchanged(backend: Backend, cache: Redis, value: Any) -> None:
    assert await cache.set("value", value, ttl=60)
    got = await cache.get("value", use_primary=True)
    assert got == value
    assert type(got) is type(value)


async def test_values_are_stored_as_compact_json_readable_by_other_languages(
    backend: Backend, cache: Redis
) -> None:
    await cache.set("fan", {"name": "Zoë", "ids": [1, 2], "ok": True, "none": None}, ttl=60)
    raw, _ = stored(backend, "fan")
    # what Node's JSON.stringify writes for the same object (the @verifiedfan/redis format)
    assert raw == '{"name":"Zoë","ids":[1,2],"ok":true,"none":null}'.encode()


async def test_a_missing_key_reads_as_none_and_mget_keeps_the_order(cache: Redis) -> None:
    assert await cache.get("absent", use_primary=True) is None
    await cache.set("a", 1, ttl=60)
    await cache.set("c", {"c": 3}, ttl=60)
    assert await cache.mget(["a", "b", "c"], use_primary=True) == [1, None, {"c": 3}]
    assert await cache.mget([]) == []


async def test_reads_from_the_replica_see_the_primary_writes(backend: Backend, cache: Redis) -> None:
    await cache.set("replicated", {"n": 1}, ttl=60)
    backend.replicated()
    assert await cache.get("replicated") == {"n": 1}
    assert await cache.mget(["replicated", "nope"]) == [{"n": 1}, None]


@pytest.mark.parametrize(
    ("ttl", "low_ms", "high_ms"),
    [(3600, 3_590_000, 3_600_000), (1.5, 1_000, 1_500), (timedelta(minutes=2), 110_000, 120_000)],
    ids=["seconds", "fraction", "timedelta"],
)
async def test_every_value_gets_the_ttl_it_was_given(
    backend: Backend, cache: Redis, ttl: Any, low_ms: int, high_ms: int
) -> None:
    await cache.set("ttl", "x", ttl=ttl)
    _, pttl = stored(backend, "ttl")
    assert low_ms <= pttl <= high_ms


@pytest.mark.parametrize(
    ("ttl", "match"),
    [
        (0, "positive"),
        (-5, "positive"),
        (float("nan"), "positive"),
        (float("inf"), "positive"),
        (0.0001, "at least 1 ms"),
        ("60", "number of seconds"),
        (True, "number of seconds"),
        (None, "number of seconds"),
    ],
)
async def test_a_bad_ttl_is_refused_before_anything_is_written(
    backend: Backend, cache: Redis, ttl: Any, match: str
) -> None:
    with pytest.raises(CacheValidationError, match=match):
        await cache.set("bad-ttl", 1, ttl=ttl)
    with pytest.raises(CacheValidationError, match=match):
        await cache.get_or_set("bad-ttl", lambda: asyncio.sleep(0, 1), ttl=ttl)
    assert stored(backend, "bad-ttl") == (None, -2)


async def test_a_value_is_gone_once_its_ttl_has_passed(backend: Backend, cache: Redis) -> None:
    await cache.set("short", {"v": 1}, ttl=0.05)
    await cache.set("long", {"v": 2}, ttl=60)

    async def expired() -> bool:
        return await cache.get("short", use_primary=True) is None

    await eventually(expired)
    assert stored(backend, "short") == (None, -2)
    assert await cache.get("long", use_primary=True) == {"v": 2}


async def test_new_only_writes_only_a_missing_key(backend: Backend, cache: Redis) -> None:
    assert await cache.set("once", "first", ttl=60, new_only=True) is True
    assert await cache.set("once", "second", ttl=60, new_only=True) is False
    assert await cache.get("once", use_primary=True) == "first"
    assert await cache.set("once", "third", ttl=60) is True
    assert await cache.get("once", use_primary=True) == "third"


async def test_the_namespace_prefixes_every_key_and_separates_clients(backend: Backend, cache: Redis) -> None:
    await cache.set("user:1", "mine", ttl=60)
    assert stored(backend, "user:1")[0] == b'"mine"'
    other = backend.redis(namespace=backend.namespace + "other:")
    try:
        assert await other.get("user:1", use_primary=True) is None
        await other.set("user:1", "theirs", ttl=60)
        assert await cache.get("user:1", use_primary=True) == "mine"
        assert stored(backend, "other:user:1")[0] == b'"theirs"'
    finally:
        await other.aclose()


async def test_delete_counts_the_keys_that_existed(backend: Backend, cache: Redis) -> None:
    await cache.set("d1", 1, ttl=60)
    await cache.set("d2", 2, ttl=60)
    assert await cache.delete("d1", "d2", "d3") == 2
    assert await cache.delete("d1") == 0
    assert await cache.mget(["d1", "d2"], use_primary=True) == [None, None]
    with pytest.raises(CacheValidationError, match="at least one key"):
        await cache.delete()


@pytest.mark.parametrize(
    ("key", "match"), [("", "must not be empty"), (b"k", "must be a str"), (1, "must be a str")]
)
async def test_bad_keys_are_refused(cache: Redis, key: Any, match: str) -> None:
    with pytest.raises(CacheValidationError, match=match):
        await cache.get(key)
    with pytest.raises(CacheValidationError, match=match):
        await cache.set(key, 1, ttl=60)
    with pytest.raises(CacheValidationError, match="not a single str"):
        await cache.mget("abc")


@pytest.mark.parametrize("value", [{1, 2}, float("nan"), object()], ids=["set", "nan", "object"])
async def test_a_value_json_cannot_carry_is_refused_before_io(
    backend: Backend, cache: Redis, value: Any
) -> None:
    with pytest.raises(CacheValidationError, match="not JSON-serializable"):
        await cache.set("bad-value", value, ttl=60)
    assert stored(backend, "bad-value") == (None, -2)


async def test_a_stored_value_that_is_not_json_raises_a_decode_error(backend: Backend, cache: Redis) -> None:
    with backend.raw() as client:
        client.set(backend.namespace + "legacy", b"not json", ex=60)
    with pytest.raises(CacheDecodeError, match="legacy"):
        await cache.get("legacy", use_primary=True)


async def test_get_or_set_loads_once_for_concurrent_callers(backend: Backend, cache: Redis) -> None:
    calls = 0
    release = asyncio.Event()

    async def loader() -> dict[str, Any]:
        nonlocal calls
        calls += 1
        await release.wait()
        return {"fan": "x", "score": (calls, 0.5)}

    tasks = [asyncio.create_task(cache.get_or_set("flight", loader, ttl=60)) for _ in range(20)]
    await asyncio.sleep(0.05)
    release.set()
    results = await asyncio.gather(*tasks)
    assert calls == 1
    assert results == [{"fan": "x", "score": [1, 0.5]}] * 20  # the JSON round trip: a tuple comes back a list
    raw, pttl = stored(backend, "flight")
    assert json.loads(raw or b"null") == {"fan": "x", "score": [1, 0.5]}
    assert 0 < pttl <= 60_000
    backend.replicated()
    assert await cache.get_or_set("flight", loader, ttl=60) == results[0]  # a hit: no load
    assert calls == 1


async def test_get_or_set_does_not_cache_none_and_lets_loader_errors_through(
    backend: Backend, cache: Redis
) -> None:
    calls = 0

    async def nothing() -> None:
        nonlocal calls
        calls += 1

    assert await cache.get_or_set("none", nothing, ttl=60) is None
    assert await cache.get_or_set("none", nothing, ttl=60) is None
    assert calls == 2
    assert stored(backend, "none") == (None, -2)

    async def failing() -> int:
        raise LookupError("upstream down")

    with pytest.raises(LookupError, match="upstream down"):
        await cache.get_or_set("fails", failing, ttl=60)
    assert stored(backend, "fails") == (None, -2)


async def test_a_closed_client_refuses_calls(backend: Backend) -> None:
    client = backend.redis()
    assert await client.ping() is True
    await client.aclose()
    with pytest.raises(CacheClosedError, match="closed"):
        await client.get("k")


def test_the_sync_twin_keeps_the_same_contract(backend: Backend, sync_cache: SyncRedis) -> None:
    assert sync_cache.set("sync", {"ü": [2**70]}, ttl=30) is True
    assert sync_cache.get("sync", use_primary=True) == {"ü": [2**70]}
    assert 0 < stored(backend, "sync")[1] <= 30_000
    with pytest.raises(CacheValidationError, match="positive"):
        sync_cache.set("sync", 1, ttl=0)
    assert sync_cache.delete("sync", "nope") == 1
    assert sync_cache.get("sync", use_primary=True) is None


def test_the_sync_get_or_set_loads_once_across_threads(backend: Backend, sync_cache: SyncRedis) -> None:
    calls = 0
    lock = threading.Lock()
    started = threading.Barrier(8)

    def loader() -> list[int]:
        nonlocal calls
        with lock:
            calls += 1
        time.sleep(0.1)  # the other threads arrive while this load is in flight
        return [1, 2, 3]

    results: list[Any] = []

    def worker() -> None:
        started.wait()
        results.append(sync_cache.get_or_set("sync-flight", loader, ttl=60))

    threads = [threading.Thread(target=worker) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(15)
    assert results == [[1, 2, 3]] * 8
    assert calls == 1

"""An in-memory Redis for tests of code that uses :class:`verifiedfan.redis.Redis` or ``SyncRedis``.

:class:`FakeRedisServer` is one in-memory Redis (fakeredis's ``FakeServer``: Redis's own command
semantics in Python, TTLs that really expire, ``SET NX``, ``MGET``...). Its clients plug into the
client's existing injection points, ``primary_client=`` and ``replica_client=``, so every line of
:class:`~verifiedfan.redis.Redis` above redis-py runs as in production: key validation, the JSON
encoding, the TTL arguments, the replica/primary routing, ``get_or_set``'s single flight, the
translation of errors::

    from verifiedfan.testing.redis import FakeRedisServer

    server = FakeRedisServer()
    async with server.redis(namespace="registration:") as cache:
        await cache.set("user:1", {"name": "Fan"}, ttl=3600)
        assert 3599 < server.ttl("registration:user:1") <= 3600

One server stands for both the primary and the replica (replication is immediate). Setting
:attr:`FakeRedisServer.available` to ``False`` makes every command fail as a lost connection does,
so reconnects and :class:`~verifiedfan.redis.CacheConnectionError` can be tested without a server.

``tests/integration/redis/test_redis_contract.py`` runs one suite against this fake and against the
real Redis primary and replica of ``vf stack``. Needs ``verifiedfan[testing,redis]``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from verifiedfan._optional import require

if TYPE_CHECKING:
    import redis as redis_sync
    import redis.asyncio as redis_async

    from verifiedfan.redis import Redis, SyncRedis

__all__ = ["FakeRedisServer"]


class FakeRedisServer:
    """One in-memory Redis server; hands out redis-py clients and verifiedfan caches bound to it.

    ``version`` is the Redis version whose command set fakeredis follows (7 by default, the stack's
    ``redis-server`` major version).
    """

    def __init__(self, *, version: int = 7) -> None:
        self._fakeredis = require("fakeredis", "testing")
        self.version = version
        self.server: Any = self._fakeredis.FakeServer(version=(version,))

    # -- redis-py clients (what the caches are built on) ------------------------------------------

    def async_client(self) -> redis_async.Redis:
        """A ``redis.asyncio.Redis`` on this server (fakeredis's ``FakeAsyncRedis``)."""
        client: redis_async.Redis = self._fakeredis.FakeAsyncRedis(server=self.server, version=self.version)
        return client

    def sync_client(self) -> redis_sync.Redis:
        """A blocking ``redis.Redis`` on this server (fakeredis's ``FakeRedis``)."""
        client: redis_sync.Redis = self._fakeredis.FakeRedis(server=self.server, version=self.version)
        return client

    # -- verifiedfan caches -----------------------------------------------------------------------

    def redis(self, *, replica: bool = True, **options: Any) -> Redis:
        """A :class:`~verifiedfan.redis.Redis` on this server; ``options`` as for the client
        (``namespace=``, ``retry=``, ``instrument=``...). With ``replica`` (the default) reads go
        through a second client, as they go to the replica in production."""
        from verifiedfan.redis import Redis

        replica_client = self.async_client() if replica else None
        return Redis(primary_client=self.async_client(), replica_client=replica_client, **options)

    def sync_redis(self, *, replica: bool = True, **options: Any) -> SyncRedis:
        """The blocking twin of :meth:`redis`: a :class:`~verifiedfan.redis.SyncRedis` on this server."""
        from verifiedfan.redis import SyncRedis

        replica_client = self.sync_client() if replica else None
        return SyncRedis(primary_client=self.sync_client(), replica_client=replica_client, **options)

    # -- inspection and control (for assertions) --------------------------------------------------

    @property
    def available(self) -> bool:
        """``False`` makes every command fail with a connection error (a server outage)."""
        return bool(self.server.connected)

    @available.setter
    def available(self, value: bool) -> None:
        self.server.connected = value

    def keys(self, pattern: str = "*") -> list[str]:
        """The keys matching ``pattern`` (glob, as ``SCAN MATCH``), sorted."""
        with self.sync_client() as client:
            return sorted(k.decode() for k in client.scan_iter(match=pattern, count=1000))

    def raw(self, key: str) -> str | None:
        """The stored string of ``key`` (the JSON text the cache wrote), or ``None``."""
        with self.sync_client() as client:
            value = client.get(key)
        return None if value is None else bytes(value).decode()

    def ttl(self, key: str) -> float | None:
        """Seconds ``key`` has left (``PTTL`` / 1000), or ``None`` when missing or without expiry."""
        with self.sync_client() as client:
            left = int(client.pttl(key))
        return None if left < 0 else left / 1000

    def flush(self) -> None:
        """Remove every key."""
        with self.sync_client() as client:
            client.flushall()

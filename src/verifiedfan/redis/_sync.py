# Generated from src/verifiedfan/redis/_async.py by scripts/unasync.py: do not edit.
# Change the async source, then run `python scripts/unasync.py`.
"""``SyncRedis``: a JSON cache over a primary and an optional read replica (``_sync.py`` is generated)."""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any, TypeVar

from verifiedfan._optional import require
from verifiedfan._primitives import Flights
from verifiedfan.errors import ConfigurationError
from verifiedfan.http._config import RetryPolicy
from verifiedfan.redis._core import (
    EventName,
    Listeners,
    ReconnectPolicy,
    RedisEvent,
    ReplicaHealth,
    Role,
    SyncRedisInstrument,
    Ttl,
    classify,
    connection_options,
    decode,
    encode,
    is_retryable,
    logger,
    redact_url,
    translate,
    ttl_args,
    validate_key,
    validate_keys,
)
from verifiedfan.redis._errors import (
    CacheClosedError,
    CacheConnectionError,
    CacheError,
    CacheTimeoutError,
    CacheValidationError,
)
from verifiedfan.redis._local import LocalCache, LocalCacheConfig, LocalCacheInfo
from verifiedfan.redis._tracking_sync import SyncTracker

if TYPE_CHECKING:
    import redis as redis_api

    from verifiedfan.redis._settings import RedisSettings

__all__ = ["SyncRedis"]

T = TypeVar("T")


class SyncRedis:
    """JSON cache on redis-py: reads from the replica, writes to the primary.

    Every value is stored as compact JSON with a required TTL. Connection errors (and ``READONLY``
    after a failover) reconnect and retry following ``retry`` (a :class:`ReconnectPolicy` by default;
    ``rand`` replaces its jitter draw); other errors are raised at once. When
    the replica is unreachable, reads fall back to the primary (one warning per outage) and the
    replica is retried after ``replica_cooldown`` seconds. redis-py's own retries are disabled.

    ``primary_client``/``replica_client`` inject prebuilt ``redis.Redis`` clients (tests,
    benchmarks); they are not closed by :meth:`close`. ``instrument`` (optional) wraps each cache
    operation: ``instrument(op_name, call)`` must return ``call()``.
    """

    def __init__(
        self,
        *,
        url: str | None = None,
        read_only_url: str | None = None,
        username: str | None = None,
        password: str | None = None,
        namespace: str = "",
        connect_timeout: float | None = 2.0,
        socket_timeout: float | None = 2.0,
        client_name: str | None = None,
        max_connections: int | None = None,
        health_check_interval: int = 0,
        retry: RetryPolicy | None = None,
        replica_cooldown: float = 5.0,
        sleep: Callable[[float], object] = time.sleep,
        rand: Callable[[], float] | None = None,
        clock: Callable[[], float] = time.monotonic,
        primary_client: redis_api.Redis | None = None,
        replica_client: redis_api.Redis | None = None,
        instrument: SyncRedisInstrument | None = None,
        local_cache: LocalCacheConfig | None = None,
    ) -> None:
        if url is None and primary_client is None:
            raise ConfigurationError("SyncRedis needs url= (or primary_client=)")
        self._rx = require("redis.exceptions", "redis")
        self._retry = retry or ReconnectPolicy()
        self._sleep = sleep
        self._rand = rand or self._retry.jitter
        self._clock = clock
        self._namespace = namespace
        self._listeners = Listeners()
        self._health = ReplicaHealth(replica_cooldown, clock)
        self._flights = Flights()
        self._closed = False
        self._instrument = instrument
        self._endpoints: dict[Role, str] = {"primary": redact_url(url or "<injected client>")}
        options = connection_options(
            connect_timeout=connect_timeout,
            socket_timeout=socket_timeout,
            client_name=client_name,
            max_connections=max_connections,
            health_check_interval=health_check_interval,
        )
        if username is not None:
            options["username"] = username
        if password is not None:
            options["password"] = password
        self._owned: list[redis_api.Redis] = []
        self._primary = primary_client or self._build(url or "", "primary", options)
        self._replica: redis_api.Redis | None = replica_client
        if replica_client is None and read_only_url:
            self._replica = self._build(read_only_url, "replica", options)
        if self._replica is not None:
            self._endpoints["replica"] = redact_url(read_only_url or "<injected client>")
        self._local: LocalCache | None = None
        self._tracker: SyncTracker | None = None
        if local_cache is not None:
            self._local = LocalCache(local_cache, clock)
            self._tracker = SyncTracker(
                self._primary,
                self._local,
                namespace=namespace,
                retry=self._retry,
                pause=sleep,
                rand=self._rand,
            )

    @classmethod
    def from_settings(cls, settings: RedisSettings, **overrides: Any) -> SyncRedis:
        """A client configured by :class:`RedisSettings` (``VF_REDIS_*``); keywords override."""
        return cls(**{**settings.client_kwargs(), **overrides})

    def _build(self, url: str, role: Role, options: dict[str, Any]) -> redis_api.Redis:
        api = require("redis", "redis")
        retry_mod = require("redis.retry", "redis")
        backoff = require("redis.backoff", "redis")

        def on_connect(conn: Any) -> None:
            self._emit("connect", role)
            conn.on_connect()
            self._emit("ready", role)

        # A blocking pool: a burst of calls beyond max_connections waits for a free connection (up to
        # pool_timeout) instead of failing with "Too many connections", as redis-py's default pool does.
        pool = api.BlockingConnectionPool.from_url(
            url, retry=retry_mod.Retry(backoff.NoBackoff(), 0), redis_connect_func=on_connect, **options
        )
        client: redis_api.Redis = api.Redis.from_pool(pool)
        self._owned.append(client)
        return client

    # -- events ---------------------------------------------------------------------------------

    def on(self, event: EventName, listener: Callable[[RedisEvent], None]) -> None:
        """Call ``listener`` on ``connect``, ``ready``, ``error``, ``reconnecting`` or ``end``."""
        self._listeners.add(event, listener)

    def off(self, event: EventName, listener: Callable[[RedisEvent], None]) -> None:
        self._listeners.remove(event, listener)

    def _emit(
        self, name: EventName, role: Role, *, attempt: int = 0, delay: float = 0.0, error: Any = None
    ) -> None:
        event = RedisEvent(name, role, self._endpoints[role], attempt=attempt, delay=delay, error=error)
        self._listeners.emit(event)

    # -- the retry loop -------------------------------------------------------------------------

    def _run(self, role: Role, op: Callable[[redis_api.Redis], T]) -> T:
        client = self._replica if role == "replica" and self._replica is not None else self._primary
        attempt = 0
        started = self._clock() if self._retry.deadline is not None else 0.0
        while True:
            if self._closed:
                raise CacheClosedError("the SyncRedis client is closed")
            attempt += 1
            try:
                return op(client)
            except (self._rx.RedisError, OSError) as exc:
                kind = classify(exc)
                delay = self._retry.ceiling(attempt) * self._rand()
                if (
                    role == "replica"
                    or not is_retryable(kind)
                    or attempt > self._retry.max_retries
                    or self._past_deadline(started, delay)
                ):
                    error = translate(exc, kind, role, self._endpoints[role], attempt)
                    self._emit("error", role, attempt=attempt, error=error)
                    raise error from exc
                self._emit("reconnecting", role, attempt=attempt, delay=delay, error=exc)
                logger.info(
                    "redis %s %s: %s, reconnecting (retry %d in %.3fs)",
                    role,
                    self._endpoints[role],
                    kind.value,
                    attempt,
                    delay,
                )
                client.connection_pool.disconnect(inuse_connections=False)
                self._sleep(delay)

    def _past_deadline(self, started: float, delay: float) -> bool:
        """Whether a reconnect after ``delay`` would start at or past the policy's deadline."""
        deadline = self._retry.deadline
        return deadline is not None and self._clock() + delay - started >= deadline

    def _read(self, use_primary: bool, op: Callable[[redis_api.Redis], T]) -> T:
        if use_primary or self._replica is None or not self._health.usable():
            return self._run("primary", op)
        try:
            return self._run("replica", op)
        except (CacheConnectionError, CacheTimeoutError) as exc:
            if self._health.mark_down():
                logger.warning(
                    "redis replica %s unreachable (%s); reading from the primary for %.1fs",
                    self._endpoints["replica"],
                    type(exc).__name__,
                    self._health.cooldown,
                )
            self._replica.connection_pool.disconnect(inuse_connections=False)
            return self._run("primary", op)

    # -- the cache API --------------------------------------------------------------------------

    def _key(self, key: str) -> str:
        return self._namespace + validate_key(key)

    def get(self, key: str, *, use_primary: bool = False) -> Any:
        """The JSON value of ``key`` (``None`` when missing), from the replica unless ``use_primary``."""
        if self._instrument is None:
            return self._get(key, use_primary=use_primary)
        result: Any = self._instrument("get", lambda: self._get(key, use_primary=use_primary))
        return result

    def _get(self, key: str, *, use_primary: bool = False) -> Any:
        full = self._key(key)
        if self._local is not None:
            return decode(self._get_tracked(full, self._local), full)
        raw = self._read(use_primary, lambda c: c.get(full))
        return decode(raw, full)

    def _get_tracked(self, full: str, local: LocalCache) -> bytes | str | None:
        """The raw value through the local cache; a miss reads the primary (a lagging replica could
        answer a value older than an invalidation already applied) and keeps the answer only if no
        invalidation of the key arrived meanwhile."""
        raw = local.lookup(full)
        if raw is not None:
            return raw
        if self._tracker is not None:
            self._tracker.start()
        token = local.ticket(full)
        raw = self._run("primary", lambda c: c.get(full))
        local.store(full, token, raw)
        return raw

    def _forget(self, *full: str) -> None:
        """This client wrote ``full``: drop the local copies now, not when the server's message comes."""
        if self._local is not None:
            self._local.invalidate(full)

    def local_cache_info(self) -> LocalCacheInfo | None:
        """Size and counters of the local cache (``None`` when ``local_cache`` is not configured)."""
        return None if self._local is None else self._local.info()

    def mget(self, keys: Sequence[str], *, use_primary: bool = False) -> list[Any]:
        """The values of ``keys`` in order (``None`` for each missing one)."""
        if self._instrument is None:
            return self._mget(keys, use_primary=use_primary)
        result: list[Any] = self._instrument("mget", lambda: self._mget(keys, use_primary=use_primary))
        return result

    def _mget(self, keys: Sequence[str], *, use_primary: bool = False) -> list[Any]:
        full = [self._namespace + k for k in validate_keys(keys)]
        if not full:
            return []
        raws: list[Any] = self._read(use_primary, lambda c: c.mget(full))
        return [decode(raw, k) for raw, k in zip(raws, full, strict=True)]

    def set(self, key: str, value: Any, *, ttl: Ttl, new_only: bool = False) -> bool:
        """Store ``value`` as JSON on the primary for ``ttl`` seconds; ``False`` when ``new_only``
        and the key already existed (nothing written)."""
        if self._instrument is None:
            return self._set(key, value, ttl=ttl, new_only=new_only)
        result: bool = self._instrument("set", lambda: self._set(key, value, ttl=ttl, new_only=new_only))
        return result

    def _set(self, key: str, value: Any, *, ttl: Ttl, new_only: bool = False) -> bool:
        full = self._key(key)
        expiry = ttl_args(ttl)
        payload = encode(value)
        try:
            written = self._run(
                "primary", lambda c: c.set(full, payload, ex=expiry[0], px=expiry[1], nx=new_only)
            )
        finally:
            self._forget(full)
        return bool(written)

    def delete(self, *keys: str) -> int:
        """Delete ``keys`` on the primary; the number that existed."""
        if self._instrument is None:
            return self._delete(*keys)
        result: int = self._instrument("delete", lambda: self._delete(*keys))
        return result

    def _delete(self, *keys: str) -> int:
        full = [self._namespace + k for k in validate_keys(keys)]
        if not full:
            raise CacheValidationError("delete() needs at least one key")
        try:
            return int(self._run("primary", lambda c: c.delete(*full)))
        finally:
            self._forget(*full)

    def get_or_set(
        self,
        key: str,
        loader: Callable[[], T],
        *,
        ttl: Ttl,
        use_primary: bool = False,
    ) -> T:
        """Cache-aside with single flight: the cached value, or ``loader()``'s result cached for ``ttl``.

        A hit costs one ``GET`` (from the replica unless ``use_primary``). On a miss, concurrent calls
        for the key join one flight, which checks the primary again and calls ``loader`` at most
        once. The value is returned as its JSON round trip, so a hit and a miss give equal results.
        ``None`` is not cached. A failure to write the loaded value back is logged, not raised.
        """
        if self._instrument is None:
            return self._get_or_set(key, loader, ttl=ttl, use_primary=use_primary)
        result: T = self._instrument(
            "get_or_set", lambda: self._get_or_set(key, loader, ttl=ttl, use_primary=use_primary)
        )
        return result

    def _get_or_set(
        self,
        key: str,
        loader: Callable[[], T],
        *,
        ttl: Ttl,
        use_primary: bool = False,
    ) -> T:
        full = self._key(key)
        expiry = ttl_args(ttl)
        if self._local is not None:
            raw = self._get_tracked(full, self._local)
        else:
            raw = self._read(use_primary, lambda c: c.get(full))
        if raw is not None:  # the hit path: one GET, no flight
            cached: T = decode(raw, full)
            return cached
        return self._flights.run(full, lambda: self._load_through(full, loader, expiry))

    def _load_through(self, full: str, loader: Callable[[], T], expiry: tuple[int | None, int | None]) -> T:
        # Check the primary again: a flight that ended while our first GET was in the air (or a
        # replica lagging behind it) must not cause a second load.
        raw = self._run("primary", lambda c: c.get(full))
        if raw is not None:
            cached: T = decode(raw, full)
            return cached
        value = loader()
        if value is None:
            return value
        payload = encode(value)
        try:
            self._run("primary", lambda c: c.set(full, payload, ex=expiry[0], px=expiry[1]))
            self._forget(full)
        except CacheError as exc:
            logger.warning("redis: could not cache the loaded value of %r: %s", full, exc)
        loaded: T = json.loads(payload)
        return loaded

    def ping(self, *, use_primary: bool = True) -> bool:
        """``True`` when the server answers (through the same retry policy)."""
        return bool(self._read(use_primary, lambda c: c.ping()))

    def close(self) -> None:
        """Close the connections of the clients this object created; later calls raise."""
        if self._closed:
            return
        self._closed = True
        if self._tracker is not None:
            self._tracker.close()
        for client in self._owned:
            client.close()
        for role in tuple(self._endpoints):
            self._emit("end", role)

    def __enter__(self) -> SyncRedis:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def __repr__(self) -> str:
        replica = self._endpoints.get("replica")
        return f"SyncRedis(primary={self._endpoints['primary']!r}, replica={replica!r})"

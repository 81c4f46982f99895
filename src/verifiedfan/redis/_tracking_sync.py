# Generated from src/verifiedfan/redis/_tracking.py by scripts/unasync.py: do not edit.
# Change the async source, then run `python scripts/unasync.py`.
"""``SyncTracker``: the invalidation connection of client-side caching (``_tracking_sync.py`` is generated).

redis-py's asyncio client has no client-side caching (redis/redis-py#3916; the sync client's
``cache_config`` is sync-only), so this follows the server's client-side caching protocol directly, in
its RESP2 "redirect" form, which works the same from both twins:

1. a dedicated connection (RESP2) asks ``CLIENT ID``, turns on ``CLIENT TRACKING on REDIRECT <own id>
   BCAST [PREFIX <namespace>]`` and ``SUBSCRIBE __redis__:invalidate``;
2. from then on the server publishes the name of every key of the prefix that changes (written by any
   client, expired or evicted) on that channel; ``None`` means the database was flushed;
3. the local cache is filled only while that subscription is up. When the connection is lost, the
   local cache is emptied and bypassed until a new subscription is confirmed (reconnecting with the
   client's reconnect policy backoff).

Broadcasting mode (``BCAST``) is used so the data connections of the pool need no tracking state:
any connection may read a key and the invalidation still reaches us.
"""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from verifiedfan._optional import require
from verifiedfan.http._config import RetryPolicy
from verifiedfan.redis._core import logger
from verifiedfan.redis._local import LocalCache

if TYPE_CHECKING:
    import redis as redis_api

__all__ = ["SyncTracker"]

CHANNEL = "__redis__:invalidate"
_KEPT = frozenset(
    {
        "host",
        "port",
        "path",
        "db",
        "username",
        "password",
        "credential_provider",
        "socket_timeout",
        "socket_connect_timeout",
        "socket_keepalive",
        "socket_keepalive_options",
        "client_name",
        "encoder_class",
    }
)
#: how long one wait for a message lasts before the loop checks whether it was closed
POLL = 0.5


class SyncTracker:
    """Keeps ``cache`` in step with the server: fills allowed only while subscribed."""

    def __init__(
        self,
        primary: redis_api.Redis,
        cache: LocalCache,
        *,
        namespace: str,
        retry: RetryPolicy,
        pause: Callable[[float], object],
        rand: Callable[[], float],
    ) -> None:
        api = require("redis", "redis")
        self._rx = require("redis.exceptions", "redis")
        pool = primary.connection_pool
        # the address, credentials, timeouts and TLS of the primary's pool; not its RESP3-only extras
        kwargs = {k: v for k, v in pool.connection_kwargs.items() if k in _KEPT or k.startswith("ssl")}
        kwargs["protocol"] = 2  # invalidations as ordinary Pub/Sub messages
        name = kwargs.get("client_name")
        kwargs["client_name"] = f"{name}:invalidate" if name else "vf:invalidate"
        self._client: redis_api.Redis = api.Redis(
            connection_pool=api.ConnectionPool(
                connection_class=pool.connection_class, max_connections=1, **kwargs
            )
        )
        self._cache = cache
        self._namespace = namespace
        self._retry = retry
        self._pause = pause
        self._rand = rand
        self._started = False
        self._closed = False
        self.client_id: int | None = None
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        """Start listening (idempotent); the cache stays bypassed until the subscription is confirmed."""
        if self._started or self._closed:
            return
        self._started = True
        self._thread = threading.Thread(target=self._listen, name="vf-redis-invalidation", daemon=True)
        self._thread.start()

    def _subscribe(self) -> Any:
        client: Any = self._client  # redis-py's sync pubsub() is untyped
        pubsub = client.pubsub()
        pubsub.execute_command("CLIENT", "ID")
        client_id = int(pubsub.parse_response(block=True))
        prefix = ("PREFIX", self._namespace) if self._namespace else ()
        pubsub.execute_command("CLIENT", "TRACKING", "on", "REDIRECT", client_id, "BCAST", *prefix)
        reply = pubsub.parse_response(block=True)
        if reply not in (b"OK", "OK"):
            raise self._rx.ResponseError(f"CLIENT TRACKING answered {reply!r}")
        pubsub.subscribe(CHANNEL)
        while True:  # the subscription is confirmed before anything may be cached
            message = pubsub.get_message(timeout=POLL)
            if message is not None and message["type"] == "subscribe":
                break
            if self._closed:
                break
        self.client_id = client_id
        return pubsub

    def _listen(self) -> None:
        attempt = 0
        while not self._closed:
            pubsub: Any = None
            try:
                pubsub = self._subscribe()
                self._cache.set_tracking(True)
                attempt = 0
                self._follow(pubsub)
            except (self._rx.RedisError, OSError) as exc:
                self._cache.set_tracking(False)
                attempt += 1
                delay = self._retry.ceiling(min(attempt, self._retry.max_retries + 1)) * self._rand()
                logger.warning(
                    "redis invalidation connection lost (%s); local cache emptied, retrying in %.3fs",
                    type(exc).__name__,
                    delay,
                )
                self._pause(delay)
            finally:
                if pubsub is not None:
                    with contextlib.suppress(Exception):
                        pubsub.close()
        self._cache.set_tracking(False)

    def _follow(self, pubsub: Any) -> None:
        """Apply invalidations until closed; a ``PING`` after ``health_check`` s of silence must be
        answered within as long again, or the link counts as lost."""
        check = self._cache.config.health_check
        heard = time.monotonic()
        pinged: float | None = None
        while not self._closed:
            message = pubsub.get_message(timeout=min(POLL, check))
            now = time.monotonic()
            if message is None:
                if pinged is None and now - heard >= check:
                    pubsub.ping()
                    pinged = now
                elif pinged is not None and now - pinged >= check:
                    raise self._rx.ConnectionError(f"no answer to PING within {check}s")
                continue
            heard, pinged = now, None
            if message["type"] == "message":
                self._apply(message["data"])

    def _apply(self, data: object) -> None:
        if data is None:  # FLUSHDB / FLUSHALL
            self._cache.clear()
            return
        keys = data if isinstance(data, list) else [data]
        self._cache.invalidate(k.decode() if isinstance(k, bytes) else str(k) for k in keys)

    def close(self) -> None:
        self._closed = True
        self._cache.set_tracking(False)
        if self._thread is not None:
            self._thread.join(timeout=POLL * 4)
        self._client.close()

"""The Redis JSON cache with a read replica (successor of ``@verifiedfan/redis``).

:class:`Redis` (asyncio) and :class:`SyncRedis` store values as compact JSON with a required TTL,
read from the replica unless ``use_primary=True``, write to the primary, fall back to the primary when
the replica is down, reconnect after a failover (``READONLY``), and retry connection errors only,
following one :class:`ReconnectPolicy` for both: the library's
:class:`~verifiedfan.http.RetryPolicy` with reconnect defaults (``RetryPolicy`` here is its former
name). ``get_or_set`` is cache-aside with single flight.

redis-py is imported when a client is built (extra ``redis``), not when this package is imported.
"""

from verifiedfan.redis._async import Redis
from verifiedfan.redis._core import (
    EventName,
    ReconnectPolicy,
    RedisEvent,
    RedisInstrument,
    RetryPolicy,
    Role,
    SyncRedisInstrument,
    redact_url,
)
from verifiedfan.redis._errors import (
    CacheAuthenticationError,
    CacheClosedError,
    CacheConnectionError,
    CacheDecodeError,
    CacheError,
    CacheReadOnlyError,
    CacheResponseError,
    CacheTimeoutError,
    CacheValidationError,
)
from verifiedfan.redis._local import LocalCacheConfig, LocalCacheInfo
from verifiedfan.redis._settings import RedisSettings
from verifiedfan.redis._sync import SyncRedis

__all__ = [
    "CacheAuthenticationError",
    "CacheClosedError",
    "CacheConnectionError",
    "CacheDecodeError",
    "CacheError",
    "CacheReadOnlyError",
    "CacheResponseError",
    "CacheTimeoutError",
    "CacheValidationError",
    "EventName",
    "LocalCacheConfig",
    "LocalCacheInfo",
    "ReconnectPolicy",
    "Redis",
    "RedisEvent",
    "RedisInstrument",
    "RedisSettings",
    "RetryPolicy",
    "Role",
    "SyncRedis",
    "SyncRedisInstrument",
    "redact_url",
]

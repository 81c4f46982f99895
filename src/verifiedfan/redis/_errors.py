"""The ``CacheError`` family: every error the Redis cache raises.

redis-py exceptions never escape; they are translated here and chained (``exc.__cause__``).
"""

from __future__ import annotations

from verifiedfan.errors import NetworkError, NotConnectedError, ValidationError, VFError, VFTimeoutError

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
]


class CacheError(VFError):
    """Root of every error raised by :mod:`verifiedfan.redis`."""


class CacheValidationError(CacheError, ValidationError):
    """Bad input (empty key, non-positive TTL, value not JSON-serializable): nothing was sent."""


class CacheConnectionError(CacheError, NetworkError):
    """The server could not be reached, even after the retries of the :class:`RetryPolicy`."""


class CacheTimeoutError(CacheError, VFTimeoutError):
    """The server did not answer in time, even after the retries."""


class CacheReadOnlyError(CacheError):
    """The primary kept answering ``READONLY`` (it is a replica) after reconnecting and retrying."""


class CacheAuthenticationError(CacheError):
    """The server refused the credentials (never retried)."""


class CacheResponseError(CacheError):
    """The server answered with an error (``WRONGTYPE``...): never retried."""


class CacheDecodeError(CacheError):
    """A stored value is not JSON (it was written by something else than this client)."""


class CacheClosedError(CacheError, NotConnectedError):
    """The client was closed with ``aclose()``/``close()``."""

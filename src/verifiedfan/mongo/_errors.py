"""The ``MongoError`` family: every error :mod:`verifiedfan.mongo` raises.

pymongo exceptions never escape; they are translated here and chained (``exc.__cause__``).
"""

from __future__ import annotations

from typing import Any

from verifiedfan.errors import NetworkError, NotConnectedError, ValidationError, VFError, VFTimeoutError

__all__ = [
    "DuplicateKeyError",
    "InvalidObjectIdError",
    "MongoConnectionError",
    "MongoError",
    "MongoNotConnectedError",
    "MongoOperationError",
    "MongoTimeoutError",
    "MongoValidationError",
]


class MongoError(VFError):
    """Root of every error raised by :mod:`verifiedfan.mongo`."""


class MongoValidationError(MongoError, ValidationError):
    """Bad input rejected before anything was sent (bad update document, unencodable value...)."""


class InvalidObjectIdError(MongoValidationError):
    """A string that is not a 24-hex-digit ObjectId."""


class MongoNotConnectedError(MongoError, NotConnectedError):
    """The client was closed, or ``ensure_connected()`` could not reach any server."""


class MongoTimeoutError(MongoError, VFTimeoutError):
    """No server was selectable in time, or an operation ran past its time limit."""


class MongoConnectionError(MongoError, NetworkError):
    """The connection to the server failed during an operation."""


class MongoOperationError(MongoError):
    """The server refused the operation; ``code`` is MongoDB's error code."""

    def __init__(self, message: str, *, code: int | None = None, details: Any = None) -> None:
        super().__init__(message)
        self.code = code
        self.details = details


class DuplicateKeyError(MongoOperationError):
    """A write broke a unique index (code 11000). ``key_value`` is the duplicate key when known."""

    def __init__(self, message: str, *, key_value: Any = None, details: Any = None) -> None:
        super().__init__(message, code=11000, details=details)
        self.key_value = key_value

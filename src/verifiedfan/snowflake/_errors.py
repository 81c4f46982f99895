"""The ``SnowflakeError`` family, and the translation of the connector's exceptions into it.

    SnowflakeError (VFError)                  errno, sqlstate, query_id
    ├── SnowflakeQueryError                   the SQL was refused: syntax, missing object, type...
    ├── SnowflakeTimeoutError (VFTimeoutError) the statement timeout (or the login timeout) passed
    ├── SnowflakeAuthError (AuthError)         bad user, password or key
    ├── SnowflakeConnectionError               the account could not be reached
    └── SnowflakeValidationError (ValidationError)  bad input, refused before any I/O

Messages are the connector's, with every credential the client holds replaced by ``[REDACTED]``.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from verifiedfan.errors import AuthError, ValidationError, VFError, VFTimeoutError

__all__ = [
    "SnowflakeAuthError",
    "SnowflakeConnectionError",
    "SnowflakeError",
    "SnowflakeQueryError",
    "SnowflakeTimeoutError",
    "SnowflakeValidationError",
    "translate",
]


class SnowflakeError(VFError):
    """Root of every error raised by :mod:`verifiedfan.snowflake`."""

    def __init__(
        self,
        message: str,
        *,
        errno: int | None = None,
        sqlstate: str | None = None,
        query_id: str | None = None,
    ) -> None:
        super().__init__(message)
        self.errno = errno
        self.sqlstate = sqlstate
        self.query_id = query_id


class SnowflakeQueryError(SnowflakeError):
    """Snowflake refused the statement (compilation error, missing object, bad bind...)."""


class SnowflakeTimeoutError(SnowflakeError, VFTimeoutError):
    """The statement (or login) ran out of time and was cancelled."""


class SnowflakeAuthError(SnowflakeError, AuthError):
    """The credentials were refused."""


class SnowflakeConnectionError(SnowflakeError):
    """The account's endpoint could not be reached."""


class SnowflakeValidationError(SnowflakeError, ValidationError):
    """Bad input, refused before any I/O."""


_TIMEOUT_ERRNOS = frozenset({604, 630, 250008})  # statement cancelled / timed out; login timeout
_AUTH_ERRNOS = frozenset({250001, 390100, 390144, 390318, 394304})


def redact(text: str, secrets: Iterable[str]) -> str:
    """``text`` with every non-trivial secret replaced."""
    for secret in secrets:
        if secret and len(secret) >= 3:
            text = text.replace(secret, "[REDACTED]")
    return text


def translate(exc: BaseException, secrets: Iterable[str] = ()) -> SnowflakeError:
    """The :class:`SnowflakeError` for one of the connector's (or the driver's) exceptions."""
    errno: Any = getattr(exc, "errno", None)
    errno = errno if isinstance(errno, int) else None
    sqlstate = getattr(exc, "sqlstate", None)
    query_id = getattr(exc, "sfqid", None)
    message = redact(str(exc) or type(exc).__name__, list(secrets))
    name = type(exc).__name__
    cls: type[SnowflakeError]
    lowered = message.lower()
    if (
        errno in _TIMEOUT_ERRNOS
        or isinstance(exc, TimeoutError)
        or "timeout" in lowered
        or "timed out" in lowered
    ):
        cls = SnowflakeTimeoutError
    elif (
        errno in _AUTH_ERRNOS
        or "incorrect username or password" in lowered
        or "jwt token is invalid" in lowered
    ):
        cls = SnowflakeAuthError
    elif name in ("OperationalError", "InterfaceError") or isinstance(exc, ConnectionError | OSError):
        cls = SnowflakeConnectionError
    elif (
        name in ("ProgrammingError", "IntegrityError", "DataError", "NotSupportedError")
        or "Exception" in name
    ):
        cls = SnowflakeQueryError  # duckdb's own exceptions, from the local stand-in, are query errors
    else:
        cls = SnowflakeError
    return cls(
        message, errno=errno, sqlstate=sqlstate if isinstance(sqlstate, str) else None, query_id=query_id
    )

"""What the async ``Snowflake`` and its generated sync twin share: the session and the checks before I/O.

The connector (snowflake-connector-python) is blocking; :class:`Session` holds one connection and
runs each call under a lock (one statement at a time on it). The async client runs those calls in a
worker thread through :func:`async_blocking`; the sync twin calls them directly (:func:`blocking`).
Parameters use the connector's ``qmark`` style: sent apart from the SQL and bound by Snowflake.
"""

from __future__ import annotations

import asyncio
import contextlib
import math
import threading
from collections.abc import Callable, Mapping, Sequence
from datetime import date, datetime, time
from decimal import Decimal
from typing import Any, TypeVar

from verifiedfan._optional import require
from verifiedfan.errors import NotConnectedError
from verifiedfan.snowflake._errors import SnowflakeValidationError, translate

__all__ = ["Session", "async_blocking", "blocking", "check_params", "check_sql"]

T = TypeVar("T")

_BINDABLE = (str, int, float, Decimal, bool, bytes, date, datetime, time)


async def async_blocking(fn: Callable[..., T], *args: Any) -> T:
    """Run a blocking session call in a worker thread (the async side)."""
    return await asyncio.to_thread(fn, *args)


def blocking(fn: Callable[..., T], *args: Any) -> T:
    """Run a blocking session call here (the sync side)."""
    return fn(*args)


def check_sql(sql: str) -> None:
    if not isinstance(sql, str) or not sql.strip():
        raise SnowflakeValidationError("sql must be non-empty SQL text")


def check_params(params: Sequence[Any] | None) -> tuple[Any, ...] | None:
    """The parameters as the connector binds them (``?`` placeholders, in order), checked."""
    if params is None:
        return None
    if isinstance(params, str | bytes | Mapping) or not isinstance(params, Sequence):
        raise SnowflakeValidationError("params must be a list of values, one per '?' placeholder")
    for index, value in enumerate(params):
        if value is not None and not isinstance(value, _BINDABLE):
            raise SnowflakeValidationError(
                f"param {index}: {type(value).__name__} cannot be bound "
                "(str, int, float, Decimal, bool, bytes, date, datetime, time, None)"
            )
        if isinstance(value, float) and not math.isfinite(value):
            raise SnowflakeValidationError(f"param {index}: {value!r} cannot be bound")
    return tuple(params)


class Session:
    """One connector connection, opened on first use; every call translated into ``SnowflakeError``."""

    def __init__(
        self, connect_kwargs: dict[str, Any], connect: Callable[..., Any] | None, secrets: list[str]
    ) -> None:
        self._kwargs = connect_kwargs
        self._connect = connect
        self._secrets = secrets
        self._conn: Any = None
        self._lock = threading.Lock()
        self._closed = False

    def _connection(self) -> Any:
        if self._closed:
            raise NotConnectedError("the Snowflake client is closed")
        if self._conn is None:
            connect = self._connect or require("snowflake.connector", "snowflake").connect
            try:
                self._conn = connect(**self._kwargs)
            except Exception as exc:
                raise translate(exc, self._secrets) from exc
        return self._conn

    def _cursor(self, sql: str, params: tuple[Any, ...] | None, timeout: float | None) -> Any:
        cursor = self._connection().cursor(require("snowflake.connector", "snowflake").DictCursor)
        try:
            if timeout is None:  # the session's STATEMENT_TIMEOUT_IN_SECONDS applies (server side)
                cursor.execute(sql, params)
            else:  # the connector also cancels it from here when this call's own timeout passes
                cursor.execute(sql, params, timeout=max(1, math.ceil(timeout)))
        except Exception as exc:
            cursor.close()
            raise translate(exc, self._secrets) from exc
        return cursor

    def fetch_all(
        self, sql: str, params: tuple[Any, ...] | None, timeout: float | None
    ) -> list[dict[str, Any]]:
        with self._lock:
            cursor = self._cursor(sql, params, timeout)
            try:
                return [dict(row) for row in cursor.fetchall()]
            except Exception as exc:
                raise translate(exc, self._secrets) from exc
            finally:
                cursor.close()

    def execute(self, sql: str, params: tuple[Any, ...] | None, timeout: float | None) -> int:
        with self._lock:
            cursor = self._cursor(sql, params, timeout)
            try:
                return int(cursor.rowcount or 0)
            finally:
                cursor.close()

    def open_cursor(self, sql: str, params: tuple[Any, ...] | None, timeout: float | None) -> Any:
        """A cursor on the results of ``sql``; the lock is held until :meth:`close_cursor`."""
        self._lock.acquire()
        try:
            return self._cursor(sql, params, timeout)
        except BaseException:
            self._lock.release()
            raise

    def fetch_batch(self, cursor: Any, size: int) -> list[dict[str, Any]]:
        try:
            return [dict(row) for row in cursor.fetchmany(size)]
        except Exception as exc:
            raise translate(exc, self._secrets) from exc

    def close_cursor(self, cursor: Any) -> None:
        try:
            with contextlib.suppress(Exception):  # closing must not hide what ended the iteration
                cursor.close()
        finally:
            self._lock.release()

    def close(self) -> None:
        with self._lock:
            self._closed = True
            conn, self._conn = self._conn, None
        if conn is not None:
            try:
                conn.close()
            except Exception as exc:
                raise translate(exc, self._secrets) from exc

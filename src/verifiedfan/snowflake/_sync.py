# Generated from src/verifiedfan/snowflake/_async.py by scripts/unasync.py: do not edit.
# Change the async source, then run `python scripts/unasync.py`.
"""``Snowflake``: queries on snowflake-connector-python (the async client runs it in a worker thread)."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from types import TracebackType
from typing import Any

from verifiedfan._optional import require
from verifiedfan.snowflake._core import Session, blocking, check_params, check_sql
from verifiedfan.snowflake._errors import SnowflakeValidationError
from verifiedfan.snowflake._settings import SnowflakeSettings

__all__ = ["SyncSnowflake"]


class SyncSnowflake:
    """Snowflake queries with parameters always bound and a statement timeout.

    ``query`` returns every row as a dict (column names as Snowflake reports them, upper-case unless
    quoted); ``iter_query`` yields them in batches of ``batch_size`` without holding the whole result;
    ``execute`` returns the number of rows a DML statement changed. ``params`` fill the ``?``
    placeholders: the connector sends them apart from the SQL (``qmark`` binding) and Snowflake binds
    them, so a value can never become SQL.

    ``session_parameters`` are added to the session's (``STATEMENT_TIMEOUT_IN_SECONDS`` comes from
    ``statement_timeout``). ``connect=`` injects the connector's ``connect`` (a local stand-in in
    tests); the connection opens on first use and :meth:`close` closes it. The password and private
    key are never in a repr, a log line or an error message.
    """

    def __init__(
        self,
        settings: SnowflakeSettings | None = None,
        *,
        connect: Callable[..., Any] | None = None,
        session_parameters: Mapping[str, Any] | None = None,
        **overrides: Any,
    ) -> None:
        base = settings or SnowflakeSettings()
        self.settings = SnowflakeSettings.model_validate({**base.model_dump(), **overrides})
        s = self.settings
        if not s.account and not s.host:
            raise SnowflakeValidationError("give account (or host)")
        if not s.user:
            raise SnowflakeValidationError("give user")
        if (s.password is None) == (s.private_key is None):
            raise SnowflakeValidationError("give exactly one of password and private_key")
        kwargs: dict[str, Any] = {
            "account": s.account,
            "user": s.user,
            "paramstyle": "qmark",
            "login_timeout": s.login_timeout,
            "session_parameters": {
                "STATEMENT_TIMEOUT_IN_SECONDS": max(1, int(s.statement_timeout)),
                "QUERY_TAG": "verifiedfan",
                **(session_parameters or {}),
            },
            "application": "verifiedfan",
        }
        secrets: list[str] = []
        if s.password is not None:
            kwargs["password"] = s.password.get_secret_value()
            secrets.append(kwargs["password"])
        else:
            kwargs["private_key"] = _der_key(s.private_key, s.private_key_passphrase)
            secrets.append(s.private_key.get_secret_value())  # type: ignore[union-attr]
        for name, value in (
            ("warehouse", s.warehouse),
            ("database", s.database),
            ("schema", s.schema_name),
            ("role", s.role),
            ("host", s.host),
            ("port", s.port),
            ("protocol", s.protocol),
            ("network_timeout", s.network_timeout),
        ):
            if value is not None:
                kwargs[name] = value
        self._session = Session(kwargs, connect, secrets)

    @classmethod
    def from_settings(cls, settings: SnowflakeSettings, **kwargs: Any) -> SyncSnowflake:
        """A client for ``settings`` (``connect=`` as in the constructor)."""
        return cls(settings, **kwargs)

    def __repr__(self) -> str:
        s = self.settings
        return f"{type(self).__name__}(account={s.account!r}, user={s.user!r}, database={s.database!r})"

    def _timeout(self, timeout: float | None) -> float | None:
        # None: the session's STATEMENT_TIMEOUT_IN_SECONDS (statement_timeout) applies, enforced by
        # Snowflake; a value: the connector also cancels this statement when it passes.
        if timeout is not None and timeout <= 0:
            raise SnowflakeValidationError("timeout must be positive")
        return timeout

    def query(
        self,
        sql: str,
        params: Sequence[Any] | None = None,
        *,
        timeout: float | None = None,
    ) -> list[dict[str, Any]]:
        """Every row of ``sql`` as a dict."""
        check_sql(sql)
        bound = check_params(params)
        return blocking(self._session.fetch_all, sql, bound, self._timeout(timeout))

    def iter_query(
        self,
        sql: str,
        params: Sequence[Any] | None = None,
        *,
        batch_size: int = 1000,
        timeout: float | None = None,
    ) -> Iterator[list[dict[str, Any]]]:
        """The rows of ``sql`` in lists of at most ``batch_size``, fetched as they are consumed.

        The connection serves nothing else until the iteration ends (or the iterator is closed).
        """
        check_sql(sql)
        bound = check_params(params)
        if batch_size < 1:
            raise SnowflakeValidationError("batch_size must be at least 1")
        cursor = blocking(self._session.open_cursor, sql, bound, self._timeout(timeout))
        try:
            while True:
                batch = blocking(self._session.fetch_batch, cursor, batch_size)
                if not batch:
                    return
                yield batch
        finally:
            self._session.close_cursor(cursor)

    def execute(
        self,
        sql: str,
        params: Sequence[Any] | None = None,
        *,
        timeout: float | None = None,
    ) -> int:
        """Run a statement; the number of rows it inserted, updated or deleted."""
        check_sql(sql)
        bound = check_params(params)
        return blocking(self._session.execute, sql, bound, self._timeout(timeout))

    def close(self) -> None:
        """Close the connection. Idempotent."""
        blocking(self._session.close)

    def __enter__(self) -> SyncSnowflake:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


def _der_key(pem: Any, passphrase: Any) -> bytes:
    """The PEM private key as the DER bytes the connector takes (key-pair authentication)."""
    serialization = require("cryptography.hazmat.primitives.serialization", "snowflake")
    try:
        key = serialization.load_pem_private_key(
            pem.get_secret_value().encode(),
            password=passphrase.get_secret_value().encode() if passphrase is not None else None,
        )
    except (ValueError, TypeError):
        raise SnowflakeValidationError("private_key is not a readable PEM private key") from None
    der: bytes = key.private_bytes(
        encoding=serialization.Encoding.DER,
        format=serialization.PrivateFormat.PKCS8,
        encryption_algorithm=serialization.NoEncryption(),
    )
    return der

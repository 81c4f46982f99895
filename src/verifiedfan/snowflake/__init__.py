"""Snowflake queries (the original's ``snowflake`` package: read and query). Extra ``snowflake``.

:class:`Snowflake` (async, the connector run in a worker thread) and :class:`SyncSnowflake` (generated
twin): ``query``, ``aiter_query``/``iter_query`` (batches), ``execute``; parameters always bound
(``?``), a statement timeout, credentials never shown. Configured by :class:`SnowflakeSettings`
(``VF_SNOWFLAKE_*``). Tested offline against fakesnow (Snowflake SQL on DuckDB) served over HTTP to
the real connector, not against Snowflake itself.
"""

from verifiedfan.snowflake._async import Snowflake
from verifiedfan.snowflake._errors import (
    SnowflakeAuthError,
    SnowflakeConnectionError,
    SnowflakeError,
    SnowflakeQueryError,
    SnowflakeTimeoutError,
    SnowflakeValidationError,
)
from verifiedfan.snowflake._settings import SnowflakeSettings
from verifiedfan.snowflake._sync import SyncSnowflake

__all__ = [
    "Snowflake",
    "SnowflakeAuthError",
    "SnowflakeConnectionError",
    "SnowflakeError",
    "SnowflakeQueryError",
    "SnowflakeSettings",
    "SnowflakeTimeoutError",
    "SnowflakeValidationError",
    "SyncSnowflake",
]

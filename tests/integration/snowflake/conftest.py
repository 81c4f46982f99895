"""A local Snowflake stand-in: fakesnow (Snowflake SQL on DuckDB) served over HTTP to the real connector.

snowflake-connector-python talks to it as to an account (login, query requests with ``qmark``
bindings, result sets), so everything from our client down to the connector's wire format is the
production path; only the server is a stand-in. Started in a thread of the test process on
127.0.0.1 and stopped after the session.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from verifiedfan.snowflake import SnowflakeSettings


@pytest.fixture(scope="session")
def fakesnow_server() -> Iterator[dict[str, Any]]:
    import fakesnow

    with fakesnow.server() as kwargs:
        yield kwargs


@pytest.fixture
def snowflake_settings(fakesnow_server: dict[str, Any]) -> SnowflakeSettings:
    return SnowflakeSettings(
        account=fakesnow_server["account"],
        user=fakesnow_server["user"],
        password=fakesnow_server["password"],
        host=fakesnow_server["host"],
        port=fakesnow_server["port"],
        protocol=fakesnow_server["protocol"],
        database="vf",
        schema_name="fans",
        statement_timeout=30,
        login_timeout=10,
        network_timeout=fakesnow_server["network_timeout"],  # no retry of a stand-in's 500
    )

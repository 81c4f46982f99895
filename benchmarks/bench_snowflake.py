"""Snowflake round trip, as context: ``Snowflake.query`` against the raw connector in a thread.

Both sides use snowflake-connector-python over HTTP against the fakesnow stand-in (Snowflake SQL on
DuckDB, in a thread of this process), one connection each, a 100-row ``SELECT`` with a bound
parameter. The reference is what a service writes by hand: ``asyncio.to_thread`` around
``cursor.execute`` + ``fetchall`` on a ``DictCursor``. It shows our overhead (checks, the lock,
error translation), not Snowflake's latency.
"""

from __future__ import annotations

import asyncio
import warnings
from typing import Any

from benchmarks._harness import Comparison, interleaved_rates

SERVERS: tuple[str, ...] = ()
QUIET = {"CLIENT_OUT_OF_BAND_TELEMETRY_ENABLED": False}


async def _round_trips(server: dict[str, Any], quick: bool) -> Comparison:
    import snowflake.connector

    from verifiedfan.snowflake import Snowflake

    kwargs = {
        k: server[k] for k in ("account", "user", "password", "host", "port", "protocol", "network_timeout")
    }
    n, rounds = (20, 2) if quick else (300, 10)
    async with Snowflake(session_parameters=QUIET, database="bench", schema_name="s", **kwargs) as sf:
        await sf.execute("CREATE DATABASE IF NOT EXISTS bench")
        await sf.execute("CREATE SCHEMA IF NOT EXISTS bench.s")
        await sf.execute("USE SCHEMA bench.s")
        await sf.execute("CREATE OR REPLACE TABLE fans (id INT, name VARCHAR, score DOUBLE)")
        await sf.execute(
            "INSERT INTO fans SELECT seq4(), 'fan ' || seq4(), seq4() / 7 "
            "FROM TABLE(GENERATOR(ROWCOUNT => 100))"
        )
        conn = snowflake.connector.connect(
            **kwargs, database="bench", schema="s", paramstyle="qmark", session_parameters=QUIET
        )
        try:

            async def ours() -> object:
                return await sf.query("SELECT * FROM fans WHERE id >= ?", [0])

            def blocking() -> object:
                cursor = conn.cursor(snowflake.connector.DictCursor)
                try:
                    cursor.execute("SELECT * FROM fans WHERE id >= ?", (0,))
                    return cursor.fetchall()
                finally:
                    cursor.close()

            async def reference() -> object:
                return await asyncio.to_thread(blocking)

            rate_ours, rate_ref = await interleaved_rates(ours, reference, n, rounds, warmup=5)
        finally:
            conn.close()
    return Comparison(
        "Snowflake query round trip (100 rows, fakesnow over HTTP)",
        rate_ours,
        rate_ref,
        "connector DictCursor in asyncio.to_thread",
        "queries/s",
        True,
        "context",
    )


def run(quick: bool) -> list[Comparison]:
    import fakesnow

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # DuckDB's copy warning inside fakesnow's server thread
        with fakesnow.server() as server:
            return [asyncio.run(_round_trips(server, quick))]

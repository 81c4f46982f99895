"""Ticketmaster clients (issue 12).

1. **Accounts, time per call**: ``TmAccounts.get_user_info`` (routing, AUUM token from its cache,
   the HTTP core's retries/hooks, typed profile with the phone through the normalizers) against raw
   ``httpx.AsyncClient`` making the same GET with the same headers and a token fetched once, then
   ``response.json()``. One accounts sandbox in a child process serves both, calls interleaved
   (ABBA) so the neighbours' load hits both alike. Goal: ours <= 1.1x the raw time.
2. **Discovery under its 5 requests/s limit**: 64 tasks share one ``TmDiscovery`` and call
   ``get_event`` for ~6 s against a sandbox (child process) that refuses past 5 requests in any
   rolling second. Reported: the rate of answered requests in the steady state (after the first
   second's burst) as a fraction of the 5/s allowed (goal >= 95 %), and the 429s the sandbox
   counted (goal 0). The reference row for the 429s is a naive fan-out: the same 64 callers with
   raw httpx, one call each, all at once (what ``MapAsyncParallel`` did).
"""

from __future__ import annotations

import asyncio
import time

import httpx

from benchmarks._harness import Comparison, interleaved_rates
from verifiedfan.http import RetryPolicy
from verifiedfan.testing.sandbox import (
    Faults,
    TmAccountsApp,
    TmAccountsSandbox,
    TmDiscoveryApp,
    TmDiscoverySandbox,
)
from verifiedfan.ticketmaster import AcoeCredentials, AuumCredentials, TmAccounts, TmDiscovery

TMUO = "tmuo_us_100001"
CALLERS = 64


async def _accounts(n: int, rounds: int) -> tuple[float, float]:
    with TmAccountsSandbox(process=True) as sandbox:
        us = sandbox.region_urls["us"]
        accounts = TmAccounts(
            integrator_id="bench",
            auum=AuumCredentials(TmAccountsApp.client_id, TmAccountsApp.client_secret),
            acoe=AcoeCredentials(TmAccountsApp.acoe_client_id),
            region_urls=sandbox.region_urls,
        )
        async with accounts, httpx.AsyncClient() as raw:
            token = await raw.post(
                f"{us}/auum/v1/oauth/token",
                data={"grant_type": "client_credentials"},
                auth=(TmAccountsApp.client_id, TmAccountsApp.client_secret),
                headers={"x-integrator-id": "bench"},
            )
            token.raise_for_status()
            headers = {
                "authorization": f"Bearer {token.json()['access_token']}",
                "x-integrator-id": "bench",
                "x-client-id": TmAccountsApp.acoe_client_id,
            }
            url = f"{us}/acoe/v1/users/{TMUO}"

            async def ours() -> object:
                return await accounts.get_user_info(TMUO)

            async def reference() -> object:
                response = await raw.get(url, headers=headers)
                response.raise_for_status()
                return response.json()

            return await interleaved_rates(ours, reference, n, rounds)


async def _discovery(seconds: float) -> tuple[float, int, int]:
    faults = Faults(rate_limit=5, rate_limit_window=1.0)
    with TmDiscoverySandbox(process=True, faults=faults) as sandbox:
        retry = RetryPolicy(max_retries=5)
        async with TmDiscovery(api_key=TmDiscoveryApp.api_key, base_url=sandbox.base_url, retry=retry) as tm:
            answered: list[float] = []
            start = time.monotonic()
            deadline = start + seconds

            async def caller(i: int) -> None:
                while time.monotonic() < deadline:
                    await tm.get_event(f"vvG1{i % 100:06d}")
                    answered.append(time.monotonic() - start)

            await asyncio.gather(*(caller(i) for i in range(CALLERS)))
        refused = sandbox.stats().get("rate_limited", 0)
        end = max(answered)
        steady = [t for t in answered if t > 1.0]
        rate = len(steady) / (end - 1.0)
        sandbox.reset()
        async with httpx.AsyncClient() as raw:
            url = f"{sandbox.base_url}/events/vvG1000001.json"
            await asyncio.gather(
                *(raw.get(url, params={"apikey": TmDiscoveryApp.api_key}) for _ in range(CALLERS))
            )
        naive_refused = sandbox.stats().get("rate_limited", 0)
    return rate, refused, naive_refused


def run(*, quick: bool = False) -> list[Comparison]:
    n, rounds = (400, 4) if quick else (3000, 10)
    ours_rate, raw_rate = asyncio.run(_accounts(n, rounds))
    rate, refused, naive_refused = asyncio.run(_discovery(3.0 if quick else 6.0))
    return [
        Comparison(
            name="tm accounts: get_user_info, time per call",
            ours=1e6 / ours_rate,
            reference=1e6 / raw_rate,
            reference_name="raw httpx, same GET, token fetched once",
            unit="µs/call",
            higher_is_better=False,
            goal="<= 1.1x",
        ),
        Comparison(
            name=f"tm discovery: {CALLERS} callers, 5 req/s limit, answered rate",
            ours=rate,
            reference=5.0,
            reference_name="the allowed 5 requests/s",
            unit="req/s",
            higher_is_better=True,
            goal=">= 0.95x",
        ),
        Comparison(
            name=f"tm discovery: 429s ({CALLERS} callers; ref: one naive burst)",
            ours=float(refused),
            reference=float(naive_refused),
            reference_name=f"{CALLERS} raw httpx calls at once",
            unit="429s",
            higher_is_better=False,
            goal="ours = 0",
        ),
    ]

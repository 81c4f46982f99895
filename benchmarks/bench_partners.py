"""Partner clients (issue 15).

**PagerDuty, time per call**: ``PagerDuty.trigger`` (checks before I/O, the dedup key, the HTTP
core's retry policy and hooks, the typed ``EventResult``) against raw ``httpx.AsyncClient`` POSTing
the same JSON to ``/v2/enqueue`` and reading ``response.json()``. One PagerDuty sandbox in a child
process serves both, calls interleaved (ABBA) so the neighbours' load hits both alike. Goal: ours
<= 1.1x the raw time.
"""

from __future__ import annotations

import asyncio

import httpx

from benchmarks._harness import Comparison, interleaved_rates
from verifiedfan.partners import PagerDuty
from verifiedfan.testing.sandbox import PagerDutySandbox

SUMMARY = "Spotify 401 rate 12% over 5 min"
SOURCE = "verification-svc"


async def _pagerduty(n: int, rounds: int) -> tuple[float, float]:
    with PagerDutySandbox(process=True) as sandbox:
        key = sandbox.routing_key
        body = {
            "routing_key": key,
            "event_action": "trigger",
            "dedup_key": "bench",
            "payload": {"summary": SUMMARY, "source": SOURCE, "severity": "critical"},
        }
        url = f"{sandbox.url}/v2/enqueue"
        async with PagerDuty(routing_key=key, base_url=sandbox.url) as pd, httpx.AsyncClient() as raw:

            async def ours() -> object:
                return await pd.trigger(SUMMARY, SOURCE, "critical", dedup_key="bench")

            async def reference() -> object:
                response = await raw.post(url, json=body)
                response.raise_for_status()
                return response.json()

            return await interleaved_rates(ours, reference, n, rounds)


def run(*, quick: bool = False) -> list[Comparison]:
    n, rounds = (400, 4) if quick else (3000, 10)
    ours_rate, raw_rate = asyncio.run(_pagerduty(n, rounds))
    return [
        Comparison(
            name="pagerduty: trigger, time per call",
            ours=1e6 / ours_rate,
            reference=1e6 / raw_rate,
            reference_name="raw httpx, same POST /v2/enqueue",
            unit="µs/call",
            higher_is_better=False,
            goal="<= 1.1x",
        )
    ]

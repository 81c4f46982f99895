"""Partner clients (issue 15).

**PagerDuty, time per call**: ``PagerDuty.trigger`` (checks before I/O, the dedup key, the HTTP
core's retry policy and hooks, the typed ``EventResult``) against raw ``httpx.AsyncClient`` POSTing
the same JSON to ``/v2/enqueue`` and reading ``response.json()``. One PagerDuty sandbox in a child
process serves both, calls interleaved (ABBA) so the neighbours' load hits both alike. Goal: ours
<= 1.1x the raw time.
"""

from __future__ import annotations

import asyncio
import logging
import time

import httpx

from benchmarks._harness import Comparison, interleaved_rates
from verifiedfan.http import Limits
from verifiedfan.partners import EmailRecipient, PagerDuty, Sfmc
from verifiedfan.testing.sandbox import PagerDutySandbox, SfmcSandbox

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


def _sfmc_client(sandbox: SfmcSandbox, in_flight: int = 32) -> Sfmc:
    return Sfmc(
        client_id=sandbox.client_id,
        client_secret=sandbox.client_secret,
        auth_base_url=sandbox.url,
        account_id=sandbox.account_id,
        limits=Limits(max_connections=in_flight, max_keepalive_connections=in_flight),
    )


async def _sfmc_per_call(n: int, rounds: int) -> tuple[float, float]:
    with SfmcSandbox(process=True) as sandbox:
        keys = iter(range(10**9))
        async with _sfmc_client(sandbox) as sfmc, httpx.AsyncClient() as raw:
            token = await raw.post(
                f"{sandbox.url}/v2/token",
                json={
                    "grant_type": "client_credentials",
                    "client_id": sandbox.client_id,
                    "client_secret": sandbox.client_secret,
                    "account_id": sandbox.account_id,
                },
            )
            answer = token.json()
            rest = answer["rest_instance_url"].rstrip("/")
            headers = {"authorization": f"Bearer {answer['access_token']}"}
            attributes = {"FirstName": "Ada", "PresaleCode": "7KQ2MX4P"}

            async def ours() -> object:
                return await sfmc.send_transactional_email(
                    "presale", "fan@example.com", "fan-1", attributes, message_key=f"o-{next(keys)}"
                )

            async def reference() -> object:
                body = {
                    "definitionKey": "presale",
                    "recipient": {"contactKey": "fan-1", "to": "fan@example.com", "attributes": attributes},
                }
                url = f"{rest}/messaging/v1/email/messages/r-{next(keys)}"
                response = await raw.post(url, json=body, headers=headers)
                response.raise_for_status()
                return response.json()

            return await interleaved_rates(ours, reference, n, rounds)


async def _sfmc_bulk(recipients: int, *, one_by_one: bool) -> float:
    """Emails accepted per second for ``recipients`` recipients, on a fresh sandbox process."""
    fans = [
        EmailRecipient(f"fan{i}@example.com", f"fan-{i}", {"FirstName": f"F{i}"}) for i in range(recipients)
    ]
    with SfmcSandbox(process=True) as sandbox:
        async with _sfmc_client(sandbox) as sfmc:
            await sfmc.rest_url()  # the token is not part of the measure
            start = time.perf_counter()
            if one_by_one:
                slots = asyncio.Semaphore(32)

                async def one(fan: EmailRecipient) -> bool:
                    async with slots:
                        sent = await sfmc.send_transactional_email(
                            "presale", fan.to, fan.contact_key, fan.attributes, campaign="bench"
                        )
                    return sent.accepted

                accepted = sum(await asyncio.gather(*(one(f) for f in fans)))
            else:
                results = await sfmc.send_transactional_emails(
                    "presale", fans, campaign="bench", concurrency=4
                )
                accepted = sum(r.accepted for r in results)
            elapsed = time.perf_counter() - start
        if accepted != recipients or len(sandbox.outbox()) != recipients:
            raise RuntimeError(f"sfmc bench: {accepted} of {recipients} accepted")
    return accepted / elapsed


def _sfmc_rates(recipients: int) -> tuple[float, float]:
    bulk = asyncio.run(_sfmc_bulk(recipients, one_by_one=False))
    single = asyncio.run(_sfmc_bulk(recipients, one_by_one=True))
    return bulk, single


def run(*, quick: bool = False) -> list[Comparison]:
    # httpx logs one INFO line per request: 10,000 of them would weigh on the one-by-one side only
    logging.getLogger("httpx").setLevel(logging.WARNING)
    n, rounds = (400, 4) if quick else (3000, 10)
    ours_rate, raw_rate = asyncio.run(_pagerduty(n, rounds))
    sfmc_rate, sfmc_raw_rate = asyncio.run(_sfmc_per_call(n, rounds))
    recipients = 2000 if quick else 10_000
    bulk_rate, single_rate = _sfmc_rates(recipients)
    return [
        Comparison(
            name="pagerduty: trigger, time per call",
            ours=1e6 / ours_rate,
            reference=1e6 / raw_rate,
            reference_name="raw httpx, same POST /v2/enqueue",
            unit="µs/call",
            higher_is_better=False,
            goal="<= 1.1x",
        ),
        Comparison(
            name="sfmc: send_transactional_email, time per call",
            ours=1e6 / sfmc_rate,
            reference=1e6 / sfmc_raw_rate,
            reference_name="raw httpx, same POST /messaging/v1/email/messages/{key}",
            unit="µs/call",
            higher_is_better=False,
            goal="<= 1.1x",
        ),
        Comparison(
            name=f"sfmc: emails accepted/s, {recipients:,} recipients, multi-recipient send",
            ours=bulk_rate,
            reference=single_rate,
            reference_name="the same recipients one by one (32 in flight)",
            unit="emails/s",
            higher_is_better=True,
            goal="report",
        ),
    ]

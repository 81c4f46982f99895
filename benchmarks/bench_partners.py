"""Partner clients (issue 15). Each client against raw ``httpx.AsyncClient`` making the same call on
its sandbox (a child process), calls interleaved (ABBA) so the neighbours' load hits both alike; goal
<= 1.1x the raw time per call (Slack, Fastly, Bitly and Facebook below, PagerDuty and SFMC here).

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
from collections.abc import Awaitable, Callable

import httpx

from benchmarks._harness import Comparison, interleaved_rates
from verifiedfan.http import Limits
from verifiedfan.partners import Bitly, EmailRecipient, Facebook, Fastly, PagerDuty, Sfmc, Slack
from verifiedfan.testing.sandbox import (
    BitlySandbox,
    FacebookSandbox,
    FastlySandbox,
    PagerDutySandbox,
    SfmcSandbox,
    SlackSandbox,
)

SUMMARY = "Spotify 401 rate 12% over 5 min"
SOURCE = "verification-svc"


async def _interleaved_cpu(
    ours: Callable[[], Awaitable[object]], ref: Callable[[], Awaitable[object]], n: int, rounds: int
) -> tuple[float, float]:
    """CPU µs per call of THIS process (the client side; the sandbox is a child process), ours and
    the reference, interleaved ABBA: wall-clock time on a loaded machine is mostly waiting."""
    chunk = max(n // rounds, 1)
    ours_s = ref_s = 0.0
    for i in range(rounds):
        for side in (ref, ours) if i % 2 else (ours, ref):
            start = time.process_time()
            for _ in range(chunk):
                await side()
            spent = time.process_time() - start
            if side is ours:
                ours_s += spent
            else:
                ref_s += spent
    calls = chunk * rounds
    return ours_s / calls * 1e6, ref_s / calls * 1e6


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


async def _slack(n: int, rounds: int) -> tuple[float, float, float, float]:
    """``Slack.post_message`` (checks, the pacer's bookkeeping with pacing off, the ok check, the
    typed ``PostedMessage``) against a raw POST of the same JSON with the bearer token and an
    ``ok`` check. Pacing is off on both sides: at Slack's 1 message/s per channel the benchmark
    would measure the pacer's waits, not the client."""
    with SlackSandbox(process=True) as sandbox:
        body = {"channel": "#alerts", "text": "Spotify 401 rate 12% over 5 min", "unfurl_links": False}
        headers = {"authorization": f"Bearer {sandbox.bot_token}"}
        url = f"{sandbox.api_url}/chat.postMessage"
        async with (
            Slack(token=sandbox.bot_token, base_url=sandbox.api_url, channel_interval=0) as slack,
            httpx.AsyncClient() as raw,
        ):

            async def ours() -> object:
                return await slack.post_message("#alerts", "Spotify 401 rate 12% over 5 min")

            async def reference() -> object:
                response = await raw.post(url, json=body, headers=headers)
                response.raise_for_status()
                answer = response.json()
                if not answer["ok"]:
                    raise RuntimeError(answer["error"])
                return answer

            rates = await interleaved_rates(ours, reference, n, rounds)
            return (*rates, *(await _interleaved_cpu(ours, reference, n, rounds)))


async def _fastly(n: int, rounds: int) -> tuple[float, float, float, float]:
    """``Fastly.purge_key`` (key check, soft-purge header, typed ``PurgeResult``) against a raw
    POST to the same path with the same two headers."""
    with FastlySandbox(process=True) as sandbox:
        url = f"{sandbox.url}/service/{sandbox.service_id}/purge/event-123"
        headers = {"fastly-key": sandbox.api_key, "fastly-soft-purge": "1"}
        async with (
            Fastly(api_key=sandbox.api_key, service_id=sandbox.service_id, base_url=sandbox.url) as fastly,
            httpx.AsyncClient() as raw,
        ):

            async def ours() -> object:
                return await fastly.purge_key("event-123")

            async def reference() -> object:
                response = await raw.post(url, headers=headers)
                response.raise_for_status()
                return response.json()

            rates = await interleaved_rates(ours, reference, n, rounds)
            return (*rates, *(await _interleaved_cpu(ours, reference, n, rounds)))


async def _bitly(n: int, rounds: int) -> tuple[float, float, float, float]:
    """``Bitly.shorten`` without a cache (URL check, typed ``Bitlink``) against a raw POST of the
    same JSON with the bearer token; the URL is already shortened, so both get Bitly's 200."""
    with BitlySandbox(process=True) as sandbox:
        long_url = "https://www.ticketmaster.com/event/0B005E3B1E8B4C6D"
        body = {"long_url": long_url, "domain": "bit.ly", "group_guid": sandbox.group_guid}
        headers = {"authorization": f"Bearer {sandbox.access_token}"}
        url = f"{sandbox.url}/v4/shorten"
        async with (
            Bitly(
                access_token=sandbox.access_token, group_guid=sandbox.group_guid, base_url=sandbox.url
            ) as bitly,
            httpx.AsyncClient() as raw,
        ):

            async def ours() -> object:
                return await bitly.shorten(long_url)

            async def reference() -> object:
                response = await raw.post(url, json=body, headers=headers)
                response.raise_for_status()
                return response.json()

            rates = await interleaved_rates(ours, reference, n, rounds)
            return (*rates, *(await _interleaved_cpu(ours, reference, n, rounds)))


async def _facebook(n: int, rounds: int) -> tuple[float, float, float, float]:
    """``Facebook.has_liked`` (token and id checks, the Graph error mapping, the usage header) against a
    raw GET of ``/v21.0/me/likes/{page_id}?access_token=...`` reading ``data``."""
    with FacebookSandbox(process=True) as sandbox:
        user = sandbox.add_user("Bench Fan")
        sandbox.like(user["id"], "20531316728", "Artist")
        token = user["access_token"]
        url = f"{sandbox.url}/v21.0/me/likes/20531316728"
        async with (
            Facebook(app_id=sandbox.app_id, app_secret=sandbox.app_secret, base_url=sandbox.url) as fb,
            httpx.AsyncClient() as raw,
        ):

            async def ours() -> object:
                return await fb.has_liked(token, "20531316728")

            async def reference() -> object:
                response = await raw.get(url, params={"access_token": token})
                response.raise_for_status()
                return bool(response.json()["data"])

            rates = await interleaved_rates(ours, reference, n, rounds)
            return (*rates, *(await _interleaved_cpu(ours, reference, n, rounds)))


def run(*, quick: bool = False) -> list[Comparison]:
    # httpx logs one INFO line per request: 10,000 of them would weigh on the one-by-one side only
    logging.getLogger("httpx").setLevel(logging.WARNING)
    n, rounds = (400, 4) if quick else (3000, 10)
    ours_rate, raw_rate = asyncio.run(_pagerduty(n, rounds))
    sfmc_rate, sfmc_raw_rate = asyncio.run(_sfmc_per_call(n, rounds))
    recipients = 2000 if quick else 10_000
    bulk_rate, single_rate = _sfmc_rates(recipients)
    slack_ours, slack_raw, slack_cpu, slack_raw_cpu = asyncio.run(_slack(n, rounds))
    fastly_ours, fastly_raw, fastly_cpu, fastly_raw_cpu = asyncio.run(_fastly(n, rounds))
    bitly_ours, bitly_raw, bitly_cpu, bitly_raw_cpu = asyncio.run(_bitly(n, rounds))
    facebook_ours, facebook_raw, facebook_cpu, facebook_raw_cpu = asyncio.run(_facebook(n, rounds))
    cpu_rows = [
        Comparison(
            name=f"{label}: client CPU per call",
            ours=ours_cpu,
            reference=raw_cpu,
            reference_name="raw httpx, the same call (this process's CPU time)",
            unit="µs CPU/call",
            higher_is_better=False,
            goal="report",
        )
        for label, ours_cpu, raw_cpu in (
            ("slack post_message", slack_cpu, slack_raw_cpu),
            ("fastly purge_key", fastly_cpu, fastly_raw_cpu),
            ("bitly shorten", bitly_cpu, bitly_raw_cpu),
            ("facebook has_liked", facebook_cpu, facebook_raw_cpu),
        )
    ]
    return [
        *cpu_rows,
        Comparison(
            name="facebook: has_liked, time per call",
            ours=1e6 / facebook_ours,
            reference=1e6 / facebook_raw,
            reference_name="raw httpx, same GET /v21.0/me/likes/{page_id}",
            unit="µs/call",
            higher_is_better=False,
            goal="<= 1.1x",
        ),
        Comparison(
            name="bitly: shorten (no cache), time per call",
            ours=1e6 / bitly_ours,
            reference=1e6 / bitly_raw,
            reference_name="raw httpx, same POST /v4/shorten",
            unit="µs/call",
            higher_is_better=False,
            goal="<= 1.1x",
        ),
        Comparison(
            name="fastly: purge_key, time per call",
            ours=1e6 / fastly_ours,
            reference=1e6 / fastly_raw,
            reference_name="raw httpx, same POST /service/{id}/purge/{key}",
            unit="µs/call",
            higher_is_better=False,
            goal="<= 1.1x",
        ),
        Comparison(
            name="slack: post_message, time per call",
            ours=1e6 / slack_ours,
            reference=1e6 / slack_raw,
            reference_name="raw httpx, same POST /api/chat.postMessage",
            unit="µs/call",
            higher_is_better=False,
            goal="<= 1.1x",
        ),
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

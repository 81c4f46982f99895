"""Workflow 1's last step: the campaign service that turns ``fan.verified`` events into presale emails.

:class:`CampaignConsumer` reads the run's topic in its own consumer group, in batches. For each batch
it takes the fans it has not seen in that batch, gives each a presale code from PACMAN
(:func:`verifiedfan.ticketmaster.generate_passwords`), kept in Redis with ``SET NX`` so a fan keeps
the code first given, and sends the presale email through SFMC's multi-recipient send. Offsets are
committed only after the batch's emails were accepted (at least once: a crash re-reads, never
skips). Once, mid-run, it stops as a crash would (emails sent, offsets not committed) and a new
consumer of the same group takes over: it re-reads that batch and sends the same emails again, with
the same message keys (campaign, fan, definition), which SFMC refuses as duplicates, so no fan gets
two emails. Fans are reached at a made-up address per fan (the events carry no address).
"""

from __future__ import annotations

import asyncio
import logging
from collections import Counter
from dataclasses import dataclass
from typing import Any

from verifiedfan.demo._models import DemoConnections
from verifiedfan.kafka import ConsumedMessage, KafkaConsumer
from verifiedfan.partners import EmailRecipient, SendStatus, Sfmc
from verifiedfan.redis import Redis
from verifiedfan.ticketmaster import generate_passwords

__all__ = ["CampaignConsumer", "CampaignTally", "fan_address"]

logger = logging.getLogger(__name__)

DEFINITION_KEY = "vf-presale-code"
CODE_TTL = 3600.0


def fan_address(user_id: str) -> str:
    """The demo's address of a fan (the ``fan.verified`` event carries none)."""
    return f"fan-{user_id}@inbox.example"


@dataclass(slots=True)
class CampaignTally:
    """What the campaign consumer did: events read (replays included), events read again after
    the restart, SFMC's answers per status, restarts, and the Redis keys of the codes it assigned."""

    events_read: int = 0
    events_replayed: int = 0
    accepted: int = 0
    already_sent: int = 0
    rejected: int = 0
    restarts: int = 0
    code_keys: frozenset[str] = frozenset()


class _Crash(Exception):
    """The simulated crash: the batch's emails went out, its offsets were never committed."""


class CampaignConsumer:
    """Reads ``fan.verified`` from ``topic`` and sends one presale email per fan (see the module)."""

    def __init__(
        self,
        *,
        connections: DemoConnections,
        topic: str,
        group_id: str,
        campaign: str,
        sfmc: Sfmc,
        redis: Redis,
        batch_size: int = 500,
        poll_timeout: float = 0.25,
        restart_after: int | None = None,
    ) -> None:
        self._conns = connections
        self._topic = topic
        self._group = group_id
        self.campaign = campaign
        self._sfmc = sfmc
        self._redis = redis
        self._batch = batch_size
        self._poll = poll_timeout
        self._restart_after = restart_after
        self._seen: set[tuple[int, int]] = set()  # (partition, offset) of every event read
        self._committed: set[tuple[int, int]] = set()  # ... of those whose offsets were committed
        self._issued: set[str] = set()
        self._code_keys: set[str] = set()
        self.tally = CampaignTally()

    def _consumer(self) -> KafkaConsumer:
        return KafkaConsumer(
            brokers=self._conns.kafka_brokers,
            topics=self._topic,
            group_id=self._group,
            registry_url=self._conns.registry_url,
            poll_timeout=self._poll,
            batch_size=self._batch,
            consumer_config={"enable.auto.commit": False},  # committed after the emails, by hand
        )

    async def run(self, published: asyncio.Future[int], *, give_up_after: float) -> CampaignTally:
        """Until every published event was handled (``published`` resolves to their number), or
        ``give_up_after`` seconds without an event once publishing ended."""
        while True:
            consumer = self._consumer()
            await consumer.connect()
            try:
                finished = await self._generation(consumer, published, give_up_after)
            except _Crash:
                self.tally.restarts += 1
                logger.info("campaign consumer stopped mid-run; a new one takes over the group")
                finished = False
            finally:
                await consumer.close()  # auto-commit is off: what was not committed is read again
            if finished:
                self.tally.code_keys = frozenset(self._code_keys)
                return self.tally

    async def _generation(
        self, consumer: KafkaConsumer, published: asyncio.Future[int], give_up_after: float
    ) -> bool:
        idle = 0.0
        while True:
            if published.done() and len(self._committed) >= published.result():
                return True
            stream = consumer.messages(max_messages=self._batch, idle_timeout=self._poll)
            batch = [message async for message in stream]
            if not batch:
                if published.done():
                    idle += self._poll
                    if idle >= give_up_after:
                        logger.warning("campaign: %d of %d events", len(self._seen), published.result())
                        return True
                continue
            idle = 0.0
            await self._handle(batch)
            if self._should_crash(published):
                raise _Crash
            await consumer.commit()
            self._committed.update((m.partition, m.offset) for m in batch)

    def _should_crash(self, published: asyncio.Future[int]) -> bool:
        if self._restart_after is None or self.tally.restarts:
            return False
        if len(self._seen) >= self._restart_after:
            return True
        return published.done() and len(self._seen) >= published.result()  # never reached: crash at the end

    async def _handle(self, batch: list[ConsumedMessage]) -> None:
        fans: dict[str, str] = {}
        for message in batch:
            where = (message.partition, message.offset)
            self.tally.events_read += 1
            if where in self._seen:
                self.tally.events_replayed += 1
            self._seen.add(where)
            value: dict[str, Any] = message.value
            fans.setdefault(str(value["userId"]), str(value["artistId"]))
        codes = await self._codes(list(fans))
        recipients = [
            EmailRecipient(
                to=fan_address(user_id),
                contact_key=user_id,
                attributes={"PresaleCode": codes[user_id], "ArtistId": artist_id},
            )
            for user_id, artist_id in fans.items()
        ]
        results = await self._sfmc.send_transactional_emails(
            DEFINITION_KEY, recipients, campaign=self.campaign
        )
        statuses = Counter(r.status for r in results)
        self.tally.accepted += statuses[SendStatus.ACCEPTED]
        self.tally.already_sent += statuses[SendStatus.ALREADY_SENT]
        self.tally.rejected += statuses[SendStatus.REJECTED]

    async def _codes(self, user_ids: list[str]) -> dict[str, str]:
        """Each fan's presale code: the one already given (Redis), else a new one from PACMAN, kept
        with ``SET NX`` so that two consumers racing for a fan agree on the first."""
        keys = [f"presale:{self.campaign}:{u}" for u in user_ids]
        self._code_keys.update(keys)
        found = await self._redis.mget(keys, use_primary=True)
        missing = [key for key, value in zip(keys, found, strict=True) if value is None]
        if missing:
            fresh: list[str] = []
            while len(fresh) < len(missing):  # unique within a call; across calls checked here
                fresh += [c for c in generate_passwords(len(missing) - len(fresh)) if c not in self._issued]
                self._issued.update(fresh)
            for key, code in zip(missing, fresh, strict=True):
                await self._redis.set(key, code, ttl=CODE_TTL, new_only=True)
            found = await self._redis.mget(keys, use_primary=True)
        return {u: str(code) for u, code in zip(user_ids, found, strict=True)}

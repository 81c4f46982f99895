"""Bringing up (and releasing) the servers the demo needs, through :class:`~verifiedfan.stack.Stack`."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from verifiedfan.demo._models import DemoConnections
from verifiedfan.stack import Reporter, Stack, StackSettings, connections

__all__ = ["NEEDED_SERVERS", "StackLease", "bring_up"]

logger = logging.getLogger(__name__)

NEEDED_SERVERS: tuple[str, ...] = ("kafka", "schema-registry", "redis")


@dataclass(frozen=True, kw_only=True, slots=True)
class StackLease:
    """The servers this run leased and those it started (stopped again by :meth:`release` unless
    another session still uses them)."""

    stack: Stack
    leased: tuple[str, ...]
    started: tuple[str, ...]
    connections: DemoConnections

    def release(self) -> None:
        for name in self.leased:
            try:
                self.stack.release(name, started_here=name in self.started)
            except Exception as exc:  # noqa: BLE001 - cleanup: report, do not fail the run
                logger.warning("could not release %s: %s", name, exc)


def bring_up(settings: StackSettings | None = None, *, report: Reporter | None = None) -> StackLease:
    """Start the servers the demo needs that are not running (external ones are only used)."""
    stack = Stack(settings=settings or StackSettings(), report=report)
    conns = connections(stack.settings)
    external = {
        "kafka": conns.kafka.external,
        "schema-registry": conns.schema_registry.external,
        "redis": conns.redis.external,
    }
    local = tuple(n for n in NEEDED_SERVERS if not external[n])
    for name in local:
        stack.lease(name)  # before up: no other session stops it meanwhile
    try:
        started = stack.up(local).started if local else ()
    except BaseException:
        StackLease(stack=stack, leased=local, started=(), connections=_demo_connections(stack)).release()
        raise
    return StackLease(stack=stack, leased=local, started=started, connections=_demo_connections(stack))


def _demo_connections(stack: Stack) -> DemoConnections:
    conns = connections(stack.settings)
    return DemoConnections(
        kafka_brokers=conns.kafka.bootstrap_servers,
        registry_url=conns.schema_registry.url,
        redis_url=conns.redis.url,
        redis_replica_url=conns.redis.replica_url,
    )

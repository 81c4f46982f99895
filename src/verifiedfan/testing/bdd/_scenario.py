"""The per-scenario context: isolated names, lazily built clients on the session loop, teardown.

Every method doing I/O is a coroutine meant to run on the :class:`BddLoop` (``scenario.run(...)``
from a sync step, or ``await`` from code already on the loop, such as a service under test). The
clients are created on that one loop and live until teardown, so nothing is bound to a dead loop.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Awaitable, Callable, Coroutine, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, TypeVar

from verifiedfan.testing.bdd._errors import BddError, BddUsageError, CleanupError
from verifiedfan.testing.bdd._eventually import aeventually
from verifiedfan.testing.bdd._kafka import KafkaSide, ObservedMessage
from verifiedfan.testing.bdd._loop import BddLoop
from verifiedfan.testing.bdd._matchers import assert_fields, jsonable
from verifiedfan.testing.bdd._names import ScenarioNames

if TYPE_CHECKING:
    from verifiedfan.mongo import Mongo
    from verifiedfan.redis import Redis

__all__ = ["BddOptions", "BddScenario", "Service"]

logger = logging.getLogger(__name__)

T = TypeVar("T")

Service = Callable[["BddScenario"], Coroutine[Any, Any, None]]
"""A service under test: ``async def service(scenario) -> None``, run as a task until teardown."""

#: what the resolver is asked for -> the plugin fixture that answers
SERVERS = ("kafka", "schema_registry", "redis", "mongo", "aws")


@dataclass(frozen=True, kw_only=True, slots=True)
class BddOptions:
    """Options of the step library (override the ``vf_bdd_options`` fixture to change them).

    ``timeout``/``interval``: the default wait of the "... within N seconds" steps when N is not
    given. ``redis_ttl``: the TTL (seconds) of seeded keys. ``shared_topics``: topics used under
    their own name (a deployed service's), never created nor deleted. ``asset_dir``: where schema
    files are looked up (default: the test module's directory).
    """

    timeout: float = 10.0
    interval: float = 0.2
    redis_ttl: float = 300.0
    shared_topics: frozenset[str] = field(default_factory=frozenset)
    asset_dir: Path | None = None

    def __post_init__(self) -> None:
        if self.timeout <= 0 or self.interval <= 0 or self.redis_ttl <= 0:
            raise BddUsageError("timeout, interval and redis_ttl must be positive")


class BddScenario:
    """One scenario's world: ``run_id``, ``names``, ``vars`` (``${name}`` in docstrings), ``last``.

    ``resolve(server)`` returns the connection settings of ``kafka``, ``schema_registry``,
    ``redis`` or ``mongo`` (the plugin's session fixtures, starting the server when needed).
    """

    def __init__(
        self,
        *,
        names: ScenarioNames,
        loop: BddLoop,
        resolve: Callable[[str], Any],
        options: BddOptions | None = None,
        asset_dir: Path | None = None,
    ) -> None:
        self.names = names
        self.run_id = names.run_id
        self.loop = loop
        self.options = options or BddOptions()
        self.asset_dir = self.options.asset_dir or asset_dir or Path.cwd()
        self.vars: dict[str, Any] = {"run_id": names.run_id}
        self.last: Any = None
        self.last_response: Any = None  # the HTTP steps' last httpx.Response
        self._resolve = resolve
        self._kafka: KafkaSide | None = None
        self._mongo: Mongo | None = None
        self._redis: Redis | None = None
        self._services: list[asyncio.Task[None]] = []
        self._closed = False
        #: per-scenario state of step modules (the AWS side...), closed through :meth:`on_close`
        self.extensions: dict[str, Any] = {}
        self._closers: list[Callable[[], Awaitable[list[str]]]] = []

    # -- running on the loop --------------------------------------------------------------------

    def run(self, awaitable: Awaitable[T], *, timeout: float | None = None) -> T:
        """Run ``awaitable`` on the session loop and return its result (for sync steps)."""
        return self.loop.run(awaitable, timeout=timeout)

    def require(self, *servers: str) -> None:
        """Resolve servers now (from a step: the plugin may skip or fail the test here)."""
        for server in servers:
            if server not in SERVERS:
                raise BddUsageError(f"unknown server {server!r}: one of {', '.join(SERVERS)}")
            self._resolve(server)

    def asset(self, path: str) -> Path:
        """A file named by a step, relative to ``asset_dir``."""
        full = (self.asset_dir / path).resolve()
        if not full.is_file():
            raise BddUsageError(f"no such file: {path} (looked in {self.asset_dir})")
        return full

    def load_json(self, path: str) -> Any:
        """A JSON (or ``.avsc``) file named by a step."""
        try:
            return json.loads(self.asset(path).read_text(encoding="utf-8"))
        except ValueError as exc:
            raise BddUsageError(f"{path} is not valid JSON: {exc}") from exc

    # -- clients (built lazily; no I/O until used) ----------------------------------------------

    def kafka(self) -> KafkaSide:
        if self._kafka is None:
            conn = self._resolve("kafka")
            registry = self._resolve("schema_registry")
            self._kafka = KafkaSide(
                bootstrap_servers=conn.bootstrap_servers, registry_url=registry.url, names=self.names
            )
        return self._kafka

    def mongo(self) -> Mongo:
        """The :class:`verifiedfan.mongo.Mongo` of this scenario's database (dropped in teardown)."""
        if self._mongo is None:
            from verifiedfan.mongo import Mongo

            conn = self._resolve("mongo")
            self._mongo = Mongo(hosts=conn.url, db_name=self.names.mongo_db, server_selection_timeout=10)
        return self._mongo

    def redis(self) -> Redis:
        """A :class:`verifiedfan.redis.Redis` namespaced with the scenario's prefix (keys deleted later)."""
        if self._redis is None:
            from verifiedfan.redis import Redis

            conn = self._resolve("redis")
            self._redis = Redis(url=conn.url, namespace=self.names.redis_prefix)
        return self._redis

    # -- services under test --------------------------------------------------------------------

    def start_service(self, service: Service, *, name: str = "service") -> None:
        """Run ``service(self)`` as a task on the session loop until teardown (then cancelled)."""

        async def start() -> None:
            self._services.append(asyncio.create_task(service(self), name=f"{name}:{self.run_id}"))

        self.run(start())

    def on_close(self, closer: Callable[[], Awaitable[list[str]]]) -> None:
        """Run ``closer`` in teardown (after the services stop, also after a failure); it returns
        the problems it met, reported with the others."""
        self._closers.append(closer)

    def check_services(self) -> None:
        """Raise the error of a service that died, instead of waiting for a timeout."""
        for task in self._services:
            if task.done() and not task.cancelled() and task.exception() is not None:
                raise BddError(
                    f"service {task.get_name()} crashed: {task.exception()!r}"
                ) from task.exception()

    async def _wait(
        self,
        probe: Callable[[], Awaitable[T]],
        timeout: float | None,  # noqa: ASYNC109 - the poll's deadline
        what: str,
    ) -> T:
        async def checked() -> T:
            self.check_services()
            return await probe()

        return await aeventually(
            checked,
            timeout=self.options.timeout if timeout is None else timeout,
            interval=self.options.interval,
            description=what,
            until=lambda _: True,
        )

    # -- Kafka ----------------------------------------------------------------------------------

    async def topic(self, logical: str) -> str:
        """The physical topic (created, and watched from now on)."""
        return await self.kafka().topic(logical)

    async def register_schema(self, schema: str | dict[str, Any], *, subject: str) -> int:
        """Register an Avro schema under ``subject`` (a physical name), removed in teardown."""
        return await self.kafka().register(subject, schema)

    async def produce(
        self,
        logical_topic: str,
        value: Any,
        *,
        key: str | None = None,
        fmt: Literal["avro", "json"] = "json",
        schema: str | dict[str, Any] | None = None,
        subject: str | None = None,
    ) -> None:
        """Send one event. Avro: ``schema`` is registered first (under ``subject`` or the topic's
        ``-value`` subject); without it the latest version of the subject is used."""
        side = self.kafka()
        physical = await side.topic(logical_topic)
        if fmt == "avro":
            subject = subject or f"{physical}-value"
            if schema is not None:
                await side.register(subject, schema)
        await side.produce(physical, value, key=key, fmt=fmt, subject=subject)

    async def wait_for_message(
        self,
        logical_topic: str,
        fields: Mapping[str, Any],
        *,
        timeout: float | None = None,  # noqa: ASYNC109 - the poll's deadline
    ) -> ObservedMessage:
        """The first message since the topic was first named whose value matches ``fields``."""
        side = self.kafka()
        physical = await side.topic(logical_topic)
        expected = dict(fields)

        async def probe() -> ObservedMessage:
            seen = await side.messages(physical)
            for message in seen:
                if _matches(message.value, expected):
                    return message
            closest = seen[-1].value if seen else "no message yet"
            assert_fields(closest, expected, what=f"last message on {physical} ({len(seen)} seen)")
            raise AssertionError("unreachable")  # pragma: no cover - assert_fields raised

        found = await self._wait(probe, timeout, f"a message on {physical} matching {expected}")
        self.last = found.value
        return found

    # -- Mongo ----------------------------------------------------------------------------------

    async def insert_document(self, collection: str, document: Mapping[str, Any]) -> Any:
        """Insert ``document``; its id."""
        return await self.mongo().collection(collection).insert_one(dict(document))

    async def wait_for_document(
        self,
        collection: str,
        query: Mapping[str, Any],
        *,
        timeout: float | None = None,  # noqa: ASYNC109 - the poll's deadline
    ) -> dict[str, Any]:
        """The first document of ``collection`` matching the Mongo ``query``, polling until timeout."""
        coll = self.mongo().collection(collection)

        async def probe() -> dict[str, Any]:
            doc = await coll.find_one(dict(query), use_primary=True)
            if doc is None:
                count = await coll.count()
                raise AssertionError(f"no match yet ({count} documents in {collection})")
            return doc

        doc = await self._wait(probe, timeout, f"a document in {collection} matching {jsonable(query)}")
        self.last = doc
        return doc

    # -- Redis ----------------------------------------------------------------------------------

    async def seed_key(self, key: str, value: Any, *, ttl: float | None = None) -> None:
        """Store ``value`` (JSON) under the scenario's prefix."""
        await self.redis().set(key, value, ttl=ttl or self.options.redis_ttl)

    async def get_key(self, key: str) -> Any:
        """The JSON value of ``key`` (``None`` when missing), read from the primary."""
        return await self.redis().get(key, use_primary=True)

    async def wait_for_key(
        self,
        key: str,
        fields: Any,
        *,
        timeout: float | None = None,  # noqa: ASYNC109 - the poll's deadline
    ) -> Any:
        """The value of ``key`` once it matches ``fields`` (partially, for objects)."""

        async def probe() -> Any:
            value = await self.get_key(key)
            assert_fields(value, fields, what=f"Redis key {key}")
            return value

        value = await self._wait(probe, timeout, f"Redis key {self.names.redis_key(key)} matching {fields}")
        self.last = value
        return value

    # -- teardown -------------------------------------------------------------------------------

    async def aclose(self) -> list[str]:
        """Stop services, remove every resource of the scenario, close clients; the problems met."""
        if self._closed:
            return []
        self._closed = True
        problems: list[str] = []
        for task in self._services:
            task.cancel()
        for task in self._services:
            try:
                await task
            except asyncio.CancelledError:
                pass
            except Exception as exc:  # noqa: BLE001 - reported below, teardown goes on
                problems.append(f"service {task.get_name()} failed: {exc!r}")
        for closer in reversed(self._closers):
            try:
                problems += await closer()
            except Exception as exc:  # noqa: BLE001 - reported below, teardown goes on
                problems.append(f"cleanup {closer!r} failed: {exc!r}")
        if self._kafka is not None:
            problems += await self._kafka.aclose()
        if self._mongo is not None:
            try:
                await self._mongo.client().drop_database(self.names.mongo_db)
            except Exception as exc:  # noqa: BLE001
                problems.append(f"mongo database {self.names.mongo_db}: {exc}")
            await self._mongo.close()
        if self._redis is not None:
            problems += await self._clean_redis(self._redis)
        return problems

    async def _clean_redis(self, cache: Redis) -> list[str]:
        import redis.asyncio as aredis

        client: Any = aredis.Redis.from_url(self._resolve("redis").url)
        try:
            keys = [k async for k in client.scan_iter(match=f"{self.names.redis_prefix}*", count=500)]
            if keys:
                await client.delete(*keys)
        except Exception as exc:  # noqa: BLE001
            return [f"redis keys {self.names.redis_prefix}*: {exc}"]
        finally:
            await client.aclose()
            await cache.aclose()
        return []

    def close(self) -> None:
        """Sync teardown: run :meth:`aclose` on the loop; raise :class:`CleanupError` on problems."""
        problems = self.run(self.aclose(), timeout=120.0)
        if problems:
            raise CleanupError(problems)


def _matches(value: Any, expected: Mapping[str, Any]) -> bool:
    from verifiedfan.testing.bdd._matchers import field_mismatches

    return not field_mismatches(jsonable(value), expected)

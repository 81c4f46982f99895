"""Per-scenario run ids, and the physical names (topics, subjects, key prefix, database) built on them.

Every resource a scenario creates carries its run id, so that scenarios running at the same time
(xdist workers, two CI jobs on one environment) never see each other's data, and so that teardown
knows exactly what to remove. A run id reads like the scenario: ``fan-is-verified-3f2a9c1b``.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Callable
from dataclasses import dataclass, field

from verifiedfan.testing.bdd._errors import BddUsageError

__all__ = ["ScenarioNames", "new_run_id"]

_SLUG_MAX = 20
_LOGICAL = re.compile(r"^[A-Za-z0-9._-]{1,180}$")
_KEY_PART = re.compile(r"^[^\s]{1,200}$")


def _slug(text: str) -> str:
    words = re.findall(r"[a-z0-9]+", text.lower())
    slug = ""
    for word in words:
        candidate = f"{slug}-{word}" if slug else word
        if len(candidate) > _SLUG_MAX:
            if not slug:
                slug = word[:_SLUG_MAX]
            break
        slug = candidate
    return slug or "scenario"


def new_run_id(scenario: str = "", *, token: Callable[[], str] | None = None) -> str:
    """A run id for one scenario: a slug of its name (at most 20 characters) and 8 random hex digits.

    Only ``[a-z0-9-]``, so it is valid in a Kafka topic, a Redis key and a Mongo database name.
    ``token`` replaces the random part (tests).
    """
    part = token() if token is not None else secrets.token_hex(4)
    if not re.fullmatch(r"[a-z0-9]{1,16}", part):
        raise BddUsageError(f"a run id token must be 1-16 characters of [a-z0-9], not {part!r}")
    return f"{_slug(scenario)}-{part}"


@dataclass(frozen=True, kw_only=True, slots=True)
class ScenarioNames:
    """Maps the names a feature file uses (logical) to the ones used on the servers (physical).

    ``shared_topics`` are used as they are (a deployed service's topics): never created nor
    deleted, read from the offsets remembered when the scenario first names them.
    """

    run_id: str
    shared_topics: frozenset[str] = field(default_factory=frozenset)

    def __post_init__(self) -> None:
        if not re.fullmatch(r"[a-z0-9][a-z0-9-]{0,39}", self.run_id):
            raise BddUsageError(f"invalid run id {self.run_id!r}: use new_run_id()")

    def is_shared(self, topic: str) -> bool:
        return topic in self.shared_topics

    def topic(self, logical: str) -> str:
        """``fan.verified`` -> ``fan.verified.<run id>`` (a shared topic keeps its name)."""
        _check_logical("topic", logical)
        return logical if logical in self.shared_topics else f"{logical}.{self.run_id}"

    def subject(self, logical: str) -> str:
        """A schema-registry subject of this scenario: ``<logical>.<run id>``."""
        _check_logical("subject", logical)
        return f"{logical}.{self.run_id}"

    def value_subject(self, logical_topic: str) -> str:
        """The default (TopicNameStrategy) value subject of a topic: ``<physical topic>-value``."""
        return f"{self.topic(logical_topic)}-value"

    @property
    def redis_prefix(self) -> str:
        """The key prefix of this scenario: ``bdd:<run id>:``."""
        return f"bdd:{self.run_id}:"

    def redis_key(self, logical: str) -> str:
        """The full Redis key of ``logical`` (with the prefix)."""
        if not _KEY_PART.fullmatch(logical):
            raise BddUsageError(f"invalid Redis key {logical!r}: 1-200 characters, no spaces")
        return self.redis_prefix + logical

    @property
    def mongo_db(self) -> str:
        """The database of this scenario: ``bdd_<run id with underscores>`` (at most 63 characters)."""
        return "bdd_" + self.run_id.replace("-", "_")

    def group_id(self, purpose: str) -> str:
        """A consumer group id for this scenario."""
        return f"bdd-{self.run_id}-{purpose}"


def _check_logical(kind: str, name: str) -> None:
    if not _LOGICAL.fullmatch(name):
        raise BddUsageError(f"invalid {kind} name {name!r}: 1-180 characters of [A-Za-z0-9._-]")

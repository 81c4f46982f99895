"""The demo's crowd: which sandbox fans are checked, on which platform, and in what order."""

from __future__ import annotations

import random
from dataclasses import dataclass

from verifiedfan.errors import ValidationError
from verifiedfan.music import Platform

__all__ = ["CrowdFan", "plan_crowd"]

PLATFORMS: tuple[Platform, Platform] = ("spotify", "apple_music")


def crowd_user_id(index: int) -> str:
    """The sandbox's seeded crowd user ``index`` (``Sandbox.crowd_user_id``, without importing the
    sandbox servers here)."""
    return f"user-{index:06d}"


@dataclass(frozen=True, slots=True)
class CrowdFan:
    """One check: the fan's platform and sandbox user id; ``repeat`` when checked before in the run."""

    platform: Platform
    user_id: str
    repeat: bool = False

    @property
    def cache_key(self) -> str:
        return f"{self.platform}:{self.user_id}"


def plan_crowd(fans: int, *, repeat_ratio: float, seed: int) -> list[CrowdFan]:
    """``fans`` checks, alternating platforms, of which ``int(fans * repeat_ratio)`` repeat a fan
    from the first half of the unique fans, shuffled into the second half: every repeat comes
    after the first check of its fan, so it can be served from the cache."""
    rng = random.Random(seed)
    repeats = int(fans * repeat_ratio)
    unique = fans - repeats
    first = [CrowdFan(PLATFORMS[i % 2], crowd_user_id(i // 2)) for i in range(unique)]
    half = unique // 2
    if repeats > half:
        raise ValidationError(f"{repeats} repeats need at least {2 * repeats} unique fans")
    again = [CrowdFan(f.platform, f.user_id, repeat=True) for f in rng.sample(first[:half], repeats)]
    tail = first[half:] + again
    rng.shuffle(tail)
    return first[:half] + tail

"""The demo's crowd: which sandbox fans are checked, on which platform, and in what order."""

from __future__ import annotations

import random
from dataclasses import dataclass

from verifiedfan.errors import ValidationError
from verifiedfan.music import Platform

__all__ = ["CrowdFan", "plan_crowd", "plan_hot_crowd"]

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


def plan_crowd(fans: int, *, repeat_ratio: float, seed: int, hot_gap: int | None = None) -> list[CrowdFan]:
    """``fans`` checks, alternating platforms, of which ``int(fans * repeat_ratio)`` repeat a fan
    from the first half of the unique fans, shuffled into the second half: every repeat comes
    after the first check of its fan, so it can be served from the cache.

    With ``hot_gap`` (the cache mode) the crowd is a hot set instead (see :func:`plan_hot_crowd`),
    which allows any ratio below 1."""
    if hot_gap is not None:
        return plan_hot_crowd(fans, repeat_ratio=repeat_ratio, seed=seed, gap=hot_gap)
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


def plan_hot_crowd(fans: int, *, repeat_ratio: float, seed: int, gap: int) -> list[CrowdFan]:
    """``fans`` checks of which exactly ``int(fans * repeat_ratio)`` repeat an earlier fan: new fans
    keep arriving at random through the run (as in a real crowd, not all at the start), and each
    repeat picks, uniformly, a fan whose first check is at least ``gap`` checks earlier (so that
    its first check has most likely finished: pass a few times the concurrency). Where no fan is
    that old yet, a new fan comes instead while some remain; after that (a crowd too small for
    ``gap``) a repeat picks from the older half of the fans seen so far."""
    if not 0.0 <= repeat_ratio < 1.0:
        raise ValidationError(f"repeat_ratio must be in [0, 1), got {repeat_ratio}")
    if gap < 0:
        raise ValidationError(f"gap must be >= 0, got {gap}")
    rng = random.Random(seed)
    repeats = int(fans * repeat_ratio)
    new_left = fans - repeats
    firsts: list[tuple[int, CrowdFan]] = []  # (position, fan) of each first check, in order
    crowd: list[CrowdFan] = []
    eligible = 0  # firsts[:eligible] are at least ``gap`` positions back
    for i in range(fans):
        while eligible < len(firsts) and firsts[eligible][0] <= i - gap:
            eligible += 1
        repeats_left = fans - i - new_left
        want_repeat = rng.random() * (fans - i) < repeats_left
        if new_left and (not want_repeat or not eligible):
            k = len(firsts)
            fan = CrowdFan(PLATFORMS[k % 2], crowd_user_id(k // 2))
            firsts.append((i, fan))
            new_left -= 1
            crowd.append(fan)
            continue
        pool = eligible or max(1, len(firsts) // 2)
        _, old = firsts[rng.randrange(pool)]
        crowd.append(CrowdFan(old.platform, old.user_id, repeat=True))
    return crowd

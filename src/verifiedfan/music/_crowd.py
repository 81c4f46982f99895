"""Verifying many fans at once: bounded concurrency, results as they complete, errors kept per fan.

This is workflow 1's inner loop (the ``vf demo`` drives it for tens of thousands of sandbox fans):
fetch each fan's engagement from their platform, apply the criteria, hand back one
:class:`FanCheck` per fan as soon as it is known, so a caller can publish events and update a
progress bar while the rest are still in flight.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterable, Mapping
from dataclasses import dataclass
from typing import Protocol

from verifiedfan.errors import ValidationError, VFError
from verifiedfan.music._models import Artist, FanEngagement, UserToken
from verifiedfan.music._verify import TargetArtist, VerificationCriteria, VerificationResult, verify_fan

__all__ = ["EngagementSource", "FanCheck", "verify_fans"]


class EngagementSource(Protocol):
    """Anything with ``get_fan_engagement(token)``: :class:`Spotify`, :class:`AppleMusic`, a fake."""

    async def get_fan_engagement(
        self,
        token: str | UserToken,
        *,
        top_tracks: bool = ...,
        followed_artists: bool = ...,
        recently_played: bool = ...,
    ) -> FanEngagement: ...


@dataclass(frozen=True, slots=True)
class FanCheck:
    """The outcome for one fan: ``result`` when the check ran, ``error`` when fetching failed.

    ``key`` is the caller's id for the fan (e.g. the Ticketmaster user id), not a token.
    """

    key: str
    result: VerificationResult | None = None
    error: VFError | None = None

    @property
    def verified(self) -> bool:
        return self.result is not None and self.result.verified


async def verify_fans(
    source: EngagementSource,
    fans: Mapping[str, str | UserToken] | Iterable[tuple[str, str | UserToken]],
    *,
    artist: TargetArtist | Artist | str,
    criteria: VerificationCriteria | None = None,
    concurrency: int = 64,
    minimal: bool = True,
) -> AsyncIterator[FanCheck]:
    """Check every ``(key, token)`` fan against ``artist``; yields a :class:`FanCheck` per fan in
    completion order, with at most ``concurrency`` fans in flight. A fan whose fetch fails with a
    :class:`~verifiedfan.errors.VFError` yields a check with ``error`` set; the others go on.

    ``minimal`` fetches only what the criteria read (profile, top artists, saved tracks); with
    ``False`` the followed artists and recent plays are fetched too and count in the score."""
    if concurrency < 1:
        raise ValidationError("concurrency must be >= 1")
    target = TargetArtist.of(artist)
    crit = criteria or VerificationCriteria()
    pairs = iter(fans.items() if isinstance(fans, Mapping) else fans)

    async def check(key: str, token: str | UserToken) -> FanCheck:
        try:
            engagement = await source.get_fan_engagement(
                token, top_tracks=not minimal, followed_artists=not minimal, recently_played=not minimal
            )
        except VFError as exc:
            return FanCheck(key=key, error=exc)
        return FanCheck(key=key, result=verify_fan(engagement, artist=target, criteria=crit))

    pending: set[asyncio.Task[FanCheck]] = set()
    try:
        while True:
            for key, token in pairs:
                pending.add(asyncio.ensure_future(check(key, token)))
                if len(pending) >= concurrency:
                    break
            if not pending:
                return
            done, pending = await asyncio.wait(pending, return_when=asyncio.FIRST_COMPLETED)
            for task in done:
                yield task.result()
    finally:
        for task in pending:
            task.cancel()
        if pending:
            await asyncio.gather(*pending, return_exceptions=True)

"""Fan verification: does a :class:`FanEngagement` show that the user is a fan of an artist?

The defaults follow use case 1: the artist is among the user's top 10 artists, or the user saved more
than 50 of the artist's tracks. Both thresholds are configurable, and the use case's other reading of
">50 saved tracks" (in total, whatever the artist) is available as ``saved_tracks_total_over``.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass, field
from typing import Literal

from verifiedfan.errors import ValidationError
from verifiedfan.music._models import Artist, FanEngagement, Platform, Track

__all__ = [
    "TargetArtist",
    "VerificationCriteria",
    "VerificationReason",
    "VerificationResult",
    "normalize_artist_name",
    "verify_fan",
]

_SPACES = re.compile(r"\s+")


@functools.lru_cache(maxsize=8192)  # a crowd repeats the same few thousand artist names
def normalize_artist_name(name: str) -> str:
    """Casefold, strip accents and collapse whitespace: ``"  Beyoncé\\tKnowles"`` -> ``"beyonce knowles"``."""
    decomposed = unicodedata.normalize("NFKD", name.casefold())
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return _SPACES.sub(" ", unicodedata.normalize("NFKC", stripped)).strip()


@dataclass(frozen=True, slots=True)
class TargetArtist:
    """The artist to verify against: platform ids (any platform) and/or a name.

    An artist matches when its id is one of ``ids`` or its normalized name equals the normalized
    ``name``.
    """

    ids: frozenset[str] = frozenset()
    name: str | None = None
    _normalized: str | None = field(default=None, init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        if not self.ids and not (self.name and self.name.strip()):
            raise ValidationError("TargetArtist needs at least one platform id or a non-empty name")
        object.__setattr__(self, "ids", frozenset(self.ids))
        if self.name is not None:
            object.__setattr__(self, "_normalized", normalize_artist_name(self.name))

    @classmethod
    def of(cls, artist: TargetArtist | Artist | str) -> TargetArtist:
        """Coerce: an :class:`Artist` matches by id or name; a string by id or by name."""
        if isinstance(artist, TargetArtist):
            return artist
        if isinstance(artist, Artist):
            return cls(ids=frozenset({artist.id}), name=artist.name)
        if not isinstance(artist, str) or not artist.strip():
            raise ValidationError("artist must be a TargetArtist, an Artist or a non-empty string")
        return cls(ids=frozenset({artist}), name=artist)

    def matches(self, artist: Artist) -> bool:
        if artist.id and artist.id in self.ids:
            return True
        return self._normalized is not None and normalize_artist_name(artist.name) == self._normalized

    def matches_track(self, track: Track) -> bool:
        return any(self.matches(a) for a in track.artists)


@dataclass(frozen=True, slots=True)
class VerificationCriteria:
    """What makes a fan. A criterion set to ``None`` is disabled.

    - ``top_artist_max_rank``: the artist is ranked at or above this position in the top artists.
    - ``saved_tracks_of_artist_over``: the user saved strictly more tracks of the artist than this.
    - ``saved_tracks_total_over``: the user saved strictly more tracks in total than this (the other
      reading of the use case's ">50 saved tracks"; disabled by default).
    - ``mode``: ``"any"`` verifies when one enabled criterion holds, ``"all"`` when all of them do.
    """

    top_artist_max_rank: int | None = 10
    saved_tracks_of_artist_over: int | None = 50
    saved_tracks_total_over: int | None = None
    mode: Literal["any", "all"] = "any"

    def __post_init__(self) -> None:
        enabled = self._enabled()
        if not enabled:
            raise ValidationError("VerificationCriteria needs at least one enabled criterion")
        if self.top_artist_max_rank is not None and self.top_artist_max_rank < 1:
            raise ValidationError("top_artist_max_rank must be >= 1")
        for name in ("saved_tracks_of_artist_over", "saved_tracks_total_over"):
            value = getattr(self, name)
            if value is not None and value < 0:
                raise ValidationError(f"{name} must be >= 0")
        if self.mode not in ("any", "all"):
            raise ValidationError("mode must be 'any' or 'all'")

    def _enabled(self) -> list[str]:
        return [
            name
            for name in ("top_artist_max_rank", "saved_tracks_of_artist_over", "saved_tracks_total_over")
            if getattr(self, name) is not None
        ]


@dataclass(frozen=True, slots=True)
class VerificationReason:
    """One criterion's outcome. ``code`` is stable (``top_artist``, ``saved_tracks_of_artist``,
    ``saved_tracks_total``, ``followed_artist``, ``recently_played``); ``met`` says whether it held."""

    code: str
    met: bool
    message: str


@dataclass(frozen=True, slots=True)
class VerificationResult:
    """The verdict. ``verification_score`` is in [0, 1]: at least 0.5 when verified, below 0.5 when
    not. ``method`` is the code of the strongest criterion met (``None`` when not verified)."""

    verified: bool
    verification_score: float
    reasons: tuple[VerificationReason, ...]
    platform: Platform
    user_id: str
    method: str | None = None
    artist_rank: int | None = None
    saved_tracks_of_artist: int = 0
    saved_tracks_total: int = 0


def _rank_strength(rank: int | None, limit: int) -> float:
    if rank is None:
        return 0.0
    if rank <= limit:
        return 0.5 + 0.5 * ((limit - rank) / (limit - 1) if limit > 1 else 1.0)
    return min(0.45, 0.5 * limit / rank)


def _count_strength(count: int, over: int) -> float:
    if count > over:
        return 0.5 + 0.5 * min(1.0, (count - over) / max(over, 1))
    return 0.45 * count / over if over else 0.0


def verify_fan(
    engagement: FanEngagement,
    *,
    artist: TargetArtist | Artist | str,
    criteria: VerificationCriteria | None = None,
) -> VerificationResult:
    """Decide whether ``engagement`` shows a fan of ``artist`` under ``criteria`` (defaults apply)."""
    target = TargetArtist.of(artist)
    crit = criteria or VerificationCriteria()
    rank = next(
        (a.rank or i for i, a in enumerate(engagement.top_artists, start=1) if target.matches(a)), None
    )
    of_artist = sum(1 for t in engagement.saved_tracks if target.matches_track(t))
    total = max(engagement.saved_tracks_total, len(engagement.saved_tracks))
    checks: list[tuple[VerificationReason, float]] = []
    if crit.top_artist_max_rank is not None:
        met = rank is not None and rank <= crit.top_artist_max_rank
        where = f"ranked {rank}" if rank is not None else "not in the top artists"
        checks.append(
            (
                VerificationReason(
                    "top_artist", met, f"artist {where} (needs <= {crit.top_artist_max_rank})"
                ),
                _rank_strength(rank, crit.top_artist_max_rank),
            )
        )
    if crit.saved_tracks_of_artist_over is not None:
        over = crit.saved_tracks_of_artist_over
        met = of_artist > over
        checks.append(
            (
                VerificationReason(
                    "saved_tracks_of_artist", met, f"{of_artist} saved tracks of the artist (needs > {over})"
                ),
                _count_strength(of_artist, over),
            )
        )
    if crit.saved_tracks_total_over is not None:
        over = crit.saved_tracks_total_over
        checks.append(
            (
                VerificationReason(
                    "saved_tracks_total", total > over, f"{total} saved tracks (needs > {over})"
                ),
                _count_strength(total, over),
            )
        )
    met_checks = [c for c in checks if c[0].met]
    verified = bool(met_checks) if crit.mode == "any" else len(met_checks) == len(checks)
    bonus: list[VerificationReason] = []
    if any(target.matches(a) for a in engagement.followed_artists):
        bonus.append(VerificationReason("followed_artist", True, "the user follows the artist"))
    if any(target.matches_track(t) for t in engagement.recently_played):
        bonus.append(VerificationReason("recently_played", True, "the user recently played the artist"))
    strengths = [s for _, s in checks]
    base = max(strengths) if crit.mode == "any" else min(strengths)
    score = base + 0.05 * len(bonus)
    score = max(0.5, min(1.0, score)) if verified else min(0.49, score)
    method = max(met_checks, key=lambda c: c[1])[0].code if verified else None
    return VerificationResult(
        verified=verified,
        verification_score=round(score, 4),
        reasons=tuple(r for r, _ in checks) + tuple(bonus),
        platform=engagement.platform,
        user_id=engagement.user.id,
        method=method,
        artist_rank=rank,
        saved_tracks_of_artist=of_artist,
        saved_tracks_total=total,
    )

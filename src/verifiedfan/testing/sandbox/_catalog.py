"""The sandboxes' deterministic world: a catalog of artists and tracks, and seeded users.

Everything derives from one integer seed, so two sandboxes built with the same seed (in a thread or
in another process) serve exactly the same users. Named users cover the verification edge cases;
"crowd" users (``user-000000`` ...) are generated on demand for load tests and the demo.
"""

from __future__ import annotations

import hashlib
import random
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from functools import lru_cache

__all__ = [
    "APPLE_CATALOG_ID",
    "EDGE_CASE_USERS",
    "SPOTIFY_ID",
    "TARGET_ARTIST_NAME",
    "Catalog",
    "SeedArtist",
    "SeedTrack",
    "SeedUser",
    "track_name",
    "track_spotify_id",
]

TARGET_ARTIST_NAME = "Sigrún Ólafsdóttir"
N_ARTISTS = 300
TRACKS_PER_ARTIST = 120
TRACKS_PER_ALBUM = 12
_EPOCH = datetime(2026, 1, 1, tzinfo=UTC)
_WORDS_A = ("Velvet", "Electric", "Silent", "Golden", "Neon", "Crimson", "Paper", "Lunar", "Wild", "Hollow")
_WORDS_B = (
    "Comets",
    "Harbors",
    "Foxes",
    "Engines",
    "Orchards",
    "Tides",
    "Ghosts",
    "Wolves",
    "Lanterns",
    "Kites",
)
_WORDS_C = ("Blue", "Morning", "Static", "River", "Glass", "Summer", "Shadow", "Signal", "Honey", "Ember")
_COUNTRIES = ("US", "GB", "FR", "DE", "ES", "MX", "BR", "JP", "CA", "AU")

# The named users and what they exercise (see SeedUser for the fields).
EDGE_CASE_USERS = (
    "fan-top-1",  # the target artist at rank 1 and 60 saved tracks of it: a clear fan
    "fan-rank-10",  # the target artist at rank 10, few saved tracks: a fan by rank
    "fan-rank-11",  # the target artist at rank 11, few saved tracks: not a fan by default
    "fan-saved-51",  # not in the top artists, 51 saved tracks of the artist: a fan by saved tracks
    "fan-saved-50",  # not in the top artists, exactly 50 saved tracks of the artist: not a fan
    "no-saved-tracks",  # no saved tracks at all, not a fan
    "casual-listener",  # 40 saved tracks of other artists, not a fan
    "heavy-saver",  # 320 saved tracks of other artists (many pages), not a fan of the target
    "follower",  # follows the target artist, rank 15, 10 saved tracks of it
    "expired-token",  # tokens minted for this user are already expired (the refresh token works)
)


# What each platform's ids look like, so an id says which platform it belongs to: Spotify ids are 22
# base62 characters (with at least one letter); Apple Music catalog ids are numeric strings (library
# ids are "i."/"l."/"r." + base62, never bare digits).
SPOTIFY_ID = re.compile(r"^(?=.*[A-Za-z])[0-9A-Za-z]{22}$")
APPLE_CATALOG_ID = re.compile(r"^[1-9][0-9]{5,11}$")
_BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"


def _platform_id(kind: str, index: int, seed: int, length: int = 22) -> str:
    """A deterministic base62 id of ``length`` characters starting with a letter (Spotify ids are 22
    base62 characters; a leading letter keeps it from ever reading as an Apple catalog number)."""
    number = int.from_bytes(hashlib.blake2b(f"{seed}:{kind}:{index}".encode(), digest_size=24).digest())
    chars = [_BASE62[10 + number % 52]]
    number //= 52
    for _ in range(length - 1):
        number, digit = divmod(number, 62)
        chars.append(_BASE62[digit])
    return "".join(chars)


def _apple_catalog_id(kind: str, index: int) -> str:
    """A numeric Apple Music catalog id, 9 or 10 digits as Apple's are (artists ``1xxxxxxxx``,
    songs ``14xxxxxxxx``, albums ``15xxxxxxxx``)."""
    base = {"artist": 100_000_000, "song": 1_400_000_000, "album": 1_500_000_000}[kind]
    return str(base + index * 7 + 3)


@dataclass(frozen=True, slots=True)
class SeedArtist:
    index: int
    name: str
    spotify_id: str
    apple_id: str
    genres: tuple[str, ...]
    apple_library_id: str = ""


@dataclass(frozen=True, slots=True)
class SeedTrack:
    index: int
    artist: int
    name: str
    spotify_id: str
    apple_id: str
    apple_library_id: str
    album_index: int
    album_name: str
    spotify_album_id: str
    apple_album_id: str
    isrc: str
    duration_ms: int
    release_date: str


@dataclass(slots=True)
class SeedUser:
    """One user's listening data, as catalog indices. ``top_artists`` is ranked (index 0 = rank 1);
    ``saved`` is newest first, as the APIs return it."""

    id: str
    display_name: str
    email: str
    country: str
    product: str
    top_artists: list[int] = field(default_factory=list)
    top_tracks: list[int] = field(default_factory=list)
    saved: list[int] = field(default_factory=list)
    followed: list[int] = field(default_factory=list)
    recent: list[int] = field(default_factory=list)
    token_expired: bool = False
    account_id: str = ""  # Spotify's immutable account id (since 2026-05-30), 22 base62 characters

    def added_at(self, position: int) -> str:
        """When the saved track at ``position`` (0 = newest) was added; the same for every user."""
        return self.added_at_of(position)

    @staticmethod
    def added_at_of(position: int) -> str:
        """:meth:`added_at` without a user (it is the same for every user)."""
        return _ADDED_AT[position] if position < len(_ADDED_AT) else _added_at(position)

    def played_at(self, position: int) -> str:
        return (_EPOCH - timedelta(minutes=4 * position + 1)).strftime("%Y-%m-%dT%H:%M:%S.000Z")


def _added_at(position: int) -> str:
    return (_EPOCH - timedelta(hours=3 * position + 1)).strftime("%Y-%m-%dT%H:%M:%SZ")


_ADDED_AT = [_added_at(i) for i in range(1024)]


def track_name(index: int) -> str:
    """The name of catalog track ``index`` (without building the track)."""
    n = index % TRACKS_PER_ARTIST
    return f"{_WORDS_C[n % 10]} {_WORDS_B[(n // 10) % 10]} {n}"


def track_spotify_id(index: int, seed: int) -> str:
    """The Spotify id of catalog track ``index`` (without building the track)."""
    return _platform_id("track", index, seed)


class _Tracks:
    """The catalog's tracks, built on first access (a sandbox touches only a fraction of them)."""

    def __init__(self, seed: int) -> None:
        self._seed = seed
        self._cache: dict[int, SeedTrack] = {}

    def __len__(self) -> int:
        return N_ARTISTS * TRACKS_PER_ARTIST

    def __getitem__(self, index: int) -> SeedTrack:
        track = self._cache.get(index)
        if track is None:
            if not 0 <= index < len(self):
                raise IndexError(index)
            track = self._cache[index] = self._build(index)
        return track

    def _build(self, index: int) -> SeedTrack:
        seed = self._seed
        a = index // TRACKS_PER_ARTIST
        album = index // TRACKS_PER_ALBUM
        return SeedTrack(
            index=index,
            artist=a,
            name=track_name(index),
            spotify_id=track_spotify_id(index, seed),
            apple_id=_apple_catalog_id("song", index),
            apple_library_id="i." + _platform_id("lib", index, seed, 14),
            album_index=album,
            album_name=f"Album {album % 10 + 1}",
            spotify_album_id=_platform_id("album", album, seed),
            apple_album_id=_apple_catalog_id("album", album),
            isrc=f"QZ{a:03d}26{index % 100000:05d}",
            duration_ms=150_000 + (index * 7919 + seed) % 120_000,
            release_date=f"{2010 + album % 15}-0{1 + album % 9}-1{album % 9}",
        )


class Catalog:
    """The seeded catalog and users. ``target`` is the artist the named fans are fans of."""

    def __init__(self, *, seed: int = 7) -> None:
        self.seed = seed
        rng = random.Random(seed)
        genres = ("pop", "indie", "rock", "electronic", "folk", "hip hop", "jazz", "r&b")
        self.artists: list[SeedArtist] = []
        for i in range(N_ARTISTS):
            name = TARGET_ARTIST_NAME if i == 0 else f"The {_WORDS_A[i % 10]} {_WORDS_B[(i // 10) % 10]} {i}"
            self.artists.append(
                SeedArtist(
                    i,
                    name,
                    _platform_id("artist", i, seed),
                    _apple_catalog_id("artist", i),
                    (rng.choice(genres),),
                    "r." + _platform_id("libartist", i, seed, 7),
                )
            )
        self.tracks = _Tracks(seed)
        self.target = self.artists[0]
        self._named = {name: self._build_named(name) for name in EDGE_CASE_USERS}

    # -- users -----------------------------------------------------------------------------------
    def user(self, user_id: str) -> SeedUser | None:
        """The seeded user ``user_id`` (a named user or ``user-NNNNNN``), ``None`` when unknown."""
        named = self._named.get(user_id)
        if named is not None:
            return named
        if user_id.startswith("user-") and user_id[5:].isdigit():
            return self._crowd_user(int(user_id[5:]))
        return None

    def exists(self, user_id: str) -> bool:
        """Whether ``user_id`` is a seeded user (without generating its data)."""
        return user_id in self._named or (
            user_id.startswith("user-") and user_id[5:].isdigit() and len(user_id) > 5
        )

    @staticmethod
    def crowd_user_id(index: int) -> str:
        return f"user-{index:06d}"

    def named_users(self) -> tuple[str, ...]:
        return EDGE_CASE_USERS

    def _tracks_of(self, artist: int, count: int, start: int = 0) -> list[int]:
        return [artist * TRACKS_PER_ARTIST + (start + n) % TRACKS_PER_ARTIST for n in range(count)]

    def _others(self, rng: random.Random, count: int) -> list[int]:
        return rng.sample(range(1, N_ARTISTS), count)

    def _mix(self, rng: random.Random, artists: list[int], count: int) -> list[int]:
        """``count`` distinct tracks of ``artists``: the draws of ``rng.choice(artists) * 120 +
        rng.randrange(120)`` until that many, written with the bits those two take from ``rng``
        (``getrandbits`` of the bound's bit length, redrawn while out of range) so that a crowd user
        costs the sandbox a third of the CPU, with the same tracks (tests/unit/music/test_sandbox.py
        checks it against the two calls)."""
        if not artists:
            raise IndexError("no artists to draw tracks from")
        bits = rng.getrandbits
        n_artists, n_tracks = len(artists), TRACKS_PER_ARTIST
        k_artists, k_tracks = n_artists.bit_length(), n_tracks.bit_length()
        chosen: set[int] = set()
        while len(chosen) < count:
            a = bits(k_artists)
            while a >= n_artists:
                a = bits(k_artists)
            t = bits(k_tracks)
            while t >= n_tracks:
                t = bits(k_tracks)
            chosen.add(artists[a] * n_tracks + t)
        out = sorted(chosen)
        rng.shuffle(out)
        return out

    def _base(self, user_id: str, rng: random.Random) -> SeedUser:
        country = rng.choice(_COUNTRIES)
        return SeedUser(
            id=user_id,
            account_id=_platform_id(f"account:{user_id}", 0, self.seed),
            display_name=user_id.replace("-", " ").title(),
            email=f"{user_id}@sandbox.example",
            country=country,
            product=rng.choice(("premium", "free")),
        )

    def _fill(
        self, user: SeedUser, rng: random.Random, *, target_rank: int | None, of_target: int, others: int
    ) -> None:
        top = self._others(rng, 30)
        if target_rank is not None:
            top.insert(target_rank - 1, 0)
            top = top[:30]
        user.top_artists = top
        user.top_tracks = [self._tracks_of(a, 1, rng.randrange(TRACKS_PER_ARTIST))[0] for a in top[:20]]
        saved = self._tracks_of(0, of_target, rng.randrange(TRACKS_PER_ARTIST)) if of_target else []
        saved += self._mix(rng, [a for a in top[:16] if a != 0][:15], others) if others else []
        rng.shuffle(saved)
        user.saved = saved
        user.followed = sorted(rng.sample(top, 8))
        if 0 in user.followed and target_rank is None:
            user.followed.remove(0)
        user.recent = [rng.choice(saved) for _ in range(20)] if saved else list(user.top_tracks)

    def _build_named(self, name: str) -> SeedUser:
        rng = random.Random(f"{self.seed}:{name}")
        user = self._base(name, rng)
        spec: dict[str, tuple[int | None, int, int]] = {
            "fan-top-1": (1, 60, 20),
            "fan-rank-10": (10, 5, 15),
            "fan-rank-11": (11, 5, 15),
            "fan-saved-51": (None, 51, 30),
            "fan-saved-50": (None, 50, 30),
            "no-saved-tracks": (None, 0, 0),
            "casual-listener": (None, 0, 40),
            "heavy-saver": (None, 0, 320),
            "follower": (15, 10, 10),
            "expired-token": (3, 30, 30),
        }
        target_rank, of_target, others = spec[name]
        self._fill(user, rng, target_rank=target_rank, of_target=of_target, others=others)
        if name == "follower" and 0 not in user.followed:
            user.followed = [0, *user.followed[1:]]
        if name in ("fan-rank-11", "fan-saved-50", "casual-listener", "heavy-saver", "no-saved-tracks"):
            user.followed = [a for a in user.followed if a != 0]
            user.recent = [t for t in user.recent if self.tracks[t].artist != 0] or user.top_tracks[1:]
        user.token_expired = name == "expired-token"
        return user

    def _crowd_user(self, index: int) -> SeedUser:
        return _crowd_cached(self, index)

    def build_crowd_user(self, index: int) -> SeedUser:
        """Crowd user ``index``: about 35% top fans, 15% fans by saved tracks, 50% not fans."""
        rng = random.Random(self.seed * 1_000_003 + index)
        user = self._base(self.crowd_user_id(index), rng)
        roll = rng.random()
        if roll < 0.35:
            target_rank: int | None = rng.randint(1, 10)
            of_target, others = rng.randint(0, 30), rng.randint(0, 120)
        elif roll < 0.5:
            target_rank, of_target, others = None, rng.randint(51, 110), rng.randint(0, 60)
        else:
            target_rank = rng.choice((None, None, rng.randint(11, 30)))
            of_target, others = rng.randint(0, 20), rng.randint(0, 150)
        self._fill(user, rng, target_rank=target_rank, of_target=of_target, others=others)
        return user


@lru_cache(maxsize=4096)
def _crowd_cached(catalog: Catalog, index: int) -> SeedUser:
    return catalog.build_crowd_user(index)

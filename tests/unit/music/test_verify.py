"""The verification criteria as a table of cases."""

from __future__ import annotations

import pytest

from verifiedfan.errors import ValidationError
from verifiedfan.music import (
    Artist,
    FanEngagement,
    MusicUser,
    TargetArtist,
    Track,
    VerificationCriteria,
    normalize_artist_name,
    verify_fan,
)

TARGET = Artist(id="target-id", name="Sigrún Ólafsdóttir", platform="spotify")
OTHER = Artist(id="other-id", name="The Velvet Comets", platform="spotify")


def _artists(target_rank: int | None, count: int = 30) -> tuple[Artist, ...]:
    out = [Artist(id=f"a{i}", name=f"Artist {i}", platform="spotify", rank=i) for i in range(1, count + 1)]
    if target_rank is not None:
        out[target_rank - 1] = Artist(id=TARGET.id, name=TARGET.name, platform="spotify", rank=target_rank)
    return tuple(out)


def _tracks(of_target: int, others: int) -> tuple[Track, ...]:
    mine = [Track(id=f"t{i}", name="x", artists=(TARGET,), platform="spotify") for i in range(of_target)]
    theirs = [Track(id=f"o{i}", name="y", artists=(OTHER,), platform="spotify") for i in range(others)]
    return tuple(mine + theirs)


def engagement(
    target_rank: int | None = None, of_target: int = 0, others: int = 0, **extra: object
) -> FanEngagement:
    saved = _tracks(of_target, others)
    return FanEngagement(
        user=MusicUser(id="u1", platform="spotify"),
        platform="spotify",
        top_artists=_artists(target_rank),
        saved_tracks=saved,
        saved_tracks_total=len(saved),
        **extra,  # type: ignore[arg-type]
    )


DEFAULT = VerificationCriteria()
TOTAL_READING = VerificationCriteria(saved_tracks_of_artist_over=None, saved_tracks_total_over=50)


@pytest.mark.parametrize(
    ("case", "eng", "criteria", "verified", "method"),
    [
        ("rank 1", engagement(1), DEFAULT, True, "top_artist"),
        ("rank 10 is in the top 10", engagement(10), DEFAULT, True, "top_artist"),
        ("rank 11 is not", engagement(11), DEFAULT, False, None),
        ("not in the top artists", engagement(None), DEFAULT, False, None),
        ("51 saved tracks of the artist", engagement(None, 51), DEFAULT, True, "saved_tracks_of_artist"),
        ("exactly 50 is not more than 50", engagement(None, 50), DEFAULT, False, None),
        ("no saved tracks at all", engagement(None, 0, 0), DEFAULT, False, None),
        ("many saved tracks of others", engagement(None, 0, 300), DEFAULT, False, None),
        ("rank 1 and 60 saved: both", engagement(1, 60), DEFAULT, True, "top_artist"),
        (
            "total reading: 51 saved in all",
            engagement(None, 0, 51),
            TOTAL_READING,
            True,
            "saved_tracks_total",
        ),
        ("total reading: 50 in all", engagement(None, 0, 50), TOTAL_READING, False, None),
        (
            "top 20 configured: rank 15",
            engagement(15),
            VerificationCriteria(top_artist_max_rank=20),
            True,
            "top_artist",
        ),
        ("top 5 configured: rank 6", engagement(6), VerificationCriteria(top_artist_max_rank=5), False, None),
        (
            "all mode needs both",
            engagement(3, 10),
            VerificationCriteria(mode="all"),
            False,
            None,
        ),
        ("all mode with both met", engagement(3, 60), VerificationCriteria(mode="all"), True, "top_artist"),
        (
            "rank only: saved tracks ignored",
            engagement(None, 80),
            VerificationCriteria(saved_tracks_of_artist_over=None),
            False,
            None,
        ),
    ],
    ids=lambda v: v if isinstance(v, str) else "",
)
def test_verification_table(
    case: str, eng: FanEngagement, criteria: VerificationCriteria, verified: bool, method: str | None
) -> None:
    result = verify_fan(eng, artist=TARGET, criteria=criteria)
    assert (result.verified, result.method) == (verified, method), case
    assert 0.0 <= result.verification_score <= 1.0
    assert (result.verification_score >= 0.5) == verified


@pytest.mark.parametrize(
    "name", ["Sigrún Ólafsdóttir", "sigrun olafsdottir", "  SIGRÚN\t ÓLAFSDÓTTIR ", "Sigrun  Olafsdottir"]
)
def test_target_matched_by_normalized_name(name: str) -> None:
    result = verify_fan(engagement(2), artist=TargetArtist(name=name))
    assert result.verified
    assert result.artist_rank == 2


def test_target_matched_by_platform_id_whatever_the_name() -> None:
    result = verify_fan(engagement(4), artist=TargetArtist(ids=frozenset({"target-id"})))
    assert result.artist_rank == 4


def test_a_plain_string_matches_an_id_or_a_name() -> None:
    assert verify_fan(engagement(4), artist="target-id").verified
    assert verify_fan(engagement(4), artist="SIGRUN OLAFSDOTTIR").verified


def test_empty_artist_ids_never_match() -> None:
    nameless = Artist(id="", name="Someone Else", platform="apple_music", rank=1)
    eng = FanEngagement(
        user=MusicUser(id="u", platform="apple_music"), platform="apple_music", top_artists=(nameless,)
    )
    assert not verify_fan(eng, artist=TargetArtist(ids=frozenset({"x"}), name="Nobody")).verified


def test_counts_are_reported() -> None:
    result = verify_fan(engagement(12, 7, 5), artist=TARGET)
    assert (result.artist_rank, result.saved_tracks_of_artist, result.saved_tracks_total) == (12, 7, 12)
    assert [r.code for r in result.reasons] == ["top_artist", "saved_tracks_of_artist"]
    assert not any(r.met for r in result.reasons)


def test_following_and_recent_plays_raise_the_score_but_do_not_verify() -> None:
    plain = verify_fan(engagement(None, 20), artist=TARGET)
    boosted = verify_fan(
        engagement(None, 20, followed_artists=(TARGET,), recently_played=_tracks(1, 0)), artist=TARGET
    )
    assert not boosted.verified
    assert plain.verification_score < boosted.verification_score < 0.5
    assert {r.code for r in boosted.reasons} >= {"followed_artist", "recently_played"}


def test_score_grows_with_rank() -> None:
    scores = [verify_fan(engagement(r), artist=TARGET).verification_score for r in (1, 5, 10)]
    assert scores == sorted(scores, reverse=True)
    assert scores[0] == 1.0


def test_normalize_artist_name() -> None:
    assert normalize_artist_name("  Beyoncé \n Knowles ") == "beyonce knowles"


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        (
            {"top_artist_max_rank": None, "saved_tracks_of_artist_over": None},
            "VerificationCriteria needs at least one enabled criterion",
        ),
        ({"top_artist_max_rank": 0}, "top_artist_max_rank must be >= 1"),
        ({"saved_tracks_of_artist_over": -1}, "saved_tracks_of_artist_over must be >= 0"),
        ({"mode": "most"}, "mode must be 'any' or 'all'"),
    ],
)
def test_bad_criteria_are_rejected(kwargs: dict[str, object], message: str) -> None:
    with pytest.raises(ValidationError, match=f"^{message}$"):
        VerificationCriteria(**kwargs)  # type: ignore[arg-type]


@pytest.mark.parametrize("artist", ["", "   "])
def test_an_empty_target_is_rejected(artist: str) -> None:
    with pytest.raises(
        ValidationError, match=r"artist must be a TargetArtist, an Artist or a non-empty string"
    ):
        verify_fan(engagement(1), artist=artist)

"""The fan.verified event built from a verification result."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from verifiedfan.errors import ValidationError
from verifiedfan.music import FAN_VERIFIED_SCHEMA, FanVerifiedEvent, VerificationResult

WHEN = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)


def _result(verified: bool) -> VerificationResult:
    return VerificationResult(
        verified=verified,
        verification_score=0.8 if verified else 0.2,
        reasons=(),
        platform="spotify",
        user_id="u1",
        method="top_artist" if verified else None,
    )


def test_a_verified_fan_record() -> None:
    event = FanVerifiedEvent.from_result(_result(True), user_id="u1", artist_id="a1", verified_at=WHEN)
    assert event.to_record() == {
        "userId": "u1",
        "artistId": "a1",
        "verifiedAt": 1795435200000,
        "verificationMethod": "spotify:top_artist",
        "status": "VERIFIED",
        "verificationScore": 0.8,
    }


def test_a_fan_not_verified() -> None:
    event = FanVerifiedEvent.from_result(_result(False), user_id="u1", artist_id="a1", verified_at=WHEN)
    assert (event.status, event.verification_method) == ("NOT_VERIFIED", "spotify:none")


def test_the_record_matches_the_avro_schema() -> None:
    fastavro = pytest.importorskip("fastavro")
    record = FanVerifiedEvent.from_result(_result(True), user_id="u1", artist_id="a1").to_record()
    schema = fastavro.parse_schema(FAN_VERIFIED_SCHEMA)
    assert fastavro.validate(record, schema)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"user_id": "", "artist_id": "a"}, "a fan.verified event needs a user_id and an artist_id"),
        (
            {"user_id": "u", "artist_id": "a", "verified_at": datetime(2026, 1, 1)},
            "verified_at must be timezone-aware",
        ),
    ],
)
def test_bad_input(kwargs: dict[str, object], message: str) -> None:
    with pytest.raises(ValidationError, match=f"^{message}$"):
        FanVerifiedEvent.from_result(_result(True), **kwargs)  # type: ignore[arg-type]

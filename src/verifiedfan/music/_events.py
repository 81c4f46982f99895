"""The ``fan.verified`` event of workflow 1, built from a verification result.

Its record is the Avro shape the platform publishes (``userId``, ``artistId``, ``verifiedAt``,
``verificationMethod``, ``status``, ``verificationScore``); publishing it is the Kafka package's job.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from verifiedfan.errors import ValidationError
from verifiedfan.music._verify import VerificationResult

__all__ = ["FAN_VERIFIED_SCHEMA", "FanVerifiedEvent"]

FAN_VERIFIED_SCHEMA: dict[str, Any] = {
    "type": "record",
    "name": "FanVerified",
    "namespace": "com.verifiedfan.events",
    "fields": [
        {"name": "userId", "type": "string"},
        {"name": "artistId", "type": "string"},
        {"name": "verifiedAt", "type": {"type": "long", "logicalType": "timestamp-millis"}},
        {"name": "verificationMethod", "type": "string"},
        {
            "name": "status",
            "type": {"type": "enum", "name": "FanStatus", "symbols": ["VERIFIED", "NOT_VERIFIED"]},
        },
        {"name": "verificationScore", "type": "double", "default": 0.0},
    ],
}


@dataclass(frozen=True, slots=True)
class FanVerifiedEvent:
    """One ``fan.verified`` event. ``verification_method`` is ``"<platform>:<criterion>"``
    (``spotify:top_artist``), or ``"<platform>:none"`` for a fan who was not verified."""

    user_id: str
    artist_id: str
    verified_at: datetime
    verification_method: str
    status: str
    verification_score: float

    @classmethod
    def from_result(
        cls, result: VerificationResult, *, user_id: str, artist_id: str, verified_at: datetime | None = None
    ) -> FanVerifiedEvent:
        """The event for ``result``; ``user_id`` is the platform's (or the caller's) id of the fan."""
        if not user_id or not artist_id:
            raise ValidationError("a fan.verified event needs a user_id and an artist_id")
        when = verified_at or datetime.now(UTC)
        if when.tzinfo is None:
            raise ValidationError("verified_at must be timezone-aware")
        return cls(
            user_id=user_id,
            artist_id=artist_id,
            verified_at=when,
            verification_method=f"{result.platform}:{result.method or 'none'}",
            status="VERIFIED" if result.verified else "NOT_VERIFIED",
            verification_score=result.verification_score,
        )

    def to_record(self) -> dict[str, Any]:
        """The Avro record (``FAN_VERIFIED_SCHEMA``); ``verifiedAt`` in epoch milliseconds."""
        return {
            "userId": self.user_id,
            "artistId": self.artist_id,
            "verifiedAt": int(self.verified_at.timestamp() * 1000),
            "verificationMethod": self.verification_method,
            "status": self.status,
            "verificationScore": self.verification_score,
        }

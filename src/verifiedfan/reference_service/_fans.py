"""Workflow 1 for one fan: ``POST /fans/{id}/verify`` reads the fan's Spotify listening with the
tokens kept at sign-in, decides with ``verify_fan`` and publishes ``fan.verified`` to Kafka."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from verifiedfan.errors import NotFoundError, PermissionDeniedError
from verifiedfan.music import FanVerifiedEvent, UserToken, verify_fan
from verifiedfan.reference_service._auth import ServicesDep
from verifiedfan.reference_service._services import SPOTIFY_ACCOUNTS, ServiceUnavailableError
from verifiedfan.web.fastapi import Claims

__all__ = ["VERIFY_ANY_FAN", "router"]

VERIFY_ANY_FAN = "verify:fans"  # a worker or an admin may verify any fan; a fan only itself

router = APIRouter()


@router.post("/fans/{fan_id}/verify")
async def verify(fan_id: str, claims: Claims, services: ServicesDep) -> dict[str, Any]:
    if claims.get("sub") != fan_id and VERIFY_ANY_FAN not in claims.get("permissions", []):
        raise PermissionDeniedError("a fan can only verify itself")
    target = services.target_artist
    if target is None:
        raise ServiceUnavailableError("no target artist (VF_SERVICE_TARGET_ARTIST_IDS)")
    spotify = services.need_spotify()
    kafka = services.need_kafka()
    account = await services.mongo.collection(SPOTIFY_ACCOUNTS).find_one({"_id": fan_id})
    if account is None:
        raise NotFoundError("this fan has not signed in with Spotify", status=404)
    token = UserToken(
        access_token=account["accessToken"],
        refresh_token=account.get("refreshToken"),
        expires_at=account.get("expiresAt"),
    )
    engagement = await spotify.get_fan_engagement(token)
    result = verify_fan(engagement, artist=target)
    artist_id = min(target.ids) if target.ids else str(target.name)
    event = FanVerifiedEvent.from_result(result, user_id=fan_id, artist_id=artist_id)
    sent = await kafka.send_messages([{"key": fan_id, "value": event.to_record()}])
    return {
        "fanId": fan_id,
        "artistId": artist_id,
        "verified": result.verified,
        "method": event.verification_method,
        "score": result.verification_score,
        "event": {"topic": kafka.topic, "partition": sent[0].partition, "offset": sent[0].offset},
    }

"""Signing in: ``POST /login`` (use case 7), ``GET /me``, and Spotify's authorization-code flow
with ``state`` and PKCE (workflow 1, step 1)."""

from __future__ import annotations

import hashlib
import hmac
import logging
import re
import secrets
import time
from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request, Response
from fastapi.responses import RedirectResponse
from pydantic import BaseModel, ConfigDict, Field

from verifiedfan import normalizers
from verifiedfan.errors import InvalidTokenError
from verifiedfan.music import read_callback
from verifiedfan.reference_service._passwords import check_password
from verifiedfan.reference_service._services import SPOTIFY_ACCOUNTS, USERS, Services
from verifiedfan.web import bad_request
from verifiedfan.web.fastapi import Claims, OptionalClaims, requires_actions

__all__ = ["FAN_PERMISSIONS", "router", "services_of"]

logger = logging.getLogger(__name__)

FAN_PERMISSIONS = ("read:profile", "write:preferences")  # use case 7, step 2
OAUTH_COOKIE = "vf_oauth"
_STATE = re.compile(r"^[A-Za-z0-9_-]{16,128}$")

router = APIRouter()


def services_of(request: Request) -> Services:
    services: Services = request.app.state.services
    return services


ServicesDep = Annotated[Services, Depends(services_of)]


class LoginBody(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)

    email: str = Field(max_length=320)
    password: str = Field(min_length=1, max_length=256)


def session_token(services: Services, *, fan_id: str, email: str | None) -> dict[str, Any]:
    """A 24 h session token with the fan's permissions (use case 7, step 2), and how long it lives."""
    claims: dict[str, Any] = {"sub": fan_id, "permissions": list(FAN_PERMISSIONS)}
    if email:
        claims["email"] = email
    token = services.signer.make_token(claims)
    return {"token": token, "tokenType": "Bearer", "expiresIn": int(services.signer.expires_in)}


@router.post("/login")
async def login(body: LoginBody, services: ServicesDep, response: Response) -> dict[str, Any]:
    """A session token for a registered fan whose password matches; 401 otherwise (the same answer
    for an unknown email and a wrong password)."""
    email = normalizers.email(body.email)
    user = await services.mongo.collection(USERS).find_one({"email": email}) if email else None
    stored = user.get("passwordHash") if user else None
    if not check_password(body.password, stored) or user is None:
        raise InvalidTokenError("wrong email or password")
    answer = session_token(services, fan_id=str(user["_id"]), email=email)
    response.headers["authorization"] = f"Bearer {answer['token']}"  # use case 7, step 4
    return answer


@router.get("/me", dependencies=[requires_actions("read:profile")])
async def me(claims: Claims, services: ServicesDep) -> dict[str, Any]:
    """Who the token says the caller is (use case 7, steps 6-8); 401 for any bad token."""
    return {
        "id": claims["sub"],
        "email": claims.get("email"),
        "permissions": claims.get("permissions", []),
        "expiresAt": claims["exp"],
    }


def _redirect_uri(services: Services) -> str:
    return services.settings.public_url.rstrip("/") + "/auth/spotify/callback"


def _digest(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()


@router.get("/auth/spotify/login")
async def spotify_login(services: ServicesDep, claims: OptionalClaims) -> RedirectResponse:
    """Send the browser to Spotify: ``state`` and the PKCE verifier are kept in Redis (10 minutes)
    with a hash of a random cookie that binds them to this browser."""
    spotify = services.need_spotify()
    login = spotify.authorization_url(_redirect_uri(services))
    browser = secrets.token_urlsafe(32)
    fan_id = claims.get("sub") if claims else None
    await services.redis.set(
        f"oauth:{login.state}",
        {"verifier": login.code_verifier, "browser": _digest(browser), "fanId": fan_id},
        ttl=services.settings.oauth_state_ttl,
    )
    response = RedirectResponse(login.url, status_code=302)
    response.set_cookie(
        OAUTH_COOKIE,
        browser,
        max_age=services.settings.oauth_state_ttl,
        httponly=True,
        samesite="lax",
        path="/auth/spotify",
        secure=services.settings.public_url.startswith("https://"),
    )
    return response


@router.get("/auth/spotify/callback")
async def spotify_callback(request: Request, services: ServicesDep) -> dict[str, Any]:
    """Spotify's redirect: the state must be one we issued to this browser and unused; the code is
    exchanged with the PKCE verifier, the tokens kept for the fan, and a session token returned."""
    spotify = services.need_spotify()
    state = request.query_params.get("state", "")
    if not _STATE.match(state):
        raise bad_request("the sign-in answer has no valid state")
    key = f"oauth:{state}"
    pending = await services.redis.get(key, use_primary=True)
    if not isinstance(pending, dict) or await services.redis.delete(key) != 1:
        raise InvalidTokenError("unknown or already used sign-in state")
    browser = request.cookies.get(OAUTH_COOKIE, "")
    if not hmac.compare_digest(_digest(browser), str(pending.get("browser", ""))):
        raise InvalidTokenError("the sign-in was started in another browser")
    code = read_callback(dict(request.query_params), expected_state=state)
    token = await spotify.exchange_code(code, _redirect_uri(services), str(pending["verifier"]))
    user = await spotify.get_user(token)
    fan_id = str(pending.get("fanId") or f"spotify:{user.id}")
    now = datetime.now(UTC)
    await services.mongo.collection(SPOTIFY_ACCOUNTS).update_one(
        {"_id": fan_id},
        {
            "$set": {
                "spotifyId": user.id,
                "accessToken": token.access_token,
                "refreshToken": token.refresh_token,
                "expiresAt": token.expires_at,
                "updatedAt": now,
            },
            "$setOnInsert": {"createdAt": now},
        },
        upsert=True,
    )
    logger.info("fan %s signed in with Spotify (%d s left on the token)", fan_id, _left(token.expires_at))
    return {"fanId": fan_id, "spotifyUserId": user.id, **session_token(services, fan_id=fan_id, email=None)}


def _left(expires_at: float | None) -> int:
    return int(expires_at - time.time()) if expires_at is not None else -1

"""Workflow 2: ``POST /registrations`` (normalize, duplicate check, write, cache, confirmation email
with a signed, shortened link) and ``GET /verify-email?token=...`` (the link, usable once)."""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field

from verifiedfan import normalizers
from verifiedfan.errors import VFError
from verifiedfan.mongo import DuplicateKeyError
from verifiedfan.reference_service._auth import ServicesDep
from verifiedfan.reference_service._links import InvalidLinkError
from verifiedfan.reference_service._passwords import hash_password
from verifiedfan.reference_service._services import USERS, Services
from verifiedfan.web import SchemaIssue, SchemaValidationError

__all__ = ["AlreadyRegisteredError", "RegistrationBody", "router"]

logger = logging.getLogger(__name__)

router = APIRouter()


class AlreadyRegisteredError(VFError):
    """An account with this (normalized) email exists (409)."""

    status = 409


class LinkUsedError(InvalidLinkError):
    """The link was used already (409): the email is verified."""

    status = 409


class RegistrationBody(BaseModel):
    """The registration form as the frontend posts it: unknown fields and wrong types are 400."""

    model_config = ConfigDict(extra="forbid", strict=True)

    firstName: str = Field(max_length=200)
    lastName: str = Field(max_length=200)
    email: str = Field(max_length=320)
    phone: str = Field(max_length=40)
    zip: str | None = Field(default=None, max_length=20)
    password: str = Field(min_length=8, max_length=256)


def normalize(body: RegistrationBody) -> dict[str, Any]:
    """The normalized user (workflow 2 steps 2-3); 400 naming every field that did not normalize."""
    email = normalizers.email(body.email)
    phone = normalizers.phone(body.phone)
    name = normalizers.name_obj(body.firstName, body.lastName)
    zip_code = normalizers.zip(body.zip) if body.zip is not None else None
    bad = [f for f, v in (("email", email), ("phone", phone), ("firstName", name)) if v is None]
    if body.zip is not None and zip_code is None:
        bad.append("zip")
    if bad or name is None:
        raise SchemaValidationError(
            "registration", [SchemaIssue(f"$.{f}", "format", "is not valid") for f in bad]
        )
    user: dict[str, Any] = {
        "email": email,
        "phone": phone,
        "name": {"full": name.full, "first": name.first, "last": name.last},
    }
    if zip_code is not None:
        user["zip"] = zip_code
    return user


def _profile(user_id: str, user: dict[str, Any]) -> dict[str, Any]:
    return {"id": user_id, **{k: user[k] for k in ("email", "phone", "name", "zip") if k in user}}


@router.post("/registrations", status_code=201)
async def register(body: RegistrationBody, services: ServicesDep) -> JSONResponse:
    user = normalize(body)
    users = services.mongo.collection(USERS)
    if await users.find_one({"email": user["email"]}, use_primary=True) is not None:
        raise AlreadyRegisteredError("an account with this email exists")
    from bson import ObjectId

    user_id = str(ObjectId())
    link_token, nonce = services.links.make(user_id)
    record = {
        "_id": ObjectId(user_id),
        **user,
        "passwordHash": hash_password(body.password),
        "emailVerified": False,
        "verificationNonce": nonce,
        "createdAt": datetime.now(UTC),
    }
    try:
        await users.insert_one(record)
    except DuplicateKeyError as exc:  # a concurrent registration with the same email won
        raise AlreadyRegisteredError("an account with this email exists") from exc
    profile = _profile(user_id, user)
    await services.redis.set(f"user:{user_id}", profile, ttl=services.settings.profile_ttl)
    link = services.settings.public_url.rstrip("/") + "/verify-email?" + urlencode({"token": link_token})
    short = await services.shortener.shorten(link)
    email_status = await _send_confirmation(services, user_id, user, short)
    return JSONResponse(
        {**profile, "emailVerified": False, "confirmationEmail": email_status}, status_code=201
    )


async def _send_confirmation(services: Services, user_id: str, user: dict[str, Any], link: str) -> str:
    sfmc = services.sfmc
    if sfmc is None:
        logger.warning("SFMC is not configured: no confirmation email for %s", user_id)
        return "NOT_SENT"
    try:
        sent = await sfmc.send_transactional_email(
            services.settings.confirmation_email,
            user["email"],
            user_id,
            {"FirstName": user["name"]["first"], "VerificationLink": link},
            campaign="registration",  # one email per user and definition, however often retried
        )
    except VFError as exc:  # the account exists; the fan can ask for the email again
        logger.warning("confirmation email for %s failed: %s", user_id, type(exc).__name__)
        return "FAILED"
    return sent.status.name


@router.get("/verify-email")
async def verify_email(request: Request, services: ServicesDep) -> dict[str, Any]:
    """Marks the email verified when the link is genuine and unused (workflow 2 step 8)."""
    token = request.query_params.get("token")
    if not token or len(token) > 2048:
        raise InvalidLinkError("the verification link is invalid or expired")
    claims = services.links.read(token)
    from bson import ObjectId
    from bson.errors import InvalidId

    try:
        oid = ObjectId(claims.user_id)
    except InvalidId as exc:
        raise InvalidLinkError("the verification link is invalid or expired") from exc
    users = services.mongo.collection(USERS)
    done = await users.update_one(
        {"_id": oid, "verificationNonce": claims.nonce},
        {
            "$set": {"emailVerified": True, "emailVerifiedAt": datetime.now(UTC)},
            "$unset": {"verificationNonce": ""},
        },
    )
    if done.matched_count != 1:
        raise LinkUsedError("this verification link was used already")
    return {"id": claims.user_id, "emailVerified": True}

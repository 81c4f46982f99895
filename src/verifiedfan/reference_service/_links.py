"""Signed email-verification links, and the link shortener they go through."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from typing import Any, Protocol, runtime_checkable

from verifiedfan.errors import InvalidTokenError, VFError
from verifiedfan.jwt import Signer, Verifier
from verifiedfan.partners import Bitly, BitlySettings

__all__ = [
    "BitlyShortener",
    "InvalidLinkError",
    "LinkClaims",
    "LinkSigner",
    "NoShortener",
    "Shortener",
    "default_shortener",
]

_PURPOSE = "verify-email"


class InvalidLinkError(VFError):
    """A verification link that is forged, expired, or already used (400)."""

    status = 400


@dataclass(frozen=True, slots=True)
class LinkClaims:
    user_id: str
    nonce: str


class LinkSigner:
    """Makes and reads the ``token`` of a verification link: an HS256 JWT with the user id, a
    purpose claim (a session token is not a link) and a random nonce that the database keeps until
    the link is used, so a link works once."""

    def __init__(self, *, secret: str, issuer: str, ttl: str = "48h") -> None:
        self._signer = Signer(private_key=secret, issuer=issuer, algorithm="HS256", expires_in=ttl)
        self._verifier = Verifier(public_keys=secret, issuer=issuer, algorithms=("HS256",), leeway=0)

    def make(self, user_id: str) -> tuple[str, str]:
        """A new link token for ``user_id`` and its nonce (to store with the user)."""
        nonce = secrets.token_urlsafe(16)
        return self._signer.make_token({"sub": user_id, "purpose": _PURPOSE, "nonce": nonce}), nonce

    def read(self, token: str) -> LinkClaims:
        """The claims of a genuine, unexpired link token; :class:`InvalidLinkError` otherwise."""
        try:
            claims: dict[str, Any] = self._verifier.read_token(token)
        except (InvalidTokenError, VFError) as exc:
            raise InvalidLinkError("the verification link is invalid or expired") from exc
        user_id, nonce = claims.get("sub"), claims.get("nonce")
        if claims.get("purpose") != _PURPOSE or not isinstance(user_id, str) or not isinstance(nonce, str):
            raise InvalidLinkError("the verification link is invalid or expired")
        return LinkClaims(user_id=user_id, nonce=nonce)

    def __repr__(self) -> str:
        return "LinkSigner(<secret>)"


@runtime_checkable
class Shortener(Protocol):
    """Anything that shortens a URL (``verifiedfan.partners.Bitly`` has this method)."""

    async def shorten(self, long_url: str) -> str: ...


class NoShortener:
    """Leaves URLs as they are (no shortener configured)."""

    async def shorten(self, long_url: str) -> str:
        return long_url


class BitlyShortener:
    """Shortens through :class:`verifiedfan.partners.Bitly` (its retries, errors and redaction)."""

    def __init__(self, bitly: Bitly) -> None:
        self.bitly = bitly

    async def shorten(self, long_url: str) -> str:
        return (await self.bitly.shorten(long_url)).link

    async def aclose(self) -> None:
        await self.bitly.aclose()


def default_shortener() -> Shortener:
    """Bitly when ``VF_BITLY_API_KEY`` is set, else :class:`NoShortener`."""
    settings = BitlySettings()
    if not settings.api_key.get_secret_value():
        return NoShortener()
    return BitlyShortener(Bitly.from_settings(settings))

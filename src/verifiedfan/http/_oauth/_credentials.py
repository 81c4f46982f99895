"""What the OAuth2 client-credentials providers share: the grant's inputs and the cached token.

Plain data, identical on both sides, so it lives here rather than in the async source
(:mod:`._async`) and its generated twin (:mod:`._sync`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from verifiedfan.errors import ValidationError
from verifiedfan.http._api._credentials import TokenAnswer

__all__ = ["AccessToken", "ClientCredentials", "access_token"]


@dataclass(frozen=True, kw_only=True)
class ClientCredentials:
    """What a client-credentials grant needs. ``client_secret`` never appears in ``repr``.

    ``send_as="basic"`` sends the id and secret as HTTP Basic auth (RFC 6749 §2.3.1, the default);
    ``"body"`` sends them as form fields.
    """

    client_id: str
    client_secret: str = field(repr=False)
    token_url: str
    scope: str | None = None
    audience: str | None = None
    send_as: Literal["basic", "body"] = "basic"

    def __post_init__(self) -> None:
        if not self.client_id or not self.client_secret:
            raise ValidationError("ClientCredentials needs a client_id and a client_secret")
        if not self.token_url.startswith(("http://", "https://")):
            raise ValidationError("ClientCredentials.token_url must be an absolute http(s) URL")
        if self.send_as not in ("basic", "body"):
            raise ValidationError(
                f"ClientCredentials.send_as must be 'basic' or 'body', not {self.send_as!r}"
            )


@dataclass(frozen=True, kw_only=True)
class AccessToken:
    """A cached access token; ``value`` never appears in ``repr``. Times are on the provider's clock."""

    value: str = field(repr=False)
    token_type: str
    expires_in: float
    obtained_at: float
    refresh_at: float


def access_token(answer: TokenAnswer | None) -> AccessToken | None:
    """The public view of the auth's cached :class:`TokenAnswer` (None before the first token)."""
    if answer is None:
        return None
    return AccessToken(
        value=answer.value,
        token_type=answer.token_type,
        expires_in=answer.expires_in,
        obtained_at=answer.obtained_at,
        refresh_at=answer.refresh_at,
    )

"""The music sandboxes' handles: :class:`SpotifySandbox` and :class:`AppleMusicSandbox` (thread or
process, see :class:`~verifiedfan.testing.sandbox.ApiSandbox`), with seeded-user helpers."""

from __future__ import annotations

from typing import ClassVar
from urllib.parse import urlencode

import httpx

from verifiedfan.errors import ValidationError
from verifiedfan.music._models import UserToken
from verifiedfan.music._verify import TargetArtist
from verifiedfan.testing.sandbox._app import SandboxApp
from verifiedfan.testing.sandbox._apple import AppleDeveloperKey, AppleMusicApp
from verifiedfan.testing.sandbox._catalog import Catalog
from verifiedfan.testing.sandbox._faults import Faults
from verifiedfan.testing.sandbox._music import MusicApp
from verifiedfan.testing.sandbox._runner import ApiSandbox
from verifiedfan.testing.sandbox._spotify import SpotifyApp
from verifiedfan.testing.sandbox._spotify_auth import DEFAULT_CODE_TTL

__all__ = ["AppleMusicSandbox", "Sandbox", "SpotifySandbox"]


class Sandbox(ApiSandbox):
    """Base handle of the music sandboxes: :class:`SpotifySandbox`, :class:`AppleMusicSandbox`."""

    app_class: ClassVar[type[SandboxApp]] = MusicApp
    user_refresh_tokens: ClassVar[bool] = True

    @property
    def target_artist(self) -> TargetArtist:
        """The artist the seeded fans are fans of, with its ids on both platforms and its name."""
        t = self.info()["target_artist"]
        return TargetArtist(ids=frozenset({t["spotify_id"], t["apple_id"]}), name=t["name"])

    @property
    def named_users(self) -> tuple[str, ...]:
        return tuple(self.info()["named_users"])

    @staticmethod
    def crowd_user_id(index: int) -> str:
        """The id of crowd user ``index`` (any index >= 0 is a valid seeded user)."""
        return Catalog.crowd_user_id(index)

    def mint_tokens(self, user_ids: list[str], *, expires_in: float | None = None) -> list[UserToken]:
        """Tokens for seeded users (the expiry defaults to the ``token_ttl`` knob; the user
        ``expired-token`` gets an already expired access token)."""
        data = self.control("tokens", {"user_ids": list(user_ids), "expires_in": expires_in})
        return [
            UserToken(
                access_token=t["access_token"],
                refresh_token=t.get("refresh_token") if self.user_refresh_tokens else None,
                expires_at=t["expires_at"],
            )
            for t in data["tokens"]
        ]

    def mint_token(self, user_id: str, *, expires_in: float | None = None) -> UserToken:
        return self.mint_tokens([user_id], expires_in=expires_in)[0]


class SpotifySandbox(Sandbox):
    """The Spotify Web API (``api_url``) and accounts service (``accounts_url``) on one server."""

    app_class = SpotifyApp

    def __init__(
        self,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        seed: int = 7,
        faults: Faults | None = None,
        process: bool = False,
        client_id: str = "sandbox-client-id",
        client_secret: str = "sandbox-client-secret",  # noqa: S107 - a sandbox credential
        code_ttl: float = DEFAULT_CODE_TTL,
        redirect_uris: tuple[str, ...] = (),
    ) -> None:
        super().__init__(
            host=host,
            port=port,
            seed=seed,
            faults=faults,
            process=process,
            client_id=client_id,
            client_secret=client_secret,
            code_ttl=code_ttl,
            redirect_uris=list(redirect_uris),
        )
        self.client_id = client_id
        self.client_secret = client_secret

    @property
    def api_url(self) -> str:
        return self.url

    @property
    def accounts_url(self) -> str:
        return self.url

    def authorize(self, authorization_url: str, *, user: str = "fan-top-1", deny: bool = False) -> str:
        """Play the user's browser on an authorization URL: ``user`` signs in and grants access (or
        declines with ``deny=True``); returns the callback URL Spotify redirects to (with ``code``
        and ``state``, or ``error``). A refused request (unknown client, redirect URI not allowed)
        raises :class:`~verifiedfan.errors.ValidationError` with the page's text."""
        extra = {"sandbox_user": user, **({"sandbox_consent": "deny"} if deny else {})}
        sep = "&" if "?" in authorization_url else "?"
        response = httpx.get(authorization_url + sep + urlencode(extra), follow_redirects=False, timeout=30)
        location: str | None = response.headers.get("location")
        if response.status_code != 302 or not location:
            raise ValidationError(f"the sandbox refused the authorization request: {response.text}")
        return location


class AppleMusicSandbox(Sandbox):
    """The Apple Music API; ``developer_key`` is the signing key its developer tokens must use."""

    app_class = AppleMusicApp
    user_refresh_tokens = False

    @property
    def api_url(self) -> str:
        return self.url

    @property
    def developer_key(self) -> AppleDeveloperKey:
        key = self.info()["developer_key"]
        return AppleDeveloperKey(team_id=key["team_id"], key_id=key["key_id"], private_key=key["private_key"])

"""The non-I/O half of authentication: what an auth writes into, tokens, and the Basic encoder."""

from __future__ import annotations

import base64
import logging
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

from verifiedfan.errors import ResponseFormatError, ValidationError

__all__ = ["AuthRequest", "TokenAnswer", "TokenBook", "UserToken", "basic_authorization"]

logger = logging.getLogger(__name__)


class AuthRequest:
    """The parts of one attempt an auth may set: ``headers`` (lower-case names) and query
    ``params``. ``credential`` is what the auth applied (a token), handed back to ``invalidate``."""

    __slots__ = ("credential", "headers", "params")

    def __init__(self, headers: dict[str, str], params: dict[str, Any]) -> None:
        self.headers = headers
        self.params = params
        self.credential: str | None = None

    def bearer(self, token: str) -> None:
        self.headers["authorization"] = f"Bearer {token}"
        self.credential = token


def basic_authorization(username: str, password: str, *, oauth_client: bool = False) -> str:
    """The ``Authorization: Basic ...`` value: the one encoder of the library.

    ``oauth_client=True`` is OAuth2 client authentication (RFC 6749 §2.3.1): id and secret are
    form-urlencoded before joining, so a ``:`` or non-ASCII character in either survives. Plain
    HTTP Basic (RFC 7617) sends them as UTF-8 and forbids ``:`` in the user name.
    """
    if oauth_client:
        username, password = quote(username, safe=""), quote(password, safe="")
    elif ":" in username:
        raise ValidationError("an HTTP Basic user name cannot contain ':' (RFC 7617)")
    pair = f"{username}:{password}".encode()
    return "Basic " + base64.b64encode(pair).decode("ascii")


@dataclass(frozen=True, slots=True)
class UserToken:
    """A user's OAuth tokens. ``expires_at`` is a Unix timestamp (seconds), ``None`` when unknown.

    Its ``repr`` never shows the tokens, so a UserToken can be logged or put in an exception safely.
    """

    access_token: str = field(repr=False)
    refresh_token: str | None = field(default=None, repr=False)
    expires_at: float | None = None

    def expires_within(self, seconds: float, *, now: float | None = None) -> bool:
        """Whether the access token expires in less than ``seconds`` (``False`` when unknown)."""
        if self.expires_at is None:
            return False
        current = time.time() if now is None else now
        return self.expires_at - current < seconds

    def __repr__(self) -> str:
        has_refresh = self.refresh_token is not None
        refresh = "'***'" if has_refresh else "None"
        return f"UserToken(access_token='***', refresh_token={refresh}, expires_at={self.expires_at!r})"


class TokenBook:
    """The newest :class:`UserToken` known per refresh token (bounded, least recently refreshed
    dropped first), so a caller still holding an old token gets the refreshed access token without
    refreshing again. No I/O: :class:`~verifiedfan.http.UserTokens` adds the refresh.

    ``refresh_before``: a token expiring within this many seconds is refreshed before use.
    """

    def __init__(
        self,
        *,
        service_name: str,
        refresh_before: float = 60.0,
        max_entries: int = 50_000,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.service_name = service_name
        self._refresh_before = refresh_before
        self._max = max_entries
        self._clock = clock
        self._latest: OrderedDict[str, UserToken] = OrderedDict()
        self.refresh_count = 0

    def latest(self, token: UserToken) -> UserToken:
        """The newest token known for ``token``'s refresh token (``token`` itself when none)."""
        if token.refresh_token is None:
            return token
        known = self._latest.get(token.refresh_token)
        if known is None:
            return token
        if (
            token.expires_at is not None
            and known.expires_at is not None
            and token.expires_at > known.expires_at
        ):
            return token
        return known

    def needs_refresh(self, token: UserToken) -> bool:
        return token.refresh_token is not None and token.expires_within(
            self._refresh_before, now=self._clock()
        )

    def already_replaced(self, refresh_token: str, stale_access: str) -> UserToken | None:
        """The known token that replaced ``stale_access`` and is still fresh, if any."""
        known = self._latest.get(refresh_token)
        if known is not None and known.access_token != stale_access and not self.needs_refresh(known):
            return known
        return None

    def remember(self, refresh_token: str, fresh: UserToken) -> None:
        self.refresh_count += 1
        self._latest[refresh_token] = fresh
        self._latest.move_to_end(refresh_token)
        if fresh.refresh_token and fresh.refresh_token != refresh_token:
            self._latest[fresh.refresh_token] = fresh
        while len(self._latest) > self._max:
            self._latest.popitem(last=False)
        logger.info(
            "%s: refreshed a user access token", self.service_name, extra={"service_name": self.service_name}
        )


class TokenAnswer:
    """A token-endpoint answer: the access token, its lifetime, and the whole JSON ``body``
    (for extra fields such as SFMC's ``rest_instance_url``). Times are on the auth's clock."""

    __slots__ = ("body", "expires_in", "obtained_at", "refresh_at", "token_type", "value")

    def __init__(
        self, body: dict[str, Any], *, default_lifetime: float, refresh_ratio: float, started: float
    ) -> None:
        value = body.get("access_token")
        if not isinstance(value, str) or not value:
            raise ResponseFormatError("the token endpoint's answer has no access_token")
        raw = body.get("expires_in", default_lifetime)
        try:
            expires_in = float(raw)
        except (TypeError, ValueError) as exc:
            raise ResponseFormatError("the token endpoint's expires_in is not a number") from exc
        self.body = body
        self.value = value
        self.token_type = str(body.get("token_type", "Bearer"))
        self.expires_in = expires_in if expires_in > 0 else default_lifetime
        self.obtained_at = started
        self.refresh_at = started + self.expires_in * refresh_ratio

    def __repr__(self) -> str:
        return f"TokenAnswer(token_type={self.token_type!r}, expires_in={self.expires_in:g})"

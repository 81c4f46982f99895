"""Pluggable authentication of an API client: one :class:`Auth` protocol, six implementations.

An auth writes its credential into each attempt (:meth:`Auth.apply`). When the server answers 401,
the client calls :meth:`Auth.invalidate` with the credential that was rejected; if it returns
``True`` the call is replayed once with a fresh credential, otherwise the 401 is raised (through
:meth:`Auth.unauthorized`, which may turn it into a clearer error). Credentials never reach a log
line, a span or an error message: ``authorization`` and every API-key header or query parameter
used here are redacted by the HTTP core.

=========================  =====================================================================
:class:`StaticBearer`      a fixed ``Authorization: Bearer`` token (Slack bot tokens)
:class:`BasicAuth`         HTTP Basic (RFC 7617)
:class:`ApiKey`            a key in a header (``x-api-key``, PagerDuty's ``Token token=``) or a
                           query parameter (Bitly, Facebook's ``access_token``)
:class:`SignedJwt`         a JWT we sign (Apple Music developer token, worker auth), cached and
                           re-minted before it expires or after a 401
:class:`OAuth2ClientCredentials`  client-credentials tokens (TM, SFMC), cached, single flight
:class:`~verifiedfan.http.UserTokens`  user tokens refreshed with their refresh token (Spotify)
=========================  =====================================================================
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from types import TracebackType
from typing import Any, Literal, Protocol, Self, runtime_checkable

from verifiedfan._primitives import AsyncFlights
from verifiedfan.errors import (
    ConfigurationError,
    ResponseFormatError,
    UnauthorizedError,
    ValidationError,
    VFError,
)
from verifiedfan.http._api._credentials import AuthRequest, TokenAnswer, basic_authorization
from verifiedfan.http._async import HttpClient
from verifiedfan.http._core import add_secret_header, add_secret_param

__all__ = [
    "ApiKey",
    "Auth",
    "AuthBase",
    "BasicAuth",
    "OAuth2ClientCredentials",
    "SignedJwt",
    "StaticBearer",
]


@runtime_checkable
class Auth(Protocol):
    """How an API client authenticates each attempt."""

    async def apply(self, request: AuthRequest) -> None:
        """Set the credential on ``request`` (headers or params) and record it as ``credential``."""
        ...

    async def invalidate(self, credential: str | None) -> bool:
        """The server answered 401 to ``credential``: forget it. ``True`` when a replay with a new
        credential may succeed (the client replays once), ``False`` for fixed credentials."""
        ...

    def unauthorized(self, error: UnauthorizedError) -> VFError | None:
        """A clearer error for a final 401, or ``None`` to keep the client's mapping."""
        ...


class AuthBase:
    """Defaults for :class:`Auth` implementations: fixed credentials (no replay), no special 401."""

    async def apply(self, request: AuthRequest) -> None:
        raise NotImplementedError

    async def invalidate(self, credential: str | None) -> bool:
        return False

    def unauthorized(self, error: UnauthorizedError) -> VFError | None:
        return None


class StaticBearer(AuthBase):
    """A fixed bearer token."""

    def __init__(self, token: str) -> None:
        if not token:
            raise ConfigurationError("StaticBearer needs a token")
        self._token = token

    async def apply(self, request: AuthRequest) -> None:
        request.bearer(self._token)

    def __repr__(self) -> str:
        return "StaticBearer(token='***')"


class BasicAuth(AuthBase):
    """HTTP Basic (RFC 7617). For OAuth2 client authentication use ``oauth_client=True``
    (RFC 6749 §2.3.1 form-encodes the id and secret first)."""

    def __init__(self, username: str, password: str, *, oauth_client: bool = False) -> None:
        self._value = basic_authorization(username, password, oauth_client=oauth_client)
        self.username = username

    async def apply(self, request: AuthRequest) -> None:
        request.headers["authorization"] = self._value
        request.credential = self._value

    def __repr__(self) -> str:
        return f"BasicAuth(username={self.username!r}, password='***')"


class ApiKey(AuthBase):
    """An API key in a header (``header="x-api-key"``, with an optional ``prefix`` such as
    ``"Token token="``) or in a query parameter (``query="api_key"``). The header or parameter is
    registered with the HTTP core's redaction, so the key never appears in logs, spans or errors."""

    def __init__(
        self, key: str, *, header: str | None = None, query: str | None = None, prefix: str = ""
    ) -> None:
        if not key:
            raise ConfigurationError("ApiKey needs a key")
        if (header is None) == (query is None):
            raise ConfigurationError("ApiKey needs exactly one of header= or query=")
        self._key, self._value = key, f"{prefix}{key}"
        self.header = header.lower() if header is not None else None
        self.query = query
        if self.header is not None:
            add_secret_header(self.header)
        if query is not None:
            add_secret_param(query)

    async def apply(self, request: AuthRequest) -> None:
        if self.header is not None:
            request.headers[self.header] = self._value
        elif self.query is not None:
            request.params[self.query] = self._key
        request.credential = self._key

    def __repr__(self) -> str:
        where = f"header={self.header!r}" if self.header is not None else f"query={self.query!r}"
        return f"ApiKey({where}, key='***')"


class _SignerLike(Protocol):
    @property
    def expires_in(self) -> float: ...

    def make_token(self, claims: Mapping[str, Any] | None = None) -> str: ...


class SignedJwt(AuthBase):
    """A JWT we sign with a :class:`verifiedfan.jwt.Signer` (issuer, algorithm, ``kid``, lifetime
    are the signer's), sent as ``Authorization: Bearer``. It is minted at construction (a bad key
    fails there, not at the first call), cached, re-minted ``renew_before`` seconds before it
    expires, and re-minted once after a 401."""

    def __init__(
        self,
        signer: _SignerLike,
        *,
        claims: Mapping[str, Any] | None = None,
        renew_before: float = 300.0,
        clock: Callable[[], float] = time.time,
    ) -> None:
        if signer.expires_in <= renew_before:
            raise ConfigurationError("the token lifetime must exceed renew_before")
        self._signer, self._claims = signer, dict(claims or {})
        self._renew_before, self._clock = renew_before, clock
        self._token: str | None = None
        self._expires_at = 0.0
        self.mint_count = 0
        self.current()

    def current(self) -> str:
        """The cached token, minted again when it is about to expire or was rejected."""
        now = self._clock()
        if self._token is None or now >= self._expires_at - self._renew_before:
            self._token = self._signer.make_token(self._claims)
            self._expires_at = now + self._signer.expires_in
            self.mint_count += 1
        return self._token

    async def apply(self, request: AuthRequest) -> None:
        request.bearer(self.current())

    async def invalidate(self, credential: str | None) -> bool:
        if credential is not None and credential == self._token:
            self._token = None
        return True

    def __repr__(self) -> str:
        return f"SignedJwt(signer={self._signer!r})"


class OAuth2ClientCredentials(AuthBase):
    """OAuth2 client-credentials tokens (RFC 6749 §4.4), cached until ``refresh_ratio`` of their
    lifetime, fetched once however many calls wait (single flight), and again after a 401.

    * ``send_as="basic"`` (default): id and secret in ``Authorization: Basic`` (§2.3.1, form-encoded
      first); ``"body"``: as form fields; ``"json"``: the request is a JSON object (SFMC v2).
    * ``extra``: more fields of the token request (SFMC's ``account_id``).
    * :attr:`answer`: the last token answer, whole (SFMC's ``rest_instance_url``).
    * ``http``: the client for the token endpoint (default: one owned here, closed by :meth:`aclose`).
    """

    def __init__(
        self,
        *,
        token_url: str,
        client_id: str,
        client_secret: str,
        scope: str | None = None,
        audience: str | None = None,
        send_as: Literal["basic", "body", "json"] = "basic",
        extra: Mapping[str, Any] | None = None,
        http: HttpClient | None = None,
        refresh_ratio: float = 0.9,
        default_lifetime: float = 3600.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        if not client_id or not client_secret:
            raise ValidationError("client credentials need a client_id and a client_secret")
        if not token_url.startswith(("http://", "https://")):
            raise ValidationError("the token_url must be an absolute http(s) URL")
        if send_as not in ("basic", "body", "json"):
            raise ValidationError(f"send_as must be 'basic', 'body' or 'json', not {send_as!r}")
        if not 0 < refresh_ratio <= 1 or default_lifetime <= 0:
            raise ValidationError("refresh_ratio must be in (0, 1] and default_lifetime positive")
        self.token_url, self.client_id, self._secret = token_url, client_id, client_secret
        self.scope, self.audience, self.send_as = scope, audience, send_as
        self.extra = dict(extra or {})
        self._refresh_ratio, self._default_lifetime, self._clock = refresh_ratio, default_lifetime, clock
        self._owns_http = http is None
        self._http = http or HttpClient(service_name="oauth2")
        self._flight: AsyncFlights = AsyncFlights()
        self.answer: TokenAnswer | None = None
        self.fetch_count = 0

    def _fresh(self) -> str | None:
        answer = self.answer
        if answer is not None and self._clock() < answer.refresh_at:
            return answer.value
        return None

    async def get_token(self) -> str:
        """A valid access token (cached, or fetched now)."""
        cached = self._fresh()
        if cached is not None:
            return cached
        token: str = await self._flight.run("token", self._fetch)
        return token

    async def _fetch(self) -> str:
        cached = self._fresh()  # a thread that waited for the lock finds the token fetched
        if cached is not None:
            return cached
        fields: dict[str, Any] = {"grant_type": "client_credentials", **self.extra}
        if self.scope:
            fields["scope"] = self.scope
        if self.audience:
            fields["audience"] = self.audience
        headers = {"accept": "application/json"}
        if self.send_as == "basic":
            headers["authorization"] = basic_authorization(self.client_id, self._secret, oauth_client=True)
        else:
            fields["client_id"], fields["client_secret"] = self.client_id, self._secret
        started = self._clock()
        response = await self._http.request(
            "POST",
            self.token_url,
            json=fields if self.send_as == "json" else None,
            data=None if self.send_as == "json" else fields,
            headers=headers,
            retry_non_idempotent=True,
            route="oauth2/token",
        )
        body = response.json()
        if not isinstance(body, dict):
            raise ResponseFormatError("the token endpoint's answer is not a JSON object")
        self.answer = TokenAnswer(
            body, default_lifetime=self._default_lifetime, refresh_ratio=self._refresh_ratio, started=started
        )
        self.fetch_count += 1
        return self.answer.value

    async def apply(self, request: AuthRequest) -> None:
        request.bearer(await self.get_token())

    async def invalidate(self, credential: str | None) -> bool:
        if self.answer is not None and self.answer.value == credential:
            self.answer = None
        return True

    async def aclose(self) -> None:
        """Close the token endpoint's client when it was created here."""
        if self._owns_http:
            await self._http.aclose()

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.aclose()

    def __repr__(self) -> str:
        return f"OAuth2ClientCredentials(token_url={self.token_url!r}, client_id={self.client_id!r})"

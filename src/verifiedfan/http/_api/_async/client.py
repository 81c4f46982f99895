"""The API-client base: what every verifiedfan client of a remote HTTP API is built on.

A new client is a subclass that declares its service name, settings class and error map, and
writes one short method per endpoint with :meth:`ApiClient._call_json` / :meth:`_call_model` /
:meth:`_aiter`. The base gives it: an owned or injected :class:`~verifiedfan.http.HttpClient`
(``http=``) or an httpx transport (``transport=``), the retry policy, timeouts and limits of
:class:`~verifiedfan.http.HttpSettings`, an in-flight cap, authentication (:class:`Auth`, replayed
once after a 401), ``route=`` templates that name every call in logs, spans and metrics, the error
map, typed decoding and paging. See the README section "Writing an API client".
"""

from __future__ import annotations

import logging
import weakref
from collections.abc import AsyncIterator, Callable, Mapping, Sequence
from types import TracebackType
from typing import Any, ClassVar, Self, TypeVar
from urllib.parse import quote

import httpx

from verifiedfan.errors import ConfigurationError, HTTPStatusError, UnauthorizedError, ValidationError
from verifiedfan.http._api._async.auth import Auth, OAuth2ClientCredentials
from verifiedfan.http._api._async.limiter import AdaptiveLimiter, RequestLimiter
from verifiedfan.http._api._async.paging import aiter_pages
from verifiedfan.http._api._concurrency import AsyncSlots
from verifiedfan.http._api._credentials import AuthRequest
from verifiedfan.http._api._decode import decode
from verifiedfan.http._api._errormap import ErrorMap
from verifiedfan.http._api._pagers import Pager, PageRequest
from verifiedfan.http._api._settings import ApiSettings
from verifiedfan.http._async import HttpClient
from verifiedfan.http._config import Limits, RetryPolicy, Timeouts
from verifiedfan.http._types import HttpHook, Response

__all__ = ["ApiClient"]

logger = logging.getLogger(__name__)

T = TypeVar("T")


class _Default:
    __slots__ = ()


_DEFAULT = _Default()
# Auths made by from_settings belong to the client made with them: aclose() closes them too.
_OWNED_AUTHS: weakref.WeakSet[Any] = weakref.WeakSet()


class ApiClient:
    """Base class of an async API client.

    Class attributes a subclass sets: ``service_name`` (logs, spans, errors), ``settings_class``
    (its :class:`ApiSettings` subclass), ``error_map`` (:class:`ErrorMap`), optionally
    ``default_retry``. Constructor (keyword-only, the same for every client):

    * ``base_url``: the API root (default: the injected ``http``'s);
    * ``auth``: the :class:`Auth` of every call (a call may pass its own ``auth=``);
    * ``http``: an :class:`HttpClient` to use (not closed by :meth:`aclose`); otherwise one is
      created with ``transport``, ``hooks``, ``retry``, ``timeouts``, ``limits`` and ``headers``;
    * ``max_in_flight``: requests in flight at once (default: ``limits.max_connections``);
    * ``limiter``: a :class:`RequestLimiter` pacing every attempt of every call (opt-in): an
      :class:`AdaptiveLimiter`, shared by the clients of one app, is also built from the settings'
      ``rate_limit_*`` fields.
    """

    service_name: ClassVar[str] = "api"
    settings_class: ClassVar[type[ApiSettings]] = ApiSettings
    error_map: ClassVar[ErrorMap] = ErrorMap()
    default_retry: ClassVar[RetryPolicy | None] = None

    def __init__(
        self,
        *,
        base_url: str = "",
        auth: Auth | None = None,
        http: HttpClient | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
        hooks: Sequence[HttpHook] = (),
        retry: RetryPolicy | None = None,
        timeouts: Timeouts | None = None,
        limits: Limits | None = None,
        headers: Mapping[str, str] | None = None,
        max_in_flight: int | None = None,
        limiter: RequestLimiter | None = None,
    ) -> None:
        if http is not None and transport is not None:
            raise ConfigurationError(f"{self.service_name}: pass either http= or transport=, not both")
        limits = limits or Limits()
        self._owns_http = http is None
        if http is None:
            http = HttpClient(
                service_name=self.service_name,
                base_url=base_url,
                headers=headers,
                timeouts=timeouts,
                limits=limits,
                retry=retry or self.default_retry,
                hooks=hooks,
                transport=transport or self._default_transport(limits),
            )
        self._http = http
        self.base_url = (base_url or http.base_url).rstrip("/")
        if self.base_url and not self.base_url.startswith(("http://", "https://")):
            raise ConfigurationError(
                f"{self.service_name}: base_url must be an http(s) URL, got {self.base_url!r}"
            )
        self._auth = auth
        # `is None`, not `or`: max_in_flight=0 must be refused, not read as "the default"
        in_flight = limits.max_connections if max_in_flight is None else max_in_flight
        if in_flight < 1:
            raise ConfigurationError(f"{self.service_name}: max_in_flight must be at least 1")
        self._slots = AsyncSlots(in_flight)
        self.limiter = limiter

    # -- construction -----------------------------------------------------------------------------

    @classmethod
    def from_settings(cls, settings: ApiSettings, **overrides: Any) -> Self:
        """A client from its settings; keyword ``overrides`` (``http=``, ``transport=``, ``hooks=``,
        ``auth=``...) win over what the settings give. The one signature of every client."""
        kwargs = cls.settings_kwargs(settings)
        kwargs.update(overrides)
        return cls(**kwargs)

    @classmethod
    def settings_kwargs(cls, settings: ApiSettings) -> dict[str, Any]:
        """The constructor arguments the settings give (override to map API-specific fields)."""
        return {
            "base_url": settings.resolved_base_url(),
            "timeouts": settings.timeouts(),
            "limits": settings.limits(),
            "retry": settings.retry_policy(),
            "headers": settings.default_headers or None,
            "max_in_flight": settings.max_in_flight,
            "auth": cls.auth_from_settings(settings),
            "limiter": cls.limiter_from_settings(settings),
        }

    @classmethod
    def limiter_from_settings(cls, settings: ApiSettings) -> AdaptiveLimiter | None:
        """An :class:`AdaptiveLimiter` when ``rate_limit_adaptive`` is set (its starting rate,
        maximum rate and window from ``rate_limit_start``/``rate_limit_max``/``rate_limit_window``),
        else ``None``."""
        if not settings.rate_limit_adaptive:
            return None
        return AdaptiveLimiter(
            rate=settings.rate_limit_start,
            max_rate=settings.rate_limit_max,
            window=settings.rate_limit_window,
        )

    @classmethod
    def auth_from_settings(cls, settings: ApiSettings) -> Auth | None:
        """Client credentials when ``client_id``, ``client_secret`` and ``token_url`` are set, else
        ``None`` (override for an API key or another scheme)."""
        secret = settings.client_secret.get_secret_value()
        if settings.client_id and secret and settings.token_url:
            auth = OAuth2ClientCredentials(
                token_url=settings.token_url,
                client_id=settings.client_id,
                client_secret=secret,
                scope=settings.scope,
            )
            _OWNED_AUTHS.add(auth)
            return auth
        return None

    def _default_transport(self, limits: Limits) -> httpx.AsyncBaseTransport | None:
        """The transport of an owned HTTP client (``None``: httpx's). Override for a faster one."""
        return None

    # -- lifecycle --------------------------------------------------------------------------------

    @property
    def http(self) -> HttpClient:
        """The HTTP client under this API client."""
        return self._http

    async def aclose(self) -> None:
        """Close the HTTP client this client created (an injected ``http=`` stays open). Idempotent."""
        if self._owns_http:
            await self._http.aclose()
        if self._auth is not None and self._auth in _OWNED_AUTHS:
            closer = getattr(self._auth, "aclose", None)
            if closer is not None:
                await closer()

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.aclose()

    def __repr__(self) -> str:
        return f"{type(self).__name__}(base_url={self.base_url!r})"

    # -- calls ------------------------------------------------------------------------------------

    def _url(self, route: str, path: Mapping[str, Any] | None) -> str:
        try:
            filled = route.format_map({k: quote(str(v), safe="") for k, v in (path or {}).items()})
        except (KeyError, IndexError, ValueError) as exc:
            raise ValidationError(
                f"{self.service_name}: route {route!r} needs path parameter {exc}"
            ) from None
        if filled.startswith(("http://", "https://")):
            return filled
        return f"{self.base_url}/{filled.lstrip('/')}"

    async def _call(
        self,
        method: str,
        route: str,
        *,
        path: Mapping[str, Any] | None = None,
        url: str | None = None,
        params: Mapping[str, Any] | None = None,
        json: Any = None,
        data: Mapping[str, Any] | bytes | str | None = None,
        headers: Mapping[str, str] | None = None,
        auth: Auth | _Default | None = _DEFAULT,
        idempotency_key: str | None = None,
        retry_non_idempotent: bool = False,
        timeout: float | Timeouts | None = None,  # noqa: ASYNC109 - per-call timeout of the HTTP core
    ) -> Response:
        """One call. ``route`` is a template (``"/v1/artists/{id}"``) filled from ``path`` (values
        URL-quoted) and joined to ``base_url``; the template itself labels the call in logs, spans
        and metrics. ``url`` (a ``next`` link) replaces the filled route. ``auth`` (default: the
        client's; ``None`` for none) is applied to each attempt and replayed once after a 401.
        Errors go through the client's :attr:`error_map`."""
        target = url if url is not None else self._url(route, path)
        if url is not None and not url.startswith(("http://", "https://")):
            target = f"{self.base_url}/{url.lstrip('/')}"
        used = self._auth if isinstance(auth, _Default) else auth
        replayed = False
        while True:
            request = AuthRequest(dict(headers) if headers else {}, dict(params) if params else {})
            if used is not None:
                await used.apply(request)
            try:
                async with self._slots:
                    return await self._http.request(
                        method,
                        target,
                        params=request.params or None,
                        json=json,
                        data=data,
                        headers=request.headers or None,
                        idempotency_key=idempotency_key,
                        retry_non_idempotent=retry_non_idempotent,
                        timeout=timeout,
                        route=route,
                        limiter=self.limiter,
                    )
            except UnauthorizedError as exc:
                if used is not None and not replayed and await used.invalidate(request.credential):
                    replayed = True
                    continue
                better = used.unauthorized(exc) if used is not None else None
                raise (better or self.error_map.translate(exc)) from exc
            except HTTPStatusError as exc:
                mapped = self.error_map.translate(exc)
                if mapped is exc:
                    raise
                raise mapped from exc

    async def _call_json(self, method: str, route: str, **options: Any) -> Any:
        """:meth:`_call` and the JSON body (``None`` when empty; ResponseFormatError when not JSON)."""
        response = await self._call(method, route, **options)
        return response.json() if response.content else None

    async def _call_decoded(self, decode: Callable[[bytes], T], method: str, route: str, **options: Any) -> T:
        """:meth:`_call` and the body through ``decode`` (bytes to a value; a typed decoder such as a
        msgspec ``Decoder`` that raises ResponseFormatError on a shape problem): the hot-path
        alternative to :meth:`_call_json`, which builds every field of the body."""
        response = await self._call(method, route, **options)
        return decode(response.content)

    async def _call_model(self, model: type[T], method: str, route: str, **options: Any) -> T:
        """:meth:`_call` and the body decoded as ``model`` (ResponseFormatError when it does not fit)."""
        body = await self._call_json(method, route, **options)
        return decode(model, body, f"{self.service_name} {route}")

    async def _aiter_pages(
        self,
        route: str,
        pager: Pager,
        *,
        concurrency: int = 1,
        method: str = "GET",
        decode: Callable[[bytes], Any] | None = None,
        **options: Any,
    ) -> AsyncIterator[list[Any]]:
        """The items of a paged endpoint, page by page (``options`` as for :meth:`_call`;
        ``params`` are sent with every page, the pager's own parameters added). With ``decode``
        each page is decoded by it (see :meth:`_call_decoded`; the pager's selectors are then
        functions of the decoded page) instead of as JSON."""
        base = dict(options.pop("params", None) or {})

        async def fetch(page: PageRequest) -> Any:
            params = {**base, **page.params} if page.url is None else dict(page.params)
            if decode is not None:
                return await self._call_decoded(decode, method, route, url=page.url, params=params, **options)
            return await self._call_json(method, route, url=page.url, params=params, **options)

        async for items in aiter_pages(fetch, pager, concurrency=concurrency):
            yield items

    async def _aiter(
        self,
        route: str,
        pager: Pager,
        *,
        concurrency: int = 1,
        method: str = "GET",
        **options: Any,
    ) -> AsyncIterator[Any]:
        """Every item of a paged endpoint, one by one (see :meth:`_aiter_pages`)."""
        async for items in self._aiter_pages(route, pager, concurrency=concurrency, method=method, **options):
            for item in items:
                yield item

    def _log(self, operation: str, **fields: Any) -> None:
        """A debug line naming the operation (never pass a secret in ``fields``)."""
        if logger.isEnabledFor(logging.DEBUG):
            extra = {"service_name": self.service_name, "api_operation": operation, **fields}
            logger.debug("%s: %s", self.service_name, operation, extra=extra)

"""The HTTP core: one async client (and its sync twin) that every verifiedfan API client builds on.

The successor of ``@verifiedfan/request``::

    from verifiedfan.http import HttpClient, RetryPolicy, Timeouts

    async with HttpClient(service_name="spotify", base_url="https://api.spotify.com/v1") as http:
        me = await http.get_json("/me", token=user_token, route="/v1/me")

Retries (network errors, timeouts, 5xx, 429 with ``Retry-After`` up to a cap) go through one
:class:`RetryPolicy`; errors are :mod:`verifiedfan.errors` classes carrying status and body; the
correlation id travels as ``x-correlation-id``; :class:`ClientCredentialsTokenProvider` supplies
OAuth2 tokens as ``auth=``; :class:`HttpHook` is the instrumentation extension point.
"""

from verifiedfan._primitives import BlockingCallWarning, EventLoopMismatchError
from verifiedfan.http._aiohttp import AiohttpTransport
from verifiedfan.http._api._async.auth import (
    ApiKey,
    Auth,
    AuthBase,
    BasicAuth,
    OAuth2ClientCredentials,
    SignedJwt,
    StaticBearer,
)
from verifiedfan.http._api._async.client import ApiClient
from verifiedfan.http._api._async.limiter import AdaptiveLimiter, LimiterStats, RequestLimiter
from verifiedfan.http._api._async.paging import (
    aiter_cursor,
    aiter_links,
    aiter_offsets,
    aiter_page_numbers,
    aiter_pages,
)
from verifiedfan.http._api._async.tokens import UserTokenAuth, UserTokens
from verifiedfan.http._api._credentials import (
    AuthRequest,
    TokenAnswer,
    TokenBook,
    UserToken,
    basic_authorization,
)
from verifiedfan.http._api._decode import decode, field, items_of, optional_field, parse_time
from verifiedfan.http._api._errormap import ErrorMap, ErrorRule, body_field
from verifiedfan.http._api._pagers import (
    CursorPager,
    LinkPager,
    OffsetPager,
    PageNumberPager,
    Pager,
    PageRequest,
    Selector,
)
from verifiedfan.http._api._settings import ApiSettings
from verifiedfan.http._api._sync.auth import (
    SyncApiKey,
    SyncAuth,
    SyncAuthBase,
    SyncBasicAuth,
    SyncOAuth2ClientCredentials,
    SyncSignedJwt,
    SyncStaticBearer,
)
from verifiedfan.http._api._sync.client import SyncApiClient
from verifiedfan.http._api._sync.limiter import SyncAdaptiveLimiter, SyncRequestLimiter
from verifiedfan.http._api._sync.paging import (
    iter_cursor,
    iter_links,
    iter_offsets,
    iter_page_numbers,
    iter_pages,
)
from verifiedfan.http._api._sync.tokens import SyncUserTokenAuth, SyncUserTokens
from verifiedfan.http._async import HttpClient
from verifiedfan.http._config import (
    IDEMPOTENT_METHODS,
    HttpSettings,
    Limits,
    RetryPolicy,
    Timeouts,
    parse_retry_after,
)
from verifiedfan.http._core import (
    IDEMPOTENCY_HEADER,
    add_default_hook,
    add_secret_header,
    add_secret_param,
    add_secret_url,
    redact_headers,
    redact_url,
    remove_default_hook,
)
from verifiedfan.http._oauth import (
    AccessToken,
    ClientCredentials,
    ClientCredentialsTokenProvider,
    SyncClientCredentialsTokenProvider,
)
from verifiedfan.http._sync import SyncHttpClient
from verifiedfan.http._types import (
    AsyncTokenSource,
    CallInfo,
    CallObserver,
    CallOutcome,
    HttpHook,
    Response,
    SyncTokenSource,
)

__all__ = [
    "IDEMPOTENCY_HEADER",
    "IDEMPOTENT_METHODS",
    "AccessToken",
    "AdaptiveLimiter",
    "AiohttpTransport",
    "ApiClient",
    "ApiKey",
    "ApiSettings",
    "AsyncTokenSource",
    "Auth",
    "AuthBase",
    "AuthRequest",
    "BasicAuth",
    "BlockingCallWarning",
    "CallInfo",
    "CallObserver",
    "CallOutcome",
    "ClientCredentials",
    "ClientCredentialsTokenProvider",
    "CursorPager",
    "ErrorMap",
    "ErrorRule",
    "EventLoopMismatchError",
    "HttpClient",
    "HttpHook",
    "HttpSettings",
    "LimiterStats",
    "Limits",
    "LinkPager",
    "OAuth2ClientCredentials",
    "OffsetPager",
    "PageNumberPager",
    "PageRequest",
    "Pager",
    "RequestLimiter",
    "Response",
    "RetryPolicy",
    "Selector",
    "SignedJwt",
    "StaticBearer",
    "SyncAdaptiveLimiter",
    "SyncApiClient",
    "SyncApiKey",
    "SyncAuth",
    "SyncAuthBase",
    "SyncBasicAuth",
    "SyncClientCredentialsTokenProvider",
    "SyncHttpClient",
    "SyncOAuth2ClientCredentials",
    "SyncRequestLimiter",
    "SyncSignedJwt",
    "SyncStaticBearer",
    "SyncTokenSource",
    "SyncUserTokenAuth",
    "SyncUserTokens",
    "Timeouts",
    "TokenAnswer",
    "TokenBook",
    "UserToken",
    "UserTokenAuth",
    "UserTokens",
    "add_default_hook",
    "add_secret_header",
    "add_secret_param",
    "add_secret_url",
    "aiter_cursor",
    "aiter_links",
    "aiter_offsets",
    "aiter_page_numbers",
    "aiter_pages",
    "basic_authorization",
    "body_field",
    "decode",
    "field",
    "items_of",
    "iter_cursor",
    "iter_links",
    "iter_offsets",
    "iter_page_numbers",
    "iter_pages",
    "optional_field",
    "parse_retry_after",
    "parse_time",
    "redact_headers",
    "redact_url",
    "remove_default_hook",
]

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
from verifiedfan.http._pagination import iter_links, iter_offsets, paginate_links, paginate_offsets
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
    "AsyncTokenSource",
    "BlockingCallWarning",
    "CallInfo",
    "CallObserver",
    "CallOutcome",
    "ClientCredentials",
    "ClientCredentialsTokenProvider",
    "EventLoopMismatchError",
    "HttpClient",
    "HttpHook",
    "HttpSettings",
    "Limits",
    "Response",
    "RetryPolicy",
    "SyncClientCredentialsTokenProvider",
    "SyncHttpClient",
    "SyncTokenSource",
    "Timeouts",
    "add_default_hook",
    "iter_links",
    "iter_offsets",
    "paginate_links",
    "paginate_offsets",
    "parse_retry_after",
    "redact_headers",
    "redact_url",
    "remove_default_hook",
]

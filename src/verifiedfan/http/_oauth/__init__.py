"""OAuth2 client-credentials token providers for ``HttpClient(auth=...)`` / ``SyncHttpClient(auth=...)``.

The token is cached and refreshed when ``refresh_ratio`` (90%) of its lifetime has passed, or after a
401 (``invalidate``). However many callers wait for a token at once, one token request is made. The
work is done by :class:`~verifiedfan.http.OAuth2ClientCredentials` (and its generated sync twin);
the providers adapt it to the ``get_token``/``invalidate`` token-source protocol of the HTTP core.

``_async.py`` is the source; ``_sync.py`` is generated from it by ``scripts/unasync.py``.
"""

from verifiedfan.http._oauth._async import ClientCredentialsTokenProvider
from verifiedfan.http._oauth._credentials import AccessToken, ClientCredentials
from verifiedfan.http._oauth._sync import SyncClientCredentialsTokenProvider

__all__ = [
    "AccessToken",
    "ClientCredentials",
    "ClientCredentialsTokenProvider",
    "SyncClientCredentialsTokenProvider",
]

"""Sandbox music APIs: local servers speaking the Spotify Web API, the Spotify accounts service and
the Apple Music API, with deterministic seeded users and fault knobs.

>>> with SpotifySandbox() as sandbox:                       # doctest: +SKIP
...     token = sandbox.mint_token("fan-top-1")
...     spotify = Spotify(client_id=sandbox.client_id, client_secret=sandbox.client_secret,
...                       api_url=sandbox.api_url, accounts_url=sandbox.accounts_url)

Seeded users: the named edge cases in :data:`EDGE_CASE_USERS` (fans by rank 1 and 10, not by rank
11, by 51 saved tracks and not by exactly 50, no saved tracks, an expired token...) and any number of
crowd users ``Sandbox.crowd_user_id(i)``. Knobs: :class:`Faults` (latency, 5xx rate, 429 rate with
``Retry-After``, token lifetime) and :meth:`Sandbox.inject` for scripted outcomes.
"""

from verifiedfan.testing.sandbox._apple import AppleDeveloperKey, generate_developer_key
from verifiedfan.testing.sandbox._base import OUTCOMES, Faults
from verifiedfan.testing.sandbox._catalog import EDGE_CASE_USERS, TARGET_ARTIST_NAME
from verifiedfan.testing.sandbox._server import AppleMusicSandbox, Sandbox, SpotifySandbox

__all__ = [
    "EDGE_CASE_USERS",
    "OUTCOMES",
    "TARGET_ARTIST_NAME",
    "AppleDeveloperKey",
    "AppleMusicSandbox",
    "Faults",
    "Sandbox",
    "SpotifySandbox",
    "generate_developer_key",
]

"""Sandbox APIs: local servers that stand in for remote HTTP APIs in tests, benchmarks and demos.

**The framework** (any API): subclass :class:`SandboxApp`, declare routes with :func:`route`, run it
with an :class:`ApiSandbox` handle (a thread, or a child process with ``process=True``), get a
pytest fixture with :func:`sandbox_fixture`. Every app gets, without code of its own: 404/405
answers, the :class:`Faults` knobs (latency, 5xx rate, 429 with ``Retry-After``, connection resets,
malformed bodies, token expiry, a per-app rolling-window rate limit), scripted outcomes
(``inject``), a :class:`Journal` of received requests with secrets redacted, request counters per
route and per app, a token store with an RFC 6749 token endpoint helper (``oauth_token``) and
bearer checks answering 401 with ``WWW-Authenticate``, and the ``/_sandbox`` control API::

    from verifiedfan.testing.sandbox import ApiSandbox, Request, Response, SandboxApp, route, sandbox_fixture

    class PetsApp(SandboxApp):
        kind = "pets"

        def __init__(self, **kwargs):
            super().__init__(**kwargs)
            self.register_client("pets-client", "pets-secret")
            self.pets = {"1": {"id": "1", "name": "Rex"}}

        @route("POST", "/oauth/token", faults=False)
        def token(self, request: Request) -> Response:
            return self.oauth_token(request)           # client_credentials + refresh_token

        @route("GET", "/v1/pets/{pet_id}")
        def pet(self, request: Request, pet_id: str) -> Response:
            grant = self.bearer(request, allow_app=True)  # 401 + WWW-Authenticate when bad
            if isinstance(grant, Response):
                return grant
            pet = self.pets.get(pet_id)
            return Response.json(pet) if pet else self.error(404, "no such pet")

    class PetsSandbox(ApiSandbox):
        app_class = PetsApp

    pets_sandbox = sandbox_fixture(PetsSandbox)        # in a conftest.py

    with PetsSandbox() as sandbox:                     # or PetsSandbox(process=True)
        sandbox.set_faults(latency=0.01, rate_limit=100, rate_limit_window=30)
        sandbox.inject("503", "reset")                 # the next two API requests
        ...
        assert sandbox.counts()["routes"]["GET /v1/pets/{pet_id}"] == 3
        assert sandbox.journal(route="/v1/pets/{pet_id}")[0].headers["authorization"] == "Bearer [REDACTED]"

**The music sandboxes** built on it: :class:`SpotifySandbox` (Web API and accounts service) and
:class:`AppleMusicSandbox`, with deterministic seeded users: the named edge cases in
:data:`EDGE_CASE_USERS` (fans by rank 1 and 10, not by rank 11, by 51 saved tracks and not by
exactly 50, no saved tracks, an expired token...) and any number of crowd users
``Sandbox.crowd_user_id(i)``. Their ids follow each platform's format (:func:`platform_of_id`).

>>> with SpotifySandbox() as sandbox:                       # doctest: +SKIP
...     token = sandbox.mint_token("fan-top-1")
...     spotify = Spotify(client_id=sandbox.client_id, client_secret=sandbox.client_secret,
...                       api_url=sandbox.api_url, accounts_url=sandbox.accounts_url)
"""

from verifiedfan.testing.sandbox._app import SandboxApp
from verifiedfan.testing.sandbox._apple import AppleDeveloperKey, AppleMusicApp, generate_developer_key
from verifiedfan.testing.sandbox._bitly import BitlyApp, BitlySandbox
from verifiedfan.testing.sandbox._catalog import EDGE_CASE_USERS, TARGET_ARTIST_NAME
from verifiedfan.testing.sandbox._facebook import FacebookApp, FacebookSandbox
from verifiedfan.testing.sandbox._fastly import FastlyApp, FastlySandbox
from verifiedfan.testing.sandbox._faults import OUTCOMES, Faults, RateLimiter
from verifiedfan.testing.sandbox._http import Request, Response
from verifiedfan.testing.sandbox._journal import Journal, JournalEntry
from verifiedfan.testing.sandbox._music import MusicApp, platform_of_id
from verifiedfan.testing.sandbox._pagerduty import PagerDutyApp, PagerDutySandbox
from verifiedfan.testing.sandbox._pytest import sandbox_fixture
from verifiedfan.testing.sandbox._routing import Route, route
from verifiedfan.testing.sandbox._runner import ApiSandbox
from verifiedfan.testing.sandbox._server import AppleMusicSandbox, Sandbox, SpotifySandbox
from verifiedfan.testing.sandbox._sfmc import SfmcApp, SfmcSandbox
from verifiedfan.testing.sandbox._slack import SlackApp, SlackSandbox
from verifiedfan.testing.sandbox._spotify import SpotifyApp
from verifiedfan.testing.sandbox._tm_accounts import TM_SEED_USERS, TmAccountsApp, TmAccountsSandbox
from verifiedfan.testing.sandbox._tm_commerce import SEED_ORDER_COUNT, TmCommerceApp, TmCommerceSandbox
from verifiedfan.testing.sandbox._tm_discovery import TmDiscoveryApp, TmDiscoverySandbox
from verifiedfan.testing.sandbox._tm_sms import TmSmsApp, TmSmsSandbox
from verifiedfan.testing.sandbox._tokens import Grant, TokenStore

__all__ = [
    "EDGE_CASE_USERS",
    "OUTCOMES",
    "SEED_ORDER_COUNT",
    "TARGET_ARTIST_NAME",
    "TM_SEED_USERS",
    "ApiSandbox",
    "AppleDeveloperKey",
    "AppleMusicApp",
    "AppleMusicSandbox",
    "BitlyApp",
    "BitlySandbox",
    "FacebookApp",
    "FacebookSandbox",
    "FastlyApp",
    "FastlySandbox",
    "Faults",
    "Grant",
    "Journal",
    "JournalEntry",
    "MusicApp",
    "PagerDutyApp",
    "PagerDutySandbox",
    "RateLimiter",
    "Request",
    "Response",
    "Route",
    "Sandbox",
    "SandboxApp",
    "SfmcApp",
    "SfmcSandbox",
    "SlackApp",
    "SlackSandbox",
    "SpotifyApp",
    "SpotifySandbox",
    "TmAccountsApp",
    "TmAccountsSandbox",
    "TmCommerceApp",
    "TmCommerceSandbox",
    "TmDiscoveryApp",
    "TmDiscoverySandbox",
    "TmSmsApp",
    "TmSmsSandbox",
    "TokenStore",
    "generate_developer_key",
    "platform_of_id",
    "route",
    "sandbox_fixture",
]

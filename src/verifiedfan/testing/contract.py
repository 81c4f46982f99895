"""The contract every API client built on :class:`verifiedfan.http.ApiClient` keeps, as a test class.

Subclass :class:`ApiContract` in a test module (the name must start with ``Test``), give it two
fixtures, ``sandbox`` (the API's sandbox: anything with ``inject(*outcomes)`` and
``set_faults(**knobs)``, such as :class:`verifiedfan.testing.sandbox.ApiSandbox`) and ``client``
(the client under test, pointed at the sandbox, with a retry policy that does not really sleep),
and implement the few hooks that say how to call it. The inherited tests then check, against the
sandbox:

* a call returns the client's typed model;
* a 401 makes the client re-authenticate once and replay (``reauth_count`` grows by one), and a
  second 401 raises ``unauthorized_error``;
* 403, 404 and 429 with a ``Retry-After`` past the cap raise the mapped error classes, at once;
* a paged endpoint returns every item;
* no secret (``secrets``) appears in any captured log line, even on the retry path.

Example (two fixtures and five hooks)::

    class TestSpotifyContract(ApiContract):
        model = MusicUser
        forbidden_error = ForbiddenError

        @pytest.fixture
        def sandbox(self, spotify_sandbox): return spotify_sandbox

        @pytest.fixture
        async def client(self, sandbox, retry):
            async with Spotify(..., retry=retry) as client:
                yield client

        async def call(self, client, sandbox): return await client.get_user(self.token(sandbox))
        ...

The tests are ``async def`` and need pytest-asyncio in auto mode (the project's setting).
:class:`SyncApiContract`, generated from it, checks a blocking twin (``SyncSpotify``...) the same
way: its hooks and ``client`` fixture are plain ``def``.
"""

from verifiedfan.testing._contract._async import ApiContract
from verifiedfan.testing._contract._sync import SyncApiContract

__all__ = ["ApiContract", "SyncApiContract"]

"""pytest fixtures for the sandboxes: ``pytest_plugins = ["verifiedfan.testing.sandbox.fixtures"]``.

- ``spotify_sandbox_server`` / ``apple_music_sandbox_server``: one server per test session.
- ``spotify_sandbox`` / ``apple_music_sandbox``: the same servers, with counters, injected outcomes
  and fault knobs reset before each test (tokens minted earlier stay valid).
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from verifiedfan.testing.sandbox._faults import Faults
from verifiedfan.testing.sandbox._server import AppleMusicSandbox, SpotifySandbox

__all__ = ["apple_music_sandbox", "apple_music_sandbox_server", "spotify_sandbox", "spotify_sandbox_server"]


@pytest.fixture(scope="session")
def spotify_sandbox_server() -> Iterator[SpotifySandbox]:
    """A Spotify sandbox for the whole session (127.0.0.1, a free port)."""
    with SpotifySandbox() as sandbox:
        yield sandbox


@pytest.fixture(scope="session")
def apple_music_sandbox_server() -> Iterator[AppleMusicSandbox]:
    """An Apple Music sandbox for the whole session."""
    with AppleMusicSandbox() as sandbox:
        yield sandbox


@pytest.fixture
def spotify_sandbox(spotify_sandbox_server: SpotifySandbox) -> SpotifySandbox:
    """The session's Spotify sandbox, reset: zero counters, no injected outcomes, default faults."""
    spotify_sandbox_server.reset()
    spotify_sandbox_server.set_faults(Faults())
    return spotify_sandbox_server


@pytest.fixture
def apple_music_sandbox(apple_music_sandbox_server: AppleMusicSandbox) -> AppleMusicSandbox:
    """The session's Apple Music sandbox, reset."""
    apple_music_sandbox_server.reset()
    apple_music_sandbox_server.set_faults(Faults())
    return apple_music_sandbox_server

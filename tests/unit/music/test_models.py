"""The platform-neutral models."""

from __future__ import annotations

import dataclasses

import pytest

from verifiedfan.music import Artist, UserToken


def test_user_token_repr_hides_both_tokens() -> None:
    token = UserToken(access_token="access-canary-123", refresh_token="refresh-canary-456", expires_at=10.0)
    text = repr(token) + str(token)
    assert "canary" not in text
    assert "expires_at=10.0" in text


def test_user_token_without_refresh_token_says_so() -> None:
    assert "refresh_token=None" in repr(UserToken(access_token="a"))


@pytest.mark.parametrize(("expires_at", "expected"), [(None, False), (1030.0, True), (1100.0, False)])
def test_expires_within(expires_at: float | None, expected: bool) -> None:
    assert UserToken(access_token="a", expires_at=expires_at).expires_within(60, now=1000.0) is expected


def test_models_are_frozen() -> None:
    artist = Artist(id="a", name="A", platform="spotify")
    with pytest.raises(dataclasses.FrozenInstanceError, match=r"cannot assign to field 'name'"):
        artist.name = "B"  # type: ignore[misc]

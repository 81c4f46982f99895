"""Whatever JSON a platform sends, parsing either succeeds or raises ResponseFormatError."""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from verifiedfan.errors import ResponseFormatError
from verifiedfan.music import _parse as parse

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=8),
    lambda children: (
        st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=8), children, max_size=4)
    ),
    max_leaves=12,
)
keys = st.sampled_from(
    ["id", "name", "artists", "album", "external_ids", "attributes", "artistName", "data", "genres", "images"]
)
objects = st.dictionaries(keys, json_values, max_size=6) | json_values

PARSERS: list[Callable[[Any], Any]] = [
    parse.spotify_user,
    parse.spotify_artist,
    parse.spotify_track,
    parse.apple_storefront,
    parse.apple_artist,
    parse.apple_song,
    lambda obj: parse.apple_rotation_artists([obj]),
    lambda obj: parse.spotify_track(obj, added_at=obj),
]


@pytest.mark.parametrize("parser", PARSERS)
@settings(max_examples=150, deadline=None)
@given(obj=objects)
def test_only_response_format_errors_escape(parser: Callable[[Any], Any], obj: Any) -> None:
    with contextlib.suppress(ResponseFormatError):
        parser(obj)


def test_spotify_user_reads_account_id_and_apple_users_have_none() -> None:
    # The documented /v1/me example shape (developer.spotify.com, "Get Current User's Profile"),
    # plus account_id, which /v1/me returns since 2026-05-30 (issue 18).
    body = {
        "country": "SE",
        "display_name": "Fan",
        "email": "fan@example.com",
        "explicit_content": {"filter_enabled": False, "filter_locked": False},
        "external_urls": {"spotify": "https://open.spotify.com/user/fan"},
        "followers": {"href": None, "total": 3},
        "href": "https://api.spotify.com/v1/users/fan",
        "id": "fan",
        "images": [{"url": "https://i.scdn.co/image/ab67616d00001e02", "height": 300, "width": 300}],
        "product": "premium",
        "type": "user",
        "uri": "spotify:user:fan",
        "account_id": "acc-7f3a",
    }
    assert parse.spotify_user(body).account_id == "acc-7f3a"
    del body["account_id"]
    assert parse.spotify_user(body).account_id is None
    with pytest.raises(ResponseFormatError, match="account_id"):
        parse.spotify_user({**body, "account_id": 42})

"""Spotify playlists against the sandbox: each seeded user owns "Liked mix" (public, the first 150
saved tracks), "On repeat" (public) and "Top tracks" (private)."""

from __future__ import annotations

import pytest

from verifiedfan.errors import NotFoundError, ValidationError
from verifiedfan.music import Playlist, Spotify, SyncSpotify
from verifiedfan.testing.sandbox import SpotifySandbox
from verifiedfan.testing.sandbox._catalog import Catalog


def seeded_user(user_id: str) -> object:
    return Catalog().user(user_id)


async def test_the_users_playlists(spotify: Spotify, spotify_sandbox: SpotifySandbox) -> None:
    playlists = await spotify.get_user_playlists(spotify_sandbox.mint_token("heavy-saver"))
    assert [p.name for p in playlists] == ["Liked mix", "On repeat", "Top tracks"]
    assert [p.public for p in playlists] == [True, True, False]
    assert all(isinstance(p, Playlist) and p.owner_id == "heavy-saver" for p in playlists)
    assert playlists[0].total_tracks == 150
    assert all(p.tracks == () for p in playlists)  # a listing carries no tracks


async def test_a_playlist_and_all_its_tracks(spotify: Spotify, spotify_sandbox: SpotifySandbox) -> None:
    token = spotify_sandbox.mint_token("heavy-saver")
    liked = (await spotify.get_user_playlists(token))[0]
    playlist = await spotify.get_playlist(liked.id)  # public: the app token is enough
    assert (playlist.name, playlist.total_tracks, len(playlist.tracks)) == ("Liked mix", 150, 100)
    assert playlist.snapshot_id
    every = [t async for t in spotify.aiter_playlist_tracks(liked.id)]
    user = seeded_user("heavy-saver")
    catalog = Catalog()
    assert [t.id for t in every] == [catalog.tracks[i].spotify_id for i in user.saved[:150]]  # type: ignore[attr-defined]
    assert every[0].added_at is not None
    assert [t.id for t in every[:100]] == [t.id for t in playlist.tracks]
    assert spotify_sandbox.counts()["routes"]["GET /v1/playlists/{playlist_id}/tracks"] == 2
    assert len([t async for t in spotify.aiter_playlist_tracks(liked.id, limit=30)]) == 30


async def test_a_private_playlist_is_its_owners_only(
    spotify: Spotify, spotify_sandbox: SpotifySandbox
) -> None:
    owner = spotify_sandbox.mint_token("follower")
    top = (await spotify.get_user_playlists(owner))[2]
    assert top.public is False
    assert (await spotify.get_playlist(top.id, token=owner)).total_tracks == 20
    with pytest.raises(NotFoundError, match=r"spotify: GET http://[^/]+/v1/playlists/\w+ returned 404"):
        await spotify.get_playlist(top.id)  # the app
    with pytest.raises(NotFoundError, match=r"spotify: GET http://[^/]+/v1/playlists/\w+ returned 404"):
        await spotify.get_playlist(top.id, token=spotify_sandbox.mint_token("fan-top-1"))


async def test_bad_playlist_ids_are_refused_before_any_io(
    spotify: Spotify, spotify_sandbox: SpotifySandbox
) -> None:
    with pytest.raises(ValidationError, match="22 base62"):
        await spotify.get_playlist("spotify:playlist:37i9dQZF1DXcBWIGoYBM5M")
    with pytest.raises(ValidationError, match="22 base62"):
        [t async for t in spotify.aiter_playlist_tracks("x")]
    assert spotify_sandbox.stats().get("api_requests", 0) == 0


def test_the_sync_client_reads_playlists(spotify_sandbox: SpotifySandbox) -> None:
    with SyncSpotify(
        client_id=spotify_sandbox.client_id,
        client_secret=spotify_sandbox.client_secret,
        api_url=spotify_sandbox.api_url,
        accounts_url=spotify_sandbox.accounts_url,
    ) as spotify:
        token = spotify_sandbox.mint_token("fan-rank-10")
        playlists = spotify.get_user_playlists(token)
        assert len(list(spotify.iter_playlist_tracks(playlists[1].id))) == playlists[1].total_tracks

"""Music platforms and fan verification.

``Spotify`` and ``AppleMusic`` return the same platform-neutral models (``MusicUser``, ``Artist``,
``Track``, ``FanEngagement``), so a service never branches on the platform; ``verify_fan`` decides
whether an engagement shows a fan of an artist::

    async with Spotify(client_id=..., client_secret=...) as spotify:
        engagement = await spotify.get_fan_engagement(user_token)
    result = verify_fan(engagement, artist=TargetArtist(name="Sigrún Ólafsdóttir"))

The clients import no optional dependency at ``import verifiedfan.music``; ``AppleMusic`` needs the
``jwt`` extra when constructed.
"""

from verifiedfan.music._apple import AppleMusic, DeveloperToken
from verifiedfan.music._apple_sync import SyncAppleMusic
from verifiedfan.music._crowd import EngagementSource, FanCheck, verify_fans
from verifiedfan.music._errors import (
    AppleDeveloperTokenError,
    AppleUserTokenError,
    AuthorizationCodeError,
    AuthorizationDeniedError,
    StateMismatchError,
    TokenRefreshError,
)
from verifiedfan.music._events import FAN_VERIFIED_SCHEMA, FanVerifiedEvent
from verifiedfan.music._login import (
    LISTENING_SCOPES,
    AuthorizationRequest,
    check_state,
    code_challenge,
    new_code_verifier,
    read_callback,
)
from verifiedfan.music._models import (
    Album,
    Artist,
    FanEngagement,
    MusicUser,
    Platform,
    Playlist,
    SearchPage,
    SearchResults,
    Track,
    UserToken,
)
from verifiedfan.music._settings import AppleMusicSettings, SpotifySettings
from verifiedfan.music._spotify import Spotify, TimeRange
from verifiedfan.music._spotify_sync import SyncSpotify
from verifiedfan.music._verify import (
    TargetArtist,
    VerificationCriteria,
    VerificationReason,
    VerificationResult,
    normalize_artist_name,
    verify_fan,
)

__all__ = [
    "FAN_VERIFIED_SCHEMA",
    "LISTENING_SCOPES",
    "Album",
    "AppleDeveloperTokenError",
    "AppleMusic",
    "AppleMusicSettings",
    "AppleUserTokenError",
    "Artist",
    "AuthorizationCodeError",
    "AuthorizationDeniedError",
    "AuthorizationRequest",
    "DeveloperToken",
    "EngagementSource",
    "FanCheck",
    "FanEngagement",
    "FanVerifiedEvent",
    "MusicUser",
    "Platform",
    "Playlist",
    "SearchPage",
    "SearchResults",
    "Spotify",
    "SpotifySettings",
    "StateMismatchError",
    "SyncAppleMusic",
    "SyncSpotify",
    "TargetArtist",
    "TimeRange",
    "TokenRefreshError",
    "Track",
    "UserToken",
    "VerificationCriteria",
    "VerificationReason",
    "VerificationResult",
    "check_state",
    "code_challenge",
    "new_code_verifier",
    "normalize_artist_name",
    "read_callback",
    "verify_fan",
    "verify_fans",
]

"""Workflow 1 step 1, the Spotify sign-in: PKCE against RFC 7636's own example, the authorization URL
Spotify documents, and the whole flow against the sandbox's accounts service (a replayed, expired or
foreign code, a wrong verifier or redirect URI, a forged state, a declined consent)."""

from __future__ import annotations

import base64
from collections.abc import AsyncIterator
from urllib.parse import parse_qs, urlsplit

import pytest

from verifiedfan.errors import UserTokenExpiredError, ValidationError
from verifiedfan.log import capture_logs
from verifiedfan.music import (
    LISTENING_SCOPES,
    AuthorizationCodeError,
    AuthorizationDeniedError,
    Spotify,
    StateMismatchError,
    SyncSpotify,
    TokenRefreshError,
    UserToken,
    check_state,
    code_challenge,
    new_code_verifier,
    read_callback,
)
from verifiedfan.testing.sandbox import SpotifySandbox

CALLBACK = "https://app.example/spotify/callback"

# RFC 7636 Appendix B: the 32 octets, the code verifier they encode, and its S256 challenge.
RFC7636_OCTETS = bytes(
    [116, 24, 223, 180, 151, 153, 224, 37, 79, 250, 96, 125, 216, 173, 187, 186,
     22, 212, 37, 77, 105, 214, 191, 240, 91, 88, 5, 88, 83, 132, 141, 121]
)  # fmt: skip
RFC7636_VERIFIER = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"
RFC7636_CHALLENGE = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"


def query_of(url: str) -> dict[str, str]:
    return {k: v[0] for k, v in parse_qs(urlsplit(url).query).items()}


# -- PKCE and the authorization URL (no I/O) ------------------------------------------------------
def test_s256_challenge_of_the_rfc_7636_example() -> None:
    assert base64.urlsafe_b64encode(RFC7636_OCTETS).rstrip(b"=").decode() == RFC7636_VERIFIER
    assert code_challenge(RFC7636_VERIFIER) == RFC7636_CHALLENGE


def test_new_verifiers_are_fresh_and_in_the_rfc_alphabet() -> None:
    verifiers = {new_code_verifier() for _ in range(50)}
    assert len(verifiers) == 50
    for v in verifiers:
        assert 43 <= len(v) <= 128
        assert set(v) <= set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")
    assert len(new_code_verifier(32)) == 43


@pytest.mark.parametrize("verifier", ["short", "x" * 129, "a" * 42 + "!", "ä" * 43])
def test_a_verifier_outside_rfc_7636_is_refused(verifier: str) -> None:
    with pytest.raises(ValidationError, match="RFC 7636"):
        code_challenge(verifier)


async def test_authorization_url_carries_what_spotify_documents(spotify: Spotify) -> None:
    login = spotify.authorization_url(CALLBACK, code_verifier=RFC7636_VERIFIER, show_dialog=True)
    parts = urlsplit(login.url)
    assert f"{parts.scheme}://{parts.netloc}{parts.path}" == spotify.accounts_url + "/authorize"
    assert query_of(login.url) == {
        "client_id": spotify.client_id,
        "response_type": "code",
        "redirect_uri": CALLBACK,
        "state": login.state,
        "code_challenge_method": "S256",
        "code_challenge": RFC7636_CHALLENGE,
        "scope": " ".join(LISTENING_SCOPES),
        "show_dialog": "true",
    }
    assert login.code_verifier == RFC7636_VERIFIER
    assert RFC7636_VERIFIER not in login.url  # only the challenge travels in the URL
    assert RFC7636_VERIFIER not in repr(login)


async def test_each_authorization_gets_its_own_state_and_verifier(spotify: Spotify) -> None:
    a, b = spotify.authorization_url(CALLBACK), spotify.authorization_url(CALLBACK)
    assert a.state != b.state
    assert a.code_verifier != b.code_verifier
    assert len(a.state) >= 43  # 32 random octets
    assert query_of(a.url)["code_challenge"] == code_challenge(a.code_verifier)


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"redirect_uri": "/relative"}, "redirect_uri"),
        ({"redirect_uri": "https://app.example/cb#frag"}, "redirect_uri"),
        ({"redirect_uri": CALLBACK, "scopes": ["user-read-email", "Bad Scope"]}, "scope"),
        ({"redirect_uri": CALLBACK, "state": "short"}, "state"),
        ({"redirect_uri": CALLBACK, "code_verifier": "too-short"}, "RFC 7636"),
    ],
)
async def test_bad_authorization_arguments_are_refused(
    spotify: Spotify, kwargs: dict[str, object], match: str
) -> None:
    with pytest.raises(ValidationError, match=match):
        spotify.authorization_url(**kwargs)  # type: ignore[arg-type]


def test_check_state() -> None:
    check_state("expected-state-value", "expected-state-value")
    with pytest.raises(StateMismatchError, match="does not match"):
        check_state("expected-state-value", "expected-state-valuf")
    with pytest.raises(
        StateMismatchError,
        match=r"spotify: the callback's state does not match the one sent \(a forged or stale callback\)",
    ):
        check_state("expected-state-value", None)
    with pytest.raises(
        StateMismatchError,
        match=r"spotify: the callback's state does not match the one sent \(a forged or stale callback\)",
    ):
        check_state("expected-state-value", "")
    with pytest.raises(ValidationError, match="expected state is empty"):
        check_state("", "")


def test_read_callback_checks_the_state_before_anything_else() -> None:
    with pytest.raises(
        StateMismatchError,
        match=r"spotify: the callback's state does not match the one sent \(a forged or stale callback\)",
    ):
        read_callback("https://app.example/cb?error=access_denied&state=other", expected_state="mine-12345")
    with pytest.raises(
        StateMismatchError,
        match=r"spotify: the callback's state does not match the one sent \(a forged or stale callback\)",
    ):
        read_callback({"code": "abc"}, expected_state="mine-12345")
    assert read_callback("code=abc&state=mine-12345", expected_state="mine-12345") == "abc"
    with pytest.raises(AuthorizationDeniedError, match="access_denied") as denied:
        read_callback("?error=access_denied&state=mine-12345", expected_state="mine-12345")
    assert denied.value.error == "access_denied"
    with pytest.raises(ValidationError, match="neither a code"):
        read_callback({"state": "mine-12345"}, expected_state="mine-12345")


async def test_exchange_code_refuses_bad_input_before_any_io(
    spotify: Spotify, spotify_sandbox: SpotifySandbox
) -> None:
    with pytest.raises(ValidationError, match=r"code must be the non-empty code of the callback"):
        await spotify.exchange_code("", CALLBACK, new_code_verifier())
    with pytest.raises(
        ValidationError, match=r"redirect_uri must be an absolute http\(s\) URI without a fragment"
    ):
        await spotify.exchange_code("code", "not a uri", new_code_verifier())
    with pytest.raises(ValidationError, match="RFC 7636"):
        await spotify.exchange_code("code", CALLBACK, "bad verifier")
    assert spotify_sandbox.stats().get("token_requests", 0) == 0


# -- the flow against the sandbox -----------------------------------------------------------------
async def sign_in(spotify: Spotify, sandbox: SpotifySandbox, user: str = "fan-top-1") -> tuple[str, str]:
    """The first half of the flow: (code, verifier) after the user granted access."""
    login = spotify.authorization_url(CALLBACK)
    callback = sandbox.authorize(login.url, user=user)
    assert callback.startswith(CALLBACK + "?")
    return read_callback(callback, expected_state=login.state), login.code_verifier


async def test_full_sign_in(spotify: Spotify, spotify_sandbox: SpotifySandbox) -> None:
    code, verifier = await sign_in(spotify, spotify_sandbox, user="follower")
    token = await spotify.exchange_code(code, CALLBACK, verifier)
    assert isinstance(token, UserToken)
    assert token.access_token
    assert token.refresh_token
    assert token.expires_at is not None
    assert (await spotify.get_user(token)).id == "follower"
    # the refresh token works: an expired access token is refreshed and the call replayed
    spotify_sandbox.expire_tokens(token=token.access_token)
    assert (await spotify.get_user(token)).id == "follower"
    assert spotify_sandbox.stats()["refresh_grants"] == 1
    [grant] = spotify_sandbox.journal(route="/api/token", method="POST")[:1]
    assert "authorization_code" in grant.body.decode()
    assert code not in grant.body.decode()  # the journal redacts the code and the verifier
    assert verifier not in grant.body.decode()


async def test_a_replayed_code_is_refused_and_revokes_the_first_tokens(
    spotify: Spotify, spotify_sandbox: SpotifySandbox
) -> None:
    code, verifier = await sign_in(spotify, spotify_sandbox)
    first = await spotify.exchange_code(code, CALLBACK, verifier)
    with pytest.raises(AuthorizationCodeError, match="Invalid authorization code") as replay:
        await spotify.exchange_code(code, CALLBACK, verifier)
    assert replay.value.reason == "invalid_code"
    assert replay.value.status == 400
    assert spotify_sandbox.stats()["replayed_codes"] == 1
    with pytest.raises(
        UserTokenExpiredError,
        match=r"spotify: the user's access token expired or was revoked \(401\) and no refresh token was",
    ):
        await spotify.get_user(first.access_token)
    with pytest.raises(
        TokenRefreshError,
        match=r"spotify: the refresh token was rejected \(revoked or invalid\); the user must sign in again",
    ):
        await spotify.get_user(first)


async def test_a_forged_state_is_refused_before_the_code_is_used(
    spotify: Spotify, spotify_sandbox: SpotifySandbox
) -> None:
    mine = spotify.authorization_url(CALLBACK)
    theirs = spotify.authorization_url(CALLBACK)  # an attacker's own login, its callback planted
    planted = spotify_sandbox.authorize(theirs.url, user="casual-listener")
    with pytest.raises(
        StateMismatchError,
        match=r"spotify: the callback's state does not match the one sent \(a forged or stale callback\)",
    ):
        read_callback(planted, expected_state=mine.state)
    assert spotify_sandbox.stats().get("authorization_code_grants", 0) == 0


async def test_a_wrong_verifier_is_refused(spotify: Spotify, spotify_sandbox: SpotifySandbox) -> None:
    code, _ = await sign_in(spotify, spotify_sandbox)
    with pytest.raises(AuthorizationCodeError, match="code_verifier was incorrect") as wrong:
        await spotify.exchange_code(code, CALLBACK, new_code_verifier())
    assert wrong.value.reason == "code_verifier"
    with pytest.raises(
        AuthorizationCodeError,
        match=r"spotify: the authorization code was refused \(code_verifier was incorrect\); start the",
    ) as missing:
        await spotify.exchange_code(code, CALLBACK)
    assert missing.value.reason == "code_verifier"


async def test_an_expired_code_is_refused(spotify: Spotify, spotify_sandbox: SpotifySandbox) -> None:
    code, verifier = await sign_in(spotify, spotify_sandbox)
    spotify_sandbox.advance_clock(599)
    fresh, fresh_verifier = await sign_in(spotify, spotify_sandbox)
    spotify_sandbox.advance_clock(2)  # the first code is 601 s old, the second 2 s
    with pytest.raises(AuthorizationCodeError, match="Authorization code expired") as expired:
        await spotify.exchange_code(code, CALLBACK, verifier)
    assert expired.value.reason == "expired_code"
    assert (await spotify.exchange_code(fresh, CALLBACK, fresh_verifier)).refresh_token


async def test_the_redirect_uri_must_be_the_authorization_one(
    spotify: Spotify, spotify_sandbox: SpotifySandbox
) -> None:
    code, verifier = await sign_in(spotify, spotify_sandbox)
    with pytest.raises(AuthorizationCodeError, match="Invalid redirect URI") as wrong:
        await spotify.exchange_code(code, "https://app.example/other", verifier)
    assert wrong.value.reason == "redirect_uri"


@pytest.fixture
async def other_app(spotify_sandbox: SpotifySandbox) -> AsyncIterator[Spotify]:
    spotify_sandbox.app.register_client("other-app", "other-secret")
    async with Spotify(
        client_id="other-app",
        client_secret="other-secret",
        api_url=spotify_sandbox.api_url,
        accounts_url=spotify_sandbox.accounts_url,
    ) as client:
        yield client


async def test_a_code_issued_to_another_app_is_refused(
    spotify: Spotify, other_app: Spotify, spotify_sandbox: SpotifySandbox
) -> None:
    code, verifier = await sign_in(other_app, spotify_sandbox)
    with pytest.raises(
        AuthorizationCodeError,
        match=r"spotify: the authorization code was refused \(Invalid authorization code\); start the",
    ) as foreign:
        await spotify.exchange_code(code, CALLBACK, verifier)
    assert foreign.value.reason == "invalid_code"
    assert (await other_app.exchange_code(code, CALLBACK, verifier)).access_token  # still its own


async def test_a_declined_consent(spotify: Spotify, spotify_sandbox: SpotifySandbox) -> None:
    login = spotify.authorization_url(CALLBACK)
    callback = spotify_sandbox.authorize(login.url, deny=True)
    assert query_of(callback) == {"error": "access_denied", "state": login.state}
    with pytest.raises(
        AuthorizationDeniedError, match=r"spotify: the authorization was not granted \(access_denied\)"
    ):
        read_callback(callback, expected_state=login.state)


async def test_the_sandbox_refuses_what_spotify_refuses(
    spotify: Spotify, spotify_sandbox: SpotifySandbox
) -> None:
    login = spotify.authorization_url(CALLBACK)
    with pytest.raises(ValidationError, match="INVALID_CLIENT"):
        spotify_sandbox.authorize(login.url.replace(spotify.client_id, "unknown-client"))
    plain = login.url.replace("code_challenge_method=S256", "code_challenge_method=plain")
    assert query_of(spotify_sandbox.authorize(plain))["error"] == "invalid_request"
    token = login.url.replace("response_type=code", "response_type=token")
    assert query_of(spotify_sandbox.authorize(token))["error"] == "unsupported_response_type"
    scoped = spotify.authorization_url(CALLBACK, scopes=["user-read-email", "made-up-scope"])
    assert query_of(spotify_sandbox.authorize(scoped.url))["error"] == "invalid_scope"


def test_the_sync_client_signs_in(spotify_sandbox: SpotifySandbox) -> None:
    with SyncSpotify(
        client_id=spotify_sandbox.client_id,
        client_secret=spotify_sandbox.client_secret,
        api_url=spotify_sandbox.api_url,
        accounts_url=spotify_sandbox.accounts_url,
    ) as spotify:
        login = spotify.authorization_url(CALLBACK, state="state-of-the-sync-test")
        code = read_callback(
            spotify_sandbox.authorize(login.url, user="fan-rank-10"), expected_state=login.state
        )
        token = spotify.exchange_code(code, CALLBACK, login.code_verifier)
        assert spotify.get_user(token).id == "fan-rank-10"
        with pytest.raises(
            AuthorizationCodeError,
            match=r"spotify: the authorization code was refused \(Invalid authorization code\); start the",
        ):
            spotify.exchange_code(code, CALLBACK, login.code_verifier)


async def test_no_code_verifier_or_token_in_any_log_line_or_error(
    spotify: Spotify, spotify_sandbox: SpotifySandbox
) -> None:
    with capture_logs("debug") as logs:
        code, verifier = await sign_in(spotify, spotify_sandbox)
        token = await spotify.exchange_code(code, CALLBACK, verifier)
        with pytest.raises(
            AuthorizationCodeError,
            match=r"spotify: the authorization code was refused \(Invalid authorization code\); start the",
        ) as replay:
            await spotify.exchange_code(code, CALLBACK, verifier)
    assert logs.lines, "nothing was logged: the test would prove nothing"
    assert token.refresh_token is not None
    for secret in (code, verifier, token.access_token, token.refresh_token, spotify_sandbox.client_secret):
        assert secret not in logs.text
        assert secret not in str(replay.value)
        assert secret not in repr(replay.value.__cause__)

"""Facebook Graph API on its sandbox: tokens, likes (paged), has_liked, test users, error codes."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Iterator

import pytest

from verifiedfan.errors import (
    ConfigurationError,
    InvalidTokenError,
    RateLimitedError,
    ServerError,
    ValidationError,
)
from verifiedfan.http import RetryPolicy
from verifiedfan.log import capture_logs
from verifiedfan.partners import (
    Facebook,
    FacebookError,
    FacebookInvalidTokenError,
    FacebookRateLimitedError,
    FacebookSettings,
    PageLike,
    SyncFacebook,
)
from verifiedfan.partners._facebook_models import graph_error, parse_token
from verifiedfan.testing.sandbox import FacebookSandbox


class Sleeps:
    def __init__(self) -> None:
        self.waits: list[float] = []

    async def __call__(self, seconds: float) -> None:
        self.waits.append(seconds)


@pytest.fixture(scope="module")
def sandbox() -> Iterator[FacebookSandbox]:
    with FacebookSandbox() as running:
        yield running


@pytest.fixture
def sleeps() -> Sleeps:
    return Sleeps()


@pytest.fixture
async def fb(sandbox: FacebookSandbox, sleeps: Sleeps) -> AsyncIterator[Facebook]:
    sandbox.reset()
    async with Facebook(
        app_id=sandbox.app_id,
        app_secret=sandbox.app_secret,
        base_url=sandbox.url,
        retry=RetryPolicy(sleep=sleeps, jitter=lambda: 1.0),
    ) as client:
        yield client


async def test_extend_token_then_id(fb: Facebook, sandbox: FacebookSandbox) -> None:
    user = sandbox.add_user("Fan One")
    extended = await fb.extend_token(user["access_token"])
    assert extended.token_type == "bearer"
    assert extended.expires_in == 5183944  # about 60 days, as Graph documents
    assert extended.access_token != user["access_token"]
    assert extended.access_token not in repr(extended)
    assert await fb.get_id(extended.access_token) == user["id"]
    (call,) = sandbox.journal(route="/{version}/oauth/access_token")
    assert call.path.startswith("/v21.0/")  # the pinned version
    assert call.query["grant_type"] == "fb_exchange_token"
    assert call.query["client_secret"] == "[REDACTED]"
    assert call.query["fb_exchange_token"] == "[REDACTED]"


def test_the_documented_answers_parse() -> None:
    """The example of "Get a long-lived user access token" and of Graph's error object."""
    token = parse_token({"access_token": "EAAB...", "token_type": "bearer", "expires_in": 5183944}, "x")
    assert (token.token_type, token.expires_in) == ("bearer", 5183944)
    from verifiedfan.errors import ClientError

    raw = ClientError(
        "x",
        status=400,
        body={
            "error": {
                "message": "Error validating access token: Session has expired on Tuesday.",
                "type": "OAuthException",
                "code": 190,
                "error_subcode": 463,
                "fbtrace_id": "H2il2t5bn4e",
            }
        },
        method="GET",
        url="https://graph.facebook.com/v21.0/me",
    )
    mapped = graph_error(raw, "x")
    assert isinstance(mapped, FacebookInvalidTokenError)
    assert (mapped.code, mapped.subcode, mapped.fbtrace_id) == (190, 463, "H2il2t5bn4e")
    assert "Session has expired" in str(mapped)


async def test_likes_are_paged_and_has_liked(fb: Facebook, sandbox: FacebookSandbox) -> None:
    user = sandbox.add_user("Fan Two")
    for i in range(7):
        sandbox.like(user["id"], str(20531316700 + i), f"Artist {i}")
    likes = await fb.get_likes(user["access_token"], page_size=3)
    assert [like.id for like in likes] == [str(20531316700 + i) for i in range(7)]
    assert likes[0] == PageLike(id="20531316700", name="Artist 0")
    assert sandbox.counts()["routes"]["GET /{version}/me/likes"] == 3  # 3 + 3 + 1, following paging.next
    assert await fb.has_liked(user["access_token"], "20531316703") is True
    assert await fb.has_liked(user["access_token"], "99999999999") is False


async def test_code_190_is_an_invalid_token_error(fb: Facebook, sandbox: FacebookSandbox) -> None:
    user = sandbox.add_user()
    sandbox.expire_user_tokens(user["id"])
    with pytest.raises(FacebookInvalidTokenError, match=r"\(190\) Error validating access token") as caught:
        await fb.get_id(user["access_token"])
    assert isinstance(caught.value, InvalidTokenError)
    assert caught.value.subcode == 463
    assert caught.value.error_type == "OAuthException"
    assert user["access_token"] not in str(caught.value)
    with pytest.raises(FacebookInvalidTokenError):
        await fb.extend_token("EAABnotatoken")


@pytest.mark.parametrize("code", [4, 17, 32, 613])
async def test_throttling_codes_are_rate_limited_errors(
    fb: Facebook, sandbox: FacebookSandbox, sleeps: Sleeps, code: int
) -> None:
    user = sandbox.add_user()
    sandbox.throttle(code)
    with pytest.raises(FacebookRateLimitedError) as caught:
        await fb.has_liked(user["access_token"], "20531316728")
    assert isinstance(caught.value, RateLimitedError)
    assert caught.value.code == code
    assert sleeps.waits == []  # not retried: Graph's window drains over minutes
    assert await fb.has_liked(user["access_token"], "20531316728") is False


async def test_other_graph_errors_and_5xx(fb: Facebook, sandbox: FacebookSandbox, sleeps: Sleeps) -> None:
    with pytest.raises(FacebookInvalidTokenError, match="Invalid OAuth access token"):  # a bad app token
        async with Facebook(app_id=sandbox.app_id, app_secret="wrong", base_url=sandbox.url) as bad:
            await bad.delete_test_user("100000000000001")
    sandbox.inject("503")
    user = sandbox.add_user()
    assert await fb.get_id(user["access_token"]) == user["id"]  # a read: retried
    assert sleeps.waits == [0.5]
    sandbox.inject("500", "500", "500", "500")
    with pytest.raises(ServerError):
        await fb.get_id(user["access_token"])


async def test_test_user_helpers(fb: Facebook, sandbox: FacebookSandbox) -> None:
    made = await fb.create_test_user(permissions=("user_likes", "email"), name="Test Fan")
    assert made.access_token
    assert made.email
    assert made.email.endswith("@tfbnw.net")
    assert made.password not in repr(made)
    assert made.access_token not in repr(made)
    assert await fb.get_id(made.access_token) == made.id
    listed = await fb.list_test_users()
    assert [u.id for u in listed] == [made.id]
    (created,) = sandbox.journal(method="POST", route="/{version}/{app_id}/accounts/test-users")
    assert created.query["permissions"] == "user_likes,email"
    assert created.query["access_token"] == "[REDACTED]"  # the app token
    assert await fb.delete_test_user(made.id) is True
    assert await fb.list_test_users() == []
    with pytest.raises(FacebookError, match="803"):
        await fb.delete_test_user(made.id)


async def test_bad_input_is_refused_before_any_io(fb: Facebook, sandbox: FacebookSandbox) -> None:
    with pytest.raises(ValidationError, match="access token"):
        await fb.get_id("")
    with pytest.raises(ValidationError, match="access token"):
        await fb.extend_token("has space")
    with pytest.raises(ValidationError, match="page_id must be a numeric"):
        await fb.has_liked("EAABtoken", "../me")
    with pytest.raises(ValidationError, match="user_id must be a numeric"):
        await fb.delete_test_user("me")
    assert sandbox.counts()["routes"] == {}


def test_configuration() -> None:
    with pytest.raises(ConfigurationError, match="numeric app id"):
        Facebook(app_id="my-app", app_secret="s")
    with pytest.raises(ConfigurationError, match="app_secret"):
        Facebook(app_id="123", app_secret="")
    with pytest.raises(ConfigurationError, match=r"v21\.0"):
        Facebook(app_id="123", app_secret="s", version="21")
    client = SyncFacebook(app_id="123", app_secret="very-secret-value", version="v19.0")
    assert client.base_url == "https://graph.facebook.com/v19.0"
    assert "very-secret-value" not in repr(client)
    client.close()


async def test_secrets_never_in_logs_or_errors(
    sandbox: FacebookSandbox, sleeps: Sleeps, caplog: pytest.LogCaptureFixture
) -> None:
    sandbox.reset()
    user = sandbox.add_user()
    caplog.set_level(logging.DEBUG, logger="verifiedfan")
    with capture_logs("debug") as logs:
        async with Facebook(
            app_id=sandbox.app_id,
            app_secret=sandbox.app_secret,
            base_url=sandbox.url,
            retry=RetryPolicy(sleep=sleeps),
        ) as fb:
            token = (await fb.extend_token(user["access_token"])).access_token
            await fb.get_likes(token)
            await fb.create_test_user()
            sandbox.inject("500", "500", "500", "500")
            with pytest.raises(ServerError) as caught:
                await fb.get_id(token)
    secrets = (sandbox.app_secret, user["access_token"], token)
    assert logs.lines
    for secret in secrets:
        assert secret not in logs.text
        assert all(
            secret not in r.getMessage() + str(r.__dict__)
            for r in caplog.records
            if r.name.startswith("verifiedfan")
        )
        assert secret not in str(caught.value)
        assert secret not in str(caught.value.url)


def test_from_settings_and_the_sync_twin(sandbox: FacebookSandbox, monkeypatch: pytest.MonkeyPatch) -> None:
    sandbox.reset()
    monkeypatch.setenv("VF_FACEBOOK_CLIENT_ID", sandbox.app_id)
    monkeypatch.setenv("VF_FACEBOOK_CLIENT_SECRET", sandbox.app_secret)
    monkeypatch.setenv("VF_FACEBOOK_BASE_URL", sandbox.url)
    settings = FacebookSettings()
    assert sandbox.app_secret not in repr(settings)
    with SyncFacebook.from_settings(settings) as fb:
        made = fb.create_test_user()
        sandbox.like(made.id, "20531316728", "Taylor")
        assert made.access_token is not None
        assert fb.has_liked(made.access_token, "20531316728") is True
        assert [like.name for like in fb.get_likes(made.access_token)] == ["Taylor"]
        assert fb.delete_test_user(made.id) is True


def test_vf_sandbox_partners_serves_the_facebook_sandbox() -> None:
    import json

    from typer.testing import CliRunner

    from verifiedfan.cli._sandbox import app as sandbox_app

    result = CliRunner().invoke(sandbox_app, ["partners", "--duration", "0", "--json"])
    assert result.exit_code == 0, result.output
    info = json.loads(result.stdout)["facebook"]
    assert info["base_url"].startswith("http://127.0.0.1:")
    assert info["app_id"] == "1234567890123"

"""The API-client base: routes, auth replay, the error map, settings, decoding, redaction."""

from __future__ import annotations

import asyncio
import json
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
from pydantic import Field
from pydantic_settings import SettingsConfigDict

from verifiedfan.errors import (
    AuthError,
    ConfigurationError,
    ForbiddenError,
    NotFoundError,
    ResponseFormatError,
    UnauthorizedError,
    UserTokenExpiredError,
    ValidationError,
)
from verifiedfan.http import (
    ApiClient,
    ApiKey,
    ApiSettings,
    CallInfo,
    ErrorMap,
    ErrorRule,
    HttpHook,
    OAuth2ClientCredentials,
    OffsetPager,
    RetryPolicy,
    StaticBearer,
    UserToken,
    UserTokens,
    body_field,
)
from verifiedfan.log import capture_logs


class WidgetForbiddenError(ForbiddenError):
    """The widget API's 403."""


class WidgetGoneError(NotFoundError):
    """A 404 whose body says the widget was deleted."""


@dataclass(frozen=True)
class Widget:
    id: str
    size: int


class WidgetSettings(ApiSettings):
    model_config = SettingsConfigDict(env_prefix="VF_WIDGET_")

    service_name: str = "widgets"
    base_urls: dict[str, str] = Field(
        default_factory=lambda: {"prod": "https://widgets.example", "qa": "https://qa.widgets.example"}
    )


def _gone(error: Any) -> bool:
    return bool(body_field(error, "code") == "gone")


class Widgets(ApiClient):
    service_name = "widgets"
    settings_class = WidgetSettings
    error_map = ErrorMap(
        {
            403: (WidgetForbiddenError, "the widget key may not do that"),
            404: ErrorRule(
                WidgetGoneError, "the widget was deleted", when=lambda e: body_field(e, "code") == "gone"
            ),
        }
    )

    async def get_widget(self, widget_id: str) -> Widget:
        return await self._call_model(Widget, "GET", "/v1/widgets/{id}", path={"id": widget_id})


class Routes(HttpHook):
    def __init__(self) -> None:
        self.routes: list[str] = []

    def start_call(self, call: CallInfo) -> None:
        self.routes.append(call.route)


def app(handler: Any) -> httpx.MockTransport:
    return httpx.MockTransport(handler)


NO_RETRY = RetryPolicy.never()


async def test_route_template_fills_quoted_path_and_names_the_call() -> None:
    seen: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request.url.raw_path.decode())
        return httpx.Response(200, json={"id": "a/b", "size": 3})

    hook = Routes()
    async with Widgets(base_url="https://w.example", transport=app(handler), hooks=[hook]) as client:
        widget = await client.get_widget("a/b")
    assert widget == Widget(id="a/b", size=3)
    assert seen == ["/v1/widgets/a%2Fb"]
    assert hook.routes == ["/v1/widgets/{id}"]


async def test_a_missing_path_parameter_fails_before_io() -> None:
    def handler(request: httpx.Request) -> httpx.Response:  # pragma: no cover - never called
        raise AssertionError("no request expected")

    async with Widgets(base_url="https://w.example", transport=app(handler)) as client:
        with pytest.raises(ValidationError, match="path parameter 'id'"):
            await client._call("GET", "/v1/widgets/{id}")


async def test_a_shape_problem_is_a_response_format_error() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, json={"id": "w1", "size": "big"})

    async with Widgets(base_url="https://w.example", transport=app(handler)) as client:
        with pytest.raises(ResponseFormatError, match=r"widgets /v1/widgets/\{id\}: .*size"):
            await client.get_widget("w1")


async def test_error_map_keeps_the_fields_and_chains() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path.endswith("/w403"):
            return httpx.Response(403, json={"error": "scope"})
        if request.url.path.endswith("/gone"):
            return httpx.Response(404, json={"code": "gone"})
        return httpx.Response(404, json={"code": "nope"})

    async with Widgets(base_url="https://w.example", transport=app(handler), retry=NO_RETRY) as client:
        with pytest.raises(WidgetForbiddenError, match="widgets: the widget key may not do that") as info:
            await client.get_widget("w403")
        assert info.value.status_code == 403
        assert info.value.body == {"error": "scope"}
        assert info.value.method == "GET"
        assert isinstance(info.value.__cause__, ForbiddenError)
        with pytest.raises(WidgetGoneError, match="deleted"):
            await client.get_widget("gone")
        with pytest.raises(
            NotFoundError, match=r"^widgets: GET https://w\.example/v1/widgets/other returned 404$"
        ) as plain:
            await client.get_widget("other")
        assert type(plain.value) is NotFoundError


async def test_401_gets_one_reauth_with_client_credentials() -> None:
    tokens: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/oauth/token":
            tokens.append(f"t{len(tokens) + 1}")
            return httpx.Response(200, json={"access_token": tokens[-1], "expires_in": 3600})
        if request.headers["authorization"] == "Bearer t1":
            return httpx.Response(401)
        return httpx.Response(200, json={"id": "w", "size": 1})

    token_http_transport = app(handler)
    from verifiedfan.http import HttpClient

    async with HttpClient(service_name="oauth2", transport=token_http_transport) as token_http:
        auth = OAuth2ClientCredentials(
            token_url="https://w.example/oauth/token", client_id="id", client_secret="s", http=token_http
        )
        async with Widgets(base_url="https://w.example", transport=app(handler), auth=auth) as client:
            assert await client.get_widget("w") == Widget(id="w", size=1)
    assert tokens == ["t1", "t2"]


async def test_a_fixed_credential_is_not_replayed_after_401() -> None:
    calls = 0

    def handler(request: httpx.Request) -> httpx.Response:
        nonlocal calls
        calls += 1
        return httpx.Response(401)

    async with Widgets(
        base_url="https://w.example", transport=app(handler), auth=StaticBearer("abc"), retry=NO_RETRY
    ) as client:
        with pytest.raises(
            UnauthorizedError, match=r"^widgets: GET https://w\.example/v1/widgets/w returned 401$"
        ):
            await client.get_widget("w")
    assert calls == 1


async def test_an_expired_user_token_without_refresh_says_what_to_do() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(401, json={"error": {"status": 401, "message": "The access token expired"}})

    async def never(refresh_token: str) -> UserToken:  # pragma: no cover - no refresh token given
        raise AssertionError

    tokens = UserTokens(never, service_name="widgets")
    async with Widgets(base_url="https://w.example", transport=app(handler), retry=NO_RETRY) as client:
        with pytest.raises(UserTokenExpiredError, match=r"no refresh token was given.*sign in again") as info:
            await client._call("GET", "/v1/me", auth=tokens.auth(UserToken(access_token="old")))
    assert isinstance(info.value, AuthError)
    assert isinstance(info.value, UnauthorizedError)
    assert info.value.status_code == 401


async def test_user_tokens_refresh_once_for_many_concurrent_calls() -> None:
    refreshes: list[str] = []

    async def refresher(refresh_token: str) -> UserToken:
        refreshes.append(refresh_token)
        await asyncio.sleep(0.01)
        return UserToken(access_token="new", refresh_token=refresh_token, expires_at=10_000.0)

    def handler(request: httpx.Request) -> httpx.Response:
        if request.headers["authorization"] == "Bearer old":
            return httpx.Response(401)
        return httpx.Response(200, json={"id": "w", "size": 1})

    tokens = UserTokens(refresher, service_name="widgets", clock=lambda: 0.0)
    token = UserToken(access_token="old", refresh_token="r1", expires_at=10_000.0)
    async with Widgets(base_url="https://w.example", transport=app(handler)) as client:
        answers = await asyncio.gather(
            *(client._call_json("GET", "/v1/me", auth=tokens.auth(token)) for _ in range(20))
        )
    assert answers == [{"id": "w", "size": 1}] * 20
    assert refreshes == ["r1"]
    assert tokens.latest(token).access_token == "new"


async def test_api_key_in_query_is_redacted_in_errors_and_logs() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        assert request.url.params["apiKey"] == "SUPERSECRET"
        return httpx.Response(403)

    auth = ApiKey("SUPERSECRET", query="apiKey")
    with capture_logs("debug") as logs:
        async with Widgets(
            base_url="https://w.example", transport=app(handler), auth=auth, retry=NO_RETRY
        ) as c:
            with pytest.raises(WidgetForbiddenError, match="the widget key may not do that") as info:
                await c.get_widget("w")
    text = logs.text
    assert "http call failed" in text
    assert "SUPERSECRET" not in str(info.value) + str(info.value.url) + repr(auth)
    assert "SUPERSECRET" not in text
    assert "[REDACTED]" in str(info.value.url)


async def test_api_key_in_a_custom_header_is_redacted_in_logs() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        assert request.headers["authorization"] == "Token token=K3Y"
        assert request.headers["x-widget-key"] == "K3Y"
        return httpx.Response(200, json={"id": "w", "size": 1})

    pd = ApiKey("K3Y", header="Authorization", prefix="Token token=")
    custom = ApiKey("K3Y", header="X-Widget-Key")
    with capture_logs("debug") as logs:
        async with Widgets(base_url="https://w.example", transport=app(handler), auth=pd) as client:
            await client._call("GET", "/v1/widgets/w", headers={"x-widget-key": "K3Y"})
    text = logs.text
    assert custom.header == "x-widget-key"
    assert "http attempt" in text
    assert "K3Y" not in text


def test_from_settings_reads_the_api_prefix_and_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("VF_WIDGET_ENVIRONMENT", "qa")
    monkeypatch.setenv("VF_WIDGET_MAX_RETRIES", "7")
    monkeypatch.setenv("VF_WIDGET_CLIENT_ID", "cid")
    monkeypatch.setenv("VF_WIDGET_CLIENT_SECRET", "csecret")
    monkeypatch.setenv("VF_WIDGET_TOKEN_URL", "https://qa.widgets.example/token")
    client = Widgets.from_settings(WidgetSettings(), max_in_flight=3)
    assert client.base_url == "https://qa.widgets.example"
    assert client.http.retry_policy.max_retries == 7
    assert isinstance(client._auth, OAuth2ClientCredentials)
    assert "csecret" not in repr(client._auth) + repr(WidgetSettings())
    monkeypatch.setenv("VF_WIDGET_ENVIRONMENT", "staging")
    with pytest.raises(ConfigurationError, match="no base URL for environment 'staging'"):
        Widgets.from_settings(WidgetSettings())


async def test_aiter_pages_every_item_in_order_with_the_route_label() -> None:
    data = list(range(23))

    def handler(request: httpx.Request) -> httpx.Response:
        offset, limit = int(request.url.params["offset"]), int(request.url.params["limit"])
        assert request.url.params["kind"] == "round"
        return httpx.Response(200, json={"items": data[offset : offset + limit], "total": len(data)})

    hook = Routes()
    async with Widgets(base_url="https://w.example", transport=app(handler), hooks=[hook]) as client:
        pager = OffsetPager(page_size=5)
        got = [i async for i in client._aiter("/v1/things", pager, params={"kind": "round"}, concurrency=3)]
    assert got == data
    assert pager.total == 23
    assert hook.routes == ["/v1/things"] * 5


def test_json_body_of_client_credentials_with_extra_fields() -> None:
    bodies: list[dict[str, Any]] = []

    def handler(request: httpx.Request) -> httpx.Response:
        bodies.append(json.loads(request.content))
        return httpx.Response(
            200,
            json={
                "access_token": "tok",
                "expires_in": 1080,
                "token_type": "Bearer",
                "rest_instance_url": "https://mc.rest.example/",
            },
        )

    async def run() -> OAuth2ClientCredentials:
        from verifiedfan.http import HttpClient

        async with HttpClient(service_name="oauth2", transport=app(handler)) as http:
            auth = OAuth2ClientCredentials(
                token_url="https://auth.example/v2/token",
                client_id="cid",
                client_secret="cs",
                send_as="json",
                extra={"account_id": "123"},
                http=http,
            )
            assert await auth.get_token() == "tok"
            assert await auth.get_token() == "tok"
            return auth

    auth = asyncio.run(run())
    assert bodies == [
        {"grant_type": "client_credentials", "account_id": "123", "client_id": "cid", "client_secret": "cs"}
    ]
    assert auth.answer is not None
    assert auth.answer.body["rest_instance_url"] == "https://mc.rest.example/"
    assert auth.fetch_count == 1

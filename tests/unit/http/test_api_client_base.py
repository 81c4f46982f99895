"""The API-client base beyond the happy path (issue 22: mutants of ``http/_api/_async/client.py`` that
``test_api_client.py`` left alive): paging defaults and decoders, settings that must reach the client,
which settings make an OAuth2 auth, the debug line, ``repr`` and the owned auth's closing."""

from __future__ import annotations

import asyncio
import json
import logging
from typing import Any

import httpx
import pytest

from verifiedfan.errors import ConfigurationError, UnauthorizedError, VFTimeoutError
from verifiedfan.http import (
    ApiClient,
    ApiSettings,
    CallInfo,
    HttpClient,
    HttpHook,
    LinkPager,
    OAuth2ClientCredentials,
    OffsetPager,
    RetryPolicy,
    Timeouts,
)

DATA = list(range(12))
ME_401 = r"^things: GET https://things\.example/v1/me returned 401$"


class Api(ApiClient):
    service_name = "things"


class Routes(HttpHook):
    def __init__(self) -> None:
        self.calls: list[CallInfo] = []

    def start_call(self, call: CallInfo) -> None:
        self.calls.append(call)


class OffsetServer:
    """Offset pages with a total, served by an async handler that records what overlaps."""

    def __init__(self) -> None:
        self.requests: list[httpx.Request] = []
        self.in_flight = 0
        self.most_in_flight = 0

    async def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        self.in_flight += 1
        self.most_in_flight = max(self.most_in_flight, self.in_flight)
        try:
            await asyncio.sleep(0.01)
        finally:
            self.in_flight -= 1
        offset, limit = int(request.url.params["offset"]), int(request.url.params["limit"])
        return httpx.Response(200, json={"items": DATA[offset : offset + limit], "total": len(DATA)})


def api(handler: Any, **kwargs: Any) -> Api:
    return Api(base_url="https://things.example", transport=httpx.MockTransport(handler), **kwargs)


async def test_aiter_gets_one_page_at_a_time_by_default() -> None:
    server = OffsetServer()
    async with api(server, retry=RetryPolicy.never()) as client:
        got = [i async for i in client._aiter("/v1/things", OffsetPager(page_size=3))]
    assert got == DATA
    assert [r.method for r in server.requests] == ["GET"] * 4
    assert server.most_in_flight == 1


async def test_aiter_passes_concurrency_and_method_on() -> None:
    server = OffsetServer()
    hook = Routes()
    async with api(server, hooks=[hook]) as client:
        pages = client._aiter("/v1/search", OffsetPager(page_size=3), method="POST", concurrency=3)
        got = [i async for i in pages]
    assert sorted(got) == DATA
    assert {r.method for r in server.requests} == {"POST"}
    assert server.most_in_flight == 3  # the three pages after the first, at once
    assert {c.route for c in hook.calls} == {"/v1/search"}


async def test_aiter_pages_with_a_decoder_decodes_each_raw_body() -> None:
    bodies: list[bytes] = []

    def decode(raw: bytes) -> Any:
        bodies.append(raw)
        page = json.loads(raw)
        return {"items": [f"#{i}" for i in page["items"]], "total": page["total"]}

    server = OffsetServer()
    hook = Routes()
    async with api(server, hooks=[hook]) as client:
        pages = [
            p
            async for p in client._aiter_pages(
                "/v1/things", OffsetPager(page_size=5), decode=decode, method="PUT", params={"kind": "x"}
            )
        ]
    assert pages == [[f"#{i}" for i in DATA[:5]], [f"#{i}" for i in DATA[5:10]], ["#10", "#11"]]
    assert all(type(b) is bytes for b in bodies)
    assert [json.loads(b) for b in bodies] == [_page(0, 5), _page(5, 5), _page(10, 5)]
    assert [(r.method, r.url.params["kind"], r.url.params["offset"]) for r in server.requests] == [
        ("PUT", "x", "0"),
        ("PUT", "x", "5"),
        ("PUT", "x", "10"),
    ]
    assert [c.route for c in hook.calls] == ["/v1/things"] * 3


def _page(offset: int, limit: int) -> dict[str, Any]:
    return {"items": DATA[offset : offset + limit], "total": len(DATA)}


@pytest.mark.parametrize("decoded", [False, True])
async def test_next_links_replace_the_route_and_its_parameters(decoded: bool) -> None:
    seen: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(str(request.url))
        nxt = None if request.url.params.get("p") == "2" else "/v1/things?p=2"
        return httpx.Response(200, json={"items": [str(request.url.params.get("p"))], "next": nxt})

    hook = Routes()
    async with api(handler, hooks=[hook]) as client:
        options: dict[str, Any] = {"decode": json.loads} if decoded else {}
        got = [i async for i in client._aiter("/v1/things", LinkPager(), params={"q": "a"}, **options)]
    assert got == ["None", "2"]
    assert seen == ["https://things.example/v1/things?q=a", "https://things.example/v1/things?p=2"]
    assert [c.route for c in hook.calls] == ["/v1/things", "/v1/things"]


async def test_call_decoded_gives_the_raw_body_to_the_decoder() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, content=b"raw:" + request.url.params["x"].encode())

    async with api(handler) as client:
        got = await client._call_decoded(lambda b: b.upper(), "GET", "/v1/x", params={"x": "yz"})
    assert got == b"RAW:YZ"


# -- settings -----------------------------------------------------------------------------------------


class ThingSettings(ApiSettings):
    service_name: str = "things"
    base_url: str = "https://things.example"


def test_empty_default_headers_are_none_and_set_ones_are_sent() -> None:
    assert Api.settings_kwargs(ThingSettings())["headers"] is None
    assert Api.settings_kwargs(ThingSettings(default_headers={"x-app": "vf"}))["headers"] == {"x-app": "vf"}


async def test_default_headers_of_the_settings_reach_the_request() -> None:
    seen: list[str | None] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request.headers.get("x-app"))
        return httpx.Response(200, json={})

    settings = ThingSettings(default_headers={"X-App": "vf"})
    async with Api.from_settings(settings, transport=httpx.MockTransport(handler)) as client:
        await client._call_json("GET", "/v1/x")
    assert seen == ["vf"]


@pytest.mark.parametrize(
    "missing", [{"client_id": ""}, {"client_secret": ""}, {"token_url": ""}], ids=["id", "secret", "url"]
)
def test_client_credentials_need_id_secret_and_token_url(missing: dict[str, str]) -> None:
    full = {"client_id": "cid", "client_secret": "cs", "token_url": "https://auth.example/token"}
    assert Api.auth_from_settings(ThingSettings(**{**full, **missing})) is None


def test_client_credentials_from_settings_carry_every_field() -> None:
    settings = ThingSettings(
        client_id="cid", client_secret="cs", token_url="https://auth.example/token", scope="read write"
    )
    auth = Api.auth_from_settings(settings)
    assert isinstance(auth, OAuth2ClientCredentials)
    assert (auth.token_url, auth.client_id, auth.scope) == ("https://auth.example/token", "cid", "read write")


async def test_an_auth_made_from_settings_is_closed_with_the_client() -> None:
    settings = ThingSettings(client_id="cid", client_secret="cs", token_url="https://auth.example/token")
    client = Api.from_settings(settings)
    auth = client._auth
    assert isinstance(auth, OAuth2ClientCredentials)
    await client.aclose()
    assert auth._http.closed
    assert client.http.closed


async def test_an_injected_auth_and_http_stay_open() -> None:
    async with HttpClient(service_name="oauth2") as token_http, HttpClient(service_name="things") as http:
        auth = OAuth2ClientCredentials(
            token_url="https://auth.example/token", client_id="c", client_secret="s", http=token_http
        )
        client = Api(base_url="https://things.example", auth=auth, http=http)
        await client.aclose()
        assert not token_http.closed
        assert not http.closed


# -- the rest -----------------------------------------------------------------------------------------


def test_repr_names_the_class_and_base_url() -> None:
    assert repr(Api(base_url="https://things.example/")) == "Api(base_url='https://things.example')"
    assert Api(base_url="https://things.example/apiX/").base_url == "https://things.example/apiX"


def test_log_is_one_debug_line_with_the_fields(caplog: pytest.LogCaptureFixture) -> None:
    client = Api(base_url="https://things.example")
    with caplog.at_level(logging.DEBUG, logger="verifiedfan.http"):
        client._log("sync_things", count=3)
    [record] = caplog.records
    assert (record.getMessage(), record.levelno) == ("things: sync_things", logging.DEBUG)
    assert (record.service_name, record.api_operation, record.count) == ("things", "sync_things", 3)  # type: ignore[attr-defined]


def test_log_is_silent_above_debug(caplog: pytest.LogCaptureFixture) -> None:
    client = Api(base_url="https://things.example")
    with caplog.at_level(logging.INFO, logger="verifiedfan.http"):
        client._log("sync_things")
    assert caplog.records == []


# -- construction and calls ---------------------------------------------------------------------------


async def test_the_base_url_defaults_to_the_injected_clients() -> None:
    async with HttpClient(service_name="things", base_url="https://h.example/api/") as http:
        assert Api(http=http).base_url == "https://h.example/api"
    assert Api().base_url == ""


async def test_http_and_transport_together_are_refused() -> None:
    async with HttpClient(service_name="things") as http:
        with pytest.raises(ConfigurationError, match=r"^things: pass either http= or transport=, not both$"):
            Api(http=http, transport=httpx.MockTransport(lambda r: httpx.Response(200)))


@pytest.mark.parametrize("scheme", ["http", "https"])
async def test_an_absolute_route_template_is_not_joined(scheme: str) -> None:
    seen: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(str(request.url))
        return httpx.Response(200, json={})

    async with api(handler) as client:
        await client._call("GET", scheme + "://other.example/v2/{id}", path={"id": "a b"})
    assert seen == [f"{scheme}://other.example/v2/a%20b"]


async def test_a_relative_next_url_is_joined_to_the_base_url() -> None:
    seen: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(str(request.url))
        return httpx.Response(200, json={})

    async with api(handler) as client:
        await client._call("GET", "/v1/things", url="/XY/page2")
        await client._call("GET", "/v1/things", url="XY/page3")
    assert seen == ["https://things.example/XY/page2", "https://things.example/XY/page3"]


async def test_call_options_reach_the_request() -> None:
    sent: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        sent.append(request)
        return httpx.Response(500 if len(sent) % 2 else 200, json={})

    async with api(handler, retry=RetryPolicy(max_retries=1, jitter=lambda: 0.0)) as client:
        await client._call("POST", "/json", json={"a": 1}, idempotency_key="k-1")
        await client._call("PATCH", "/form", data={"f": "v"}, retry_non_idempotent=True)
    assert [(r.method, r.url.path) for r in sent] == [
        ("POST", "/json"),
        ("POST", "/json"),
        ("PATCH", "/form"),
        ("PATCH", "/form"),
    ]
    assert (json.loads(sent[0].content), sent[0].headers["idempotency-key"]) == ({"a": 1}, "k-1")
    assert sent[2].content == b"f=v"


async def test_a_per_call_timeout_reaches_the_request() -> None:
    async def slow(request: httpx.Request) -> httpx.Response:
        await asyncio.sleep(5)
        return httpx.Response(200)  # pragma: no cover - cut by the timeout

    async with api(slow, retry=RetryPolicy.never()) as client:
        with pytest.raises(VFTimeoutError, match=r"total 0\.05s"):
            await client._call("GET", "/slow", timeout=0.05)


async def test_a_401_is_replayed_once_only() -> None:
    paths: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        paths.append(request.url.path)
        if len(paths) > 6:  # pragma: no cover - a replay loop
            raise AssertionError("replayed without end")
        if request.url.path == "/oauth/token":
            return httpx.Response(200, json={"access_token": f"t{len(paths)}", "expires_in": 3600})
        return httpx.Response(401)

    async with HttpClient(service_name="oauth2", transport=httpx.MockTransport(handler)) as token_http:
        auth = OAuth2ClientCredentials(
            token_url="https://things.example/oauth/token", client_id="c", client_secret="s", http=token_http
        )
        async with api(handler, auth=auth, retry=RetryPolicy.never()) as client:
            with pytest.raises(UnauthorizedError, match=ME_401):
                await client._call("GET", "/v1/me")
    assert paths == ["/oauth/token", "/v1/me", "/oauth/token", "/v1/me"]


async def test_a_401_without_auth_goes_through_the_error_map() -> None:
    async with api(lambda r: httpx.Response(401), retry=RetryPolicy.never()) as client:
        with pytest.raises(UnauthorizedError, match=ME_401):
            await client._call("GET", "/v1/me", auth=None)


async def test_call_json_of_an_empty_body_is_none() -> None:
    async with api(lambda r: httpx.Response(204)) as client:
        assert await client._call_json("DELETE", "/v1/x") is None


async def test_timeouts_and_headers_of_the_constructor_reach_the_request() -> None:
    seen: list[str | None] = []

    async def slow(request: httpx.Request) -> httpx.Response:
        seen.append(request.headers.get("x-app"))
        await asyncio.sleep(5)
        return httpx.Response(200)  # pragma: no cover - cut by the timeout

    client = api(
        slow, timeouts=Timeouts(connect=0.05, total=0.05), headers={"X-App": "vf"}, retry=RetryPolicy.never()
    )
    async with client:
        with pytest.raises(VFTimeoutError, match=r"total 0\.05s"):
            await client._call("GET", "/slow")
    assert seen == ["vf"]


async def test_a_base_url_that_is_not_http_is_refused_with_an_injected_client() -> None:
    async with HttpClient(service_name="things") as http:
        with pytest.raises(
            ConfigurationError, match=r"^things: base_url must be an http\(s\) URL, got 'ftp://x'$"
        ):
            Api(base_url="ftp://x", http=http)


async def test_max_in_flight_of_one_is_a_single_slot() -> None:
    server = OffsetServer()
    async with api(server, max_in_flight=1) as client:
        got = [i async for i in client._aiter("/v1/things", OffsetPager(page_size=3), concurrency=3)]
    assert sorted(got) == DATA
    assert server.most_in_flight == 1


@pytest.mark.parametrize("max_in_flight", [0, -1])
def test_max_in_flight_below_one_is_refused(max_in_flight: int) -> None:
    with pytest.raises(ConfigurationError, match=r"^things: max_in_flight must be at least 1$"):
        Api(base_url="https://things.example", max_in_flight=max_in_flight)


async def test_aiter_pages_gets_one_page_at_a_time_by_default() -> None:
    server = OffsetServer()
    async with api(server) as client:
        pages = [p async for p in client._aiter_pages("/v1/things", OffsetPager(page_size=3))]
    assert [i for page in pages for i in page] == DATA
    assert server.most_in_flight == 1


@pytest.mark.parametrize("decoded", [False, True])
async def test_call_options_reach_every_page(decoded: bool) -> None:
    server = OffsetServer()
    async with api(server) as client:
        options: dict[str, Any] = {"decode": json.loads} if decoded else {}
        got = [
            i
            async for i in client._aiter(
                "/v1/things", OffsetPager(page_size=5), headers={"X-Page": "p"}, **options
            )
        ]
    assert got == DATA
    assert [r.headers.get("x-page") for r in server.requests] == ["p", "p", "p"]


class ClosingAuth:
    def __init__(self) -> None:
        self.closed = False

    async def apply(self, request: Any) -> None:
        request.bearer("static")

    async def invalidate(self, credential: str | None) -> bool:
        return False

    def unauthorized(self, error: Any) -> None:
        return None

    async def aclose(self) -> None:
        self.closed = True


async def test_an_injected_auth_with_aclose_is_left_open() -> None:
    auth = ClosingAuth()
    client = Api(base_url="https://things.example", auth=auth)  # type: ignore[arg-type]
    await client.aclose()
    assert auth.closed is False

"""The async HttpClient's own surface (issue 22, for mutants of ``http/_async.py``): each verb sends its
method, the JSON helpers, properties and ``repr``, what ``from_settings`` passes on, the explicit token
winning over the client's token source, and redirects on the aiohttp path (followed only when asked,
as httpx does: ``follow_redirects`` defaults to False)."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from verifiedfan.errors import ValidationError
from verifiedfan.http import (
    AiohttpTransport,
    CallInfo,
    HttpClient,
    HttpHook,
    HttpSettings,
    RetryPolicy,
)
from verifiedfan.testing.faults import FaultServer, Reply


class Source:
    def __init__(self) -> None:
        self.asked = 0
        self.invalidated: list[str] = []

    async def get_token(self) -> str:
        self.asked += 1
        return f"src-{self.asked}"

    async def invalidate(self, token: str) -> None:
        self.invalidated.append(token)


class Seen(HttpHook):
    def __init__(self) -> None:
        self.calls: list[CallInfo] = []

    def start_call(self, call: CallInfo) -> None:
        self.calls.append(call)


@pytest.fixture
def sent() -> list[httpx.Request]:
    return []


@pytest.fixture
def transport(sent: list[httpx.Request]) -> httpx.MockTransport:
    def handler(request: httpx.Request) -> httpx.Response:
        sent.append(request)
        if request.url.path == "/empty":
            return httpx.Response(204)
        return httpx.Response(200, json={"method": request.method})

    return httpx.MockTransport(handler)


def client(transport: httpx.AsyncBaseTransport, **kwargs: object) -> HttpClient:
    return HttpClient(
        service_name="svc",
        base_url="https://svc.example",
        transport=transport,
        retry=RetryPolicy.never(),
        **kwargs,
    )  # type: ignore[arg-type]


async def test_each_verb_sends_its_method(transport: httpx.MockTransport, sent: list[httpx.Request]) -> None:
    async with client(transport) as http:
        for verb in (http.get, http.post, http.put, http.patch, http.delete):
            assert (await verb("/x")).json() == {"method": verb.__name__.upper()}
        assert await http.get_json("/x") == {"method": "GET"}
        assert await http.post_json("/x", json={"a": 1}) == {"method": "POST"}
        assert await http.get_json("/empty") is None
        assert await http.post_json("/empty") is None
    assert [r.method for r in sent] == ["GET", "POST", "PUT", "PATCH", "DELETE", "GET", "POST", "GET", "POST"]
    assert sent[6].content == b'{"a":1}'


async def test_properties_and_repr(transport: httpx.MockTransport) -> None:
    policy = RetryPolicy(max_retries=5)
    http = HttpClient(service_name="svc", base_url="https://svc.example/", transport=transport, retry=policy)
    assert (http.service_name, http.base_url, http.retry_policy, http.closed) == (
        "svc",
        "https://svc.example",
        policy,
        False,
    )
    assert repr(http) == "HttpClient(service_name='svc', base_url='https://svc.example')"
    await http.aclose()
    assert http.closed


def test_client_and_transport_together_are_refused(transport: httpx.MockTransport) -> None:
    with pytest.raises(ValidationError, match=r"^pass either client= or transport=, not both$"):
        HttpClient(service_name="svc", client=httpx.AsyncClient(), transport=transport)


async def test_from_settings_passes_auth_hooks_and_transport_on(
    transport: httpx.MockTransport, sent: list[httpx.Request]
) -> None:
    settings = HttpSettings(service_name="svc", base_url="https://svc.example", max_retries=4)
    source, hook = Source(), Seen()
    async with HttpClient.from_settings(settings, auth=source, hooks=[hook], transport=transport) as http:
        await http.get("/x")
        assert http.retry_policy.max_retries == 4
    assert sent[0].headers["authorization"] == "Bearer src-1"
    assert [c.route for c in hook.calls] == ["/x"]


async def test_from_settings_uses_an_injected_client(
    sent: list[httpx.Request], transport: httpx.MockTransport
) -> None:
    raw = httpx.AsyncClient(transport=transport)
    settings = HttpSettings(service_name="svc", base_url="https://svc.example")
    async with HttpClient.from_settings(settings, client=raw, retry=RetryPolicy.never()) as http:
        await http.get("/x")
    assert len(sent) == 1
    assert not raw.is_closed
    await raw.aclose()


async def test_an_explicit_token_wins_over_the_clients_source(
    transport: httpx.MockTransport, sent: list[httpx.Request]
) -> None:
    source = Source()
    async with client(transport, auth=source) as http:
        await http.get("/x", token="explicit")
        await http.get("/x")
        await http.get("/x", auth=Source())
    assert [r.headers["authorization"] for r in sent] == ["Bearer explicit", "Bearer src-1", "Bearer src-1"]
    assert source.asked == 1


async def test_a_401_invalidates_the_rejected_token_and_replays_once() -> None:
    seen: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request.headers["authorization"])
        return httpx.Response(401 if len(seen) == 1 else 200)

    source = Source()
    async with client(httpx.MockTransport(handler), auth=source) as http:
        assert (await http.get("/x")).status_code == 200
    assert (seen, source.invalidated) == (["Bearer src-1", "Bearer src-2"], ["src-1"])


@pytest.fixture
def redirecting() -> Iterator[FaultServer]:
    with FaultServer() as srv:
        srv.route("/old", Reply(status=302, headers={"Location": "/new"}))
        srv.route("/new", Reply(json={"at": "new"}))
        yield srv


@pytest.mark.parametrize("follow", [False, True])
async def test_redirects_on_the_aiohttp_path(redirecting: FaultServer, follow: bool) -> None:
    async with HttpClient(
        service_name="svc",
        base_url=redirecting.url,
        transport=AiohttpTransport(),
        follow_redirects=follow,
        retry=RetryPolicy.never(),
    ) as http:
        response = await http.get("/old")
    if follow:
        assert (response.status_code, response.json()) == (200, {"at": "new"})
    else:
        assert (response.status_code, response.headers["location"]) == (302, "/new")
    assert redirecting.hits("/new") == (1 if follow else 0)

"""Workflow 1 through the served service: Spotify sign-in (authorization code with state and PKCE,
the tokens kept for the fan), then ``POST /fans/{id}/verify`` reads the listening, decides and
publishes ``fan.verified``; workflow 3: the gateway's correlation id and trace are taken in, and the
stack's OTLP receiver holds one trace from the request through Mongo, Spotify and Kafka."""

from __future__ import annotations

import asyncio
import json
import secrets
import uuid
from contextlib import closing
from typing import TYPE_CHECKING
from urllib.parse import parse_qs, urlsplit

import httpx
import pymongo
import pytest

from tests.integration.service.conftest import Served
from verifiedfan.kafka import ConsumedMessage, KafkaConsumer

if TYPE_CHECKING:
    from verifiedfan.stack import KafkaConnection, OtlpReceiver, SchemaRegistryConnection

pytestmark = [
    pytest.mark.integration,
    pytest.mark.mongo,
    pytest.mark.redis,
    pytest.mark.kafka,
    pytest.mark.otlp,
]

ROUTE = "/fans/{fan_id}/verify"


def _sign_in(served: Served, user: str) -> tuple[httpx.Client, httpx.Response, str]:
    """The browser: our login redirect, Spotify's consent (the sandbox plays the user), the callback."""
    browser = served.client()
    start = browser.get("/auth/spotify/login")
    assert start.status_code == 302, start.text
    authorize = start.headers["location"]
    callback = served.spotify.authorize(authorize, user=user)
    assert callback.startswith(served.url + "/auth/spotify/callback?")
    return browser, browser.get(callback), callback


def test_spotify_sign_in_uses_state_and_pkce_and_keeps_the_tokens(served: Served) -> None:
    browser = served.client()
    with browser:
        start = browser.get("/auth/spotify/login")
    query = parse_qs(urlsplit(start.headers["location"]).query)
    assert query["response_type"] == ["code"]
    assert query["code_challenge_method"] == ["S256"]
    assert len(query["code_challenge"][0]) == 43
    assert len(query["state"][0]) >= 43
    assert query["redirect_uri"] == [served.url + "/auth/spotify/callback"]
    assert "code_verifier" not in query
    assert "httponly" in start.headers["set-cookie"].lower()

    browser, answer, callback = _sign_in(served, "fan-rank-10")
    with closing(browser):
        assert answer.status_code == 200, answer.text
        body = answer.json()
        assert body["fanId"] == "spotify:fan-rank-10"
        assert body["spotifyUserId"] == "fan-rank-10"
        me = browser.get("/me", headers={"authorization": f"Bearer {body['token']}"})
        assert me.json()["id"] == "spotify:fan-rank-10"
        replay = browser.get(callback)  # the same state a second time
    assert replay.status_code == 401
    assert replay.json()["message"] == "unknown or already used sign-in state"
    with pymongo.MongoClient(served.mongo_url) as client:
        account = client[served.db_name]["spotify_accounts"].find_one({"_id": "spotify:fan-rank-10"})
    assert account is not None
    assert account["spotifyId"] == "fan-rank-10"
    assert account["accessToken"]
    assert account["refreshToken"]
    code = parse_qs(urlsplit(callback).query)["code"][0]
    log = served.log()
    assert code not in log
    assert account["accessToken"] not in log
    assert body["token"] not in log


def test_a_callback_from_another_browser_or_a_forged_state_is_refused(served: Served) -> None:
    with served.client() as browser:
        start = browser.get("/auth/spotify/login")
    callback = served.spotify.authorize(start.headers["location"], user="fan-top-1")
    with served.client() as other_browser:  # no cookie of the sign-in
        stolen = other_browser.get(callback)
        forged = other_browser.get(
            "/auth/spotify/callback", params={"code": "x", "state": secrets.token_urlsafe(32)}
        )
        no_state = other_browser.get("/auth/spotify/callback", params={"code": "x"})
    assert stolen.status_code == 401
    assert stolen.json()["message"] == "the sign-in was started in another browser"
    assert forged.status_code == 401
    assert no_state.status_code == 400


def test_a_fan_who_declines_gets_a_clear_answer(served: Served) -> None:
    with served.client() as browser:
        start = browser.get("/auth/spotify/login")
        callback = served.spotify.authorize(start.headers["location"], user="fan-top-1", deny=True)
        answer = browser.get(callback)
    assert answer.status_code in (401, 403)
    assert "denied" in answer.json()["message"].lower()


async def _consume_one(
    vf_kafka: KafkaConnection, registry: SchemaRegistryConnection, topic: str
) -> list[ConsumedMessage]:
    consumed: list[ConsumedMessage] = []
    consumer = KafkaConsumer(
        brokers=vf_kafka.bootstrap_servers,
        topics=topic,
        group_id=f"ref-{uuid.uuid4().hex[:8]}",
        registry_url=registry.url,
        poll_timeout=0.5,
    )
    async with consumer:
        await consumer.process(consumed.append, max_messages=1, idle_timeout=20)
    return consumed


def test_workflow1_and_3_verify_publish_and_one_trace(
    served: Served,
    vf_kafka: KafkaConnection,
    vf_schema_registry: SchemaRegistryConnection,
    vf_otlp_receiver: OtlpReceiver,
) -> None:
    browser, answer, _ = _sign_in(served, "fan-top-1")
    session = answer.json()
    fan_id = session["fanId"]
    trace_id = secrets.token_hex(16)
    gateway_span = secrets.token_hex(8)
    correlation_id = f"gw-{uuid.uuid4().hex}"
    with closing(browser):
        verified = browser.post(
            f"/fans/{fan_id}/verify",
            headers={
                "authorization": f"Bearer {session['token']}",
                "x-correlation-id": correlation_id,
                "traceparent": f"00-{trace_id}-{gateway_span}-01",
            },
        )
        other = browser.post(
            "/fans/spotify:someone-else/verify", headers={"authorization": f"Bearer {session['token']}"}
        )
    assert verified.status_code == 200, verified.text
    assert verified.headers["x-correlation-id"] == correlation_id
    result = verified.json()
    assert result["verified"] is True
    assert result["method"] == "spotify:top_artist"
    assert other.status_code == 403

    (message,) = asyncio.run(_consume_one(vf_kafka, vf_schema_registry, served.topic))
    assert message.key == fan_id
    assert message.value["userId"] == fan_id
    assert message.value["status"] == "VERIFIED"
    assert message.value["artistId"] == result["artistId"]
    assert message.headers.get("x-correlation-id") == correlation_id.encode()
    assert trace_id in message.headers.get("traceparent").decode()

    spans = vf_otlp_receiver.wait_for_spans(4, trace_id=trace_id, timeout=30)
    spans = [s for s in vf_otlp_receiver.spans(trace_id=trace_id) if s.service_name == served.name]
    names = {s.name for s in spans}
    server = next(s for s in spans if s.name == f"POST {ROUTE}")
    assert server.parent_span_id == gateway_span  # the gateway's span is the parent
    assert server.kind == "server"
    assert server.attributes["http.route"] == ROUTE
    assert "mongo.find_one spotify_accounts" in names
    assert f"{served.topic} publish" in names
    spotify_calls = [s for s in spans if s.name.startswith("spotify[GET]: /v1/me")]
    assert spotify_calls, names
    for span in spans:
        assert span.trace_id == trace_id
    by_id = {s.span_id: s for s in spans}
    for span in spans:  # every span hangs under the server span
        seen = span
        while seen.parent_span_id in by_id:
            seen = by_id[seen.parent_span_id]
        assert seen is server, span.name
    access = [
        json.loads(line)
        for line in served.log().splitlines()
        if line.startswith("{") and '"verifiedfan.web.access"' in line and correlation_id in line
    ]
    assert len(access) == 1
    assert access[0]["trace_id"] == trace_id
    assert access[0]["route"] == ROUTE
    assert session["token"] not in served.log()

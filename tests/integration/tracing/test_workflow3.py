"""Workflow 3: a request enters an ASGI app, which reads Mongo, calls the Spotify sandbox and
publishes to Kafka; the stack's OTLP receiver gets one trace with the expected tree and timings."""

from __future__ import annotations

import json
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import httpx
import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route
from typer.testing import CliRunner

from verifiedfan.kafka import ConsumedMessage, JsonFormatter, Kafka, KafkaConsumer
from verifiedfan.mongo import Mongo
from verifiedfan.music import Spotify
from verifiedfan.stack import ReceivedSpan
from verifiedfan.testing.sandbox import SpotifySandbox
from verifiedfan.tracing import (
    TracingHttpHook,
    TracingMiddleware,
    configure_tracing,
    current_ids,
    kafka_send_instrument,
    mongo_instrument,
    reset_tracing,
    shutdown_tracing,
)

if TYPE_CHECKING:
    from verifiedfan.stack import KafkaConnection, MongoConnection, OtlpConnection, OtlpReceiver

pytestmark = [pytest.mark.integration, pytest.mark.otlp, pytest.mark.mongo, pytest.mark.kafka]

ROUTE = "/fans/{fan_id}/verify"


@dataclass
class Workflow:
    service: str
    trace_id: str
    response: dict[str, Any]
    consumed: list[ConsumedMessage]


@pytest.fixture
async def workflow(
    vf_otlp: OtlpConnection,
    vf_mongo: MongoConnection,
    vf_mongo_db: str,
    vf_kafka: KafkaConnection,
    vf_kafka_topic: str,
) -> AsyncIterator[Workflow]:
    service = f"workflow3-{uuid.uuid4().hex[:8]}"
    async with Mongo(hosts=vf_mongo.url, db_name=vf_mongo_db, server_selection_timeout=10) as seed:
        await seed.collection("fans").insert_one(
            {"_id": "f1", "artist_id": "a1", "spotify_user": "fan-top-1"}
        )
    configure_tracing(
        service_name=service, env="test", collector_endpoint=vf_otlp.endpoint, schedule_delay_ms=50
    )
    try:
        with SpotifySandbox() as sandbox:
            token = sandbox.mint_token("fan-top-1")
            mongo = Mongo(
                hosts=vf_mongo.url,
                db_name=vf_mongo_db,
                server_selection_timeout=10,
                instrument=mongo_instrument(db_name=vf_mongo_db),
            )
            spotify = Spotify(
                client_id=sandbox.client_id,
                client_secret=sandbox.client_secret,
                api_url=sandbox.api_url,
                accounts_url=sandbox.accounts_url,
                hooks=[TracingHttpHook()],
            )
            producer = Kafka(
                brokers=vf_kafka.bootstrap_servers,
                topic=vf_kafka_topic,
                formatter=JsonFormatter(),
                instrument=kafka_send_instrument(),
            )

            async def verify(request: Request) -> JSONResponse:
                fan = await mongo.collection("fans").find_one({"_id": request.path_params["fan_id"]})
                assert fan is not None
                user = await spotify.get_user(token)
                await producer.send_messages(
                    [{"key": fan["_id"], "value": {"fan": fan["_id"], "user": user.id}}]
                )
                ids = current_ids()
                assert ids is not None
                return JSONResponse({"trace_id": ids[0], "user": user.id})

            app = TracingMiddleware(Starlette(routes=[Route(ROUTE, verify, methods=["POST"])]))
            transport = httpx.ASGITransport(app=app)  # type: ignore[arg-type]
            async with (
                mongo,
                spotify,
                producer,
                httpx.AsyncClient(transport=transport, base_url="http://svc") as http,
            ):
                response = await http.post("/fans/f1/verify")
                assert response.status_code == 200, response.text
            consumed: list[ConsumedMessage] = []
            consumer = KafkaConsumer(
                brokers=vf_kafka.bootstrap_servers,
                topics=vf_kafka_topic,
                group_id=f"wf3-{uuid.uuid4().hex[:8]}",
                formatter=JsonFormatter(),
                poll_timeout=0.5,
            )
            async with consumer:
                await consumer.process(consumed.append, max_messages=1, idle_timeout=20)
        shutdown_tracing()  # flush every span to the receiver
        body = response.json()
        yield Workflow(service, body["trace_id"], body, consumed)
    finally:
        reset_tracing()


def _by_name(spans: list[ReceivedSpan]) -> dict[str, ReceivedSpan]:
    out: dict[str, ReceivedSpan] = {}
    for span in spans:
        assert span.name not in out, f"two spans named {span.name}"
        out[span.name] = span
    return out


def _within(child: ReceivedSpan, parent: ReceivedSpan) -> bool:
    return (
        parent.start_time_unix_nano <= child.start_time_unix_nano
        and child.end_time_unix_nano <= parent.end_time_unix_nano
        and child.start_time_unix_nano <= child.end_time_unix_nano
    )


EXPECTED = {
    f"POST {ROUTE}",
    "mongo.find_one fans",
    "spotify[GET]: /v1/me",
    "{topic} publish",
    "{topic} process",
}


def _expected(topic: str) -> set[str]:
    return {name.replace("{topic}", topic) for name in EXPECTED}


def test_one_trace_with_the_expected_tree(
    workflow: Workflow, vf_otlp_receiver: OtlpReceiver, vf_kafka_topic: str
) -> None:
    assert len(workflow.consumed) == 1
    spans = vf_otlp_receiver.wait_for_spans(len(EXPECTED), trace_id=workflow.trace_id, timeout=20)
    mine = [s for s in vf_otlp_receiver.spans() if s.service_name == workflow.service]
    assert {s.trace_id for s in mine} == {workflow.trace_id}, "every span of the service is in one trace"
    named = _by_name(spans)
    assert set(named) == _expected(vf_kafka_topic)

    server = named[f"POST {ROUTE}"]
    mongo = named["mongo.find_one fans"]
    http = named["spotify[GET]: /v1/me"]
    publish = named[f"{vf_kafka_topic} publish"]
    process = named[f"{vf_kafka_topic} process"]

    assert server.parent_span_id is None
    assert server.kind == "server"
    for child, kind in ((mongo, "client"), (http, "client"), (publish, "producer")):
        assert child.parent_span_id == server.span_id, child.name
        assert child.kind == kind, child.name
        assert _within(child, server), child.name
    assert process.parent_span_id == publish.span_id
    assert process.kind == "consumer"
    assert process.start_time_unix_nano >= publish.start_time_unix_nano
    # the handler's steps ran one after the other
    assert mongo.end_time_unix_nano <= http.start_time_unix_nano
    assert http.end_time_unix_nano <= publish.start_time_unix_nano

    assert all(s.status_code == "unset" for s in spans)
    assert server.attributes["http.route"] == ROUTE
    assert server.attributes["http.response.status_code"] == 200
    assert mongo.attributes["db.system"] == "mongodb"
    assert mongo.attributes["db.collection"] == "fans"
    assert http.attributes["http.response.status_code"] == 200
    assert publish.attributes["messaging.destination.name"] == vf_kafka_topic
    assert server.resource["service.name"] == workflow.service


def test_vf_trace_show_prints_the_tree(
    workflow: Workflow, vf_otlp: OtlpConnection, vf_otlp_receiver: OtlpReceiver, vf_kafka_topic: str
) -> None:
    from verifiedfan.cli._trace import app  # what `vf trace` runs

    vf_otlp_receiver.wait_for_spans(len(EXPECTED), trace_id=workflow.trace_id, timeout=20)
    result = CliRunner().invoke(
        app, ["show", workflow.trace_id, "--json"], env={"VF_STACK_OTLP_ENDPOINT": vf_otlp.endpoint}
    )
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)
    assert [(r["depth"], r["name"]) for r in rows] == [
        (0, f"POST {ROUTE}"),
        (1, "mongo.find_one fans"),
        (1, "spotify[GET]: /v1/me"),
        (1, f"{vf_kafka_topic} publish"),
        (2, f"{vf_kafka_topic} process"),
    ]
    assert rows[0]["offset_ms"] == 0
    assert all(r["duration_ms"] >= 0 for r in rows)

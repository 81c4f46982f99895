"""TitanClient against a real internal service over HTTP (uvicorn + Starlette) that checks worker tokens."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

from verifiedfan.correlation import correlation_scope
from verifiedfan.errors import ConfigurationError, NotFoundError, UnauthorizedError, ValidationError
from verifiedfan.http import RetryPolicy
from verifiedfan.internal import SyncTitanClient, TitanClient, TitanSettings, WorkerTokenAuth
from verifiedfan.jwt import WorkerTokenMinter
from verifiedfan.tracing import configure_tracing, reset_tracing, shutdown_tracing

from .conftest import Keys, ListSink, Service

NO_RETRY = RetryPolicy(max_retries=0)


def minter(keys: Keys, *, audience: str | None = "users", reuse: bool = True) -> WorkerTokenMinter:
    return WorkerTokenMinter(
        worker_id="export-service", private_key=keys.private_pem, audience=audience, reuse=reuse
    )


@pytest.fixture
def exporter() -> Iterator[InMemorySpanExporter]:
    spans = InMemorySpanExporter()
    configure_tracing(service_name="export-service", exporter=spans, schedule_delay_ms=10)
    yield spans
    reset_tracing()


async def test_each_call_is_signed_with_a_worker_token_for_the_service(
    users_service: Service, worker_keys: Keys
) -> None:
    async with TitanClient("users", base_url=users_service.url, worker=minter(worker_keys)) as users:
        answer = await users.get("/v1/users/{id}", path={"id": "42"})
        created = await users.post("/v1/users", json={"email": "fan@example.com"})
    assert answer["id"] == "42"
    assert (answer["seen"]["worker"], answer["seen"]["audience"]) == ("export-service", "users")
    assert created["created"] == {"email": "fan@example.com"}
    assert [e.get("refused") for e in users_service.journal.seen] == [None, None]


async def test_a_token_for_another_audience_is_refused(users_service: Service, worker_keys: Keys) -> None:
    client = TitanClient(
        "users", base_url=users_service.url, worker=minter(worker_keys, audience="entries"), retry=NO_RETRY
    )
    async with client as users:
        with pytest.raises(UnauthorizedError, match="401") as info:
            await users.get("/v1/users/{id}", path={"id": "1"})
    assert info.value.body == {"message": "invalid token: wrong audience", "status": 401}
    # refused, forgotten, minted again and replayed once: two attempts, two different tokens
    seen = users_service.journal.seen
    assert len(seen) == 2
    assert seen[0]["authorization"] != seen[1]["authorization"]


async def test_an_untrusted_key_is_refused(users_service: Service, stranger_keys: Keys) -> None:
    async with TitanClient("users", base_url=users_service.url, worker=minter(stranger_keys)) as users:
        with pytest.raises(UnauthorizedError):
            await users.get("/v1/users/{id}", path={"id": "1"})
    assert all("refused" in e for e in users_service.journal.seen)


async def test_without_a_worker_the_service_refuses(users_service: Service) -> None:
    async with TitanClient("users", base_url=users_service.url) as users:
        with pytest.raises(UnauthorizedError) as info:
            await users.get("/v1/users/{id}", path={"id": "1"})
    assert info.value.body["message"] == "missing worker token"


async def test_a_refused_replayed_token_is_reminted_once(strict_service: Service, worker_keys: Keys) -> None:
    # the minter reuses its token; a service with a replay cache refuses the second use: the client
    # forgets it, mints a fresh one and the call succeeds
    async with TitanClient("users", base_url=strict_service.url, worker=minter(worker_keys)) as users:
        first = await users.get("/v1/users/{id}", path={"id": "1"})
        second = await users.get("/v1/users/{id}", path={"id": "2"})
    refused = [e["refused"] for e in strict_service.journal.seen if "refused" in e]
    assert refused == ["token replayed"]
    assert first["seen"]["jti"] != second["seen"]["jti"]
    assert len(strict_service.journal.seen) == 3


async def test_correlation_id_travels(users_service: Service, worker_keys: Keys) -> None:
    async with TitanClient("users", base_url=users_service.url, worker=minter(worker_keys)) as users:
        with correlation_scope("gw-123-abc"):
            answer = await users.get("/v1/users/{id}", path={"id": "1"})
        fresh = await users.get("/v1/users/{id}", path={"id": "2"})
    assert answer["seen"]["correlation_id"] == "gw-123-abc"
    assert fresh["seen"]["correlation_id"]  # one is made when the caller has none
    assert fresh["seen"]["correlation_id"] != "gw-123-abc"


async def test_trace_context_and_client_span(
    users_service: Service, worker_keys: Keys, exporter: InMemorySpanExporter
) -> None:
    async with TitanClient("users", base_url=users_service.url, worker=minter(worker_keys)) as users:
        answer = await users.get("/v1/users/{id}", path={"id": "7"})
    shutdown_tracing()
    spans = [s for s in exporter.get_finished_spans() if "users" in s.name]
    assert spans, [s.name for s in exporter.get_finished_spans()]
    trace_id = format(spans[0].context.trace_id, "032x")
    traceparent = answer["seen"]["traceparent"]
    assert traceparent.split("-")[1] == trace_id
    assert spans[0].attributes is not None
    assert "/v1/users/{id}" in spans[0].name or "/v1/users/{id}" in str(dict(spans[0].attributes))


async def test_timing_metric_per_call(users_service: Service, worker_keys: Keys) -> None:
    sink = ListSink()
    async with TitanClient(
        "users",
        base_url=users_service.url,
        worker=minter(worker_keys),
        metrics_namespace="export-service",
        metrics_sink=sink,
    ) as users:
        await users.get("/v1/users/{id}", path={"id": "1"})
        with pytest.raises(NotFoundError):
            await users.get("/v1/users/{id}", path={"id": "missing"})
    [ok, missing] = sink.metrics
    assert (ok.namespace, ok.name, ok.unit.value) == ("export-service", "TitanRequest", "Milliseconds")
    assert dict(ok.dimensions) == {
        "Service": "users",
        "Method": "GET",
        "Route": "/v1/users/{id}",
        "StatusCode": "200",
        "Result": "success",
    }
    assert (missing.dimensions["StatusCode"], missing.dimensions["Result"]) == ("404", "error")
    assert ok.value > 0


async def test_error_body_of_the_service_is_kept(users_service: Service, worker_keys: Keys) -> None:
    async with TitanClient("users", base_url=users_service.url, worker=minter(worker_keys)) as users:
        with pytest.raises(NotFoundError) as info:
            await users.get("/v1/users/{id}", path={"id": "missing"})
    assert info.value.body == {"message": "no such user", "status": 404}
    assert info.value.service_name == "users"


async def test_bad_method_before_any_io(users_service: Service, worker_keys: Keys) -> None:
    async with TitanClient("users", base_url=users_service.url, worker=minter(worker_keys)) as users:
        with pytest.raises(ValidationError, match="unsupported method 'TRACE'"):
            await users.request("TRACE", "/v1/users")
    assert users_service.journal.seen == []


@pytest.mark.parametrize("name", ["", "Users", "a b", "../x", "x" * 70])
def test_bad_service_name(name: str) -> None:
    with pytest.raises(ConfigurationError, match="bad service name"):
        TitanClient(name, base_url="http://127.0.0.1:1")


def test_worker_and_auth_are_exclusive(worker_keys: Keys) -> None:
    with pytest.raises(ConfigurationError, match="either worker= or auth="):
        TitanClient(
            "users",
            base_url="http://127.0.0.1:1",
            worker=minter(worker_keys),
            auth=WorkerTokenAuth(minter(worker_keys)),
        )


def test_auth_needs_a_minter() -> None:
    with pytest.raises(ConfigurationError, match="needs a WorkerTokenMinter"):
        WorkerTokenAuth("a token")  # type: ignore[arg-type]


async def test_from_settings(users_service: Service, worker_keys: Keys) -> None:
    settings = TitanSettings(
        services={"users": users_service.url},
        worker_id="export-service",
        private_key=worker_keys.private_pem.decode(),
    )
    async with TitanClient.from_settings(settings, service="users") as users:
        answer = await users.get("/v1/users/{id}", path={"id": "3"})
        assert "PRIVATE" not in repr(users)
    assert (answer["seen"]["worker"], answer["seen"]["audience"]) == ("export-service", "users")
    with pytest.raises(ConfigurationError, match=r"no base URL for service 'entries' \(known: \['users'\]\)"):
        TitanClient.from_settings(settings, service="entries")


def test_settings_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("VF_TITAN_SERVICES", '{"users": "http://users.internal"}')
    monkeypatch.setenv("VF_TITAN_WORKER_ID", "export-service")
    settings = TitanSettings()
    assert (settings.services, settings.worker_id) == ({"users": "http://users.internal"}, "export-service")


def test_sync_twin(users_service: Service, worker_keys: Keys) -> None:
    with SyncTitanClient("users", base_url=users_service.url, worker=minter(worker_keys)) as users:
        answer = users.get("/v1/users/{id}", path={"id": "9"})
        created = users.post("/v1/users", json={"n": 1})
    assert answer["seen"]["worker"] == "export-service"
    assert created["created"] == {"n": 1}


def test_minter_forgets_only_the_refused_token(worker_keys: Keys) -> None:
    source = minter(worker_keys)
    token = source.token()
    source.forget("another token")
    assert source.token() == token
    source.forget(None)
    assert source.token() == token
    source.forget(token)
    assert source.token() != token

"""Use-cases scenario 3, "Production incident investigation", as a test.

The verification service reads its Spotify client id from Secrets Manager (moto, the stack's AWS
emulator) through ``SecretBackedSettings``. The id is rotated on the Spotify sandbox: the fans'
hourly access tokens expire, the API answers 401, and every token refresh made with the stale id
is refused (``invalid_client``). The logs carry ``service``, ``error_code`` and ``trace_id``; the
library's ``ErrorRateMonitor`` opens ONE PagerDuty incident (sandbox); the trace of a failing refresh
is read back with ``vf trace show`` from the stack's OTLP receiver. The new id is written to Secrets
Manager, the running service picks it up once the secret's cache TTL has passed (no restart), the
calls recover and the incident is resolved. Time moves on an injected clock: no sleeping.
"""

from __future__ import annotations

import asyncio
import json
import uuid
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import pytest
from typer.testing import CliRunner

from verifiedfan import log
from verifiedfan.aws import AwsClients, AwsSettings, SecretBackedSettings, SecretsManager
from verifiedfan.errors import VFError
from verifiedfan.http import UserToken
from verifiedfan.monitoring import ErrorRateMonitor, MonitorState
from verifiedfan.music import Spotify, SpotifySettings
from verifiedfan.partners import PagerDuty, PagerDutyRetryPolicy
from verifiedfan.testing.sandbox import PagerDutySandbox, SpotifySandbox
from verifiedfan.tracing import configure_tracing, current_ids, get_tracer, reset_tracing, shutdown_tracing

if TYPE_CHECKING:
    from verifiedfan.stack import OtlpConnection, OtlpReceiver

pytestmark = [pytest.mark.integration, pytest.mark.aws, pytest.mark.otlp]

OLD_ID, OLD_SECRET = "vf-spotify-app-2025", "old-secret-value"
NEW_ID, NEW_SECRET = "vf-spotify-app-2026", "new-secret-value"
SECRET_TTL = 30.0  # seconds the service caches the secret
WINDOW = 60.0  # the monitor's sliding window


class Clock:
    """The service's monotonic clock (secret cache and monitor window), moved by the test."""

    def __init__(self) -> None:
        self.now = 50_000.0

    def __call__(self) -> float:
        return self.now


async def no_sleep(seconds: float) -> None:
    return None


def error_code(exc: BaseException) -> str:
    """The provider's error code when the error (or its cause) carries one, else the error type."""
    seen: BaseException | None = exc
    while seen is not None:
        body = getattr(seen, "body", None)
        if isinstance(body, dict) and isinstance(body.get("error"), str):
            return str(body["error"])
        seen = seen.__cause__
    return type(exc).__name__


class VerificationService:
    """The verification service of the scenario, reduced to its Spotify step.

    Its Spotify settings come from Secrets Manager on every request (cached for the secret's TTL);
    a changed secret builds a new client, so a rotated id is picked up without a restart.
    """

    def __init__(self, settings: SecretBackedSettings[SpotifySettings], monitor: ErrorRateMonitor) -> None:
        self._settings = settings
        self._current: SpotifySettings | None = None
        self._spotify: Spotify | None = None
        self.monitor = monitor
        self.clients_built = 0
        self.logger = log.get_logger("verification/spotify")

    async def spotify(self) -> Spotify:
        settings = await self._settings.aget()
        if self._spotify is None or settings is not self._current:
            previous, self._spotify = self._spotify, Spotify.from_settings(settings)
            self._current = settings
            self.clients_built += 1
            if previous is not None:
                await previous.aclose()
        return self._spotify

    async def verify(self, token: UserToken) -> dict[str, Any]:
        with get_tracer().start_as_current_span("verify-fan"):
            ids = current_ids()
            assert ids is not None
            try:
                async with self.monitor.track():
                    user = await (await self.spotify()).get_user(token)
            except VFError as exc:
                self.logger.error(
                    "spotify call failed", error_code=error_code(exc), error_type=type(exc).__name__
                )
                return {"ok": False, "trace_id": ids[0]}
            return {"ok": True, "user": user.id, "trace_id": ids[0]}

    async def aclose(self) -> None:
        if self._spotify is not None:
            await self._spotify.aclose()


def rotate_client_id(sandbox: SpotifySandbox) -> None:
    """What the Spotify developer dashboard does on a rotation: the old id stops working."""
    clients = sandbox.app.clients
    clients.clear()
    clients[NEW_ID] = NEW_SECRET


@dataclass
class Stack:
    service: VerificationService
    service_name: str
    spotify: SpotifySandbox
    pagerduty: PagerDutySandbox
    aws: AwsClients
    secret_id: str
    clock: Clock

    async def write_secret(self, client_id: str, client_secret: str) -> None:
        raw = await self.aws.secretsmanager()
        value = json.dumps({"client_id": client_id, "client_secret": client_secret})
        await raw.put_secret_value(SecretId=self.secret_id, SecretString=value)


@pytest.fixture
def sandboxes() -> Iterator[tuple[SpotifySandbox, PagerDutySandbox]]:
    with (
        SpotifySandbox(client_id=OLD_ID, client_secret=OLD_SECRET) as spotify,
        PagerDutySandbox() as pagerduty,
    ):
        yield spotify, pagerduty


@pytest.fixture
async def stack(
    sandboxes: tuple[SpotifySandbox, PagerDutySandbox],
    vf_aws_settings: AwsSettings,
    vf_secret: str,
    vf_otlp: OtlpConnection,
) -> AsyncIterator[Stack]:
    spotify_sandbox, pd_sandbox = sandboxes
    name = f"verification-svc-{uuid.uuid4().hex[:8]}"
    configure_tracing(
        service_name=name, env="test", collector_endpoint=vf_otlp.endpoint, schedule_delay_ms=50
    )
    log.configure(level="info", service_name=name)
    clock = Clock()
    try:
        async with (
            AwsClients(vf_aws_settings) as aws,
            PagerDuty(
                routing_key=pd_sandbox.routing_key,
                base_url=pd_sandbox.url,
                retry=PagerDutyRetryPolicy(sleep=no_sleep),
            ) as pd,
        ):
            secret = SecretsManager(vf_secret, clients=aws, ttl=SECRET_TTL, clock=clock)
            settings = SecretBackedSettings(
                SpotifySettings,
                secret,
                base_url=spotify_sandbox.api_url,
                accounts_url=spotify_sandbox.accounts_url,
            )
            monitor = ErrorRateMonitor(
                pd, name="spotify", source=name, threshold=0.5, window=WINDOW, min_calls=5, clock=clock
            )
            service = VerificationService(settings, monitor)
            stack = Stack(service, name, spotify_sandbox, pd_sandbox, aws, vf_secret, clock)
            await stack.write_secret(OLD_ID, OLD_SECRET)
            try:
                yield stack
            finally:
                await monitor.aclose()
                await service.aclose()
    finally:
        log.reset()
        reset_tracing()


async def test_rotated_spotify_client_id_incident_and_recovery(
    stack: Stack, vf_otlp: OtlpConnection, vf_otlp_receiver: OtlpReceiver
) -> None:
    fans = stack.spotify.mint_tokens(list(stack.spotify.named_users[:4]), expires_in=3600)
    service, pagerduty = stack.service, stack.pagerduty

    # healthy: the service runs on the id it read from Secrets Manager
    for fan in fans:
        assert (await service.verify(fan))["ok"] is True
    assert service.clients_built == 1

    # the id is rotated on Spotify's side; the fans' hourly access tokens expire
    rotate_client_id(stack.spotify)
    stack.spotify.advance_clock(3601)
    with log.capture_logs("info") as captured:
        failures = [await service.verify(fans[i % len(fans)]) for i in range(8)]
    assert [f["ok"] for f in failures] == [False] * 8

    # the logs an SRE queries: service, error_code, trace_id on every failure
    errors = [e for e in captured.entries if e.get("message") == "spotify call failed"]
    assert len(errors) == 8
    assert {(e["service"], e["error_code"], e["error_type"]) for e in errors} == {
        (stack.service_name, "invalid_client", "TokenRefreshError")
    }
    assert [e["trace_id"] for e in errors] == [f["trace_id"] for f in failures]
    assert OLD_SECRET not in captured.text
    assert NEW_SECRET not in captured.text

    # ONE incident for eight failures, with a stable deduplication key
    await service.monitor.flush()
    assert service.monitor.state is MonitorState.ALERTING
    [incident] = pagerduty.incidents()
    assert incident["status"] == "triggered"
    assert incident["triggers"] == 1
    assert incident["dedup_key"] == f"error-rate/{stack.service_name}/spotify"
    assert incident["summary"].startswith("spotify: error rate ")

    # the trace of a failing call, read back with `vf trace show` from the OTLP receiver
    shutdown_tracing()  # flush the batch exporter
    trace_id = failures[-1]["trace_id"]
    # (both are blocking clients: run them off the event loop)
    await asyncio.to_thread(vf_otlp_receiver.wait_for_spans, 3, trace_id=trace_id, timeout=20)
    from verifiedfan.cli._trace import app  # what `vf trace` runs

    result = await asyncio.to_thread(
        CliRunner().invoke,
        app,
        ["show", trace_id, "--json"],
        env={"VF_STACK_OTLP_ENDPOINT": vf_otlp.endpoint},
    )
    assert result.exit_code == 0, result.output
    rows = {r["name"]: r for r in json.loads(result.stdout)}
    assert rows["verify-fan"]["depth"] == 0
    me, refresh = rows["spotify[GET]: /v1/me"], rows["spotify[POST]: /api/token"]
    assert (me["depth"], refresh["depth"]) == (1, 1)
    assert me["attributes"]["http.response.status_code"] == 401  # the call failing with 401
    assert refresh["status"] == "error"  # the token refresh failing behind it
    assert refresh["attributes"]["http.response.status_code"] == 400
    assert all(OLD_SECRET not in json.dumps(r) for r in rows.values())

    # the fix: the new id is written to Secrets Manager; within the TTL the cached (old) id is used
    await stack.write_secret(NEW_ID, NEW_SECRET)
    stack.clock.now += SECRET_TTL / 2
    assert (await service.verify(fans[0]))["ok"] is False
    assert service.clients_built == 1

    # once the TTL has passed the same service (no restart) reads the new id and recovers
    stack.clock.now += SECRET_TTL / 2 + 1
    assert (await service.verify(fans[0]))["ok"] is True
    assert service.clients_built == 2
    stack.clock.now += WINDOW  # the failing minute leaves the monitor's window
    recovered = [await service.verify(fan) for fan in fans + fans]
    assert all(r["ok"] for r in recovered)
    await service.monitor.flush()
    assert service.monitor.state is MonitorState.OK
    assert [(i["number"], i["status"], i["triggers"]) for i in pagerduty.incidents()] == [(1, "resolved", 1)]

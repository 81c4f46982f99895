"""The FastAPI app of the reference service, with the library's whole middleware stack."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

from verifiedfan.metrics import metrics_asgi_app
from verifiedfan.reference_service._auth import router as auth_router
from verifiedfan.reference_service._fans import router as fans_router
from verifiedfan.reference_service._links import Shortener
from verifiedfan.reference_service._registration import router as registration_router
from verifiedfan.reference_service._services import Services, open_services, signing_keys
from verifiedfan.reference_service._settings import ServiceSettings
from verifiedfan.web import JwtMiddleware, with_middlewares
from verifiedfan.web.fastapi import install_error_handlers

__all__ = ["NOT_LOGGED", "NO_NATIVE_TELEMETRY", "PUBLIC_PATHS", "create_app"]

logger = logging.getLogger(__name__)

NOT_LOGGED = ("/health", "/metrics")
# FastAPI's own OpenTelemetry spans, metrics and logs (FastAPI >= 0.16x) would repeat what the
# library's middlewares record: a second server span per request, beside TracingMiddleware's.
NO_NATIVE_TELEMETRY: Any = {"tracing": False, "metrics": False, "logs": False}
# Reached without a bearer token (and, for the link, with its token in the query string).
PUBLIC_PATHS = (*NOT_LOGGED, "/verify-email")


def _configure_tracing(settings: ServiceSettings) -> bool:
    if not settings.tracing:
        return False
    from verifiedfan.tracing import configure_tracing

    configure_tracing(service_name=settings.name, collector_endpoint=settings.otlp_endpoint)
    return True


def create_app(settings: ServiceSettings | None = None, *, shortener: Shortener | None = None) -> FastAPI:
    """The reference service. ``vf serve`` runs it with uvicorn; settings come from ``VF_SERVICE_*``
    and each client's own ``VF_*`` variables."""
    settings = settings or ServiceSettings()
    from verifiedfan import log

    log.configure(level=settings.log_level, service_name=settings.name)
    traced = _configure_tracing(settings)
    # The token keys are made before the app so the JWT middleware and the routes share them.
    signer, verifier = signing_keys(settings)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        async with open_services(settings, shortener=shortener, keys=(signer, verifier)) as services:
            app.state.services = services
            yield

    app = FastAPI(
        title=settings.name,
        lifespan=lifespan,
        openapi_url=None,
        docs_url=None,
        redoc_url=None,
        telemetry=NO_NATIVE_TELEMETRY,
    )
    app.include_router(auth_router)
    app.include_router(registration_router)
    app.include_router(fans_router)

    @app.get("/health")
    async def health(request: Request) -> JSONResponse:
        services: Services = request.app.state.services
        checks = {"mongo": await _ping_mongo(services), "redis": await _ping_redis(services)}
        checks["kafka"] = services.kafka is not None
        ok = checks["mongo"] and checks["redis"]
        return JSONResponse({"status": "ok" if ok else "degraded", "checks": checks}, 200 if ok else 503)

    install_error_handlers(app)
    # Innermost first: the JWT layer is added before the stack, so it sits inside it.
    app.add_middleware(
        JwtMiddleware, verifier=verifier, required=False, exempt_paths=PUBLIC_PATHS
    )  # lazy: routes that need a fan ask for Claims (401 without a token)
    sink = _metrics_sink()
    app.state.metrics_sink = sink
    with_middlewares(
        app,
        exempt_paths=NOT_LOGGED,
        metrics_sink=sink,
        tracing=traced,
        access_log=settings.access_log,
        max_body_bytes=settings.max_body_bytes,
    )
    app.mount("/metrics", metrics_asgi_app(sink))
    return app


def _metrics_sink() -> Any:
    from verifiedfan.metrics import PrometheusSink

    return PrometheusSink()


async def _ping_mongo(services: Services) -> bool:
    try:
        await services.mongo.ensure_connected()
    except Exception:  # noqa: BLE001 - health: any failure is "down"
        return False
    return True


async def _ping_redis(services: Services) -> bool:
    try:
        return await services.redis.ping()
    except Exception:  # noqa: BLE001 - health: any failure is "down"
        return False

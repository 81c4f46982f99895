"""The two apps of ``bench_service``, as uvicorn factories (``--factory``).

``full``: the reference service itself (``create_app``: correlation, tracing exported to the stack's
OTLP receiver, access log, Prometheus request metrics, error formatter, size limits, JWT middleware).
``bare``: the same FastAPI ``GET /me`` with no middleware at all; the handler reads the bearer token
with the same :class:`~verifiedfan.jwt.Verifier` (a service cannot answer ``/me`` without it), so
the difference is what the stack costs. The key comes in ``VF_SERVICE_JWT_PRIVATE_KEY``.
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

from verifiedfan.errors import VFError
from verifiedfan.reference_service import NO_NATIVE_TELEMETRY, ServiceSettings, create_app
from verifiedfan.reference_service._services import signing_keys


def full() -> FastAPI:
    return create_app()


def bare() -> FastAPI:
    _, verifier = signing_keys(ServiceSettings())
    app = FastAPI(openapi_url=None, docs_url=None, redoc_url=None, telemetry=NO_NATIVE_TELEMETRY)

    @app.get("/me")
    async def me(request: Request) -> Any:
        header = request.headers.get("authorization", "")
        try:
            claims = await verifier.aread_token(header.removeprefix("Bearer "))
        except VFError as exc:
            return JSONResponse(exc.to_dict(), status_code=401)
        return {
            "id": claims["sub"],
            "email": claims.get("email"),
            "permissions": claims.get("permissions", []),
            "expiresAt": claims["exp"],
        }

    return app

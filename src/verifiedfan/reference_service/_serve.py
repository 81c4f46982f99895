"""Serving the reference service with uvicorn (``vf serve``)."""

from __future__ import annotations

from verifiedfan._optional import require

__all__ = ["APP_FACTORY", "serve"]

APP_FACTORY = "verifiedfan.reference_service:create_app"


def serve(
    *,
    host: str = "127.0.0.1",
    port: int = 8000,
    workers: int = 1,
    log_level: str = "warning",
    app: str = APP_FACTORY,
) -> None:
    """Run ``app`` (an import string of an app factory) under uvicorn until stopped (SIGINT/SIGTERM
    end it gracefully: the lifespan closes every client). uvicorn's own access log is off: the
    service writes one JSON line per request itself."""
    uvicorn = require("uvicorn", "service")
    uvicorn.run(
        app,
        factory=True,
        host=host,
        port=port,
        workers=workers,
        log_level=log_level,
        access_log=False,
        server_header=False,
        proxy_headers=False,  # the access log reads Fastly-Client-IP / X-Forwarded-For itself
        lifespan="on",
    )

"""``vf serve``: run the reference service (or another app factory) with uvicorn."""

from __future__ import annotations

from typing import Annotated

import typer

from verifiedfan.reference_service._serve import APP_FACTORY, serve

app = typer.Typer(help="Serve the reference service with uvicorn.")


@app.callback(invoke_without_command=True)
def run(
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000,
    workers: Annotated[int, typer.Option(help="Worker processes.")] = 1,
    log_level: Annotated[str, typer.Option(help="uvicorn's log level.")] = "warning",
    factory: Annotated[
        str, typer.Option("--app", help="Import string of the app factory (module:function).")
    ] = APP_FACTORY,
) -> None:
    """Serve until Ctrl-C / SIGTERM. Settings: VF_SERVICE_*, VF_MONGO_*, VF_REDIS_*, VF_KAFKA_*,
    VF_SPOTIFY_*, VF_SFMC_* (see the README)."""
    serve(host=host, port=port, workers=workers, log_level=log_level, app=factory)

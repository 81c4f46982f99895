"""``vf worker``: one verification worker of a Kafka consumer group (see :mod:`verifiedfan.demo`)."""

from __future__ import annotations

import asyncio
import json
import logging
import time
from pathlib import Path
from typing import Annotated

import typer
from pydantic import ValidationError as PydanticValidationError

from verifiedfan.demo import WorkerSettings, run_worker
from verifiedfan.errors import VFError

app = typer.Typer(help="Run one verification worker of a consumer group (Kafka transactions).")


@app.callback(invoke_without_command=True)
def worker(
    settings_file: Annotated[
        Path | None,
        typer.Option(
            "--settings", help="A JSON file of WorkerSettings (default: the VF_WORKER_* environment)."
        ),
    ] = None,
) -> None:
    """Read verification requests from the requests topic as a member of the group, verify each fan
    (profiles cached in Redis), publish fan.verified events and commit the offsets in one Kafka
    transaction per batch, until SIGTERM. Prints `ready` once it joined the group, and at the end
    what this worker did as one JSON line."""
    try:
        if settings_file is not None:
            settings = WorkerSettings.model_validate_json(settings_file.read_text())
        else:
            settings = WorkerSettings()  # type: ignore[call-arg]  # from the environment
    except (OSError, PydanticValidationError) as exc:
        typer.echo(f"vf worker: bad settings: {exc}", err=True)
        raise typer.Exit(2) from exc
    # a worker process logs errors only (its stdout is the demo's protocol); set once the settings
    # are good, so a refused start changes nothing in the calling process
    logging.getLogger("verifiedfan").setLevel(logging.ERROR)
    try:
        stats = asyncio.run(run_worker(settings, on_ready=_ready))
    except VFError as exc:
        typer.echo(f"vf worker: {type(exc).__name__}: {exc}", err=True)
        raise typer.Exit(1) from exc
    # the process's whole CPU time, imports included: vf demo tells it from the sandboxes' this way
    stats.cpu_seconds = round(time.process_time(), 2)
    typer.echo(json.dumps(stats.to_dict()))


def _ready() -> None:
    typer.echo("ready")  # the first line on stdout: `vf demo --workers` waits for it

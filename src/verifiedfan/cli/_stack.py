"""``vf stack``: install, start, inspect and stop the local servers (see :mod:`verifiedfan.stack`)."""

from __future__ import annotations

import contextlib
import json
import shlex
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Annotated, Any

import typer

from verifiedfan._optional import require
from verifiedfan.cli._output import emit, print_json
from verifiedfan.stack import SERVER_NAMES, Stack, StackError, StackSettings

app = typer.Typer(
    help="Real local servers (Kafka, registry, Redis, Mongo, AWS, OTLP) without Docker.", no_args_is_help=True
)

_NAMES_HELP = f"Servers ({', '.join(SERVER_NAMES)}); all when omitted."
Names = Annotated[list[str] | None, typer.Argument(help=_NAMES_HELP)]
AsJson = Annotated[bool, typer.Option("--json", help="Print JSON.")]
StartedFileUp = Annotated[
    Path | None,
    typer.Option("--started-file", help="Write the names this run started (one a line), for `down`."),
]
StartedFileDown = Annotated[
    Path | None,
    typer.Option("--started-file", help="Stop only the servers listed in this file (written by `up`)."),
]
LogName = Annotated[str, typer.Argument(help=f"One of {', '.join(SERVER_NAMES)}.")]
Lines = Annotated[int, typer.Option("-n", "--lines", help="How many lines of each log.")]
Export = Annotated[bool, typer.Option("--export", help="Prefix each line with `export `.")]


@contextlib.contextmanager
def _progress_stack() -> Iterator[Stack]:
    """A Stack whose install/start steps show as rich progress lines on stderr."""
    progress_mod = require("rich.progress", "cli")
    console = require("rich.console", "cli").Console(stderr=True)
    progress = progress_mod.Progress(
        progress_mod.SpinnerColumn(),
        progress_mod.TextColumn("[bold]{task.fields[server]:<16}"),
        progress_mod.TextColumn("{task.description}"),
        progress_mod.TimeElapsedColumn(),
        console=console,
        transient=False,
    )
    tasks: dict[str, Any] = {}

    def report(server: str, message: str) -> None:
        done = message in {"ready", "installed"}
        if server not in tasks:
            tasks[server] = progress.add_task(message, server=server, total=1)
        progress.update(tasks[server], description=message, completed=1 if done else 0)

    with progress:
        yield Stack(settings=StackSettings(), report=report)


def _fail(exc: StackError) -> typer.Exit:
    sys.stderr.write(f"vf stack: {exc}\n")
    return typer.Exit(code=1)


@app.command()
def install(names: Names = None) -> None:
    """Install what is missing into the cache (VF_STACK_HOME) without starting anything."""
    start = time.monotonic()
    try:
        with _progress_stack() as stack:
            seconds = stack.install(names)
    except StackError as exc:
        raise _fail(exc) from exc
    for name, secs in seconds.items():
        typer.echo(f"{name}: {'cached' if secs == 0 else f'installed in {secs:.1f}s'}")
    typer.echo(f"install total: {time.monotonic() - start:.1f}s")


@app.command()
def up(
    names: Names = None,
    started_file: StartedFileUp = None,
) -> None:
    """Start the servers (installing on first use) and wait until each really answers."""
    begin = time.monotonic()
    try:
        with _progress_stack() as stack:
            result = stack.up(names)
    except StackError as exc:
        raise _fail(exc) from exc
    if started_file is not None:
        started_file.write_text("".join(f"{n}\n" for n in result.started))
    if result.already_running:
        typer.echo(f"already running: {', '.join(result.already_running)}")
    typer.echo(f"started: {', '.join(result.started) or 'nothing'} in {time.monotonic() - begin:.1f}s")


@app.command()
def down(
    names: Names = None,
    started_file: StartedFileDown = None,
) -> None:
    """Stop the servers vf stack started (by process id) and remove their data."""
    stack = Stack(settings=StackSettings())
    if started_file is not None:
        listed = started_file.read_text().split() if started_file.exists() else []
        if not listed:
            typer.echo("stopped: nothing")
            return
        names = [n for n in listed if not names or n in names]
    try:
        stopped = stack.down(names)
    except StackError as exc:
        raise _fail(exc) from exc
    typer.echo(f"stopped: {', '.join(stopped) or 'nothing'}")


@app.command()
def status(
    names: Names = None,
    as_json: AsJson = False,
) -> None:
    """Name, process ids, ports, health, resident memory and uptime of each server."""
    try:
        statuses = Stack(settings=StackSettings()).status(names)
    except StackError as exc:
        raise _fail(exc) from exc
    if as_json:
        print_json([s.to_dict() for s in statuses])
        return
    rows = [
        {
            "name": s.name,
            "state": s.state,
            "healthy": "yes" if s.healthy else "no",
            "pid": ",".join(str(p) for p in s.pids) or "-",
            "port": ",".join(str(p) for p in s.ports),
            "RSS MB": "-" if s.rss_mb is None else f"{s.rss_mb:.0f}",
            "uptime": "-" if s.uptime_s is None else _duration(s.uptime_s),
            "detail": s.detail,
        }
        for s in statuses
    ]
    if not any(s.detail for s in statuses):
        for row in rows:
            del row["detail"]
    emit("vf stack", rows, as_json=False)


def _duration(seconds: float) -> str:
    minutes, secs = divmod(int(seconds), 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours}h{minutes:02d}m" if hours else f"{minutes}m{secs:02d}s"


@app.command()
def logs(
    name: LogName,
    lines: Lines = 50,
) -> None:
    """The last lines of a server's logs."""
    try:
        text = Stack(settings=StackSettings()).logs(name, lines=lines)
    except StackError as exc:
        raise _fail(exc) from exc
    typer.echo(text or f"no logs for {name} (not started?)")


@app.command()
def env(
    export: Export = False,
    as_json: AsJson = False,
) -> None:
    """The connection settings as environment variables (eval "$(vf stack env --export)")."""
    values = Stack(settings=StackSettings()).env()
    if as_json:
        typer.echo(json.dumps(values))
        return
    prefix = "export " if export else ""
    for key, value in values.items():
        typer.echo(f"{prefix}{key}={shlex.quote(value)}")

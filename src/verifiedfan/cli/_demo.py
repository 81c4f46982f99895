"""``vf demo``: workflow 1 end to end (see :mod:`verifiedfan.demo`), with a progress bar and a summary."""

from __future__ import annotations

import asyncio
import logging
from typing import Annotated, Any

import typer

from verifiedfan._optional import require
from verifiedfan.cli._output import print_json, print_table
from verifiedfan.demo import (
    CACHE_MODE_REPEAT_RATIO,
    DemoOptions,
    DemoResult,
    WorkersOptions,
    WorkersResult,
    run_demo,
    run_workers_demo,
)
from verifiedfan.errors import VFError

app = typer.Typer(help="Run workflow 1 (fan verification) end to end against real local servers.")


def _run_with_progress(options: DemoOptions, *, quiet: bool) -> DemoResult:
    progress_mod = require("rich.progress", "cli")
    console = require("rich.console", "cli").Console(stderr=True)
    progress = progress_mod.Progress(
        progress_mod.TextColumn("[bold]{task.description}"),
        progress_mod.BarColumn(),
        progress_mod.MofNCompleteColumn(),
        progress_mod.TaskProgressColumn(),
        progress_mod.TimeElapsedColumn(),
        console=console,
        disable=quiet,
    )
    task: Any = progress.add_task("verifying fans", total=options.fans)

    def on_phase(name: str) -> None:
        if not quiet:
            console.log(f"[dim]{name}[/dim]")

    def on_progress(done: int, total: int) -> None:
        progress.update(task, completed=done)

    with progress:
        return asyncio.run(run_demo(options, on_progress=on_progress, on_phase=on_phase))


def _run_workers(options: WorkersOptions, *, quiet: bool) -> WorkersResult:
    progress_mod = require("rich.progress", "cli")
    console = require("rich.console", "cli").Console(stderr=True)
    progress = progress_mod.Progress(
        progress_mod.TextColumn("[bold]{task.description}"),
        progress_mod.BarColumn(),
        progress_mod.MofNCompleteColumn(),
        progress_mod.TimeElapsedColumn(),
        console=console,
        disable=quiet,
    )
    task: Any = progress.add_task(f"requests committed by {options.workers} workers", total=options.fans)

    def on_progress(done: int, total: int) -> None:
        progress.update(task, completed=done)

    with progress:
        return asyncio.run(run_workers_demo(options, on_progress=on_progress))


@app.callback(invoke_without_command=True)
def demo(
    fans: Annotated[int, typer.Option("--fans", "-n", help="How many fan checks (both platforms).")] = 2000,
    concurrency: Annotated[int, typer.Option(help="Fans in flight per platform.")] = 64,
    repeat_ratio: Annotated[
        float | None,
        typer.Option(
            help="Share of checks that repeat an earlier fan (served from the cache): at most 0.333, "
            f"default 0.1; with --cache-mode at most 0.99, default {CACHE_MODE_REPEAT_RATIO}."
        ),
    ] = None,
    cache_mode: Annotated[
        bool,
        typer.Option(
            "--cache-mode",
            help="Scenario 1's cache path: a hot crowd (95 % of checks repeat a fan), profiles read "
            "through the Redis client-side cache, and the hit path's p50/p99 timed against raw "
            "redis-py on the same keys after the run.",
        ),
    ] = False,
    batch_size: Annotated[int, typer.Option(help="Most events per Kafka send.")] = 2000,
    parallel: Annotated[
        bool, typer.Option(help="Check each platform's fans in a process of its own (uses 2 cores).")
    ] = True,
    emails: Annotated[
        bool,
        typer.Option(help="Send each verified fan a presale email with a PACMAN code (SFMC sandbox)."),
    ] = True,
    as_json: Annotated[bool, typer.Option("--json", help="Print the summary as JSON.")] = False,
    workers: Annotated[
        int,
        typer.Option(
            help="Verify through a Kafka consumer group of N worker processes (`vf worker`), one "
            "transaction per batch; 0 runs the one-process demo.",
        ),
    ] = 0,
    kill_worker_after: Annotated[
        float | None,
        typer.Option(help="With --workers: SIGKILL one worker once this share (0-1) of requests is done."),
    ] = None,
) -> None:
    """Bring up Redis, Kafka and the schema registry, verify a crowd of sandbox fans on Spotify and
    Apple Music, publish a fan.verified event per verified fan, consume them back, send each
    verified fan a presale email through the SFMC sandbox (a campaign consumer restarted mid-run,
    no email sent twice), print a summary."""
    library_log = logging.getLogger("verifiedfan")
    level = library_log.level
    library_log.setLevel(logging.ERROR)  # retried hiccups would break the bar; the summary tells
    if workers > 0:
        if cache_mode:
            typer.echo("vf demo: --cache-mode runs in one process; leave out --workers", err=True)
            raise typer.Exit(2)
        ratio = 0.1 if repeat_ratio is None else repeat_ratio
        try:
            _workers_demo(fans, workers, ratio, concurrency, kill_worker_after, as_json=as_json)
        finally:
            library_log.setLevel(level)
        return
    try:
        options = DemoOptions(
            fans=fans,
            concurrency=concurrency,
            repeat_ratio=repeat_ratio
            if repeat_ratio is not None
            else (CACHE_MODE_REPEAT_RATIO if cache_mode else 0.1),
            batch_size=batch_size,
            parallel=parallel,
            emails=emails,
            cache_mode=cache_mode,
        )
        result = _run_with_progress(options, quiet=as_json)
    except VFError as exc:
        typer.echo(f"vf demo: {type(exc).__name__}: {exc}", err=True)
        raise typer.Exit(1) from exc
    finally:
        library_log.setLevel(level)
    if as_json:
        print_json(result.to_dict())
    else:
        print_table("vf demo: workflow 1", ["metric", "value"], result.summary_rows())
        for sample in result.error_samples:
            typer.echo(f"error: {sample}", err=True)
    if not result.ok:
        raise typer.Exit(1)


def _workers_demo(
    fans: int, workers: int, repeat_ratio: float, concurrency: int, kill_after: float | None, *, as_json: bool
) -> None:
    try:
        options = WorkersOptions(
            fans=fans,
            workers=workers,
            repeat_ratio=repeat_ratio,
            concurrency=concurrency,
            kill_after=kill_after,
        )
        result = _run_workers(options, quiet=as_json)
    except VFError as exc:
        typer.echo(f"vf demo: {type(exc).__name__}: {exc}", err=True)
        raise typer.Exit(1) from exc
    if as_json:
        print_json(result.to_dict())
    else:
        print_table(
            f"vf demo --workers {workers}: Kafka consumer group", ["metric", "value"], result.summary_rows()
        )
    if not result.ok:
        raise typer.Exit(1)

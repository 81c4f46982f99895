"""``vf normalize KIND [VALUE...]``: normalize values given as arguments, or stdin line by line.

Output: one line per input value, in input order. A value that is invalid prints ``<none>``
(change it with ``--none-marker``; no normalizer can output ``<none>``, so it is unambiguous).
Booleans print ``true``/``false``; user agents print tab-separated browser, version, OS, OS version
and device class. ``--json`` prints JSON lines instead: ``{"input": ..., "output": ...}``, with
``null`` for invalid values.

Reading stdin streams: each line is written as soon as it is normalized, so files of any size work
(``vf normalize email < emails.txt > clean.txt``). On a terminal a live counter shows on stderr;
a summary (values, invalid, rate) goes to stderr with ``--summary`` or after 1,000 values.
"""

from __future__ import annotations

import dataclasses
import json
import sys
import time
from collections.abc import Callable, Iterable, Iterator
from typing import Annotated, Any

import typer

app = typer.Typer(
    help="Normalize values (arguments, or stdin one per line): email, phone, zip, name...",
    no_args_is_help=True,
)

NONE_MARKER = "<none>"
SUMMARY_THRESHOLD = 1000
_PROGRESS_EVERY = 1000

Values = Annotated[list[str] | None, typer.Argument(help="Values to normalize; none reads stdin.")]
AsJson = Annotated[bool, typer.Option("--json", help="JSON lines: {input, output}.")]
Marker = Annotated[str, typer.Option("--none-marker", help="Printed for an invalid value.")]
Summary = Annotated[bool, typer.Option("--summary", help="Always print the summary on stderr.")]
FailOnInvalid = Annotated[
    bool, typer.Option("--fail-on-invalid", help="Exit with status 1 when any value is invalid.")
]


def _to_text(result: object, none_marker: str) -> str:
    if result is None:
        return none_marker
    if isinstance(result, bool):
        return "true" if result else "false"
    if dataclasses.is_dataclass(result) and not isinstance(result, type):
        fields = dataclasses.astuple(result)
        return "\t".join("" if f is None else str(f) for f in fields)
    return str(result)


def _to_json(result: object) -> Any:
    if dataclasses.is_dataclass(result) and not isinstance(result, type):
        data = dataclasses.asdict(result)
        for prop in ("is_mobile", "is_bot"):
            if hasattr(result, prop):
                data[prop] = getattr(result, prop)
        return data
    return result


def _stdin_values() -> Iterator[str]:
    for line in sys.stdin:
        yield line.rstrip("\r\n")


def _run(
    normalize: Callable[[str], object],
    values: list[str] | None,
    *,
    as_json: bool,
    none_marker: str,
    summary: bool,
    fail_on_invalid: bool,
) -> None:
    from_stdin = not values
    source: Iterable[str] = _stdin_values() if from_stdin else values or []
    show_progress = from_stdin and sys.stderr.isatty()
    progress, task = _start_progress() if show_progress else (None, None)
    out = sys.stdout
    count = invalid = 0
    start = time.perf_counter()
    try:
        for raw in source:
            result = normalize(raw)
            count += 1
            invalid += result is None
            if as_json:
                line = json.dumps({"input": raw, "output": _to_json(result)}, ensure_ascii=False)
            else:
                line = _to_text(result, none_marker)
            out.write(line + "\n")
            if progress is not None and count % _PROGRESS_EVERY == 0:
                progress.update(task, completed=count)
    finally:
        if progress is not None:
            progress.stop()
    out.flush()
    if summary or (from_stdin and count >= SUMMARY_THRESHOLD):
        _print_summary(count, invalid, time.perf_counter() - start)
    if fail_on_invalid and invalid:
        raise typer.Exit(code=1)


def _start_progress() -> tuple[Any, Any]:
    from rich.console import Console
    from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

    progress = Progress(
        SpinnerColumn(),
        TextColumn("normalized {task.completed:,} values"),
        TimeElapsedColumn(),
        console=Console(stderr=True),
        transient=True,
    )
    progress.start()
    return progress, progress.add_task("normalize", total=None)


def _print_summary(count: int, invalid: int, seconds: float) -> None:
    from rich.console import Console

    rate = count / seconds if seconds > 0 else 0.0
    share = f" ({invalid / count:.1%})" if count else ""
    Console(stderr=True, highlight=False).print(
        f"[bold]{count:,}[/bold] values, [bold]{count - invalid:,}[/bold] valid, "
        f"[bold]{invalid:,}[/bold] invalid{share} in {seconds:.2f} s ({rate:,.0f} values/s)"
    )


@app.command("phone")
def phone_cmd(
    values: Values = None,
    region: Annotated[str, typer.Option("--region", help="Default country for national numbers.")] = "US",
    strict: Annotated[
        bool, typer.Option("--strict", help="Only numbers libphonenumber calls valid.")
    ] = False,
    as_json: AsJson = False,
    none_marker: Marker = NONE_MARKER,
    summary: Summary = False,
    fail_on_invalid: FailOnInvalid = False,
) -> None:
    """Phone numbers in E.164 form (+15551234567)."""
    from verifiedfan.normalizers import phone

    def normalize(value: str) -> str | None:
        return phone(value, region=region, strict=strict)

    _run(
        normalize,
        values,
        as_json=as_json,
        none_marker=none_marker,
        summary=summary,
        fail_on_invalid=fail_on_invalid,
    )


@app.command("name")
def name_cmd(
    values: Values = None,
    particles: Annotated[
        bool, typer.Option("--particles", help="Keep particles (de, van, von...) lower case.")
    ] = False,
    as_json: AsJson = False,
    none_marker: Marker = NONE_MARKER,
    summary: Summary = False,
    fail_on_invalid: FailOnInvalid = False,
) -> None:
    """Full names: title case, accents kept, 'Doe, John' reordered to 'John Doe'."""
    from verifiedfan.normalizers import NAME_PARTICLES, name

    chosen = NAME_PARTICLES if particles else frozenset()

    def normalize(value: str) -> str | None:
        return name(value, particles=chosen)

    _run(
        normalize,
        values,
        as_json=as_json,
        none_marker=none_marker,
        summary=summary,
        fail_on_invalid=fail_on_invalid,
    )


def _simple_command(kind: str, function_name: str, help_text: str) -> None:
    """Register ``vf normalize <kind>`` for a normalizer that takes no option."""

    def command(
        values: Values = None,
        as_json: AsJson = False,
        none_marker: Marker = NONE_MARKER,
        summary: Summary = False,
        fail_on_invalid: FailOnInvalid = False,
    ) -> None:
        from verifiedfan import normalizers

        _run(
            getattr(normalizers, function_name),
            values,
            as_json=as_json,
            none_marker=none_marker,
            summary=summary,
            fail_on_invalid=fail_on_invalid,
        )

    command.__doc__ = help_text
    app.command(kind)(command)


_simple_command("email", "email", "Trim, lower-case and syntax-check email addresses (no DNS).")
_simple_command("zip", "zip", "5-digit US zip codes (02134 from 02134-1234).")
_simple_command("boolean", "boolean", "true/false from yes/no, y/n, 1/0, on/off, t/f, true/false.")
_simple_command(
    "user-agent",
    "user_agent",
    "Browser, version, OS, OS version, device and device class (tab-separated) of user agents.",
)
_simple_command("url-safe", "url_safe", "Keep only ASCII letters and digits.")

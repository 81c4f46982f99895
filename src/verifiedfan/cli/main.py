"""The ``vf`` entry point: one sub-command per capability.

Sub-command modules are imported lazily (only the one being run), so ``vf --version`` stays fast
and a missing optional extra only breaks the command that needs it.
"""

from __future__ import annotations

import importlib
import sys

from verifiedfan._version import __version__
from verifiedfan.errors import DependencyMissingError

try:
    import typer
except ImportError as exc:  # pragma: no cover - only without the cli extra
    raise DependencyMissingError("typer", "cli") from exc

# name -> (module exposing a `typer.Typer` named `app`, help text). Each capability adds its line.
SUBCOMMANDS: dict[str, tuple[str, str]] = {
    "jwt": ("verifiedfan.cli._jwt", "Make and read JWTs (debugging), read X.509 certificates."),
    "normalize": ("verifiedfan.cli._normalize", "Normalize emails, phones, zips, names... (args or stdin)."),
    "stack": ("verifiedfan.cli._stack", "Start/stop the real local servers (Kafka, Redis, Mongo, AWS...)."),
    "kafka": (
        "verifiedfan.cli._kafka",
        "Send to and tail Kafka topics (Avro through the registry, or JSON).",
    ),
    "trace": ("verifiedfan.cli._trace", "List and show traces held by the local OTLP receiver, as trees."),
    "schema": ("verifiedfan.cli._schema", "Register, check and list schemas in the schema registry."),
    "sandbox": ("verifiedfan.cli._sandbox", "Run the Spotify and Apple Music sandbox APIs locally."),
    "tm": (
        "verifiedfan.cli._tm",
        "Ticketmaster users, activity, events (--sandbox or VF_TM_*) and presale codes.",
    ),
    "demo": ("verifiedfan.cli._demo", "Workflow 1 end to end: verify sandbox fans, cache, publish, consume."),
    "worker": (
        "verifiedfan.cli._worker",
        "One verification worker of a Kafka consumer group (vf demo --workers N runs several).",
    ),
    "serve": ("verifiedfan.cli._serve", "Serve the reference service (FastAPI on uvicorn)."),
}

app = typer.Typer(
    name="vf",
    help="verifiedfan: tools for the fan-verification platform.",
    no_args_is_help=True,
    pretty_exceptions_show_locals=False,  # locals may hold secrets
)


def _version_callback(value: bool) -> None:
    if value:
        typer.echo(f"verifiedfan {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: bool = typer.Option(
        False, "--version", callback=_version_callback, is_eager=True, help="Print the version and exit."
    ),
) -> None:
    """verifiedfan command line."""


def _register(argv: list[str]) -> None:
    wanted = next((a for a in argv if not a.startswith("-")), None)
    for name, (module, help_text) in SUBCOMMANDS.items():
        if wanted == name:  # the command asked for: a missing extra fails here with its pip line
            app.add_typer(importlib.import_module(module).app, name=name, help=help_text)
        elif wanted is None:  # `vf --help`: every command listed, even those whose extra is missing
            try:
                sub = importlib.import_module(module).app
            except DependencyMissingError as exc:
                missing = f'{help_text} [needs: pip install "verifiedfan[{exc.extra}]"]'
                app.add_typer(typer.Typer(help=missing), name=name, help=missing)
            except ImportError as exc:  # a package of an extra imported at module level (fastapi...)
                missing = f"{help_text} [needs the {exc.name or 'missing'} package: see the extras]"
                app.add_typer(typer.Typer(help=missing), name=name, help=missing)
            else:
                app.add_typer(sub, name=name, help=help_text)
        else:
            app.add_typer(typer.Typer(help=help_text), name=name, help=help_text)


def main(argv: list[str] | None = None) -> None:
    args = sys.argv[1:] if argv is None else argv
    _register(args)
    app(args=args, prog_name="vf")


if __name__ == "__main__":
    main()

"""``vf schema``: register, check and list schemas in the Confluent-compatible registry.

``check --against FILE`` works offline (the Avro resolution rules, no registry needed): use it in
CI before deploying a producer with a new schema version.
"""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Annotated, Any

import typer

from verifiedfan.cli._output import emit, print_json
from verifiedfan.errors import VFError

app = typer.Typer(help="Register, check and list schemas in the schema registry.", no_args_is_help=True)

Registry = Annotated[
    str | None, typer.Option("--registry-url", help="Schema registry (default: VF_KAFKA_REGISTRY_URL).")
]


def make_registry(registry_url: str | None) -> Any:
    """The registry client the commands use (tests replace it with the in-memory fake)."""
    from verifiedfan.kafka import KafkaSettings, SchemaRegistryClient

    return SchemaRegistryClient(url=registry_url or KafkaSettings().registry_url)


def _read_schema(path: Path) -> str:
    try:
        text = path.read_text()
        json.loads(text)
    except OSError as exc:
        raise typer.BadParameter(f"cannot read {path}: {exc.strerror}") from exc
    except ValueError as exc:
        raise typer.BadParameter(f"{path} is not JSON") from exc
    return text


def _fail(exc: VFError) -> typer.Exit:
    typer.echo(f"error: {type(exc).__name__}: {exc.message}", err=True)
    return typer.Exit(code=1)


@app.command("register")
def register(
    subject: Annotated[str, typer.Argument(help="Subject, e.g. fan.verified-value.")],
    schema_file: Annotated[Path, typer.Argument(help="Schema file (Avro JSON).")],
    schema_type: Annotated[str, typer.Option("--type", help="AVRO, JSON or PROTOBUF.")] = "AVRO",
    compatibility: Annotated[
        str | None, typer.Option("--compatibility", help="Set the subject's rule first.")
    ] = None,
    registry_url: Registry = None,
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """Register SCHEMA_FILE under SUBJECT and print its id (refused if incompatible)."""
    from verifiedfan.kafka import parse_avro_schema

    text = _read_schema(schema_file)

    async def run() -> int:
        async with make_registry(registry_url) as registry:
            if compatibility:
                await registry.set_compatibility(compatibility.upper(), subject)
            schema_id: int = await registry.register(subject, text, schema_type=schema_type.upper())
            return schema_id

    try:
        if schema_type.upper() == "AVRO":
            parse_avro_schema(text)
        schema_id = asyncio.run(run())
    except VFError as exc:
        raise _fail(exc) from exc
    emit("registered", [{"subject": subject, "id": schema_id}], as_json=as_json)


@app.command("check")
def check(
    subject: Annotated[str, typer.Argument(help="Subject to check against.")],
    schema_file: Annotated[Path, typer.Argument(help="The new schema (Avro JSON).")],
    against: Annotated[
        list[Path] | None,
        typer.Option("--against", help="Offline: existing versions, oldest first (repeatable)."),
    ] = None,
    level: Annotated[str, typer.Option("--level", help="Offline compatibility level.")] = "BACKWARD",
    registry_url: Registry = None,
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """Would SCHEMA_FILE be accepted under SUBJECT? Exit code 1 when it would be refused."""
    from verifiedfan.kafka import is_compatible

    text = _read_schema(schema_file)
    try:
        if against:
            ok = is_compatible(text, [_read_schema(p) for p in against], level)
            where = f"offline {level.upper()}"
        else:

            async def run() -> bool:
                async with make_registry(registry_url) as registry:
                    result: bool = await registry.check_compatibility(subject, text)
                    return result

            ok, where = asyncio.run(run()), "registry"
    except VFError as exc:
        raise _fail(exc) from exc
    emit("compatibility", [{"subject": subject, "compatible": ok, "checked": where}], as_json=as_json)
    if not ok:
        raise typer.Exit(code=1)


@app.command("list")
def list_(
    subject: Annotated[str | None, typer.Argument(help="List this subject's versions instead.")] = None,
    registry_url: Registry = None,
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """List subjects with their latest version, or one subject's versions."""

    async def run() -> list[dict[str, Any]]:
        async with make_registry(registry_url) as registry:
            if subject is None:
                rows = []
                for name in await registry.list_subjects():
                    latest = await registry.get_latest(name)
                    rows.append({"subject": name, "latest_version": latest.version, "id": latest.id})
                return rows
            out = []
            for version in await registry.list_versions(subject):
                found = await registry.get_version(subject, version)
                out.append(
                    {"subject": subject, "version": version, "id": found.id, "type": found.schema_type}
                )
            return out

    try:
        rows = asyncio.run(run())
    except VFError as exc:
        raise _fail(exc) from exc
    if as_json:
        print_json(rows)
    else:
        emit("subjects" if subject is None else subject, rows, as_json=False)

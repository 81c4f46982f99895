"""``vf kafka``: send a message, or follow a topic with its values decoded.

Connection settings come from ``VF_KAFKA_*`` (:class:`~verifiedfan.kafka.KafkaSettings`); the
options override them.
"""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Literal

import typer

from verifiedfan.cli._output import emit, print_json
from verifiedfan.errors import VFError

if TYPE_CHECKING:
    from verifiedfan.kafka import Headers

app = typer.Typer(
    help="Send to and tail Kafka topics (Avro through the schema registry, or JSON).", no_args_is_help=True
)

Brokers = Annotated[
    str | None, typer.Option("--brokers", help="Bootstrap servers (default: VF_KAFKA_BROKERS).")
]
Registry = Annotated[
    str | None, typer.Option("--registry-url", help="Schema registry (default: VF_KAFKA_REGISTRY_URL).")
]
Format = Annotated[str, typer.Option("--format", help="avro (through the registry) or json.")]


def _settings(brokers: str | None, registry_url: str | None) -> Any:
    from verifiedfan.kafka import KafkaSettings

    overrides = {k: v for k, v in {"brokers": brokers, "registry_url": registry_url}.items() if v}
    return KafkaSettings().model_copy(update=overrides)


def _formatter(fmt: str) -> Any:
    from verifiedfan.kafka import JsonFormatter

    if fmt == "json":
        return JsonFormatter()
    if fmt != "avro":
        raise typer.BadParameter("--format must be avro or json")
    return None


def make_producer(topic: str, brokers: str | None, registry_url: str | None, fmt: str) -> Any:
    """The producer ``send`` uses (tests replace it with the in-memory fake)."""
    from verifiedfan.kafka import Kafka

    settings = _settings(brokers, registry_url)
    formatter = _formatter(fmt)
    return Kafka.from_settings(settings, topic=topic, **({"formatter": formatter} if formatter else {}))


def make_consumer(
    topic: str,
    brokers: str | None,
    registry_url: str | None,
    fmt: str,
    group: str | None,
    offset_reset: Literal["earliest", "latest"],
    reader_schema: dict[str, Any] | None,
) -> Any:
    """The consumer ``tail`` uses (tests replace it with the in-memory fake)."""
    import uuid

    from verifiedfan.kafka import KafkaConsumer

    settings = _settings(brokers, registry_url)
    formatter = _formatter(fmt)
    options: dict[str, Any] = {
        "offset_reset": offset_reset,
        "group_id": group or f"vf-tail-{uuid.uuid4().hex[:8]}",
    }
    if formatter is not None:
        options["formatter"] = formatter
    if reader_schema is not None:
        options["reader_schema"] = reader_schema
    return KafkaConsumer.from_settings(settings, topics=topic, **options)


def _fail(exc: VFError) -> typer.Exit:
    typer.echo(f"error: {type(exc).__name__}: {exc.message}", err=True)
    return typer.Exit(code=1)


def _headers(values: list[str]) -> list[tuple[str, str]]:
    """``--header`` options as pairs, in order: a repeated name sends several headers of that name."""
    out = []
    for item in values:
        name, sep, value = item.partition("=")
        if not sep or not name:
            raise typer.BadParameter(f"--header must be NAME=VALUE, not {item!r}")
        out.append((name, value))
    return out


def _shown_headers(headers: Headers) -> dict[str, str | list[str]]:
    """Headers as JSON: a name's value, or the list of its values when the name repeats."""
    out: dict[str, str | list[str]] = {}
    for name in headers:
        values = [v.decode("utf-8", "replace") for v in headers.get_all(name)]
        out[name] = values[0] if len(values) == 1 else values
    return out


@app.command("send")
def send(
    topic: Annotated[str, typer.Argument(help="Topic to send to.")],
    value: Annotated[str, typer.Option("--value", help="The message value as JSON.")],
    key: Annotated[str | None, typer.Option("--key", help="The message key (picks the partition).")] = None,
    header: Annotated[list[str] | None, typer.Option("--header", help="NAME=VALUE, repeatable.")] = None,
    brokers: Brokers = None,
    registry_url: Registry = None,
    fmt: Format = "avro",
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Send one message; print where it was stored."""
    try:
        payload = json.loads(value)
    except ValueError as exc:
        raise typer.BadParameter("--value is not valid JSON") from exc
    headers = _headers(header or [])

    async def run() -> Any:
        async with make_producer(topic, brokers, registry_url, fmt) as kafka:
            return (await kafka.send_messages([{"key": key, "value": payload, "headers": headers}]))[0]

    try:
        meta = asyncio.run(run())
    except VFError as exc:
        raise _fail(exc) from exc
    row = {
        "topic": meta.topic,
        "partition": meta.partition,
        "offset": meta.offset,
        "timestamp": meta.timestamp,
        "schema_id": meta.schema_id,
    }
    emit("sent", [row], as_json=as_json)


@app.command("tail")
def tail(
    topic: Annotated[str, typer.Argument(help="Topic to follow.")],
    from_beginning: Annotated[
        bool, typer.Option("--from-beginning", help="Start at the oldest message.")
    ] = False,
    max_messages: Annotated[int | None, typer.Option("--max", help="Stop after this many messages.")] = None,
    idle: Annotated[
        float | None, typer.Option("--idle", help="Stop after this many seconds without messages.")
    ] = None,
    group: Annotated[str | None, typer.Option("--group", help="Consumer group (default: a new one).")] = None,
    reader_schema: Annotated[
        Path | None, typer.Option("--reader-schema", help="Avro schema file to read as.")
    ] = None,
    brokers: Brokers = None,
    registry_url: Registry = None,
    fmt: Format = "avro",
    as_json: Annotated[bool, typer.Option("--json", help="One JSON object per line.")] = False,
) -> None:
    """Print the topic's messages, decoded, as they arrive (Ctrl-C to stop)."""
    schema = json.loads(reader_schema.read_text()) if reader_schema else None
    offset_reset: Literal["earliest", "latest"] = "earliest" if from_beginning else "latest"

    async def run() -> None:
        consumer = make_consumer(topic, brokers, registry_url, fmt, group, offset_reset, schema)
        async with consumer:
            async for message in consumer.messages(max_messages=max_messages, idle_timeout=idle):
                if as_json:
                    print_json(
                        {
                            "topic": message.topic,
                            "partition": message.partition,
                            "offset": message.offset,
                            "timestamp": message.timestamp,
                            "key": message.key,
                            "schema_id": message.schema_id,
                            "headers": _shown_headers(message.headers),
                            "value": message.value,
                        }
                    )
                else:
                    where = f"{message.topic}[{message.partition}]@{message.offset}"
                    typer.echo(f"{where} key={message.key} {json.dumps(message.value, default=str)}")

    try:
        asyncio.run(run())
    except VFError as exc:
        raise _fail(exc) from exc
    except KeyboardInterrupt:  # pragma: no cover - interactive stop
        pass

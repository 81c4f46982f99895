"""What each server is: how it is installed, which processes run it, how to tell it is ready."""

from __future__ import annotations

import base64
import importlib.metadata
import importlib.util
import os
import subprocess
import sys
import uuid
import zipfile
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar

from verifiedfan.stack import _install, _probes
from verifiedfan.stack._connections import Connection, connection_for
from verifiedfan.stack._errors import StackError, StackPrerequisiteError
from verifiedfan.stack._proc import tail
from verifiedfan.stack._settings import StackSettings
from verifiedfan.stack._versions import HOST, VERSIONS

__all__ = ["SERVERS", "ProcessSpec", "Server", "server"]


@dataclass(frozen=True, kw_only=True, slots=True)
class ProcessSpec:
    """One process of a server: its role (``broker``, ``primary``...), command line and port."""

    role: str
    argv: tuple[str, ...]
    port: int
    env: Mapping[str, str] | None = None


class Server:
    """Base class: one named server of the stack."""

    name: ClassVar[str]

    #: Extra listening ports besides those of the processes (checked free before starting).
    def __init__(self, settings: StackSettings) -> None:
        self.settings = settings

    @property
    def connection(self) -> Connection:
        return connection_for(self.settings, self.name)

    def extra_ports(self) -> tuple[int, ...]:
        return ()

    def is_installed(self) -> bool:
        return True

    def install(self, report: _install.Reporter) -> bool:
        """Install into the cache what is missing; False when there was nothing to do."""
        return False

    def prepare(self, run_dir: Path) -> None:
        """Create configuration and data before the processes start."""
        (run_dir / "data").mkdir(parents=True, exist_ok=True)

    def processes(self, run_dir: Path) -> list[ProcessSpec]:
        raise NotImplementedError

    def probe(self, timeout: float) -> None:
        """A real round trip; raises when the server is not ready."""
        raise NotImplementedError

    def health(self, timeout: float) -> None:
        """A light check for ``status`` (no writes)."""
        self.probe(timeout)


class Kafka(Server):
    name = "kafka"

    def extra_ports(self) -> tuple[int, ...]:
        return (self.settings.kafka_controller_port,)

    def is_installed(self) -> bool:
        return _install.kafka_installed(self.settings)

    def install(self, report: _install.Reporter) -> bool:
        return _install.install_kafka(self.settings, report)

    def _java(self, heap: str, run_dir: Path) -> list[str]:
        home = _install.kafka_dir(self.settings)
        return [
            _install.require_java(self.settings),
            f"-Xmx{heap}",
            "-Xms64m",
            "-XX:+UseSerialGC",
            "-XX:TieredStopAtLevel=1",
            "-XX:+ExitOnOutOfMemoryError",
            "-Djava.awt.headless=true",
            f"-Dlog4j2.configurationFile={home / 'log4j2.properties'}",
            f"-Dkafka.logs.dir={run_dir}",
            "-cp",
            str(home / "libs" / "*"),
        ]

    def _storage_tool(self) -> str:
        jars = sorted((_install.kafka_dir(self.settings) / "libs").glob("kafka_2.13-*.jar"))
        if jars:
            with zipfile.ZipFile(jars[0]) as jar:
                if "kafka/tools/StorageTool.class" in jar.namelist():
                    return "kafka.tools.StorageTool"
        return "org.apache.kafka.tools.StorageTool"

    def prepare(self, run_dir: Path) -> None:
        s = self.settings
        data = run_dir / "data"
        data.mkdir(parents=True, exist_ok=True)
        ctl = f"{HOST}:{s.kafka_controller_port}"
        props = "\n".join(
            [
                "process.roles=broker,controller",
                "node.id=1",
                f"controller.quorum.bootstrap.servers={ctl}",
                f"listeners=PLAINTEXT://{HOST}:{s.kafka_port},CONTROLLER://{ctl}",
                f"advertised.listeners=PLAINTEXT://{HOST}:{s.kafka_port},CONTROLLER://{ctl}",
                "inter.broker.listener.name=PLAINTEXT",
                "controller.listener.names=CONTROLLER",
                "listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT",
                f"log.dirs={data}",
                "num.partitions=1",
                "offsets.topic.replication.factor=1",
                "offsets.topic.num.partitions=1",
                "transaction.state.log.replication.factor=1",
                "transaction.state.log.min.isr=1",
                "transaction.state.log.num.partitions=1",
                "share.coordinator.state.topic.replication.factor=1",
                "share.coordinator.state.topic.min.isr=1",
                "share.coordinator.state.topic.num.partitions=1",
                "group.initial.rebalance.delay.ms=0",
                "num.network.threads=2",
                "num.io.threads=2",
                "log.cleaner.dedupe.buffer.size=8388608",
                "auto.create.topics.enable=true",
            ]
        )
        (run_dir / "server.properties").write_text(props + "\n")
        if (data / "meta.properties").exists():
            return
        cluster_id = base64.urlsafe_b64encode(uuid.uuid4().bytes).rstrip(b"=").decode().replace("-", "A")
        argv = [
            *self._java("256m", run_dir),
            self._storage_tool(),
            "format",
            "-t",
            cluster_id,
            "-c",
            str(run_dir / "server.properties"),
            "--standalone",
            "--ignore-formatted",
        ]
        log = run_dir / "format.log"
        with log.open("ab") as out:
            code = subprocess.run(argv, stdout=out, stderr=subprocess.STDOUT, check=False).returncode
        if code != 0:
            raise StackError("formatting the Kafka storage failed", server=self.name, log_tail=tail(log))

    def processes(self, run_dir: Path) -> list[ProcessSpec]:
        argv = [
            *self._java(self.settings.kafka_heap, run_dir),
            "kafka.Kafka",
            str(run_dir / "server.properties"),
        ]
        return [ProcessSpec(role="broker", argv=tuple(argv), port=self.settings.kafka_port)]

    def probe(self, timeout: float) -> None:
        _probes.probe_kafka(connection_for(self.settings, "kafka"), timeout)  # type: ignore[arg-type]

    def health(self, timeout: float) -> None:
        _probes.health_kafka(connection_for(self.settings, "kafka"), timeout)  # type: ignore[arg-type]


class SchemaRegistry(Server):
    name = "schema-registry"

    def extra_ports(self) -> tuple[int, ...]:
        return (self.settings.registry_management_port,)

    def is_installed(self) -> bool:
        return (_install.apicurio_dir(self.settings) / ".complete").exists()

    def install(self, report: _install.Reporter) -> bool:
        return _install.install_apicurio(self.settings, report)

    def processes(self, run_dir: Path) -> list[ProcessSpec]:
        s = self.settings
        jar = next((_install.apicurio_dir(s) / "app").rglob("quarkus-run.jar"), None)
        if jar is None:
            raise StackError(
                "Apicurio's quarkus-run.jar is missing: run `vf stack install`", server=self.name
            )
        argv = [
            _install.require_java(s, int(VERSIONS["java-min-registry"])),
            f"-Xmx{s.registry_heap}",
            "-Xms64m",
            "-XX:+UseSerialGC",
            "-XX:TieredStopAtLevel=1",
            "-XX:+ExitOnOutOfMemoryError",
            "-Djava.awt.headless=true",
            f"-Dquarkus.http.host={HOST}",
            f"-Dquarkus.http.port={s.registry_port}",
            f"-Dquarkus.management.host={HOST}",
            f"-Dquarkus.management.port={s.registry_management_port}",
            "-Dquarkus.log.level=WARN",
            '-Dquarkus.log.category."io.apicurio".level=WARN',
            "-Dquarkus.http.access-log.enabled=false",
            "-Dquarkus.banner.enabled=false",
            "-Dapicurio.rules.global.compatibility=BACKWARD",
            "-Dapicurio.datasource.jdbc.initial-size=2",
            "-Dapicurio.datasource.jdbc.min-size=2",
            "-Dapicurio.datasource.jdbc.max-size=10",
            f"-Djava.io.tmpdir={run_dir / 'data'}",
            "-jar",
            str(jar),
        ]
        return [ProcessSpec(role="registry", argv=tuple(argv), port=s.registry_port)]

    def probe(self, timeout: float) -> None:
        _probes.probe_registry(connection_for(self.settings, self.name), timeout)  # type: ignore[arg-type]

    def health(self, timeout: float) -> None:
        _probes.health_registry(connection_for(self.settings, self.name), timeout)  # type: ignore[arg-type]


class Redis(Server):
    name = "redis"

    def install(self, report: _install.Reporter) -> bool:
        return _install.install_redis(self.settings, report)

    def is_installed(self) -> bool:
        return _install.redis_binary(self.settings) is not None

    def prepare(self, run_dir: Path) -> None:
        for role in ("primary", "replica"):
            (run_dir / "data" / role).mkdir(parents=True, exist_ok=True)

    def processes(self, run_dir: Path) -> list[ProcessSpec]:
        s = self.settings
        binary = _install.redis_binary(s)
        if binary is None:
            raise StackPrerequisiteError("redis-server was not found: run `vf stack install redis`")

        def argv(role: str, port: int, *extra: str) -> tuple[str, ...]:
            return (
                binary,
                "--port",
                str(port),
                "--bind",
                HOST,
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(run_dir / "data" / role),
                "--daemonize",
                "no",
                "--logfile",
                "",
                "--repl-diskless-sync",
                "yes",
                "--repl-diskless-sync-delay",
                "0",
                *extra,
            )

        return [
            ProcessSpec(role="primary", argv=argv("primary", s.redis_port), port=s.redis_port),
            ProcessSpec(
                role="replica",
                argv=argv(
                    "replica",
                    s.redis_replica_port,
                    "--replicaof",
                    HOST,
                    str(s.redis_port),
                    "--replica-read-only",
                    "yes",
                ),
                port=s.redis_replica_port,
            ),
        ]

    def probe(self, timeout: float) -> None:
        _probes.probe_redis(connection_for(self.settings, self.name), timeout)  # type: ignore[arg-type]


class Mongo(Server):
    name = "mongo"

    def is_installed(self) -> bool:
        return _install.ferretdb_binary(self.settings).exists()

    def install(self, report: _install.Reporter) -> bool:
        return _install.install_ferretdb(self.settings, report)

    def processes(self, run_dir: Path) -> list[ProcessSpec]:
        argv = (
            str(_install.ferretdb_binary(self.settings)),
            f"--sqlite-url=file:{run_dir / 'data'}/",
            f"--listen-addr={HOST}:{self.settings.mongo_port}",
            "--log-level=warn",
        )
        return [ProcessSpec(role="ferretdb", argv=argv, port=self.settings.mongo_port)]

    def probe(self, timeout: float) -> None:
        _probes.probe_mongo(connection_for(self.settings, self.name), timeout)  # type: ignore[arg-type]


class Aws(Server):
    name = "aws"

    def install(self, report: _install.Reporter) -> bool:
        try:
            have = importlib.metadata.version("moto")
        except importlib.metadata.PackageNotFoundError:
            have = "0"
        want = VERSIONS["moto-min"]
        if _version_tuple(have) < _version_tuple(want) or importlib.util.find_spec("flask") is None:
            raise StackPrerequisiteError(
                f'moto server {want}+ is needed (found {have}): pip install "moto[server]>={want}" '
                '(or "verifiedfan[aws]") into the Python that runs vf stack'
            )
        return False

    def processes(self, run_dir: Path) -> list[ProcessSpec]:
        port = self.settings.aws_port
        argv = (sys.executable, "-m", "moto.server", "-H", HOST, "-p", str(port))
        # MOTO_PORT must equal the port: Step Functions integrations call back through it.
        return [ProcessSpec(role="moto", argv=argv, port=port, env={**os.environ, "MOTO_PORT": str(port)})]

    def probe(self, timeout: float) -> None:
        _probes.probe_aws(connection_for(self.settings, self.name), timeout)  # type: ignore[arg-type]

    def health(self, timeout: float) -> None:
        _probes.health_aws(connection_for(self.settings, self.name), timeout)  # type: ignore[arg-type]


class Lambda(Server):
    """The local Lambda: a router (``verifiedfan.stack._lambda``) that runs one RIE per function."""

    name = "lambda"

    def is_installed(self) -> bool:
        return _install.rie_binary(self.settings).exists()

    def install(self, report: _install.Reporter) -> bool:
        if importlib.util.find_spec("awslambdaric") is None:
            want = VERSIONS["awslambdaric-min"]
            raise StackPrerequisiteError(
                f'the Lambda runtime client is needed: pip install "awslambdaric>={want}" '
                '(or "verifiedfan[aws]") into the Python that runs vf stack'
            )
        return _install.install_rie(self.settings, report)

    def processes(self, run_dir: Path) -> list[ProcessSpec]:
        port = self.settings.lambda_port
        argv = (
            sys.executable,
            "-m",
            "verifiedfan.stack._lambda",
            "--host",
            HOST,
            "--port",
            str(port),
            "--rie",
            str(_install.rie_binary(self.settings)),
            "--log-dir",
            str(run_dir),
        )
        return [ProcessSpec(role="router", argv=argv, port=port)]

    def probe(self, timeout: float) -> None:
        _probes.probe_lambda(connection_for(self.settings, self.name), timeout)  # type: ignore[arg-type]


class Otlp(Server):
    name = "otlp"

    def processes(self, run_dir: Path) -> list[ProcessSpec]:
        port = self.settings.otlp_port
        argv = (sys.executable, "-m", "verifiedfan.stack._otlp", "--host", HOST, "--port", str(port))
        return [ProcessSpec(role="receiver", argv=argv, port=port)]

    def probe(self, timeout: float) -> None:
        _probes.probe_otlp(connection_for(self.settings, self.name), timeout)  # type: ignore[arg-type]


def _version_tuple(version: str) -> tuple[int, ...]:
    out: list[int] = []
    for part in version.split("."):
        digits = "".join(ch for ch in part if ch.isdigit())
        if not digits:
            break
        out.append(int(digits))
    return tuple(out)


SERVERS: dict[str, Callable[[StackSettings], Server]] = {
    "kafka": Kafka,
    "schema-registry": SchemaRegistry,
    "redis": Redis,
    "mongo": Mongo,
    "aws": Aws,
    "lambda": Lambda,
    "otlp": Otlp,
}


def server(name: str, settings: StackSettings) -> Server:
    """The server called ``name``; a typed error for an unknown name."""
    try:
        return SERVERS[name](settings)
    except KeyError:
        raise StackError(f"unknown server {name!r}: choose from {', '.join(SERVERS)}") from None

"""The one place where the versions and default ports of the local servers are pinned."""

from __future__ import annotations

from typing import Final

__all__ = ["DEFAULT_PORTS", "HOST", "SERVER_NAMES", "VERSIONS"]

#: Everything binds to loopback only.
HOST: Final = "127.0.0.1"

#: Pinned versions (and the tools used to fetch them). Change a version here and nowhere else.
VERSIONS: Final[dict[str, str]] = {
    # Apache Kafka broker+controller (KRaft), jars from Maven Central.
    "kafka": "4.4.0",
    # SLF4J -> log4j2 binding that Kafka's POM leaves out since 4.0 (release-only jar).
    "log4j": "2.26.1",
    # SLF4J 2 API for that binding (the Kafka POM alone resolves slf4j-api 1.7.36).
    "slf4j": "2.0.20",
    # Apicurio Registry, runnable `all` tar.gz from Maven Central.
    "apicurio": "3.3.3",
    # FerretDB v1 (SQLite backend), built with `go install` from the Go module proxy.
    "ferretdb": "v1.24.2",
    # maven-dependency-plugin pinned to avoid a plugin-metadata lookup.
    "maven-dependency-plugin": "3.8.1",
    # Minimum moto (Step Functions fix #10093); the venv's moto is used.
    "moto-min": "5.2.3",
    # Minimum Java for Kafka 4 brokers; Apicurio 3.3 classes are Java 21 (class file 65).
    "java-min": "17",
    "java-min-registry": "21",
    # Minimum Go for FerretDB v1.24.x (its go.mod says `go 1.24`).
    "go-min": "1.24",
    # AWS Lambda Runtime Interface Emulator (the Go module has no served tag: a pseudo-version).
    "rie": "v0.0.0-20261030222936-bef5c4ba774d",
    # Minimum Go for that emulator (its go.mod says `go 1.26.6`).
    "go-min-rie": "1.26.6",
    # The Lambda runtime client that runs Python handlers under the emulator (PyPI).
    "awslambdaric-min": "3.0",
}

#: The servers, in the order they are listed and started.
SERVER_NAMES: Final[tuple[str, ...]] = ("kafka", "schema-registry", "redis", "mongo", "aws", "lambda", "otlp")

#: Default ports: none clashes with the usual defaults (9092, 8081, 6379, 27017, 5000, 4318).
DEFAULT_PORTS: Final[dict[str, int]] = {
    "kafka": 19092,
    "kafka_controller": 19093,
    "registry": 18081,
    "registry_management": 19001,
    "redis": 16379,
    "redis_replica": 16380,
    "mongo": 27018,
    "aws": 15000,
    "otlp": 14318,
    "lambda": 19010,
}

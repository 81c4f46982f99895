from __future__ import annotations

import subprocess
import sys

import verifiedfan

OPTIONAL = [
    "confluent_kafka",
    "redis",
    "pymongo",
    "boto3",
    "opentelemetry",
    "typer",
    "rich",
    "phonenumbers",
    "jwt",
    "fastavro",
    "prometheus_client",
    "pytest_bdd",
]


def test_version_is_exposed() -> None:
    assert verifiedfan.__version__.count(".") == 2


def test_import_loads_no_optional_dependency() -> None:
    code = "import sys, verifiedfan; print(','.join(sorted(sys.modules)))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    loaded = set(out.strip().split(","))
    assert not [m for m in OPTIONAL if m in loaded]

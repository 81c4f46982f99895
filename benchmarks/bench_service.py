"""The reference service's ``GET /me`` served by uvicorn (issue 16).

**The whole middleware stack against none**: the reference service (``create_app``: correlation,
tracing exported to the OTLP receiver, JSON access log, Prometheus request metrics, error formatter,
size limits, JWT middleware) against the same FastAPI ``/me`` with no middleware, whose handler
verifies the same RS256 token itself (``benchmarks/_service_apps.py``). Each app runs under uvicorn
in a child process; the load comes from a third process (``benchmarks/_load.py``: 16 keep-alive
connections, raw asyncio streams). Rounds alternate full/bare/bare/full so that the machine's load
drifts onto both sides. Reported: requests per second (goal: the stack costs <= 15 %, i.e. >= 0.85x),
p50 and p99 latency, and the server's CPU time per request (from ``/proc/<pid>/stat``), which is
steadier than wall time on a shared machine.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

import httpx
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from benchmarks._harness import Comparison
from verifiedfan.jwt import Signer
from verifiedfan.stack import StackSettings, connections

SERVERS = ("mongo", "redis", "kafka", "schema-registry", "otlp")
ROOT = Path(__file__).resolve().parent.parent
CONCURRENCY = 16


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime + stime


def _serve(factory: str, env: dict[str, str]) -> tuple[subprocess.Popen[bytes], str]:
    port = _free_port()
    log = Path(tempfile.gettempdir(), f"bench_service_{factory}.log").open("wb")  # noqa: SIM115
    proc = subprocess.Popen(
        [sys.executable, "-m", "uvicorn", f"benchmarks._service_apps:{factory}", "--factory",
         "--port", str(port), "--log-level", "warning", "--no-access-log"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=log,
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{url}/me", timeout=2).status_code == 401:
                return proc, url
        except httpx.HTTPError:
            time.sleep(0.2)
    proc.terminate()
    raise RuntimeError(f"the {factory} app did not start: see {log.name}")


def _load(url: str, token: str, seconds: float) -> dict[str, float]:
    done = subprocess.run(
        [sys.executable, "-m", "benchmarks._load", url, "/me", str(seconds), str(CONCURRENCY),
         f"Authorization: Bearer {token}"],
        cwd=ROOT, capture_output=True, text=True, check=True, timeout=seconds + 120,
    )  # fmt: skip
    result: dict[str, float] = json.loads(done.stdout)
    if result["errors"]:
        raise RuntimeError(f"{url}: {result['errors']} answers were not 200")
    return result


def _env(pem: str) -> dict[str, str]:
    conns = connections(StackSettings())
    return {
        **os.environ,
        "VF_SERVICE_JWT_PRIVATE_KEY": pem,
        "VF_SERVICE_DB_NAME": f"bench_ref_{uuid.uuid4().hex[:8]}",
        "VF_SERVICE_OTLP_ENDPOINT": conns.otlp.endpoint,
        "VF_SERVICE_NAME": "vf-bench-service",
        "VF_MONGO_HOSTS": conns.mongo.url,
        "VF_REDIS_URL": conns.redis.url,
        "VF_REDIS_READ_ONLY_URL": conns.redis.replica_url,
        "VF_KAFKA_BROKERS": conns.kafka.bootstrap_servers,
        "VF_KAFKA_REGISTRY_URL": conns.schema_registry.url,
        "VF_SERVICE_FAN_VERIFIED_TOPIC": "bench-fan-verified",
    }


def _measure(seconds: float, rounds: int) -> dict[str, dict[str, Any]]:
    pem = (
        rsa.generate_private_key(public_exponent=65537, key_size=2048)
        .private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
        .decode()
    )
    token = Signer(private_key=pem, issuer="vf-reference-service").make_token(
        {"sub": "bench-fan", "permissions": ["read:profile"]}
    )
    env = _env(pem)
    servers = {name: _serve(name, env) for name in ("full", "bare")}
    totals: dict[str, dict[str, Any]] = {
        n: {"requests": 0, "seconds": 0.0, "cpu": 0.0, "p50": [], "p99": []} for n in servers
    }
    try:
        for _, url in servers.values():
            _load(url, token, 1.0)  # warm-up: connections, caches, JIT-free but lazy imports
        for i in range(rounds):
            order = ("full", "bare") if i % 2 == 0 else ("bare", "full")
            for name in order:
                proc, url = servers[name]
                cpu0 = _cpu_seconds(proc.pid)
                result = _load(url, token, seconds)
                total = totals[name]
                total["cpu"] += _cpu_seconds(proc.pid) - cpu0
                total["requests"] += result["requests"]
                total["seconds"] += result["seconds"]
                total["p50"].append(result["p50_ms"])
                total["p99"].append(result["p99_ms"])
    finally:
        for proc, _ in servers.values():
            proc.terminate()
            proc.wait(timeout=30)
    return totals


def _median(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[len(ordered) // 2]


def run(*, quick: bool = False) -> list[Comparison]:
    seconds, rounds = (2.0, 2) if quick else (5.0, 6)
    totals = _measure(seconds, rounds)
    full, bare = totals["full"], totals["bare"]
    ref = "same FastAPI /me, no middleware (token verified in the handler)"
    return [
        Comparison(
            name="service: GET /me, whole stack, requests per second",
            ours=full["requests"] / full["seconds"],
            reference=bare["requests"] / bare["seconds"],
            reference_name=ref,
            unit="req/s",
            higher_is_better=True,
            goal=">= 0.85x",
        ),
        Comparison(
            name="service: GET /me, server CPU per request",
            ours=full["cpu"] / full["requests"] * 1e6,
            reference=bare["cpu"] / bare["requests"] * 1e6,
            reference_name=ref,
            unit="µs CPU/req",
            higher_is_better=False,
            goal="<= 1.18x",
        ),
        Comparison(
            name=f"service: GET /me, p50 latency ({CONCURRENCY} connections)",
            ours=_median(full["p50"]),
            reference=_median(bare["p50"]),
            reference_name=ref,
            unit="ms",
            higher_is_better=False,
            goal="context",
        ),
        Comparison(
            name=f"service: GET /me, p99 latency ({CONCURRENCY} connections)",
            ours=_median(full["p99"]),
            reference=_median(bare["p99"]),
            reference_name=ref,
            unit="ms",
            higher_is_better=False,
            goal="context",
        ),
    ]

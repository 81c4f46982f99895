"""The local Lambda (AWS's RIE + awslambdaric behind the stack's router): start and invoke figures.

``verifiedfan.aws.Lambda.invoke`` against raw aiobotocore ``invoke`` (+ reading and parsing the
payload, the same work), and ``SyncLambda.invoke`` against boto3, on the same function of the same
local endpoint. Besides the ratios, it prints (stderr) how long the router takes to start, how long a
deploy takes until the function's emulator listens, and the first (cold: the runtime starts) and a
warm invocation. It starts a private router on a free port (its own state dir) and stops it after,
so the shared stack is not touched; the emulator must be installed (``vf stack install lambda``).
"""

from __future__ import annotations

import asyncio
import json
import socket
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx

from benchmarks._harness import Comparison, interleaved_rates

# None of the shared servers: it starts (and stops) a private router of its own, see above.
SERVERS: tuple[str, ...] = ()
HANDLER = Path(__file__).resolve().parents[1] / "tests" / "lambda_handlers" / "echo.py"
EVENT = {"fan_id": "f-12345", "event_id": "e-1", "scores": [1, 2, 3]}


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _say(text: str) -> None:
    print(f"  lambda: {text}", file=sys.stderr, flush=True)


def _sync_rates(ours: Any, ref: Any, n: int, rounds: int) -> tuple[float, float]:
    for _ in range(20):
        ours()
        ref()
    chunk = max(n // rounds, 1)
    ours_s = ref_s = 0.0
    for i in range(rounds):
        pair = ((ref, False), (ours, True)) if i % 2 else ((ours, True), (ref, False))
        for fn, is_ours in pair:
            start = time.perf_counter()
            for _ in range(chunk):
                fn()
            spent = time.perf_counter() - start
            if is_ours:
                ours_s += spent
            else:
                ref_s += spent
    return chunk * rounds / ours_s, chunk * rounds / ref_s


async def _async_side(endpoint: str, name: str, n: int, rounds: int) -> tuple[float, float]:
    from aiobotocore.config import AioConfig
    from aiobotocore.session import get_session

    from verifiedfan.aws import AwsSettings, Lambda

    settings = AwsSettings(
        endpoint_url=endpoint,
        region="us-east-1",
        access_key_id="testing",
        secret_access_key="testing",  # type: ignore[arg-type]
        max_attempts=1,
    )
    session = get_session()
    async with (
        Lambda(settings=settings) as ours,
        session.create_client(
            "lambda",
            endpoint_url=endpoint,
            region_name="us-east-1",
            aws_access_key_id="testing",
            aws_secret_access_key="testing",
            config=AioConfig(**settings.config_kwargs("lambda")),
        ) as raw,
    ):

        async def our_call() -> object:
            return (await ours.invoke(name, EVENT)).payload

        async def raw_call() -> object:
            answer = await raw.invoke(FunctionName=name, Payload=json.dumps(EVENT))
            if answer.get("FunctionError"):
                raise RuntimeError("function error")
            return json.loads(await answer["Payload"].read())

        return await interleaved_rates(our_call, raw_call, n, rounds, warmup=20)


def _sync_side(endpoint: str, name: str, n: int, rounds: int) -> tuple[float, float]:
    import boto3
    from botocore.config import Config

    from verifiedfan.aws import AwsSettings, SyncLambda

    settings = AwsSettings(
        endpoint_url=endpoint,
        region="us-east-1",
        access_key_id="testing",
        secret_access_key="testing",  # type: ignore[arg-type]
        max_attempts=1,
    )
    raw = boto3.client(
        "lambda",
        endpoint_url=endpoint,
        region_name="us-east-1",
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
        config=Config(**settings.config_kwargs("lambda")),
    )
    with SyncLambda(settings=settings) as ours:

        def our_call() -> object:
            return ours.invoke(name, EVENT).payload

        def raw_call() -> object:
            answer = raw.invoke(FunctionName=name, Payload=json.dumps(EVENT))
            if answer.get("FunctionError"):
                raise RuntimeError("function error")
            return json.loads(answer["Payload"].read())

        try:
            return _sync_rates(our_call, raw_call, n, rounds)
        finally:
            raw.close()


def run(quick: bool) -> list[Comparison]:
    from verifiedfan.stack import LocalLambda, Stack, StackSettings

    n, rounds = (60, 4) if quick else (1500, 30)
    with tempfile.TemporaryDirectory() as tmp:
        settings = StackSettings().model_copy(
            update={"run_dir": Path(tmp) / "run", "lambda_port": _free_port(), "lambda_endpoint_url": None}
        )
        stack = Stack(settings=settings)
        start = time.perf_counter()
        stack.up(["lambda"])
        _say(f"router up in {(time.perf_counter() - start) * 1000:.0f} ms")
        try:
            conn = stack.connection("lambda")
            with LocalLambda(conn) as local, httpx.Client(timeout=30) as http:  # type: ignore[arg-type]
                deploys, colds, warms = [], [], []
                for i in range(2 if quick else 5):
                    start = time.perf_counter()
                    fn = local.deploy(f"bench-start-{i}", HANDLER)
                    deployed = time.perf_counter()
                    url = f"{conn.endpoint_url}/2015-03-31/functions/{fn.name}/invocations"  # type: ignore[union-attr]
                    http.post(url, json=EVENT).raise_for_status()
                    cold = time.perf_counter()
                    http.post(url, json=EVENT).raise_for_status()
                    warm = time.perf_counter()
                    deploys.append((deployed - start) * 1000)
                    colds.append((cold - deployed) * 1000)
                    warms.append((warm - cold) * 1000)
                    local.remove(fn.name)
                _say(
                    f"deploy (emulator listening) median {statistics.median(deploys):.0f} ms; "
                    f"first invoke (runtime start) median {statistics.median(colds):.0f} ms; "
                    f"second invoke {statistics.median(warms):.1f} ms"
                )
                fn = local.deploy("bench-invoke", HANDLER)
                async_rates = asyncio.run(_async_side(conn.endpoint_url, fn.name, n, rounds))  # type: ignore[union-attr]
                sync_rates = _sync_side(conn.endpoint_url, fn.name, n, rounds)  # type: ignore[union-attr]
        finally:
            stack.down(["lambda"])
    return [
        Comparison(
            "invoke round trip (RIE), sequential",
            *async_rates,
            "aiobotocore invoke + json",
            "ops/s",
            True,
            ">= 0.9x",
        ),
        Comparison(
            "sync invoke round trip (RIE), sequential",
            *sync_rates,
            "boto3 invoke + json",
            "ops/s",
            True,
            ">= 0.9x",
        ),
    ]

"""``BatchFaultProxy``: an HTTP proxy in front of the AWS emulator that fails batch entries.

moto never answers a batch call with per-entry failures (anchors-2 §1.6), which AWS does under load.
The proxy forwards every request to moto unchanged, except the batch calls below: it picks entries to
fail, removes them from the request (so moto never stores them: a failed entry is really not sent),
forwards the rest, and merges the failures into moto's answer in the service's documented shape:

* SQS ``SendMessageBatch`` (JSON): ``Failed[] = {Id, Code, Message, SenderFault}``
* SNS ``PublishBatch`` (query/XML): ``<Failed><member>`` with the same fields
* Kinesis ``PutRecords``: ``Records[i] = {ErrorCode, ErrorMessage}`` in request order, ``FailedRecordCount``
* Firehose ``PutRecordBatch``: ``RequestResponses[i] = {ErrorCode, ErrorMessage}``, ``FailedPutCount``

Each entry fails with probability ``fraction`` (seeded), at most ``max_failures`` times for the same
content, with a retryable code; an entry whose content holds ``poison`` always fails as the sender's
fault (SQS/SNS) or with ``poison_code``. Point ``AwsSettings(endpoint_url=proxy.url)`` at it::

    with BatchFaultProxy(vf_aws.endpoint_url, fraction=0.2) as proxy:
        ...
        assert proxy.injected > 0

It runs its own event loop in a daemon thread, so sync and async clients can both use it.

moto's Kinesis shard is not thread-safe: ``put_record`` takes ``max(sequence numbers) + 1`` and then
stores under it (``moto/kinesis/models.py``, ``Shard.put_record``), so concurrent ``PutRecords``
calls overwrite each other's records. The proxy sends ``PutRecords`` to moto one at a time, which is
what Kinesis guarantees per shard; a test that writes to moto directly must not run them in parallel.
"""

from __future__ import annotations

import asyncio
import base64
import json
import random
import re
import threading
import urllib.parse
from collections import Counter
from types import TracebackType
from typing import Any
from xml.sax.saxutils import escape

__all__ = ["BatchFaultProxy"]

_HOP = frozenset({"host", "content-length", "transfer-encoding", "connection", "accept-encoding"})


class BatchFaultProxy:
    """A loopback proxy to ``upstream`` that fails a fraction of the entries of batch calls."""

    def __init__(
        self,
        upstream: str,
        *,
        fraction: float = 0.1,
        max_failures: int | None = 2,
        seed: int = 0,
        poison: str | None = None,
        poison_code: str = "InvalidParameterValue",
    ) -> None:
        self.upstream = upstream.rstrip("/")
        self.fraction = fraction
        self.max_failures = max_failures
        self.poison = poison
        self.poison_code = poison_code
        self.injected = 0  # entries failed on purpose
        self.forwarded = 0  # entries passed on to the emulator
        self.calls: Counter[str] = Counter()
        self._rand = random.Random(seed)
        self._failures: Counter[str] = Counter()
        self._lock = threading.Lock()
        self._loop = asyncio.new_event_loop()
        self._thread: threading.Thread | None = None
        self._runner: Any = None
        self._session: Any = None
        self._serial: asyncio.Lock | None = None  # PutRecords, one at a time (see the module doc)
        self.url = ""

    # -- life cycle ------------------------------------------------------------------------------

    def start(self) -> BatchFaultProxy:
        ready = threading.Event()
        self._thread = threading.Thread(target=self._run, args=(ready,), daemon=True, name="vf-aws-proxy")
        self._thread.start()
        ready.wait(10)
        if not self.url:
            raise RuntimeError("the fault proxy did not start")
        return self

    def _run(self, ready: threading.Event) -> None:
        asyncio.set_event_loop(self._loop)
        self._loop.run_until_complete(self._serve())
        ready.set()
        self._loop.run_forever()

    async def _serve(self) -> None:
        import aiohttp
        from aiohttp import web

        self._session = aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=64), auto_decompress=False)
        self._serial = asyncio.Lock()
        app = web.Application(client_max_size=64 * 1024 * 1024)
        app.router.add_route("*", "/{tail:.*}", self._handle)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        port = self._runner.addresses[0][1]
        self.url = f"http://127.0.0.1:{port}"

    def close(self) -> None:
        if self._thread is None:
            return

        async def stop() -> None:
            await self._session.close()
            await self._runner.cleanup()

        asyncio.run_coroutine_threadsafe(stop(), self._loop).result(10)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(10)
        self._thread = None
        self._loop.close()

    def __enter__(self) -> BatchFaultProxy:
        return self.start()

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    # -- the proxy -------------------------------------------------------------------------------

    async def _handle(self, request: Any) -> Any:
        from aiohttp import web

        body = await request.read()
        target = request.headers.get("X-Amz-Target", "")
        operation = target.rpartition(".")[2]
        if not operation and body.startswith(b"Action="):
            operation = urllib.parse.parse_qs(body.decode()).get("Action", [""])[0]
        rewrite = _REWRITES.get(operation)
        self.calls[operation or request.method] += 1
        if rewrite is None:
            status, headers, answer = await self._forward(request, body)
            return web.Response(status=status, headers=headers, body=answer)
        if operation == "PutRecords" and self._serial is not None:
            async with self._serial:
                return await rewrite(self, request, body)
        return await rewrite(self, request, body)

    async def _forward(self, request: Any, body: bytes) -> tuple[int, dict[str, str], bytes]:
        headers = {k: v for k, v in request.headers.items() if k.lower() not in _HOP}
        async with self._session.request(
            request.method, self.upstream + request.path_qs, headers=headers, data=body
        ) as answer:
            data = await answer.read()
            out = {k: v for k, v in answer.headers.items() if k.lower() not in _HOP}
            return answer.status, out, data

    def _pick(self, contents: list[str]) -> list[tuple[str, bool] | None]:
        """For each entry: None (forward it), or (code, sender_fault) to fail it."""
        out: list[tuple[str, bool] | None] = []
        with self._lock:
            for content in contents:
                if self.poison is not None and self.poison in content:
                    out.append((self.poison_code, True))
                elif self._rand.random() < self.fraction and (
                    self.max_failures is None or self._failures[content] < self.max_failures
                ):
                    self._failures[content] += 1
                    out.append(("", False))
                else:
                    out.append(None)
            self.injected += sum(1 for x in out if x is not None)
            self.forwarded += sum(1 for x in out if x is None)
        return out

    async def _json_batch(self, request: Any, body: bytes, *, key: str, content: Any, merge: Any) -> Any:
        from aiohttp import web

        payload = json.loads(body)
        entries = payload[key]
        picks = self._pick([content(e) for e in entries])
        kept = [e for e, p in zip(entries, picks, strict=True) if p is None]
        if kept:
            status, headers, data = await self._forward(request, json.dumps({**payload, key: kept}).encode())
            if status != 200:
                return web.Response(status=status, headers=headers, body=data)
            answer = json.loads(data)
        else:
            headers, answer = {"Content-Type": request.headers.get("Content-Type", "application/json")}, None
        merged = merge(entries, picks, answer)
        return web.Response(status=200, headers=headers, body=json.dumps(merged).encode())


async def _sqs(proxy: BatchFaultProxy, request: Any, body: bytes) -> Any:
    def merge(entries: list[Any], picks: list[Any], answer: Any) -> Any:
        answer = answer or {"Successful": []}
        failed = list(answer.get("Failed", []))
        for entry, pick in zip(entries, picks, strict=True):
            if pick is not None:
                code, sender = pick
                failed.append(_failure(entry["Id"], code or "InternalError", sender))
        return {**answer, "Failed": failed}

    content = lambda e: e["MessageBody"] + "\0" + e.get("MessageDeduplicationId", "")  # noqa: E731
    return await proxy._json_batch(request, body, key="Entries", content=content, merge=merge)


async def _kinesis(proxy: BatchFaultProxy, request: Any, body: bytes) -> Any:
    def merge(entries: list[Any], picks: list[Any], answer: Any) -> Any:
        upstream = iter((answer or {}).get("Records", []))
        records = []
        for pick in picks:
            if pick is None:
                records.append(next(upstream))
            else:
                code = pick[0] or "ProvisionedThroughputExceededException"
                records.append({"ErrorCode": code, "ErrorMessage": f"injected {code}"})
        failed = sum(1 for r in records if "ErrorCode" in r)
        return {**(answer or {}), "FailedRecordCount": failed, "Records": records}

    content = lambda e: e["PartitionKey"] + "\0" + _text(e["Data"])  # noqa: E731
    return await proxy._json_batch(request, body, key="Records", content=content, merge=merge)


async def _firehose(proxy: BatchFaultProxy, request: Any, body: bytes) -> Any:
    def merge(entries: list[Any], picks: list[Any], answer: Any) -> Any:
        upstream = iter((answer or {}).get("RequestResponses", []))
        responses = []
        for pick in picks:
            if pick is None:
                responses.append(next(upstream))
            else:
                code = pick[0] or "ServiceUnavailableException"
                responses.append({"ErrorCode": code, "ErrorMessage": f"injected {code}"})
        failed = sum(1 for r in responses if "ErrorCode" in r)
        return {"Encrypted": False, **(answer or {}), "FailedPutCount": failed, "RequestResponses": responses}

    content = lambda e: _text(e["Data"])  # noqa: E731
    return await proxy._json_batch(request, body, key="Records", content=content, merge=merge)


_MEMBER = re.compile(r"^PublishBatchRequestEntries\.member\.(\d+)\.(.+)$")


async def _sns(proxy: BatchFaultProxy, request: Any, body: bytes) -> Any:
    from aiohttp import web

    pairs = urllib.parse.parse_qsl(body.decode(), keep_blank_values=True)
    members: dict[int, list[tuple[str, str]]] = {}
    rest: list[tuple[str, str]] = []
    for name, value in pairs:
        match = _MEMBER.match(name)
        if match:
            members.setdefault(int(match.group(1)), []).append((match.group(2), value))
        else:
            rest.append((name, value))
    ordered = [dict(members[n]) for n in sorted(members)]
    fields = [members[n] for n in sorted(members)]
    picks = proxy._pick([m.get("Message", "") + "\0" + m.get("MessageDeduplicationId", "") for m in ordered])
    kept = [f for f, p in zip(fields, picks, strict=True) if p is None]
    failures = "".join(
        f"<member><Id>{escape(m['Id'])}</Id><Code>{escape(p[0] or 'InternalError')}</Code>"
        f"<Message>injected</Message><SenderFault>{'true' if p[1] else 'false'}</SenderFault></member>"
        for m, p in zip(ordered, picks, strict=True)
        if p is not None
    )
    if kept:
        new = rest + [
            (f"PublishBatchRequestEntries.member.{n}.{name}", value)
            for n, entry in enumerate(kept, 1)
            for name, value in entry
        ]
        status, headers, data = await proxy._forward(request, urllib.parse.urlencode(new).encode())
        if status != 200:
            return web.Response(status=status, headers=headers, body=data)
        xml = data.decode()
    else:
        headers = {"Content-Type": "text/xml"}
        xml = (
            "<PublishBatchResponse><PublishBatchResult><Successful></Successful><Failed></Failed>"
            "</PublishBatchResult></PublishBatchResponse>"
        )
    if re.search(r"<Failed\s*/>", xml):
        xml = re.sub(r"<Failed\s*/>", f"<Failed>{failures}</Failed>", xml, count=1)
    elif "<Failed>" in xml:
        xml = xml.replace("<Failed>", f"<Failed>{failures}", 1)
    else:
        xml = xml.replace("</PublishBatchResult>", f"<Failed>{failures}</Failed></PublishBatchResult>", 1)
    return web.Response(status=200, headers=headers, body=xml.encode())


def _text(data: str) -> str:
    """A record's data (base64 in the JSON protocols) as text, for matching and counting."""
    return base64.b64decode(data).decode("utf-8", "replace")


def _failure(entry_id: str, code: str, sender_fault: bool) -> dict[str, Any]:
    return {"Id": entry_id, "Code": code, "Message": f"injected {code}", "SenderFault": sender_fault}


_REWRITES: dict[str, Any] = {
    "SendMessageBatch": _sqs,
    "PublishBatch": _sns,
    "PutRecords": _kinesis,
    "PutRecordBatch": _firehose,
}

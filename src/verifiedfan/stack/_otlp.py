"""The stack's OTLP/HTTP receiver: keeps the spans it receives and lists them as JSON.

Run as ``python -m verifiedfan.stack._otlp --host 127.0.0.1 --port 14318``. Endpoints:

- ``POST /v1/traces`` (``application/x-protobuf``, gzip allowed): the OTLP/HTTP trace export.
- ``POST /v1/metrics``, ``POST /v1/logs``: accepted and counted, not kept.
- ``GET /api/spans`` (filters ``trace_id``, ``name``, ``service``, ``limit``): the spans, oldest first.
- ``GET /api/traces``: one summary per trace; ``GET /api/traces/<trace_id>``: its spans.
- ``DELETE /api/spans``: forget every span. ``GET /api/health``: counters.
"""

from __future__ import annotations

import argparse
import gzip
import json
import threading
import time
from collections import deque
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

__all__ = ["SpanStore", "make_server", "span_dicts"]

_KINDS = {0: "unspecified", 1: "internal", 2: "server", 3: "client", 4: "producer", 5: "consumer"}
_STATUS = {0: "unset", 1: "ok", 2: "error"}


def _value(any_value: Any) -> Any:
    field = any_value.WhichOneof("value")
    if field is None:
        return None
    raw = getattr(any_value, field)
    if field == "array_value":
        return [_value(v) for v in raw.values]
    if field == "kvlist_value":
        return _attrs(raw.values)
    if field == "bytes_value":
        return raw.hex()
    return raw


def _attrs(key_values: Any) -> dict[str, Any]:
    return {kv.key: _value(kv.value) for kv in key_values}


def span_dicts(request: Any) -> list[dict[str, Any]]:
    """The spans of an ``ExportTraceServiceRequest`` as JSON-ready dicts (ids in hex)."""
    out: list[dict[str, Any]] = []
    received = time.time()
    for resource_spans in request.resource_spans:
        resource = _attrs(resource_spans.resource.attributes)
        for scope_spans in resource_spans.scope_spans:
            for span in scope_spans.spans:
                out.append(
                    {
                        "trace_id": span.trace_id.hex(),
                        "span_id": span.span_id.hex(),
                        "parent_span_id": span.parent_span_id.hex() or None,
                        "name": span.name,
                        "kind": _KINDS.get(span.kind, str(span.kind)),
                        "start_time_unix_nano": span.start_time_unix_nano,
                        "end_time_unix_nano": span.end_time_unix_nano,
                        "duration_ms": (span.end_time_unix_nano - span.start_time_unix_nano) / 1e6,
                        "status_code": _STATUS.get(span.status.code, str(span.status.code)),
                        "status_message": span.status.message,
                        "attributes": _attrs(span.attributes),
                        "events": [
                            {
                                "name": e.name,
                                "time_unix_nano": e.time_unix_nano,
                                "attributes": _attrs(e.attributes),
                            }
                            for e in span.events
                        ],
                        "service_name": resource.get("service.name"),
                        "resource": resource,
                        "scope_name": scope_spans.scope.name,
                        "received_at": received,
                    }
                )
    return out


class SpanStore:
    """The spans received so far (at most ``max_spans``: the oldest are dropped first)."""

    def __init__(self, *, max_spans: int = 100_000) -> None:
        self._spans: deque[dict[str, Any]] = deque(maxlen=max_spans)
        self._lock = threading.Lock()
        self.counters = {"trace_requests": 0, "metric_requests": 0, "log_requests": 0}

    def add(self, spans: list[dict[str, Any]]) -> None:
        with self._lock:
            self._spans.extend(spans)
            self.counters["trace_requests"] += 1

    def count(self, kind: str) -> None:
        with self._lock:
            self.counters[kind] += 1

    def clear(self) -> int:
        with self._lock:
            n = len(self._spans)
            self._spans.clear()
            return n

    def spans(
        self,
        *,
        trace_id: str | None = None,
        name: str | None = None,
        service: str | None = None,
        limit: int | None = None,
    ) -> list[dict[str, Any]]:
        with self._lock:
            found = [
                s
                for s in self._spans
                if (trace_id is None or s["trace_id"] == trace_id.lower())
                and (name is None or s["name"] == name)
                and (service is None or s["service_name"] == service)
            ]
        return found[-limit:] if limit else found

    def traces(self) -> list[dict[str, Any]]:
        by_trace: dict[str, list[dict[str, Any]]] = {}
        for span in self.spans():
            by_trace.setdefault(span["trace_id"], []).append(span)
        out = []
        for trace_id, spans in by_trace.items():
            root = next((s for s in spans if s["parent_span_id"] is None), spans[0])
            start = min(s["start_time_unix_nano"] for s in spans)
            end = max(s["end_time_unix_nano"] for s in spans)
            out.append(
                {
                    "trace_id": trace_id,
                    "span_count": len(spans),
                    "root_name": root["name"],
                    "service_name": root["service_name"],
                    "start_time_unix_nano": start,
                    "duration_ms": (end - start) / 1e6,
                    "error": any(s["status_code"] == "error" for s in spans),
                }
            )
        return out


def make_server(host: str, port: int, store: SpanStore | None = None) -> ThreadingHTTPServer:
    """An HTTP server (not yet serving) that receives OTLP/HTTP into ``store``."""
    from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import (
        ExportTraceServiceRequest,
        ExportTraceServiceResponse,
    )

    spans = store if store is not None else SpanStore()

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: Any) -> None:
            return

        def _send(self, status: int, body: bytes, content_type: str) -> None:
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def _json(self, status: int, data: Any) -> None:
            self._send(status, json.dumps(data).encode(), "application/json")

        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            if self.headers.get("Content-Encoding") == "gzip":
                body = gzip.decompress(body)
            path = urlsplit(self.path).path
            if path in ("/v1/metrics", "/v1/logs"):
                spans.count("metric_requests" if path == "/v1/metrics" else "log_requests")
                self._send(200, b"", "application/x-protobuf")
                return
            if path != "/v1/traces":
                self._json(404, {"error": f"no such endpoint {path}"})
                return
            if not (self.headers.get("Content-Type") or "").startswith("application/x-protobuf"):
                self._json(415, {"error": "only application/x-protobuf is accepted"})
                return
            request = ExportTraceServiceRequest()
            try:
                request.ParseFromString(body)
            except Exception:  # noqa: BLE001 - protobuf's DecodeError: answer 400
                self._json(400, {"error": "not an ExportTraceServiceRequest"})
                return
            spans.add(span_dicts(request))
            self._send(200, ExportTraceServiceResponse().SerializeToString(), "application/x-protobuf")

        def do_GET(self) -> None:
            url = urlsplit(self.path)
            query = {k: v[-1] for k, v in parse_qs(url.query).items()}
            if url.path == "/api/spans":
                limit = int(query["limit"]) if query.get("limit", "").isdigit() else None
                self._json(
                    200,
                    spans.spans(
                        trace_id=query.get("trace_id"),
                        name=query.get("name"),
                        service=query.get("service"),
                        limit=limit,
                    ),
                )
            elif url.path == "/api/traces":
                self._json(200, spans.traces())
            elif url.path.startswith("/api/traces/"):
                found = spans.spans(trace_id=url.path.rsplit("/", 1)[1])
                self._json(200 if found else 404, found if found else {"error": "no such trace"})
            elif url.path == "/api/health":
                self._json(200, {"spans": len(spans.spans()), **spans.counters})
            else:
                self._json(404, {"error": f"no such endpoint {url.path}"})

        def do_DELETE(self) -> None:
            if urlsplit(self.path).path == "/api/spans":
                self._json(200, {"deleted": spans.clear()})
            else:
                self._json(404, {"error": "no such endpoint"})

    return ThreadingHTTPServer((host, port), Handler)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="OTLP/HTTP receiver that keeps spans")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=14318)
    parser.add_argument("--max-spans", type=int, default=100_000)
    args = parser.parse_args(argv)
    server = make_server(args.host, args.port, SpanStore(max_spans=args.max_spans))
    try:
        server.serve_forever()
    finally:
        server.server_close()


if __name__ == "__main__":
    main()

"""The stack's local Lambda: the Invoke API in front of one Runtime Interface Emulator per function.

Run as ``python -m verifiedfan.stack._lambda --host 127.0.0.1 --port 19010 --rie PATH``.

AWS's Runtime Interface Emulator (``aws-lambda-rie``, built from its Go module) runs one function:
it starts the runtime (``python -m awslambdaric module.function``, the real Lambda runtime client)
on the first invocation and serves ``POST /2015-03-31/functions/function/invocations``. It knows
nothing of function names, invocation types or the ``X-Amz-Function-Error`` header, so this small
router adds them:

- ``POST /2015-03-31/functions/<name or ARN>/invocations``: the Lambda Invoke API
  (``X-Amz-Invocation-Type`` ``RequestResponse``, ``Event`` -> 202, ``DryRun`` -> 204;
  ``X-Amz-Log-Type: Tail`` -> ``X-Amz-Log-Result``). A handler that raised answers 200 with
  ``X-Amz-Function-Error: Unhandled`` and the runtime's error payload, as AWS does. An unknown
  function is a 404 ``ResourceNotFoundException`` in AWS's error shape.
- ``PUT /_vf/functions/<name>`` (JSON: ``handler``, ``code_dir``, ``environment``, ``timeout``,
  ``memory_size``): deploy; ``DELETE /_vf/functions/<name>``: remove; ``GET /_vf/functions``: list;
  ``GET /_vf/health``.

Each function runs in its own emulator process group (stopped with the router, by its pid), one
invocation at a time: concurrent invocations of a function wait for each other.
"""

from __future__ import annotations

import argparse
import json
import re
import signal
import sys
import threading
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

from verifiedfan.stack._lambda_registry import (
    EVENT_LIMIT,
    SYNC_LIMIT,
    FunctionRegistry,
    LambdaRouterError,
    function_arn,
    is_function_error,
)

__all__ = ["FunctionRegistry", "LambdaRouterError", "function_arn", "is_function_error", "make_server"]

_INVOKE = re.compile(r"^/2015-03-31/functions/(?P<fn>[^/]+)/invocations$")


def make_server(host: str, port: int, registry: FunctionRegistry) -> ThreadingHTTPServer:
    """An HTTP server (not yet serving) with the Invoke API and the deploy endpoints."""

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"  # keep-alive: SDK clients reuse their connections
        # headers and body go out in two writes: without TCP_NODELAY the body waits for the
        # client's delayed ACK (about 40 ms a call)
        disable_nagle_algorithm = True

        def log_message(self, format: str, *args: Any) -> None:
            return

        def _send(self, status: int, body: bytes, headers: dict[str, str] | None = None) -> None:
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            for key, value in (headers or {}).items():
                self.send_header(key, value)
            self.end_headers()
            self.wfile.write(body)

        def _json(self, status: int, data: Any) -> None:
            self._send(status, json.dumps(data).encode())

        def _error(self, exc: LambdaRouterError) -> None:
            body = json.dumps({"Type": "User", "message": exc.message}).encode()
            self._send(
                exc.status, body, {"x-amzn-ErrorType": f"{exc.code}:", "x-amzn-RequestId": str(uuid.uuid4())}
            )

        def _body(self) -> bytes:
            return self.rfile.read(int(self.headers.get("Content-Length") or 0))

        def do_POST(self) -> None:
            url = urlsplit(self.path)
            body = self._body()
            match = _INVOKE.match(url.path)
            try:
                if match is None:
                    raise LambdaRouterError(404, "UnknownOperationException", f"no such operation {url.path}")
                qualifier = {k: v[-1] for k, v in parse_qs(url.query).items()}.get("Qualifier")
                fn = registry.get(match.group("fn"), qualifier)
                kind = self.headers.get("X-Amz-Invocation-Type") or "RequestResponse"
                if kind not in ("RequestResponse", "Event", "DryRun"):
                    raise LambdaRouterError(
                        400, "InvalidParameterValueException", f"invalid invocation type {kind}"
                    )
                limit = EVENT_LIMIT if kind == "Event" else SYNC_LIMIT
                if len(body) > limit:
                    raise LambdaRouterError(
                        413, "RequestTooLargeException", f"{len(body)} byte payload is over {limit}"
                    )
                payload = body or b"{}"
                try:
                    json.loads(payload)
                except ValueError:
                    raise LambdaRouterError(
                        400, "InvalidRequestContentException", "Could not parse request body into json"
                    ) from None
                if kind == "DryRun":
                    self._send(204, b"", {"x-amzn-RequestId": str(uuid.uuid4())})
                    return
                opts = {
                    "client_context": self.headers.get("X-Amz-Client-Context") or "",
                    "log_type": self.headers.get("X-Amz-Log-Type") or "None",
                }
                if kind == "Event":
                    registry.enqueue(fn, payload, {**opts, "log_type": "None"})
                    self._send(202, b"", {"x-amzn-RequestId": str(uuid.uuid4())})
                    return
                status, out, headers = registry.invoke(fn, payload, opts)
                self._send(status, out, headers)
            except LambdaRouterError as exc:
                self._error(exc)

        def do_PUT(self) -> None:
            path = urlsplit(self.path).path
            body = self._body()
            try:
                if not path.startswith("/_vf/functions/"):
                    raise LambdaRouterError(404, "UnknownOperationException", f"no such endpoint {path}")
                try:
                    spec = json.loads(body or b"{}")
                except ValueError:
                    raise LambdaRouterError(
                        400, "InvalidRequestContentException", "body is not JSON"
                    ) from None
                fn = registry.deploy(unquote(path.rsplit("/", 1)[1]), spec)
                self._json(201, fn.describe())
            except LambdaRouterError as exc:
                self._error(exc)

        def do_DELETE(self) -> None:
            path = urlsplit(self.path).path
            try:
                if not path.startswith("/_vf/functions/"):
                    raise LambdaRouterError(404, "UnknownOperationException", f"no such endpoint {path}")
                registry.remove(unquote(path.rsplit("/", 1)[1]))
                self._send(204, b"")
            except LambdaRouterError as exc:
                self._error(exc)

        def do_GET(self) -> None:
            path = urlsplit(self.path).path
            if path == "/_vf/functions":
                self._json(200, registry.list())
            elif path == "/_vf/health":
                self._json(200, {"functions": len(registry.list()), "rie": registry.rie})
            else:
                self._json(404, {"message": f"no such endpoint {path}"})

    server = ThreadingHTTPServer((host, port), Handler)
    server.daemon_threads = True
    return server


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="local Lambda: the Invoke API over AWS's RIE")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=19010)
    parser.add_argument("--rie", required=True, help="the aws-lambda-rie binary")
    parser.add_argument("--python", default=sys.executable, help="the interpreter that runs awslambdaric")
    parser.add_argument("--log-dir", type=Path, default=Path.cwd())
    args = parser.parse_args(argv)
    registry = FunctionRegistry(rie=args.rie, python=args.python, log_dir=args.log_dir)
    server = make_server(args.host, args.port, registry)

    def stop(signum: int, frame: Any) -> None:
        threading.Thread(target=server.shutdown, daemon=True).start()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    try:
        server.serve_forever()
    finally:
        registry.close()  # the emulators go with the router
        server.server_close()


if __name__ == "__main__":
    main()

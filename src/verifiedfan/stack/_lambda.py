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
import base64
import contextlib
import http.client
import json
import os
import queue
import re
import signal
import socket
import subprocess
import sys
import threading
import time
import uuid
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

__all__ = ["FunctionRegistry", "LambdaRouterError", "is_function_error", "make_server"]

ACCOUNT = "000000000000"
REGION = "us-east-1"
_NAME = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
_HANDLER = re.compile(r"^[A-Za-z_][\w.]*\.[A-Za-z_]\w*$")
_INVOKE = re.compile(r"^/2015-03-31/functions/(?P<fn>[^/]+)/invocations$")
_SYNC_LIMIT = 6 * 1024 * 1024
_EVENT_LIMIT = 1024 * 1024
_LOG_TAIL = 4096
_RIE_PATH = "/2015-03-31/functions/function/invocations"


class LambdaRouterError(Exception):
    """An error answered in AWS's shape: ``x-amzn-ErrorType`` and ``{"Type", "message"}``."""

    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status, self.code, self.message = status, code, message


def function_arn(name: str) -> str:
    return f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:{name}"


def is_function_error(body: bytes, request_id: str) -> bool:
    """True when ``body`` is the runtime's error payload for this invocation.

    ``awslambdaric`` posts ``{"errorMessage", "errorType", "requestId", "stackTrace"}`` to the
    Runtime API's error endpoint; the emulator answers it with status 200 like a result. A result
    is told apart by the request id: a handler does not return its own invocation's id in that shape.
    """
    try:
        data = json.loads(body)
    except ValueError:
        return False
    return (
        isinstance(data, dict)
        and "errorType" in data
        and "errorMessage" in data
        and data.get("requestId") == request_id
    )


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@dataclass(kw_only=True)
class Function:
    """One deployed function and its emulator process."""

    name: str
    handler: str
    code_dir: str
    environment: dict[str, str]
    timeout: int
    memory_size: int
    log: Path
    port: int = 0
    proc: subprocess.Popen[bytes] | None = None
    lock: threading.Lock = field(default_factory=threading.Lock)
    conn: http.client.HTTPConnection | None = None
    events: queue.Queue[tuple[bytes, dict[str, str]] | None] = field(default_factory=queue.Queue)

    def describe(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "arn": function_arn(self.name),
            "handler": self.handler,
            "code_dir": self.code_dir,
            "timeout": self.timeout,
            "memory_size": self.memory_size,
            "pid": self.proc.pid if self.proc else None,
            "port": self.port,
            "log": str(self.log),
        }


class FunctionRegistry:
    """The deployed functions: starts, invokes and stops their emulators."""

    def __init__(self, *, rie: str, python: str, log_dir: Path) -> None:
        self.rie, self.python, self.log_dir = rie, python, log_dir
        self._functions: dict[str, Function] = {}
        self._lock = threading.Lock()

    # -- deploy / remove ----------------------------------------------------------------------

    def deploy(self, name: str, spec: dict[str, Any]) -> Function:
        if not _NAME.match(name):
            raise LambdaRouterError(400, "InvalidParameterValueException", f"invalid function name {name!r}")
        handler = str(spec.get("handler") or "")
        code_dir = Path(str(spec.get("code_dir") or ""))
        if not _HANDLER.match(handler):
            raise LambdaRouterError(
                400, "InvalidParameterValueException", f"handler {handler!r} is not module.function"
            )
        if not code_dir.is_absolute() or not code_dir.is_dir():
            raise LambdaRouterError(
                400,
                "InvalidParameterValueException",
                f"code_dir {str(code_dir)!r} is not an absolute directory",
            )
        env = spec.get("environment") or {}
        if not isinstance(env, dict) or not all(isinstance(v, str) for v in env.values()):
            raise LambdaRouterError(
                400, "InvalidParameterValueException", "environment must map names to strings"
            )
        fn = Function(
            name=name,
            handler=handler,
            code_dir=str(code_dir),
            environment={str(k): v for k, v in env.items()},
            timeout=int(spec.get("timeout") or 30),
            memory_size=int(spec.get("memory_size") or 128),
            log=self.log_dir / f"function-{name}.log",
        )
        if not 1 <= fn.timeout <= 900:
            raise LambdaRouterError(400, "InvalidParameterValueException", "timeout must be 1..900 seconds")
        with self._lock:
            if name in self._functions:
                raise LambdaRouterError(409, "ResourceConflictException", f"Function already exist: {name}")
            self._functions[name] = fn
        try:
            self._start(fn)
        except Exception:
            with self._lock:
                self._functions.pop(name, None)
            raise
        threading.Thread(target=self._event_worker, args=(fn,), daemon=True, name=f"events-{name}").start()
        return fn

    def _start(self, fn: Function) -> None:
        fn.port = _free_port()
        api_port = _free_port()
        env = {
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "LANG": "C.UTF-8",
            "TZ": ":UTC",
            "LAMBDA_TASK_ROOT": fn.code_dir,
            "AWS_REGION": REGION,
            "AWS_DEFAULT_REGION": REGION,
            "AWS_LAMBDA_FUNCTION_NAME": fn.name,
            "AWS_LAMBDA_FUNCTION_TIMEOUT": str(fn.timeout),
            "AWS_LAMBDA_FUNCTION_MEMORY_SIZE": str(fn.memory_size),
            "AWS_LAMBDA_LOG_GROUP_NAME": f"/aws/lambda/{fn.name}",
            **fn.environment,
        }
        argv = [
            self.rie,
            "--runtime-interface-emulator-address",
            f"127.0.0.1:{fn.port}",
            "--runtime-api-address",
            f"127.0.0.1:{api_port}",
            "--log-level",
            "error",
            self.python,
            "-m",
            "awslambdaric",
            fn.handler,
        ]
        fn.log.parent.mkdir(parents=True, exist_ok=True)
        with fn.log.open("ab") as out:
            fn.proc = subprocess.Popen(
                argv,
                stdin=subprocess.DEVNULL,
                stdout=out,
                stderr=subprocess.STDOUT,
                cwd=fn.code_dir,
                env=env,
                start_new_session=True,  # its own process group: the runtime is stopped with it
            )
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            if fn.proc.poll() is not None:
                raise LambdaRouterError(500, "ServiceException", f"the emulator of {fn.name} exited at start")
            with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", fn.port), 0.2):
                return
            time.sleep(0.02)
        self._kill(fn)
        raise LambdaRouterError(
            500, "ServiceException", f"the emulator of {fn.name} did not listen within 10s"
        )

    def _kill(self, fn: Function) -> None:
        if fn.conn is not None:
            fn.conn.close()
            fn.conn = None
        proc = fn.proc
        if proc is None or proc.poll() is not None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGTERM)  # the group of the emulator we started
        try:
            proc.wait(5)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(5)

    def remove(self, name: str) -> None:
        with self._lock:
            fn = self._functions.pop(name, None)
        if fn is None:
            raise LambdaRouterError(
                404, "ResourceNotFoundException", f"Function not found: {function_arn(name)}"
            )
        fn.events.put(None)
        with fn.lock:
            self._kill(fn)

    def close(self) -> None:
        for name in list(self._functions):
            with contextlib.suppress(LambdaRouterError):
                self.remove(name)

    def list(self) -> list[dict[str, Any]]:
        with self._lock:
            return [fn.describe() for fn in self._functions.values()]

    # -- invoke -------------------------------------------------------------------------------

    def get(self, ref: str, qualifier: str | None) -> Function:
        """The function named by a name or an ARN (``arn:aws:lambda:r:a:function:name[:qualifier]``)."""
        ref = unquote(ref)
        name = ref
        if ref.startswith("arn:"):
            parts = ref.split(":")
            name = parts[6] if len(parts) > 6 else ""
            qualifier = parts[7] if len(parts) > 7 else qualifier
        fn = self._functions.get(name)
        if fn is None or qualifier not in (None, "", "$LATEST"):
            arn = function_arn(name) + (f":{qualifier}" if qualifier else "")
            raise LambdaRouterError(404, "ResourceNotFoundException", f"Function not found: {arn}")
        return fn

    def invoke(
        self, fn: Function, payload: bytes, headers: dict[str, str]
    ) -> tuple[int, bytes, dict[str, str]]:
        """Run one invocation through the function's emulator: ``(status, body, headers)``."""
        request_id = str(uuid.uuid4())
        send = {"X-Amzn-RequestId": request_id, "Content-Type": "application/json"}
        if headers.get("client_context"):
            send["X-Amz-Client-Context"] = headers["client_context"]
        with fn.lock:
            if fn.proc is None or fn.proc.poll() is not None:
                self._start(fn)
            start = fn.log.stat().st_size if fn.log.exists() else 0
            status, body = self._post(fn, payload, send)
            out = {"X-Amz-Executed-Version": "$LATEST", "x-amzn-RequestId": request_id}
            if status == 200 and body.startswith(b"Task timed out after"):
                message = f"{time.strftime('%Y-%m-%dT%H:%M:%SZ', time.gmtime())} {request_id} {body.decode()}"
                body = json.dumps({"errorMessage": message, "errorType": "Sandbox.Timedout"}).encode()
                out["X-Amz-Function-Error"] = "Unhandled"
                self._kill(fn)  # the runtime may still be busy: start afresh on the next call
            elif status == 200 and is_function_error(body, request_id):
                out["X-Amz-Function-Error"] = "Unhandled"
            elif status != 200:
                # 502: the runtime failed to initialise or exited (AWS answers 200 + FunctionError)
                if not is_function_error(body, request_id) and not _is_error_shape(body):
                    text = body.decode(errors="replace") or f"the runtime exited (emulator status {status})"
                    body = json.dumps({"errorMessage": text, "errorType": "Runtime.ExitError"}).encode()
                status = 200
                out["X-Amz-Function-Error"] = "Unhandled"
                self._kill(fn)
            if headers.get("log_type") == "Tail":
                with contextlib.suppress(OSError), fn.log.open("rb") as fh:
                    fh.seek(start)
                    out["X-Amz-Log-Result"] = base64.b64encode(fh.read()[-_LOG_TAIL:]).decode()
        return status, body, out

    def _post(self, fn: Function, payload: bytes, headers: dict[str, str]) -> tuple[int, bytes]:
        for attempt in (1, 2):
            if fn.conn is None:
                fn.conn = http.client.HTTPConnection("127.0.0.1", fn.port, timeout=fn.timeout + 10)
            try:
                fn.conn.request("POST", _RIE_PATH, body=payload, headers=headers)
                resp = fn.conn.getresponse()
                return resp.status, resp.read()
            except (OSError, http.client.HTTPException):
                fn.conn.close()
                fn.conn = None
                if attempt == 2:
                    raise
        raise AssertionError("unreachable")

    def enqueue(self, fn: Function, payload: bytes, headers: dict[str, str]) -> None:
        fn.events.put((payload, headers))

    def _event_worker(self, fn: Function) -> None:
        while (item := fn.events.get()) is not None:
            payload, headers = item
            with contextlib.suppress(Exception):  # an event invocation has no caller to tell
                self.invoke(fn, payload, headers)


def _is_error_shape(body: bytes) -> bool:
    with contextlib.suppress(ValueError):
        data = json.loads(body)
        return isinstance(data, dict) and "errorMessage" in data and "errorType" in data
    return False


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
                limit = _EVENT_LIMIT if kind == "Event" else _SYNC_LIMIT
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

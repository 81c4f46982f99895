"""The local Lambda's functions: one Runtime Interface Emulator process per function, and what the
emulator lacks (function errors told apart from results, timeouts, restarts). Served over HTTP by
:mod:`verifiedfan.stack._lambda`."""

from __future__ import annotations

import base64
import contextlib
import ctypes
import http.client
import json
import os
import queue
import re
import signal
import socket
import subprocess
import threading
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import unquote

__all__ = [
    "ACCOUNT",
    "EVENT_LIMIT",
    "REGION",
    "SYNC_LIMIT",
    "Function",
    "FunctionRegistry",
    "LambdaRouterError",
    "function_arn",
    "is_function_error",
]

ACCOUNT = "000000000000"
REGION = "us-east-1"
_NAME = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
_HANDLER = re.compile(r"^[A-Za-z_][\w.]*\.[A-Za-z_]\w*$")
SYNC_LIMIT = 6 * 1024 * 1024
EVENT_LIMIT = 1024 * 1024
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


def _die_with_parent() -> None:
    """In the child: SIGKILL when the thread that started it ends (prctl PR_SET_PDEATHSIG)."""
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGKILL)


class _Spawner:
    """Starts every emulator from one thread that lives as long as the router.

    Linux's parent-death signal fires when the *thread* that forked a child ends, so the emulators
    are started from this long-lived thread, never from a request thread: if the router is killed
    (even with SIGKILL), the kernel kills its emulators too and no orphan keeps a port.
    """

    def __init__(self) -> None:
        self._jobs: queue.Queue[tuple[dict[str, Any], queue.Queue[Any]]] = queue.Queue()
        threading.Thread(target=self._loop, daemon=True, name="lambda-spawner").start()

    def _loop(self) -> None:
        while True:
            kwargs, answer = self._jobs.get()
            try:
                answer.put(subprocess.Popen(preexec_fn=_die_with_parent, **kwargs))
            except Exception as exc:  # noqa: BLE001 - handed to the caller
                answer.put(exc)

    def spawn(self, kwargs: dict[str, Any]) -> subprocess.Popen[bytes]:
        answer: queue.Queue[Any] = queue.Queue()
        self._jobs.put((kwargs, answer))
        result = answer.get()
        if isinstance(result, Exception):
            raise result
        proc: subprocess.Popen[bytes] = result
        return proc


class FunctionRegistry:
    """The deployed functions: starts, invokes and stops their emulators."""

    def __init__(self, *, rie: str, python: str, log_dir: Path) -> None:
        self.rie, self.python, self.log_dir = rie, python, log_dir
        self._spawner = _Spawner()
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
            fn.proc = self._spawner.spawn(
                {
                    "args": argv,
                    "stdin": subprocess.DEVNULL,
                    "stdout": out,
                    "stderr": subprocess.STDOUT,
                    "cwd": fn.code_dir,
                    "env": env,
                    "start_new_session": True,  # its own process group: the runtime is stopped with it
                }
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

"""Deploy Python handlers to the stack's local Lambda (see :mod:`verifiedfan.stack._lambda`)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import Any

import httpx

from verifiedfan.stack._connections import LambdaConnection
from verifiedfan.stack._errors import StackError

__all__ = ["LocalFunction", "LocalLambda"]


@dataclass(frozen=True, kw_only=True, slots=True)
class LocalFunction:
    """A function deployed to the local Lambda: invoke it by ``name`` (or ``arn``) at ``endpoint_url``."""

    name: str
    arn: str
    handler: str
    code_dir: str
    endpoint_url: str
    timeout: int
    log: str


class LocalLambda:
    """A client of the local Lambda's deploy endpoints (``/_vf/functions``).

    ``deploy`` takes a handler file (``handlers/report.py`` with ``handler="handler"``) or a code
    directory with a ``module.function`` handler, like a Lambda zip's root. The function runs in
    this machine's Python (the one that runs the stack), with the environment given and nothing of
    the caller's.
    """

    def __init__(self, connection: LambdaConnection, *, timeout: float = 30.0) -> None:
        self.connection = connection
        self._http = httpx.Client(base_url=connection.endpoint_url.rstrip("/"), timeout=timeout)

    def deploy(
        self,
        name: str,
        path: str | Path,
        *,
        handler: str | None = None,
        environment: Mapping[str, str] | None = None,
        timeout: int = 30,
        memory_size: int = 128,
    ) -> LocalFunction:
        """Deploy ``path`` as function ``name``; a :class:`StackError` when the router refuses it."""
        code = Path(path).resolve()
        if code.is_file():
            if code.suffix != ".py":
                raise StackError(f"{code} is not a Python file", server="lambda")
            full_handler = f"{code.stem}.{handler or 'handler'}"
            code_dir = code.parent
        elif code.is_dir():
            if handler is None or "." not in handler:
                raise StackError("a code directory needs handler='module.function'", server="lambda")
            full_handler, code_dir = handler, code
        else:
            raise StackError(f"{code} does not exist", server="lambda")
        spec = {
            "handler": full_handler,
            "code_dir": str(code_dir),
            "environment": dict(environment or {}),
            "timeout": timeout,
            "memory_size": memory_size,
        }
        data = self._call("PUT", f"/_vf/functions/{name}", json=spec)
        return LocalFunction(
            name=data["name"],
            arn=data["arn"],
            handler=data["handler"],
            code_dir=data["code_dir"],
            endpoint_url=self.connection.endpoint_url,
            timeout=int(data["timeout"]),
            log=data["log"],
        )

    def remove(self, name: str) -> None:
        """Stop and forget function ``name``."""
        self._call("DELETE", f"/_vf/functions/{name}")

    def functions(self) -> list[dict[str, Any]]:
        """The deployed functions (name, ARN, handler, emulator pid and port, log file)."""
        data: list[dict[str, Any]] = self._call("GET", "/_vf/functions")
        return data

    def _call(self, method: str, path: str, **kwargs: Any) -> Any:
        try:
            resp = self._http.request(method, path, **kwargs)
        except httpx.HTTPError as exc:
            raise StackError(
                f"the local Lambda at {self.connection.endpoint_url} did not answer: {exc}"
            ) from exc
        if resp.status_code >= 400:
            code = resp.headers.get("x-amzn-ErrorType", "").rstrip(":")
            try:
                message = resp.json().get("message", resp.text)
            except ValueError:
                message = resp.text
            raise StackError(
                f"local Lambda {method} {path}: {code or resp.status_code}: {message}", server="lambda"
            )
        return resp.json() if resp.content else None

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> LocalLambda:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

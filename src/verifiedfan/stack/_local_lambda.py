"""Deploy Python handlers to the stack's local Lambda (see :mod:`verifiedfan.stack._lambda`)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar
from urllib.parse import urlsplit

import httpx

from verifiedfan.errors import HTTPStatusError, TransportError, VFError
from verifiedfan.http import ErrorMap, ErrorRule, RetryPolicy, SyncApiClient, SyncHttpClient, Timeouts
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


def _router_error(error: HTTPStatusError, message: str) -> VFError:
    code = error.headers.get("x-amzn-errortype", "").rstrip(":")
    body = error.body
    detail = body.get("message") if isinstance(body, dict) and isinstance(body.get("message"), str) else body
    where = f"{error.method} {urlsplit(error.url or '').path}"
    return StackError(f"local Lambda {where}: {code or error.status_code}: {detail}", server="lambda")


class LocalLambda(SyncApiClient):
    """A client of the local Lambda's deploy endpoints (``/_vf/functions``), on the API-client kit.

    ``deploy`` takes a handler file (``handlers/report.py`` with ``handler="handler"``) or a code
    directory with a ``module.function`` handler, like a Lambda zip's root. The function runs in
    this machine's Python (the one that runs the stack), with the environment given and nothing of
    the caller's.
    """

    service_name: ClassVar[str] = "local_lambda"
    error_map = ErrorMap(default=ErrorRule(_router_error))

    def __init__(
        self,
        connection: LambdaConnection,
        *,
        timeout: float = 30.0,
        http: SyncHttpClient | None = None,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        super().__init__(
            base_url=connection.endpoint_url.rstrip("/"),
            http=http,
            transport=transport,
            retry=RetryPolicy.never(),  # a deploy is not repeated behind the caller's back
            timeouts=Timeouts(connect=min(5.0, timeout), total=timeout),
        )
        self.connection = connection

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
        data = self._request("PUT", "/_vf/functions/{name}", name=name, json=spec)
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
        self._request("DELETE", "/_vf/functions/{name}", name=name)

    def functions(self) -> list[dict[str, Any]]:
        """The deployed functions (name, ARN, handler, emulator pid and port, log file)."""
        data: list[dict[str, Any]] = self._request("GET", "/_vf/functions")
        return data

    def _request(self, method: str, route: str, *, name: str | None = None, **kwargs: Any) -> Any:
        try:
            return self._call_json(method, route, path={"name": name} if name else None, **kwargs)
        except TransportError as exc:
            raise StackError(
                f"the local Lambda at {self.connection.endpoint_url} did not answer: {exc}", server="lambda"
            ) from exc

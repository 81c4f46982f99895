"""Value types of the HTTP core: the response, the call description, hooks and token sources."""

from __future__ import annotations

import json as _json
from collections.abc import Mapping, MutableMapping
from dataclasses import dataclass
from typing import Any, Protocol, runtime_checkable

from verifiedfan.errors import ResponseFormatError

__all__ = [
    "AsyncTokenSource",
    "CallInfo",
    "CallObserver",
    "CallOutcome",
    "HttpHook",
    "Response",
    "SyncTokenSource",
]


@dataclass(frozen=True, kw_only=True, slots=True)
class Response:
    """A successful (status < 400) answer, fully read.

    ``headers`` is case-insensitive; ``elapsed`` is the time of the whole logical call in seconds
    (retries and waits included); ``attempts`` counts the requests sent.
    """

    status_code: int
    headers: Mapping[str, str]
    content: bytes
    url: str
    method: str
    elapsed: float
    attempts: int

    @property
    def text(self) -> str:
        """The body decoded with the charset of ``Content-Type`` (UTF-8 when absent)."""
        charset = "utf-8"
        ctype = self.headers.get("content-type", "")
        if "charset=" in ctype:
            charset = ctype.split("charset=", 1)[1].split(";", 1)[0].strip().strip('"') or "utf-8"
        try:
            return self.content.decode(charset, errors="replace")
        except LookupError:
            return self.content.decode("utf-8", errors="replace")

    def json(self) -> Any:
        """The body parsed as JSON; :class:`ResponseFormatError` when it is not JSON."""
        try:
            return _json.loads(self.content)
        except ValueError as exc:
            raise ResponseFormatError(
                f"{self.method} {self.url} returned a body that is not JSON",
                developer_message=f"{type(exc).__name__}: {exc}",
            ) from exc


@dataclass(frozen=True, kw_only=True, slots=True)
class CallInfo:
    """One logical call (all its attempts), as hooks see it."""

    service_name: str
    method: str
    url: str
    route: str
    correlation_id: str

    @property
    def span_name(self) -> str:
        """``service[METHOD]: route``, the span name of the original ``TracedRequest``."""
        return f"{self.service_name}[{self.method}]: {self.route}"


@dataclass(frozen=True, kw_only=True, slots=True)
class CallOutcome:
    """How a logical call ended: a status code, or an error (possibly both, for HTTP errors)."""

    status_code: int | None
    error: BaseException | None
    duration: float
    attempts: int


class CallObserver:
    """Follows one logical call; returned by :meth:`HttpHook.start_call`. Override what you need."""

    def before_attempt(self, attempt: int, headers: MutableMapping[str, str]) -> None:
        """Called before each attempt is sent; may add headers (e.g. ``traceparent``)."""

    def end(self, outcome: CallOutcome) -> None:
        """Called once when the call returns or raises."""


class HttpHook:
    """Instrumentation extension point (tracing, metrics), with no dependency on any SDK.

    The client calls :meth:`start_call` once per logical call; the observer it returns (or ``None``
    to ignore the call) is told about each attempt and the outcome. A hook that raises is logged and
    ignored: instrumentation never breaks a call.
    """

    def start_call(self, call: CallInfo) -> CallObserver | None:
        return None


@runtime_checkable
class AsyncTokenSource(Protocol):
    """Anything that gives bearer tokens to :class:`HttpClient` (``auth=``)."""

    async def get_token(self) -> str:
        """A valid access token (cached or freshly fetched)."""
        ...

    async def invalidate(self, token: str) -> None:
        """Forget ``token`` (the server answered 401 to it) so the next call fetches a new one."""
        ...


@runtime_checkable
class SyncTokenSource(Protocol):
    """The synchronous twin of :class:`AsyncTokenSource`, for :class:`SyncHttpClient`."""

    def get_token(self) -> str:
        """A valid access token (cached or freshly fetched)."""
        ...

    def invalidate(self, token: str) -> None:
        """Forget ``token`` so the next call fetches a new one."""
        ...

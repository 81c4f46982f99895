"""Reading the spans kept by the stack's OTLP receiver."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, ClassVar

import httpx

from verifiedfan.errors import HTTPStatusError, ResponseFormatError, TransportError, VFError
from verifiedfan.http import ErrorMap, ErrorRule, RetryPolicy, SyncApiClient, SyncHttpClient, Timeouts
from verifiedfan.stack._connections import OtlpConnection
from verifiedfan.stack._errors import StackError

__all__ = ["OtlpReceiver", "ReceivedSpan"]


@dataclass(frozen=True, kw_only=True, slots=True)
class ReceivedSpan:
    """One span as the receiver kept it (ids in lowercase hex)."""

    trace_id: str
    span_id: str
    parent_span_id: str | None
    name: str
    kind: str
    start_time_unix_nano: int
    end_time_unix_nano: int
    status_code: str
    service_name: str | None
    attributes: dict[str, Any] = field(default_factory=dict)
    resource: dict[str, Any] = field(default_factory=dict)
    status_message: str = ""
    scope_name: str = ""

    @property
    def duration_ms(self) -> float:
        return (self.end_time_unix_nano - self.start_time_unix_nano) / 1e6

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ReceivedSpan:
        try:
            return cls(
                trace_id=str(data["trace_id"]),
                span_id=str(data["span_id"]),
                parent_span_id=data.get("parent_span_id"),
                name=str(data["name"]),
                kind=str(data["kind"]),
                start_time_unix_nano=int(data["start_time_unix_nano"]),
                end_time_unix_nano=int(data["end_time_unix_nano"]),
                status_code=str(data["status_code"]),
                service_name=data.get("service_name"),
                attributes=dict(data.get("attributes") or {}),
                resource=dict(data.get("resource") or {}),
                status_message=str(data.get("status_message") or ""),
                scope_name=str(data.get("scope_name") or ""),
            )
        except (KeyError, TypeError, ValueError) as exc:
            raise ResponseFormatError(f"not a span: {exc}") from exc


def _receiver_error(error: HTTPStatusError, message: str) -> VFError:
    return StackError(f"OTLP receiver: {message}", server="otlp")


class OtlpReceiver(SyncApiClient):
    """A client of the receiver's JSON API (``/api/spans``, ``/api/traces``), on the API-client kit.

    No retries (the receiver is local; a test polls with :meth:`wait_for_spans`); an error answer or
    a receiver that does not answer is a :class:`StackError`. ``http=`` / ``transport=`` inject the
    I/O as in every client of the library.
    """

    service_name: ClassVar[str] = "otlp_receiver"
    error_map = ErrorMap(default=ErrorRule(_receiver_error))

    def __init__(
        self,
        *,
        connection: OtlpConnection,
        http: SyncHttpClient | None = None,
        transport: httpx.BaseTransport | None = None,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        super().__init__(
            base_url=connection.endpoint.rstrip("/"),
            http=http,
            transport=transport,
            retry=RetryPolicy.never(),
            timeouts=Timeouts(total=10.0),
        )
        self._sleep = sleep
        self._clock = clock

    def _json(self, method: str, route: str, params: dict[str, str] | None = None) -> Any:
        try:
            return self._call_json(method, route, params=params)
        except TransportError as exc:
            raise StackError(f"OTLP receiver at {self.base_url}: {exc}", server="otlp") from exc

    def _get(self, path: str, params: dict[str, str] | None = None) -> Any:
        return self._json("GET", path, params)

    def spans(self, *, trace_id: str | None = None, name: str | None = None) -> list[ReceivedSpan]:
        params = {k: v for k, v in {"trace_id": trace_id, "name": name}.items() if v is not None}
        return [ReceivedSpan.from_dict(s) for s in self._get("/api/spans", params)]

    def traces(self) -> list[dict[str, Any]]:
        data = self._get("/api/traces")
        if not isinstance(data, list):
            raise ResponseFormatError("/api/traces did not return a list")
        return data

    def clear(self) -> int:
        data = self._json("DELETE", "/api/spans")
        if not isinstance(data, dict) or not isinstance(data.get("deleted"), int):
            raise ResponseFormatError("DELETE /api/spans did not say how many spans it deleted")
        return int(data["deleted"])

    def wait_for_spans(
        self, count: int = 1, *, trace_id: str | None = None, name: str | None = None, timeout: float = 10.0
    ) -> list[ReceivedSpan]:
        """Poll until at least ``count`` matching spans arrived; a StackError after ``timeout``."""
        deadline = self._clock() + timeout
        while True:
            found = self.spans(trace_id=trace_id, name=name)
            if len(found) >= count:
                return found
            if self._clock() >= deadline:
                raise StackError(
                    f"only {len(found)} of {count} spans arrived within {timeout}s", server="otlp"
                )
            self._sleep(0.1)

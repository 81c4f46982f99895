"""Reading the spans kept by the stack's OTLP receiver."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import httpx

from verifiedfan.errors import ResponseFormatError
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


class OtlpReceiver:
    """A client of the receiver's JSON API (``/api/spans``, ``/api/traces``)."""

    def __init__(
        self,
        *,
        connection: OtlpConnection,
        client: httpx.Client | None = None,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._base = connection.endpoint.rstrip("/")
        self._client = client or httpx.Client(timeout=10)
        self._sleep = sleep
        self._clock = clock

    def close(self) -> None:
        self._client.close()

    def __enter__(self) -> OtlpReceiver:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _get(self, path: str, params: dict[str, str] | None = None) -> Any:
        try:
            resp = self._client.get(f"{self._base}{path}", params=params)
            resp.raise_for_status()
            return resp.json()
        except httpx.HTTPError as exc:
            raise StackError(f"OTLP receiver at {self._base}: {exc}", server="otlp") from exc

    def spans(self, *, trace_id: str | None = None, name: str | None = None) -> list[ReceivedSpan]:
        params = {k: v for k, v in {"trace_id": trace_id, "name": name}.items() if v is not None}
        return [ReceivedSpan.from_dict(s) for s in self._get("/api/spans", params)]

    def traces(self) -> list[dict[str, Any]]:
        data = self._get("/api/traces")
        if not isinstance(data, list):
            raise ResponseFormatError("/api/traces did not return a list")
        return data

    def clear(self) -> int:
        try:
            resp = self._client.delete(f"{self._base}/api/spans")
            resp.raise_for_status()
            return int(resp.json()["deleted"])
        except httpx.HTTPError as exc:
            raise StackError(f"OTLP receiver at {self._base}: {exc}", server="otlp") from exc

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

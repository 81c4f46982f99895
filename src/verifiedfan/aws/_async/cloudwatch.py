"""``CloudWatch``: metrics sent to the CloudWatch API (use case 6 steps 5-6)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

from verifiedfan.aws._async.clients import AwsClients, AwsService
from verifiedfan.aws._cw_core import chunk_data, datum_from, metric
from verifiedfan.aws._errors import AwsValidationError
from verifiedfan.aws._s3_core import translating
from verifiedfan.metrics import Metric, Unit

if TYPE_CHECKING:
    from verifiedfan.aws._settings import AwsSettings

__all__ = ["CloudWatch"]


class CloudWatch(AwsService):
    """``PutMetricData`` chunked to the API's limits (1,000 metrics and 1 MB a call, since 2023).

    Every datum is checked before the first call: NaN, infinity, values beyond ±2^360, more than 30
    dimensions raise :class:`AwsValidationError` and nothing is sent.
    """

    def __init__(self, *, clients: AwsClients | None = None, settings: AwsSettings | None = None) -> None:
        super().__init__(clients=clients, settings=settings)

    @classmethod
    def from_settings(cls, settings: AwsSettings) -> CloudWatch:
        """A ``CloudWatch`` with its own clients built from ``settings``."""
        return cls(settings=settings)

    async def put_metric_data(self, namespace: str, metrics: Iterable[Metric | Mapping[str, Any]]) -> int:
        """Send ``metrics`` (:class:`Metric` objects or botocore datum mappings) under ``namespace``;
        the number of calls made."""
        if not isinstance(namespace, str) or not namespace.strip():
            raise AwsValidationError("namespace must be a non-empty string")
        data = [datum_from(entry, index) for index, entry in enumerate(metrics)]
        chunks = list(chunk_data(data))
        client: Any = (
            await self._clients.cloudwatch()
        )  # data checked above; the stubs' TypedDicts add nothing
        for chunk in chunks:
            with translating("cloudwatch", "PutMetricData"):
                await client.put_metric_data(Namespace=namespace, MetricData=chunk)
        return len(chunks)

    async def put_metrics(
        self,
        namespace: str,
        metric_name: str,
        value: float,
        dimensions: Mapping[str, object] | None = None,
        *,
        unit: Unit | str = Unit.NONE,
    ) -> None:
        """One metric, the original's ``putMetrics({namespace, metricName, value, dimensions})``."""
        await self.put_metric_data(namespace, [metric(namespace, metric_name, value, dimensions, str(unit))])

    async def send(self, metrics: Iterable[Metric]) -> int:
        """Send :class:`Metric` objects, grouped by their namespace; the number of calls made."""
        by_namespace: dict[str, list[Metric]] = {}
        for entry in metrics:
            by_namespace.setdefault(entry.namespace, []).append(entry)
        calls = 0
        for namespace, group in by_namespace.items():
            calls += await self.put_metric_data(namespace, group)
        return calls

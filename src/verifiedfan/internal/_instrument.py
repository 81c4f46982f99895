"""``instrument``: tracing and timing around any client, in one call (``InstrumentServices``)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, TypeVar

from verifiedfan.errors import ConfigurationError
from verifiedfan.metrics._model import MetricSink
from verifiedfan.metrics._timed import timed_client

__all__ = ["instrument"]

T = TypeVar("T")


def instrument(
    client: T,
    methods: Iterable[str],
    *,
    namespace: str,
    service_name: str | None = None,
    metric_name: str | None = None,
    sink: MetricSink | None = None,
    trace: bool = True,
    attributes: Mapping[str, Any] | None = None,
) -> T:
    """``client`` with ``methods`` timed and traced: :func:`~verifiedfan.tracing.traced_client` around
    :func:`~verifiedfan.metrics.timed_client`, as the original's ``TracedSdk(TimedSdk(client))``.

    Each call is one span ``<service>.<method>`` (an error recorded on it) and one duration metric in
    ``namespace`` (``Result=success|error``). ``service_name`` defaults to the client's class name;
    ``trace=False`` times only (no tracing extra needed). Works for sync and async methods alike.
    """
    names = list(dict.fromkeys(methods))
    if not names:
        raise ConfigurationError("instrument: name at least one method")
    service = service_name or type(client).__name__
    timed = timed_client(
        client, names, namespace=namespace, metric_name=metric_name, service_name=service, sink=sink
    )
    if not trace:
        return timed
    from verifiedfan.tracing import traced_client

    return traced_client(timed, names, service_name=service, attributes=attributes)

# Generated from src/verifiedfan/aws/_async/clients.py by scripts/unasync.py: do not edit.
# Change the async source, then run `python scripts/unasync.py`.
"""``SyncAwsClients``: one long-lived client per AWS service, built from :class:`AwsSettings`."""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Mapping
from types import TracebackType
from typing import TYPE_CHECKING, Any, Self

from verifiedfan._optional import require
from verifiedfan._primitives import Flights
from verifiedfan.aws._errors import AwsError, translate
from verifiedfan.aws._instrument import instrument_client
from verifiedfan.aws._settings import AwsSettings
from verifiedfan.errors import NotConnectedError

if TYPE_CHECKING:
    from types_boto3_cloudwatch import CloudWatchClient
    from types_boto3_dynamodb import DynamoDBClient
    from types_boto3_s3 import S3Client
    from types_boto3_secretsmanager import SecretsManagerClient

    from verifiedfan.metrics import MetricSink

__all__ = ["SyncAwsClients"]

logger = logging.getLogger(__name__)


class SyncAwsClients:
    """The client factory every :mod:`verifiedfan.aws` class takes (``clients=``).

    Creates one aiobotocore client (botocore in the sync twin) per service on first use, and closes
    them in :meth:`close`: client creation is slow (1-2 s) and a client per call cannot sustain even
    50 req/s (anchors-2 §1.3). Share one factory across the ``S3``, ``DynamoDB``... objects of a process.

    The one way to inject what was built elsewhere: ``session=`` (an aiobotocore ``AioSession``, or a
    botocore ``Session`` for the twin, used instead of a new one) or ``clients={"s3": client}``
    (prebuilt clients, used as they are and never closed here). ``trace=True`` wraps every call in a
    client span; ``metrics_namespace=`` times it (metric ``aws.call``, dimensions ``Service`` and
    ``Method``) into ``metrics_sink`` (or the default sink).
    """

    def __init__(
        self,
        settings: AwsSettings | None = None,
        *,
        session: Any = None,
        clients: Mapping[str, Any] | None = None,
        trace: bool = False,
        metrics_namespace: str | None = None,
        metrics_sink: MetricSink | None = None,
    ) -> None:
        self.settings = settings or AwsSettings()
        self.settings.credentials()  # half a key pair: a typed error now, not at the first call
        self._session = session
        self._injected: dict[str, Any] = dict(clients or {})
        self._clients: dict[str, Any] = {}
        self._trace = trace
        self._metrics_namespace = metrics_namespace
        self._metrics_sink = metrics_sink
        self._stack = contextlib.ExitStack()
        self._flights = Flights()  # concurrent first uses of a service create one client
        self._closed = False

    @classmethod
    def from_settings(cls, settings: AwsSettings, **kwargs: Any) -> SyncAwsClients:
        """The factory for ``settings`` (keywords as in the constructor)."""
        return cls(settings, **kwargs)

    @property
    def batch_concurrency(self) -> int:
        """How many batch calls the helpers run at once (``AwsSettings.batch_concurrency``)."""
        return self.settings.batch_concurrency

    def _config(self, service: str) -> Any:
        return require("botocore.config", "aws").Config(**self.settings.config_kwargs(service))

    def client(self, service: str) -> Any:
        """The client of ``service`` (``"s3"``, ``"dynamodb"``...), created on first use."""
        if self._closed:
            raise NotConnectedError("SyncAwsClients is closed")
        found = self._clients.get(service)
        if found is not None:
            return found
        return self._flights.run(service, lambda: self._create(service))

    def _create(self, service: str) -> Any:
        raw = self._injected.get(service)
        if raw is None:
            if self._session is None:
                self._session = require("botocore.session", "aws").get_session()
            try:
                created = self._session.create_client(
                    service, config=self._config(service), **self.settings.client_kwargs()
                )
                raw = created
                self._stack.callback(created.close)
            except AwsError:
                raise
            except Exception as exc:
                raise translate(exc, service=service, operation="create_client") from exc
            logger.debug("created the %s client", service)
        found = self._clients[service] = instrument_client(
            raw,
            service,
            trace=self._trace,
            metrics_namespace=self._metrics_namespace,
            metrics_sink=self._metrics_sink,
        )
        return found

    def s3(self) -> S3Client:
        """The S3 client."""
        client: S3Client = self.client("s3")
        return client

    def dynamodb(self) -> DynamoDBClient:
        """The DynamoDB client."""
        client: DynamoDBClient = self.client("dynamodb")
        return client

    def secretsmanager(self) -> SecretsManagerClient:
        """The Secrets Manager client."""
        client: SecretsManagerClient = self.client("secretsmanager")
        return client

    def cloudwatch(self) -> CloudWatchClient:
        """The CloudWatch client."""
        client: CloudWatchClient = self.client("cloudwatch")
        return client

    def close(self) -> None:
        """Close the clients created here (injected ones are left to their owner). Idempotent."""
        if self._closed:
            return
        self._closed = True
        self._clients.clear()
        self._stack.close()

    def __enter__(self) -> SyncAwsClients:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


class SyncAwsService:
    """The base of the service classes (``S3``, ``DynamoDB``...): they take ``clients=`` (shared, left
    open by :meth:`close`) or ``settings=`` (a factory of their own, closed by :meth:`close`)."""

    def __init__(self, *, clients: SyncAwsClients | None = None, settings: AwsSettings | None = None) -> None:
        self._owned = clients is None
        self._clients = clients if clients is not None else SyncAwsClients(settings)

    def close(self) -> None:
        """Close the clients, when this object created them."""
        if self._owned:
            self._clients.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

# Generated from src/verifiedfan/aws/_async/athena.py by scripts/unasync.py: do not edit.
# Change the async source, then run `python scripts/unasync.py`.
"""``Athena``: start a query, wait for it with backoff under a deadline, page its typed rows; cancel it."""

from __future__ import annotations

import contextlib
import logging
import time
from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING, Any

from verifiedfan.aws._athena_core import (
    ATHENA_MAX_PAGE,
    AthenaColumn,
    AthenaQueryCancelledError,
    AthenaQueryError,
    AthenaResult,
    QueryExecution,
    check_query,
    column_of,
    convert,
    execution_of,
    parameters_of,
    row_values,
)
from verifiedfan.aws._errors import AwsError, AwsTimeoutError, AwsValidationError, translate
from verifiedfan.aws._sync.clients import SyncAwsClients, SyncAwsService

if TYPE_CHECKING:
    from verifiedfan.aws._settings import AwsSettings

__all__ = ["SyncAthena"]

logger = logging.getLogger(__name__)


class SyncAthena(SyncAwsService):
    """Athena queries (the original's ``kickOffQuery`` and ``athenaUtils``), on aiobotocore.

    ``database``, ``output_location`` (``s3://bucket/prefix/``), ``workgroup`` and ``catalog`` are the
    defaults of every query; each call may override them. Parameters are bound by SyncAthena
    (``ExecutionParameters`` for the ``?`` placeholders), never formatted into the SQL.
    """

    def __init__(
        self,
        *,
        database: str | None = None,
        output_location: str | None = None,
        workgroup: str | None = None,
        catalog: str | None = None,
        poll_initial: float = 0.1,
        poll_max: float = 2.0,
        clients: SyncAwsClients | None = None,
        settings: AwsSettings | None = None,
    ) -> None:
        super().__init__(clients=clients, settings=settings)
        if output_location is not None and not output_location.startswith("s3://"):
            raise AwsValidationError(f"output_location must be an s3:// URL, got {output_location!r}")
        if not 0 < poll_initial <= poll_max:
            raise AwsValidationError("need 0 < poll_initial <= poll_max")
        self.database = database
        self.output_location = output_location
        self.workgroup = workgroup
        self.catalog = catalog
        self.poll_initial = poll_initial
        self.poll_max = poll_max

    @classmethod
    def from_settings(cls, settings: AwsSettings, **kwargs: Any) -> SyncAthena:
        """An ``Athena`` with its own clients built from ``settings``."""
        return cls(settings=settings, **kwargs)

    def _athena(self) -> Any:
        return self._clients.client("athena")

    def _call(self, operation: str, method: str, **kwargs: Any) -> Any:
        client = self._athena()
        try:
            return getattr(client, method)(**kwargs)
        except AwsError:
            raise
        except Exception as exc:
            raise translate(exc, service="athena", operation=operation) from exc

    def start_query(
        self,
        sql: str,
        parameters: Sequence[Any] | None = None,
        *,
        database: str | None = None,
        output_location: str | None = None,
        workgroup: str | None = None,
        client_request_token: str | None = None,
    ) -> str:
        """Start ``sql`` and return its execution id (the original's ``kickOffQuery``).

        ``client_request_token`` (32-128 characters) makes the start idempotent: the same token
        returns the same execution instead of running the query twice.
        """
        check_query(sql)
        bound = parameters_of(parameters)
        if client_request_token is not None and not 32 <= len(client_request_token) <= 128:
            raise AwsValidationError("client_request_token must be 32 to 128 characters", service="athena")
        kwargs: dict[str, Any] = {"QueryString": sql}
        context = {
            key: value
            for key, value in (("Database", database or self.database), ("Catalog", self.catalog))
            if value
        }
        if context:
            kwargs["QueryExecutionContext"] = context
        location = output_location or self.output_location
        if location:
            kwargs["ResultConfiguration"] = {"OutputLocation": location}
        if workgroup or self.workgroup:
            kwargs["WorkGroup"] = workgroup or self.workgroup
        if bound is not None:
            kwargs["ExecutionParameters"] = bound
        if client_request_token is not None:
            kwargs["ClientRequestToken"] = client_request_token
        answer = self._call("StartQueryExecution", "start_query_execution", **kwargs)
        execution_id: str = answer["QueryExecutionId"]
        logger.debug("started Athena query %s", execution_id)
        return execution_id

    def get_execution(self, execution_id: str) -> QueryExecution:
        """The execution's state, reason, output location and statistics."""
        answer = self._call("GetQueryExecution", "get_query_execution", QueryExecutionId=execution_id)
        return execution_of(answer["QueryExecution"])

    def wait(
        self, execution_id: str, *, max_wait: float = 300.0, cancel_on_timeout: bool = True
    ) -> QueryExecution:
        """Poll until the query ends, backing off from ``poll_initial`` to ``poll_max`` seconds.

        ``SUCCEEDED`` returns the execution; ``FAILED`` raises :class:`AthenaQueryError` and
        ``CANCELLED`` :class:`AthenaQueryCancelledError`. After ``max_wait`` seconds the query is
        cancelled (unless ``cancel_on_timeout=False``) and :class:`AwsTimeoutError` is raised.
        """
        deadline = time.monotonic() + max_wait
        interval = self.poll_initial
        while True:
            found = self.get_execution(execution_id)
            if found.state == "SUCCEEDED":
                return found
            if found.state in ("FAILED", "CANCELLED"):
                cls = AthenaQueryCancelledError if found.state == "CANCELLED" else AthenaQueryError
                raise cls(
                    f"Athena query {execution_id} {found.state}: {found.reason or 'no reason given'}",
                    execution=found,
                    code=found.state,
                    service="athena",
                    operation="GetQueryExecution",
                )
            left = deadline - time.monotonic()
            if left <= 0:
                if cancel_on_timeout:
                    with contextlib.suppress(AwsError):
                        self.cancel(execution_id)
                raise AwsTimeoutError(
                    f"Athena query {execution_id} still {found.state} after {max_wait:g}s"
                    + (" (cancelled)" if cancel_on_timeout else ""),
                    service="athena",
                    operation="GetQueryExecution",
                )
            time.sleep(min(interval, left))
            interval = min(interval * 2, self.poll_max)

    def iter_pages(
        self, execution_id: str, *, page_size: int = ATHENA_MAX_PAGE
    ) -> Iterator[tuple[list[AthenaColumn], list[dict[str, Any]]]]:
        """The results of a finished query, one ``GetQueryResults`` page at a time, as typed dicts.

        The header row Athena puts first in a ``SELECT``'s results is dropped.
        """
        _check_page_size(page_size)
        token: str | None = None
        first = True
        while True:
            kwargs: dict[str, Any] = {"QueryExecutionId": execution_id, "MaxResults": page_size}
            if token:
                kwargs["NextToken"] = token
            answer = self._call("GetQueryResults", "get_query_results", **kwargs)
            result_set = answer.get("ResultSet", {})
            columns = [column_of(c) for c in result_set.get("ResultSetMetadata", {}).get("ColumnInfo", [])]
            raw_rows = [row_values(r) for r in result_set.get("Rows", [])]
            if first and raw_rows and columns and raw_rows[0] == [c.name for c in columns]:
                raw_rows = raw_rows[1:]
            first = False
            yield (
                columns,
                [
                    {c.name: convert(v, c) for c, v in zip(columns, values, strict=False)}
                    for values in raw_rows
                ],
            )
            token = answer.get("NextToken")
            if not token:
                return

    def iter_rows(self, execution_id: str, *, page_size: int = ATHENA_MAX_PAGE) -> Iterator[dict[str, Any]]:
        """Every typed row of a finished query, page after page."""
        for _, rows in self.iter_pages(execution_id, page_size=page_size):
            for row in rows:
                yield row

    def query(
        self,
        sql: str,
        parameters: Sequence[Any] | None = None,
        *,
        database: str | None = None,
        output_location: str | None = None,
        workgroup: str | None = None,
        max_wait: float = 300.0,
        page_size: int = ATHENA_MAX_PAGE,
    ) -> AthenaResult:
        """Start ``sql``, wait for it (see :meth:`wait`), and read every row into typed dicts."""
        _check_page_size(page_size)
        execution_id = self.start_query(
            sql, parameters, database=database, output_location=output_location, workgroup=workgroup
        )
        execution = self.wait(execution_id, max_wait=max_wait)
        columns: list[AthenaColumn] = []
        rows: list[dict[str, Any]] = []
        for page_columns, page_rows in self.iter_pages(execution_id, page_size=page_size):
            columns = columns or page_columns
            rows.extend(page_rows)
        return AthenaResult(execution=execution, columns=columns, rows=rows)

    def cancel(self, execution_id: str) -> None:
        """Stop a running query (``StopQueryExecution``); a finished one is left as it is."""
        self._call("StopQueryExecution", "stop_query_execution", QueryExecutionId=execution_id)


def _check_page_size(page_size: int) -> None:
    if not 1 <= page_size <= ATHENA_MAX_PAGE:
        raise AwsValidationError(f"page_size must be 1 to {ATHENA_MAX_PAGE}", service="athena")

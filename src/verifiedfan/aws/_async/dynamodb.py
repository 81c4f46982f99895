"""``DynamoDB``: one table on the document layer (successor of ``@verifiedfan/aws`` DynamoDB)."""

from __future__ import annotations

import logging
import random
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable, Mapping
from typing import TYPE_CHECKING, Any

from verifiedfan._primitives import async_sleep
from verifiedfan.aws._async.clients import AwsClients, AwsService
from verifiedfan.aws._concurrency import async_map_bounded
from verifiedfan.aws._ddb_codec import deserialize_item, serialize_item
from verifiedfan.aws._ddb_core import (
    BatchWriteResult,
    QueryPage,
    ReturnValues,
    Update,
    UpdateFailure,
    backoff,
    check_budget,
    check_expression,
    check_table,
    expression_args,
    key_id,
    query_page,
    read_args,
    returned,
)
from verifiedfan.aws._errors import AwsBatchError, AwsError, AwsThrottledError, AwsValidationError
from verifiedfan.aws._limits import DYNAMODB_READ, DYNAMODB_WRITE
from verifiedfan.aws._s3_core import translating

if TYPE_CHECKING:
    from verifiedfan.aws._settings import AwsSettings

__all__ = ["DynamoDB"]

logger = logging.getLogger(__name__)


class DynamoDB(AwsService):
    """One table, in plain Python values: numbers come back as ``int`` or ``Decimal``, never a float.

    Items, keys and expression values are converted (and checked: a NaN, an empty set, an unknown
    type) before any I/O. Batch helpers send ``DYNAMODB_WRITE`` (25) / ``DYNAMODB_READ`` (100)
    entries a call, ``concurrency`` calls at once (default ``AwsSettings.batch_concurrency``), and
    resend what DynamoDB leaves unprocessed with full-jitter backoff (``backoff_base`` doubling up
    to ``backoff_cap``) for at most ``max_attempts`` calls per chunk; what is still unprocessed
    then is raised in an :class:`AwsBatchError`, everything else having been written.
    """

    def __init__(
        self,
        table_name: str,
        *,
        clients: AwsClients | None = None,
        settings: AwsSettings | None = None,
        concurrency: int | None = None,
        max_attempts: int = 8,
        backoff_base: float = 0.05,
        backoff_cap: float = 20.0,
        sleep: Callable[[float], Awaitable[object]] = async_sleep,
        rand: Callable[[], float] = random.random,
    ) -> None:
        self.table_name = check_table(table_name)
        super().__init__(clients=clients, settings=settings)
        self._concurrency = concurrency or self._clients.batch_concurrency
        check_budget(max_attempts, backoff_base, backoff_cap)
        self._max_attempts = max_attempts
        self._base = backoff_base
        self._cap = backoff_cap
        self._sleep = sleep
        self._rand = rand

    @classmethod
    def from_settings(cls, table_name: str, settings: AwsSettings, **kwargs: Any) -> DynamoDB:
        """A ``DynamoDB`` with its own clients built from ``settings``."""
        return cls(table_name, settings=settings, **kwargs)

    async def _db(self) -> Any:
        return await self._clients.dynamodb()

    async def get(
        self,
        key: Mapping[str, Any],
        *,
        consistent_read: bool = False,
        projection_expression: str | None = None,
    ) -> dict[str, Any] | None:
        """The item with ``key``, or ``None``."""
        args: dict[str, Any] = {"TableName": self.table_name, "Key": serialize_item(key, "key")}
        if consistent_read:
            args["ConsistentRead"] = True
        if projection_expression is not None:
            args["ProjectionExpression"] = check_expression(projection_expression, "projection_expression")
        db = await self._db()
        with translating("dynamodb", "GetItem"):
            answer = await db.get_item(**args)
        item = answer.get("Item")
        return deserialize_item(item) if item else None

    async def put(
        self,
        item: Mapping[str, Any],
        *,
        condition_expression: str | None = None,
        expression_attribute_names: Mapping[str, str] | None = None,
        expression_attribute_values: Mapping[str, Any] | None = None,
    ) -> None:
        """Write ``item``; a false ``condition_expression`` raises :class:`ConditionalCheckFailedError`."""
        args = {
            "TableName": self.table_name,
            "Item": serialize_item(item),
            **expression_args(
                condition_expression=condition_expression,
                expression_attribute_names=expression_attribute_names,
                expression_attribute_values=expression_attribute_values,
            ),
        }
        db = await self._db()
        with translating("dynamodb", "PutItem"):
            await db.put_item(**args)

    async def update(
        self,
        key: Mapping[str, Any],
        *,
        update_expression: str,
        expression_attribute_values: Mapping[str, Any] | None = None,
        expression_attribute_names: Mapping[str, str] | None = None,
        condition_expression: str | None = None,
        return_values: ReturnValues = "NONE",
    ) -> dict[str, Any] | None:
        """Apply ``update_expression`` to the item with ``key``; the attributes ``return_values`` asks for."""
        args = {
            "TableName": self.table_name,
            "Key": serialize_item(key, "key"),
            "UpdateExpression": check_expression(update_expression, "update_expression"),
            "ReturnValues": return_values,
            **expression_args(
                condition_expression=condition_expression,
                expression_attribute_names=expression_attribute_names,
                expression_attribute_values=expression_attribute_values,
            ),
        }
        db = await self._db()
        with translating("dynamodb", "UpdateItem"):
            answer = await db.update_item(**args)
        return returned(answer)

    async def update_many(self, updates: Iterable[Update]) -> list[UpdateFailure]:
        """Run every update (``concurrency`` at once); the failed ones, each with its typed error.

        Every update is checked before the first is sent."""
        todo = list(updates)
        for number, update in enumerate(todo):
            if not isinstance(update, Update):
                raise AwsValidationError(f"updates[{number}] is {type(update).__name__}, not Update")
            serialize_item(update.key, f"updates[{number}].key")
            expression_args(expression_attribute_values=update.expression_attribute_values)

        async def one(update: Update) -> UpdateFailure | None:
            try:
                await self.update(
                    update.key,
                    update_expression=update.update_expression,
                    expression_attribute_values=update.expression_attribute_values,
                    expression_attribute_names=update.expression_attribute_names,
                    condition_expression=update.condition_expression,
                )
            except AwsError as exc:
                return UpdateFailure(update=update, error=exc)
            return None

        results = await async_map_bounded(one, todo, self._concurrency)
        return [failure for failure in results if failure is not None]

    async def delete(
        self,
        key: Mapping[str, Any],
        *,
        condition_expression: str | None = None,
        expression_attribute_names: Mapping[str, str] | None = None,
        expression_attribute_values: Mapping[str, Any] | None = None,
        return_values: ReturnValues = "NONE",
    ) -> dict[str, Any] | None:
        """Delete the item with ``key``; with ``return_values="ALL_OLD"``, what it held."""
        args = {
            "TableName": self.table_name,
            "Key": serialize_item(key, "key"),
            "ReturnValues": return_values,
            **expression_args(
                condition_expression=condition_expression,
                expression_attribute_names=expression_attribute_names,
                expression_attribute_values=expression_attribute_values,
            ),
        }
        db = await self._db()
        with translating("dynamodb", "DeleteItem"):
            answer = await db.delete_item(**args)
        return returned(answer)

    async def query(
        self,
        key_condition_expression: str,
        *,
        expression_attribute_values: Mapping[str, Any] | None = None,
        expression_attribute_names: Mapping[str, str] | None = None,
        filter_expression: str | None = None,
        projection_expression: str | None = None,
        index_name: str | None = None,
        limit: int | None = None,
        select: str | None = None,
        start_key: Mapping[str, Any] | None = None,
        scan_index_forward: bool = True,
        consistent_read: bool = False,
    ) -> QueryPage:
        """One page of a query; ``QueryPage.last_evaluated_key`` is the next page's ``start_key``."""
        args = read_args(
            key_condition_expression=key_condition_expression,
            filter_expression=filter_expression,
            projection_expression=projection_expression,
            expression_attribute_names=expression_attribute_names,
            expression_attribute_values=expression_attribute_values,
            index_name=index_name,
            limit=limit,
            select=select,
            start_key=start_key,
            consistent_read=consistent_read,
        )
        if not scan_index_forward:
            args["ScanIndexForward"] = False
        db = await self._db()
        with translating("dynamodb", "Query"):
            answer = await db.query(TableName=self.table_name, **args)
        return query_page(answer)

    async def aiter_query(
        self, key_condition_expression: str, **kwargs: Any
    ) -> AsyncIterator[dict[str, Any]]:
        """Every item of a query, page after page (keywords as in :meth:`query`; ``limit``: page size)."""
        start = kwargs.pop("start_key", None)
        while True:
            page = await self.query(key_condition_expression, start_key=start, **kwargs)
            for item in page.items:
                yield item
            start = page.last_evaluated_key
            if start is None:
                return

    async def aiter_scan(
        self,
        *,
        index_name: str | None = None,
        filter_expression: str | None = None,
        projection_expression: str | None = None,
        expression_attribute_names: Mapping[str, str] | None = None,
        expression_attribute_values: Mapping[str, Any] | None = None,
        page_size: int | None = None,
        consistent_read: bool = False,
    ) -> AsyncIterator[dict[str, Any]]:
        """Every item of the table (or of ``index_name``), page after page until exhausted."""
        args = read_args(
            key_condition_expression=None,
            filter_expression=filter_expression,
            projection_expression=projection_expression,
            expression_attribute_names=expression_attribute_names,
            expression_attribute_values=expression_attribute_values,
            index_name=index_name,
            limit=page_size,
            select=None,
            start_key=None,
            consistent_read=consistent_read,
        )
        db = await self._db()
        while True:
            with translating("dynamodb", "Scan"):
                answer = await db.scan(TableName=self.table_name, **args)
            page = query_page(answer)
            for item in page.items:
                yield item
            last = answer.get("LastEvaluatedKey")
            if not last:
                return
            args["ExclusiveStartKey"] = last

    async def full_index_scan(self, index_name: str, **kwargs: Any) -> list[dict[str, Any]]:
        """Every item of ``index_name``, all pages (keywords as in :meth:`aiter_scan`)."""
        return [item async for item in self.aiter_scan(index_name=index_name, **kwargs)]

    async def get_many(
        self, keys: Iterable[Mapping[str, Any]], *, consistent_read: bool = False
    ) -> list[dict[str, Any]]:
        """The items with ``keys``, in the order of ``keys`` (missing ones left out, duplicates read once).

        100 keys a call, calls ``concurrency`` at once, ``UnprocessedKeys`` resent with backoff;
        keys still unprocessed after ``max_attempts`` raise :class:`AwsBatchError`."""
        serialized = [serialize_item(key, f"keys[{i}]") for i, key in enumerate(keys)]
        if not serialized:
            return []
        names = tuple(sorted(serialized[0]))
        unique: dict[Any, dict[str, Any]] = {}
        for key in serialized:
            unique.setdefault(key_id(key, names), key)
        distinct = list(unique.values())
        chunks = [distinct[i : i + DYNAMODB_READ] for i in range(0, len(distinct), DYNAMODB_READ)]

        async def read(chunk: list[dict[str, Any]]) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
            found: list[dict[str, Any]] = []
            pending = chunk
            for attempt in range(self._max_attempts):
                if attempt:
                    await self._sleep(backoff(attempt - 1, base=self._base, cap=self._cap, rand=self._rand))
                request: dict[str, Any] = {"Keys": pending}
                if consistent_read:
                    request["ConsistentRead"] = True
                answer = await self._batch("batch_get_item", "BatchGetItem", {self.table_name: request})
                if answer is None:
                    continue
                found.extend(answer.get("Responses", {}).get(self.table_name, []))
                pending = answer.get("UnprocessedKeys", {}).get(self.table_name, {}).get("Keys", [])
                if not pending:
                    return found, []
            return found, pending

        results = await async_map_bounded(read, chunks, self._concurrency)
        left = [key for _, rest in results for key in rest]
        if left:
            raise AwsBatchError(
                f"dynamodb.BatchGetItem: {len(left)} of {len(unique)} keys unread "
                f"after {self._max_attempts} calls",
                unprocessed=[deserialize_item(key) for key in left],
                service="dynamodb",
                operation="BatchGetItem",
            )
        by_id = {key_id(item, names): item for found, _ in results for item in found}
        out = []
        for key_ref in unique:
            item = by_id.get(key_ref)
            if item is not None:
                out.append(deserialize_item(item))
        return out

    async def _batch(
        self, method: str, operation: str, request_items: dict[str, Any]
    ) -> dict[str, Any] | None:
        """One batch call; ``None`` when it was throttled as a whole (the caller resends all of it)."""
        db = await self._db()
        try:
            with translating("dynamodb", operation):
                answer: dict[str, Any] = await getattr(db, method)(RequestItems=request_items)
        except AwsThrottledError:
            logger.info("dynamodb.%s throttled as a whole; resending after a backoff", operation)
            return None
        return answer

    async def _write(self, requests: list[dict[str, Any]], kind: str) -> BatchWriteResult:
        chunks = [requests[i : i + DYNAMODB_WRITE] for i in range(0, len(requests), DYNAMODB_WRITE)]

        async def write(chunk: list[dict[str, Any]]) -> tuple[int, int, list[dict[str, Any]]]:
            pending = chunk
            calls = resent = 0
            for attempt in range(self._max_attempts):
                if attempt:
                    resent += len(pending)
                    await self._sleep(backoff(attempt - 1, base=self._base, cap=self._cap, rand=self._rand))
                calls += 1
                answer = await self._batch("batch_write_item", "BatchWriteItem", {self.table_name: pending})
                if answer is None:
                    continue
                pending = answer.get("UnprocessedItems", {}).get(self.table_name, [])
                if not pending:
                    return calls, resent, []
            return calls, resent, pending

        results = await async_map_bounded(write, chunks, self._concurrency)
        left = [entry for _, _, rest in results for entry in rest]
        calls = sum(c for c, _, _ in results)
        resent = sum(r for _, r, _ in results)
        if left:
            field = "Item" if kind == "PutRequest" else "Key"
            raise AwsBatchError(
                f"dynamodb.BatchWriteItem: {len(left)} of {len(requests)} entries not written "
                f"after {self._max_attempts} calls",
                unprocessed=[deserialize_item(entry[kind][field]) for entry in left],
                service="dynamodb",
                operation="BatchWriteItem",
            )
        return BatchWriteResult(written=len(requests), calls=calls, resent=resent)

    async def put_many(self, items: Iterable[Mapping[str, Any]]) -> BatchWriteResult:
        """Write every item (25 a call, ``concurrency`` calls at once, unprocessed ones resent).

        Every item is converted before the first call. Two items with the same key in one call are
        refused by DynamoDB (``AwsValidationError``): deduplicate first."""
        requests = [
            {"PutRequest": {"Item": serialize_item(item, f"items[{i}]")}} for i, item in enumerate(items)
        ]
        return await self._write(requests, "PutRequest")

    async def delete_many(self, keys: Iterable[Mapping[str, Any]]) -> BatchWriteResult:
        """Delete the items with ``keys`` (as :meth:`put_many`)."""
        requests = [
            {"DeleteRequest": {"Key": serialize_item(key, f"keys[{i}]")}} for i, key in enumerate(keys)
        ]
        return await self._write(requests, "DeleteRequest")

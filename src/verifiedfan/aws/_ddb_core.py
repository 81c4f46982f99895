"""What DynamoDB and SyncDynamoDB share: typed results, request building, backoff, key matching."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from verifiedfan.aws._ddb_codec import deserialize_item, serialize_item, serialize_values
from verifiedfan.aws._errors import AwsError, AwsValidationError

__all__ = ["BatchWriteResult", "QueryPage", "ReturnValues", "Update", "UpdateFailure"]

ReturnValues = Literal["NONE", "ALL_OLD", "UPDATED_OLD", "ALL_NEW", "UPDATED_NEW"]


@dataclass(frozen=True, slots=True)
class QueryPage:
    """One page of a query or scan; pass ``last_evaluated_key`` back as ``start_key``."""

    items: list[dict[str, Any]]
    last_evaluated_key: dict[str, Any] | None


@dataclass(frozen=True, slots=True)
class BatchWriteResult:
    """``put_many``/``delete_many``: how many entries were written, in how many calls, and how many
    of them had to be resent because DynamoDB left them unprocessed."""

    written: int
    calls: int
    resent: int


@dataclass(frozen=True, slots=True)
class Update:
    """One update of ``update_many`` (the arguments of :meth:`DynamoDB.update`)."""

    key: Mapping[str, Any]
    update_expression: str
    expression_attribute_values: Mapping[str, Any] | None = None
    expression_attribute_names: Mapping[str, str] | None = None
    condition_expression: str | None = None


@dataclass(frozen=True, slots=True)
class UpdateFailure:
    """An update of ``update_many`` that failed, with the typed error it raised (not a string)."""

    update: Update
    error: AwsError = field(compare=False)


def check_table(name: object) -> str:
    if not isinstance(name, str) or not 3 <= len(name) <= 255:
        raise AwsValidationError(f"DynamoDB table name must be 3-255 characters, got {name!r}")
    return name


def check_expression(value: object, what: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise AwsValidationError(f"{what} must be a non-empty string")
    return value


def expression_args(
    *,
    condition_expression: str | None = None,
    expression_attribute_names: Mapping[str, str] | None = None,
    expression_attribute_values: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """The ``ConditionExpression``/``ExpressionAttributeNames``/``...Values`` keywords, serialized."""
    out: dict[str, Any] = {}
    if condition_expression is not None:
        out["ConditionExpression"] = check_expression(condition_expression, "condition_expression")
    if expression_attribute_names:
        out["ExpressionAttributeNames"] = dict(expression_attribute_names)
    values = serialize_values(expression_attribute_values)
    if values:
        out["ExpressionAttributeValues"] = values
    return out


def read_args(
    *,
    key_condition_expression: str | None,
    filter_expression: str | None,
    projection_expression: str | None,
    expression_attribute_names: Mapping[str, str] | None,
    expression_attribute_values: Mapping[str, Any] | None,
    index_name: str | None,
    limit: int | None,
    select: str | None,
    start_key: Mapping[str, Any] | None,
    consistent_read: bool,
) -> dict[str, Any]:
    """The keywords of ``Query``/``Scan`` (without ``TableName``)."""
    out = expression_args(
        expression_attribute_names=expression_attribute_names,
        expression_attribute_values=expression_attribute_values,
    )
    if key_condition_expression is not None:
        out["KeyConditionExpression"] = check_expression(key_condition_expression, "key_condition_expression")
    if filter_expression is not None:
        out["FilterExpression"] = check_expression(filter_expression, "filter_expression")
    if projection_expression is not None:
        out["ProjectionExpression"] = check_expression(projection_expression, "projection_expression")
    if index_name is not None:
        out["IndexName"] = index_name
    if limit is not None:
        if isinstance(limit, bool) or not isinstance(limit, int) or limit < 1:
            raise AwsValidationError(f"limit must be a positive integer, got {limit!r}")
        out["Limit"] = limit
    if select is not None:
        out["Select"] = select
    if start_key is not None:
        out["ExclusiveStartKey"] = serialize_item(start_key, "start_key")
    if consistent_read:
        out["ConsistentRead"] = True
    return out


def query_page(answer: Mapping[str, Any]) -> QueryPage:
    last = answer.get("LastEvaluatedKey")
    return QueryPage(
        items=[deserialize_item(item) for item in answer.get("Items", [])],
        last_evaluated_key=deserialize_item(last) if last else None,
    )


def returned(answer: Mapping[str, Any]) -> dict[str, Any] | None:
    attributes = answer.get("Attributes")
    return deserialize_item(attributes) if attributes else None


def key_id(key: Mapping[str, Any], names: tuple[str, ...]) -> tuple[str, ...] | None:
    """A hashable identity of a serialized key (or of an item, by the key's attribute names)."""
    try:
        return tuple(repr(sorted(key[name].items())) for name in names)
    except (KeyError, AttributeError):
        return None


def backoff(attempt: int, *, base: float, cap: float, rand: Callable[[], float]) -> float:
    """Full jitter: a random delay in ``[0, min(cap, base * 2**attempt))`` (AWS's recommended policy)."""
    return float(rand() * min(cap, base * (2.0**attempt)))


def check_budget(max_attempts: int, base: float, cap: float) -> None:
    if max_attempts < 1:
        raise AwsValidationError("max_attempts must be at least 1")
    if base < 0 or cap < 0:
        raise AwsValidationError("backoff base and cap must not be negative")

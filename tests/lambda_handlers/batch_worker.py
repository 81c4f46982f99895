"""A queue/stream worker on ``SyncBatchProcessor``: a record whose payload says ``poison`` fails."""

from typing import Any

from verifiedfan.aws.lambda_events import LambdaRecord, SyncBatchProcessor
from verifiedfan.correlation import current_correlation_id

processor = SyncBatchProcessor()
seen: list[str] = []


def process(record: LambdaRecord) -> Any:
    payload = record.json()  # type: ignore[union-attr]
    if payload.get("poison"):
        raise ValueError(f"poisoned record {payload['n']}")
    seen.append(f"{payload['n']}:{current_correlation_id()}")
    return payload["n"]


def handler(event: Any, context: Any) -> dict[str, Any]:
    answer = processor(event, process)
    answer["processed"] = list(seen)  # extra key for the test; Lambda reads only batchItemFailures
    seen.clear()
    return answer

"""A fault-injecting wrapper for botocore clients (async or sync), in front of a real server.

moto never reports a partial batch failure (``UnprocessedItems`` is always empty, anchors-2 §1.6)
nor throttles, so the retry paths of :mod:`verifiedfan.aws` are tested by putting
:class:`FaultyClient` between the code and moto::

    raw = await clients.dynamodb()
    faulty = FaultyClient(raw)
    faulty.fail("put_item", "ThrottlingException", times=2)           # two throttled calls, then real
    faulty.hold_back("batch_write_item", count=3, times=4)            # 3 items unprocessed, 4 rounds
    table = DynamoDB(name, clients=AwsClients(clients={"dynamodb": faulty}))

Every call is recorded in :attr:`FaultyClient.calls` (operation, keyword arguments).
"""

from __future__ import annotations

import copy
import inspect
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

__all__ = ["FaultyClient"]


@dataclass
class _Rule:
    kind: str  # "fail" | "hold_back" | "rewrite"
    times: int | None
    code: str = ""
    status: int = 400
    message: str = ""
    count: int = 0
    fn: Callable[[dict[str, Any], dict[str, Any]], dict[str, Any]] | None = None


class FaultyClient:
    """Serves every attribute of ``client``; chosen operations fail or lose items as told."""

    def __init__(self, client: Any) -> None:
        self._client = client
        self._rules: dict[str, list[_Rule]] = {}
        self.calls: list[tuple[str, dict[str, Any]]] = []

    def fail(
        self,
        method: str,
        code: str = "ThrottlingException",
        *,
        times: int = 1,
        status: int = 400,
        message: str = "",
    ) -> None:
        """The next ``times`` calls of ``method`` raise botocore's ``ClientError`` with ``code``."""
        self._rules.setdefault(method, []).append(
            _Rule("fail", times, code=code, status=status, message=message or f"injected {code}")
        )

    def hold_back(self, method: str, *, count: int, times: int | None = 1) -> None:
        """The next ``times`` calls of ``batch_write_item``/``batch_get_item`` send all but the last
        ``count`` entries of each table and answer them as ``UnprocessedItems``/``UnprocessedKeys``
        (``times=None``: always)."""
        self._rules.setdefault(method, []).append(_Rule("hold_back", times, count=count))

    def rewrite(
        self,
        method: str,
        fn: Callable[[dict[str, Any], dict[str, Any]], dict[str, Any]],
        *,
        times: int | None = 1,
    ) -> None:
        """The answer of the next ``times`` calls of ``method`` goes through ``fn(kwargs, answer)``."""
        self._rules.setdefault(method, []).append(_Rule("rewrite", times, fn=fn))

    def _rule(self, method: str) -> _Rule | None:
        rules = self._rules.get(method)
        if not rules:
            return None
        rule = rules[0]
        if rule.times is not None:
            rule.times -= 1
            if rule.times <= 0:
                rules.pop(0)
        return rule

    def _before(
        self, method: str, kwargs: dict[str, Any]
    ) -> tuple[_Rule | None, dict[str, Any], dict[str, Any]]:
        self.calls.append((method, copy.deepcopy(kwargs)))
        rule = self._rule(method)
        held: dict[str, Any] = {}
        if rule is not None and rule.kind == "fail":
            import botocore.exceptions

            response: Any = {
                "Error": {"Code": rule.code, "Message": rule.message},
                "ResponseMetadata": {"HTTPStatusCode": rule.status, "RequestId": "injected"},
            }
            raise botocore.exceptions.ClientError(response, _operation_name(method))
        if rule is not None and rule.kind == "hold_back":
            kwargs, held = _hold_back(method, kwargs, rule.count)
        return rule, kwargs, held

    @staticmethod
    def _after(rule: _Rule | None, kwargs: dict[str, Any], answer: Any, held: dict[str, Any]) -> Any:
        if held:
            answer = dict(answer)
            answer.update(held)
        if rule is not None and rule.kind == "rewrite" and rule.fn is not None:
            answer = rule.fn(kwargs, dict(answer))
        return answer

    def __getattr__(self, name: str) -> Any:
        target = getattr(self._client, name)
        if name.startswith("_") or not callable(target) or name in _PASS_THROUGH:
            return target
        if inspect.iscoroutinefunction(target) or hasattr(self._client, "__aenter__"):  # aiobotocore

            async def async_call(**kwargs: Any) -> Any:
                rule, sent, held = self._before(name, kwargs)
                answer = await target(**sent) if _has_work(sent) else {}
                return self._after(rule, sent, answer, held)

            return async_call

        def call(**kwargs: Any) -> Any:
            rule, sent, held = self._before(name, kwargs)
            answer = target(**sent) if _has_work(sent) else {}
            return self._after(rule, sent, answer, held)

        return call


_PASS_THROUGH = frozenset({"close", "get_paginator", "get_waiter", "can_paginate", "exceptions", "meta"})


def _has_work(kwargs: dict[str, Any]) -> bool:
    """False when every entry of a batch was held back: the real call would be invalid."""
    return "RequestItems" not in kwargs or bool(kwargs["RequestItems"])


def _operation_name(method: str) -> str:
    return "".join(part.title() for part in method.split("_"))


def _hold_back(method: str, kwargs: dict[str, Any], count: int) -> tuple[dict[str, Any], dict[str, Any]]:
    sent = copy.deepcopy(kwargs)
    if method == "batch_write_item":
        held: dict[str, Any] = {}
        for table, requests in sent["RequestItems"].items():
            keep = max(len(requests) - count, 0)
            if requests[keep:]:
                held[table] = requests[keep:]
            sent["RequestItems"][table] = requests[:keep]
        sent["RequestItems"] = {t: r for t, r in sent["RequestItems"].items() if r}
        return sent, {"UnprocessedItems": held}
    if method == "batch_get_item":
        held = {}
        for table, request in sent["RequestItems"].items():
            keys = request["Keys"]
            keep = max(len(keys) - count, 0)
            if keys[keep:]:
                held[table] = {**request, "Keys": keys[keep:]}
            request["Keys"] = keys[:keep]
        sent["RequestItems"] = {t: r for t, r in sent["RequestItems"].items() if r["Keys"]}
        return sent, {"UnprocessedKeys": held}
    raise ValueError(f"hold_back supports batch_write_item and batch_get_item, not {method}")

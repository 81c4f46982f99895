"""BDD steps for AWS: S3 buckets, SQS queues and DynamoDB tables of a scenario. PYTEST_DONT_REWRITE

Names are logical, as for topics: ``bucket "reports"`` is ``reports-<run id>`` on the server (a
``.fifo`` queue keeps its suffix: ``jobs.fifo`` is ``jobs-<run id>.fifo``). A resource is created by
its ``... exists`` step and removed in the scenario's teardown, objects and items included, also
after a failure. Its physical name is the variable ``${bucket:reports}``, ``${queue:jobs}`` (the
queue URL) or ``${table:fans}``, for the service under test. Steps::

    Given the bucket "reports" exists
    Given the queue "registrations" exists
    Given the table "fans" exists with key "pk"              (optionally: and sort key "sk")
    When the object "r/1.json" is put in bucket "reports":   (docstring: the content)
    When a message is sent to queue "registrations":         (JSON docstring)
    When an item is put in table "fans":                     (JSON docstring)
    Then the object "r/1.json" exists in bucket "reports" [within N seconds] [with content:]
    Then a message on queue "registrations" matches [within N seconds]:   (JSON or | field | value |)
    Then an item in table "fans" matches [within N seconds]:              (JSON or | field | value |)

Content is compared as JSON when both sides parse, else as text. Messages received are kept (and
left on the queue, invisible for a while), so several steps can look at the same queue. Needs the
``aws`` extra and the stack's AWS emulator (``vf_aws``).
"""

from __future__ import annotations

import json
import re
from decimal import Decimal
from typing import Any

from pytest_bdd import parsers, step, then

from verifiedfan.testing.bdd._errors import BddUsageError
from verifiedfan.testing.bdd._matchers import assert_fields, jsonable, parse_json, render
from verifiedfan.testing.bdd._scenario import BddScenario
from verifiedfan.testing.bdd._steps import STEP_PHRASES, seconds, table_fields

__all__ = ["AWS_STEP_PHRASES", "AwsSide", "aws_side"]

_Q = r'"(?P<{}>[^"]+)"'
_WITHIN = r"(?: within (?P<timeout>\d+(?:\.\d+)?) seconds?)?"
_LOGICAL = re.compile(r"[a-z0-9][a-z0-9.-]{0,30}")

AWS_STEP_PHRASES = [
    rf"the bucket {_Q.format('bucket')} exists",
    rf"the queue {_Q.format('queue')} exists",
    rf'the table {_Q.format("table")} exists with key "(?P<key>[A-Za-z0-9_]+)"'
    r'(?: and sort key "(?P<sort_key>[A-Za-z0-9_]+)")?',
    rf"the object {_Q.format('key')} is put in bucket {_Q.format('bucket')}:?",
    rf"a message is sent to queue {_Q.format('queue')}:?",
    rf"an item is put in table {_Q.format('table')}:?",
    rf"the object {_Q.format('key')} exists in bucket {_Q.format('bucket')}{_WITHIN}"
    r"(?P<with_content> with content)?:?",
    rf"a message on queue {_Q.format('queue')} matches{_WITHIN}:?",
    rf"an item in table {_Q.format('table')} matches{_WITHIN}:?",
]
STEP_PHRASES.extend(AWS_STEP_PHRASES)


def _check(kind: str, logical: str) -> str:
    base = logical.removesuffix(".fifo")
    if not _LOGICAL.fullmatch(base):
        raise BddUsageError(f"{kind} name {logical!r}: lower-case letters, digits, '.', '-', at most 31")
    return base


class AwsSide:
    """The AWS resources of one scenario, on the stack's emulator; removed by :meth:`aclose`."""

    def __init__(self, scenario: BddScenario) -> None:
        from verifiedfan.aws import AwsClients, AwsSettings

        conn = scenario._resolve("aws")
        self.scenario = scenario
        self.run_id = scenario.run_id
        self.clients = AwsClients(
            AwsSettings(
                endpoint_url=conn.endpoint_url,
                region=conn.region,
                access_key_id=conn.access_key_id,
                secret_access_key=conn.secret_access_key,
            )
        )
        self.buckets: dict[str, str] = {}
        self.queues: dict[str, str] = {}  # logical -> queue URL
        self.tables: dict[str, str] = {}
        self.received: dict[str, list[dict[str, Any]]] = {}

    # -- names ----------------------------------------------------------------------------------

    def bucket(self, logical: str) -> str:
        return f"{_check('bucket', logical)}-{self.run_id}"[:63]

    def queue_name(self, logical: str) -> str:
        name = f"{_check('queue', logical)}-{self.run_id}"
        return name + ".fifo" if logical.endswith(".fifo") else name

    def table(self, logical: str) -> str:
        return f"{_check('table', logical)}-{self.run_id}"

    def _known(self, kind: str, found: dict[str, str], logical: str) -> str:
        if logical not in found:
            raise BddUsageError(
                f'{kind} "{logical}" is not one of this scenario\'s: add "the {kind} "{logical}" exists"'
            )
        return found[logical]

    # -- resources ------------------------------------------------------------------------------

    async def create_bucket(self, logical: str) -> str:
        s3 = await self.clients.client("s3")
        name = self.bucket(logical)
        await s3.create_bucket(Bucket=name)
        self.buckets[logical] = name
        self.scenario.vars[f"bucket:{logical}"] = name
        return name

    async def create_queue(self, logical: str) -> str:
        sqs = await self.clients.client("sqs")
        name = self.queue_name(logical)
        attributes = (
            {"FifoQueue": "true", "ContentBasedDeduplication": "true"} if name.endswith(".fifo") else {}
        )
        url: str = (await sqs.create_queue(QueueName=name, Attributes=attributes))["QueueUrl"]
        self.queues[logical] = url
        self.received[logical] = []
        self.scenario.vars[f"queue:{logical}"] = url
        return url

    async def create_table(self, logical: str, key: str, sort_key: str | None) -> str:
        ddb = await self.clients.client("dynamodb")
        name = self.table(logical)
        keys = [(key, "HASH")] + ([(sort_key, "RANGE")] if sort_key else [])
        await ddb.create_table(
            TableName=name,
            BillingMode="PAY_PER_REQUEST",
            AttributeDefinitions=[{"AttributeName": k, "AttributeType": "S"} for k, _ in keys],
            KeySchema=[{"AttributeName": k, "KeyType": kind} for k, kind in keys],
        )
        self.tables[logical] = name
        self.scenario.vars[f"table:{logical}"] = name
        return name

    # -- writes ---------------------------------------------------------------------------------

    async def put_object(self, logical: str, key: str, content: str) -> None:
        s3 = await self.clients.client("s3")
        await s3.put_object(
            Bucket=self._known("bucket", self.buckets, logical), Key=key, Body=content.encode()
        )

    async def send_message(self, logical: str, body: Any) -> None:
        sqs = await self.clients.client("sqs")
        url = self._known("queue", self.queues, logical)
        kwargs: dict[str, Any] = {"QueueUrl": url, "MessageBody": json.dumps(body)}
        if url.endswith(".fifo"):
            kwargs["MessageGroupId"] = "bdd"
        await sqs.send_message(**kwargs)

    async def put_item(self, logical: str, item: dict[str, Any]) -> None:
        from verifiedfan.aws import DynamoDB

        await DynamoDB(self._known("table", self.tables, logical), clients=self.clients).put(item)

    # -- probes ---------------------------------------------------------------------------------

    async def get_object(self, logical: str, key: str) -> str:
        s3 = await self.clients.client("s3")
        bucket = self._known("bucket", self.buckets, logical)
        try:
            answer = await s3.get_object(Bucket=bucket, Key=key)
        except Exception as exc:  # noqa: BLE001 - NoSuchKey or any read failure: not there yet
            raise AssertionError(f"no object {key!r} in bucket {bucket} yet ({type(exc).__name__})") from None
        async with answer["Body"] as body:
            data: bytes = await body.read()
        return data.decode("utf-8")

    async def messages(self, logical: str) -> list[dict[str, Any]]:
        """Every message received from the queue so far (a receive is made first)."""
        sqs = await self.clients.client("sqs")
        url = self._known("queue", self.queues, logical)
        answer = await sqs.receive_message(
            QueueUrl=url, MaxNumberOfMessages=10, WaitTimeSeconds=0, VisibilityTimeout=60
        )
        for message in answer.get("Messages", []):
            try:
                body: Any = json.loads(message["Body"])
            except ValueError:
                body = message["Body"]
            self.received[logical].append(body)
        return self.received[logical]

    async def items(self, logical: str) -> list[dict[str, Any]]:
        from verifiedfan.aws import DynamoDB

        table = DynamoDB(self._known("table", self.tables, logical), clients=self.clients)
        return [_plain(item) async for item in table.aiter_scan()]

    # -- teardown -------------------------------------------------------------------------------

    async def aclose(self) -> list[str]:
        """Remove every bucket (with its objects), queue and table; the problems met."""
        problems: list[str] = []
        try:
            if self.buckets:
                s3 = await self.clients.client("s3")
                for name in self.buckets.values():
                    try:
                        listed = await s3.list_objects_v2(Bucket=name)
                        keys = [{"Key": o["Key"]} for o in listed.get("Contents", [])]
                        if keys:
                            await s3.delete_objects(Bucket=name, Delete={"Objects": keys})
                        await s3.delete_bucket(Bucket=name)
                    except Exception as exc:  # noqa: BLE001 - reported, teardown goes on
                        problems.append(f"bucket {name}: {exc}")
            if self.queues:
                sqs = await self.clients.client("sqs")
                for url in self.queues.values():
                    try:
                        await sqs.delete_queue(QueueUrl=url)
                    except Exception as exc:  # noqa: BLE001
                        problems.append(f"queue {url}: {exc}")
            if self.tables:
                ddb = await self.clients.client("dynamodb")
                for name in self.tables.values():
                    try:
                        await ddb.delete_table(TableName=name)
                    except Exception as exc:  # noqa: BLE001
                        problems.append(f"table {name}: {exc}")
        finally:
            await self.clients.aclose()
        return problems


def _plain(value: Any) -> Any:
    """An item as a step compares it: a fractional number (``Decimal``) as a float, sets as lists."""
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, set | frozenset):
        return sorted((_plain(v) for v in value), key=repr)
    return value


def aws_side(vf_bdd: BddScenario) -> AwsSide:
    """The scenario's :class:`AwsSide`, created (and registered for teardown) on first use."""
    side = vf_bdd.extensions.get("aws")
    if side is None:
        side = vf_bdd.extensions["aws"] = AwsSide(vf_bdd)
        vf_bdd.on_close(side.aclose)
    return side


def _content(expected: str, actual: str) -> None:
    try:
        want, got = json.loads(expected), json.loads(actual)
    except ValueError:
        if expected.strip() != actual.strip():
            raise AssertionError(
                f"content differs:\n  expected: {expected!r}\n  actual:   {actual!r}"
            ) from None
        return
    assert_fields(got, want, what="object content")
    if isinstance(want, dict) and isinstance(got, dict) and set(want) != set(got):
        raise AssertionError(f"object content has other fields: {sorted(set(got) - set(want))}")


def _expected(vf_bdd: BddScenario, docstring: str | None, datatable: list[list[str]] | None) -> Any:
    if datatable is not None:
        return table_fields(datatable, vf_bdd.vars)
    if docstring is None:
        raise BddUsageError("this step needs a JSON docstring or a | field | value | table")
    return parse_json(render(docstring, vf_bdd.vars))


@step(parsers.re(AWS_STEP_PHRASES[0]))
def bucket_exists(vf_bdd: BddScenario, bucket: str) -> None:
    vf_bdd.run(aws_side(vf_bdd).create_bucket(bucket))


@step(parsers.re(AWS_STEP_PHRASES[1]))
def queue_exists(vf_bdd: BddScenario, queue: str) -> None:
    vf_bdd.run(aws_side(vf_bdd).create_queue(queue))


@step(parsers.re(AWS_STEP_PHRASES[2]))
def table_exists(vf_bdd: BddScenario, table: str, key: str, sort_key: str | None) -> None:
    vf_bdd.run(aws_side(vf_bdd).create_table(table, key, sort_key))


@step(parsers.re(AWS_STEP_PHRASES[3]))
def object_put(vf_bdd: BddScenario, key: str, bucket: str, docstring: str | None = None) -> None:
    if docstring is None:
        raise BddUsageError("this step needs the object's content as a docstring")
    vf_bdd.run(aws_side(vf_bdd).put_object(bucket, render(key, vf_bdd.vars), render(docstring, vf_bdd.vars)))


@step(parsers.re(AWS_STEP_PHRASES[4]))
def message_sent(vf_bdd: BddScenario, queue: str, docstring: str | None = None) -> None:
    vf_bdd.run(aws_side(vf_bdd).send_message(queue, _expected(vf_bdd, docstring, None)))


@step(parsers.re(AWS_STEP_PHRASES[5]))
def item_put(vf_bdd: BddScenario, table: str, docstring: str | None = None) -> None:
    vf_bdd.run(aws_side(vf_bdd).put_item(table, _expected(vf_bdd, docstring, None)))


@then(parsers.re(AWS_STEP_PHRASES[6]), converters={"timeout": seconds})
def object_exists(
    vf_bdd: BddScenario,
    key: str,
    bucket: str,
    timeout: float | None,
    with_content: str | None,
    docstring: str | None = None,
) -> None:
    side, name = aws_side(vf_bdd), render(key, vf_bdd.vars)
    if with_content and docstring is None:
        raise BddUsageError("'with content' needs the expected content as a docstring")

    async def probe() -> str:
        content = await side.get_object(bucket, name)
        if with_content:
            _content(render(docstring or "", vf_bdd.vars), content)
        return content

    content = vf_bdd.run(vf_bdd._wait(probe, timeout, f"object {name} in bucket {side.bucket(bucket)}"))
    try:
        vf_bdd.last = json.loads(content)
    except ValueError:
        vf_bdd.last = content


@then(parsers.re(AWS_STEP_PHRASES[7]), converters={"timeout": seconds})
def queue_message_matches(
    vf_bdd: BddScenario,
    queue: str,
    timeout: float | None,
    docstring: str | None = None,
    datatable: list[list[str]] | None = None,
) -> None:
    side, expected = aws_side(vf_bdd), _expected(vf_bdd, docstring, datatable)

    async def probe() -> Any:
        seen = await side.messages(queue)
        for body in seen:
            if _matches(body, expected):
                return body
        assert_fields(
            seen[-1] if seen else "no message yet",
            expected,
            what=f"last message on {queue} ({len(seen)} seen)",
        )
        raise AssertionError("unreachable")  # pragma: no cover

    vf_bdd.last = vf_bdd.run(vf_bdd._wait(probe, timeout, f"a message on queue {queue} matching {expected}"))


@then(parsers.re(AWS_STEP_PHRASES[8]), converters={"timeout": seconds})
def table_item_matches(
    vf_bdd: BddScenario,
    table: str,
    timeout: float | None,
    docstring: str | None = None,
    datatable: list[list[str]] | None = None,
) -> None:
    side, expected = aws_side(vf_bdd), _expected(vf_bdd, docstring, datatable)

    async def probe() -> Any:
        items = await side.items(table)
        for item in items:
            if _matches(item, expected):
                return item
        assert_fields(
            items[-1] if items else "no item yet", expected, what=f"last item of {table} ({len(items)} items)"
        )
        raise AssertionError("unreachable")  # pragma: no cover

    vf_bdd.last = jsonable(
        vf_bdd.run(vf_bdd._wait(probe, timeout, f"an item in table {table} matching {expected}"))
    )


def _matches(value: Any, expected: Any) -> bool:
    from verifiedfan.testing.bdd._matchers import field_mismatches

    return not field_mismatches(jsonable(value), expected)

"""Workflow 4, AWS resource operations: stream a CSV report into S3 in parts, share it through a
presigned URL, check the download byte for byte, email the link (step 4, through SFMC), and record its
metadata in DynamoDB.

    python examples/aws_report.py --bucket BUCKET --table TABLE [--rows N] [--key KEY]

Connection settings come from the ``VF_AWS_*`` environment variables (:class:`AwsSettings`), e.g.
against the moto server of ``vf stack up aws``::

    VF_AWS_ENDPOINT_URL=http://127.0.0.1:15000 VF_AWS_REGION=us-east-1 \
    VF_AWS_ACCESS_KEY_ID=testing VF_AWS_SECRET_ACCESS_KEY=testing \
        python examples/aws_report.py --bucket my-bucket --table my-table

The table has a string hash key ``pk`` and range key ``sk``. Prints one JSON line (the metadata).
Steps 6-7 of the workflow plug in as ``after_upload`` steps (:data:`AfterUpload`):
:func:`invoke_processor` invokes a Lambda function that reads the object back from S3
(``examples/handlers/report_processor.py``), and :func:`mark_task_done` hands its answer to the
Step Functions task waiting on a task token (``send_task_success``). From the command line::

    python examples/aws_report.py --bucket B --table T \
        --function report-processor --lambda-endpoint-url http://127.0.0.1:19010 --task-token TOKEN

(the local Lambda of ``vf stack up lambda`` serves the Invoke API at that endpoint; the line printed
then also holds ``processed``, the function's answer).

Step 4's email goes out when ``--email-to`` is given, through SFMC with the ``VF_SFMC_*`` settings (e.g.
the SFMC sandbox of ``vf sandbox partners``): the link is a template attribute of the transactional
send, and the message key is derived from the report's key and the recipient, so running the workflow
again for the same report never emails the same person twice.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import hashlib
import json
import sys
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from typing import Any

import httpx

from verifiedfan.aws import S3, AwsClients, AwsSettings, DynamoDB, Lambda, StepFunctions
from verifiedfan.partners import SendResult, Sfmc, SfmcSettings

PART_SIZE = 5 * 1024 * 1024  # S3's minimum part: a report over 5 MiB goes up in several parts


@dataclass(frozen=True)
class Report:
    """What the workflow produced: the object, its checksum, the link and what the link served."""

    bucket: str
    key: str
    size: int
    sha256: str
    etag: str
    parts: int
    url: str
    downloaded_sha256: str
    created_at: str


#: A step run after the metadata is written (workflow steps 6-7: ``Lambda.invoke`` to process the
#: report, then ``StepFunctions.send_task_success``); it gets the report and the shared clients.
AfterUpload = Callable[[Report, AwsClients], Awaitable[None]]

#: Step 4: hand the signed download link to the user. It gets the full presigned URL (a credential:
#: never stored or logged) and the report.
ShareLink = Callable[[str, Report], Awaitable[None]]


def email_link(
    sfmc: Sfmc, *, to: str, contact_key: str, definition_key: str, sent: list[SendResult]
) -> ShareLink:
    """Step 4 through SFMC: a transactional email whose ``downloadUrl`` attribute is the link. The
    message key comes from the report's key, the recipient and the definition, so a second run for the
    same report is ``ALREADY_SENT``, not a second email."""

    async def share(url: str, report: Report) -> None:
        result = await sfmc.send_transactional_email(
            definition_key,
            to,
            contact_key,
            {"downloadUrl": url, "reportKey": report.key, "sizeBytes": report.size},
            campaign=f"report:{report.bucket}/{report.key}",
        )
        sent.append(result)

    return share


def invoke_processor(lam: Lambda, function_name: str, answers: list[dict[str, Any]]) -> AfterUpload:
    """Step 6: invoke ``function_name`` on the report; its answer is appended to ``answers``.

    A function that raised (a checksum mismatch...) raises :class:`LambdaFunctionError` here.
    """

    async def step(report: Report, clients: AwsClients) -> None:
        event = {"bucket": report.bucket, "key": report.key, "sha256": report.sha256}
        result = await lam.invoke(function_name, event)
        if result.payload.get("sha256") != report.sha256:
            raise RuntimeError(f"{function_name} read another object than {report.key}")
        answers.append(result.payload)

    return step


def mark_task_done(sfn: StepFunctions, task_token: str, answers: list[dict[str, Any]]) -> AfterUpload:
    """Step 7: complete the Step Functions task waiting on ``task_token`` with the report's summary."""

    async def step(report: Report, clients: AwsClients) -> None:
        processed = answers[-1] if answers else {}
        output = {
            "key": report.key,
            "sha256": report.sha256,
            "size": report.size,
            "rows": processed.get("rows"),
        }
        await sfn.send_task_success(task_token, output)

    return step


async def csv_rows(rows: int, digest: hashlib._Hash, sizes: list[int]) -> AsyncIterator[bytes]:
    """The report, produced a block of rows at a time (never whole in memory)."""
    header = b"fan_id,artist_id,score,verified\n"
    digest.update(header)
    sizes.append(len(header))
    yield header
    for start in range(0, rows, 10_000):
        block = "".join(
            f"fan-{i:08d},artist-{i % 97:03d},{(i * 7919) % 1000 / 10:.1f},{'true' if i % 3 else 'false'}\n"
            for i in range(start, min(start + 10_000, rows))
        ).encode()
        digest.update(block)
        sizes.append(len(block))
        yield block


async def run(
    settings: AwsSettings,
    *,
    bucket: str,
    table: str,
    key: str = "users/report.csv",
    rows: int = 200_000,
    after_upload: Sequence[AfterUpload] = (),
    share: ShareLink | None = None,
) -> Report:
    async with AwsClients(settings) as clients:
        s3 = S3(bucket, clients=clients, part_size=PART_SIZE)
        metadata = DynamoDB(table, clients=clients)

        # Steps 1-2: stream the CSV into S3, in parts as they fill.
        digest, sizes = hashlib.sha256(), []
        uploaded = await s3.upload_from_stream(key, csv_rows(rows, digest, sizes), content_type="text/csv")
        size = sum(sizes)
        parts = int(uploaded.etag.strip('"').rpartition("-")[2]) if "-" in uploaded.etag else 1

        # Step 3: a presigned URL; step 4: the user downloads it over plain HTTP.
        url = await s3.generate_signed_url(key, expires_in=3600)
        downloaded = hashlib.sha256()
        async with httpx.AsyncClient(timeout=60) as http, http.stream("GET", url) as answer:
            answer.raise_for_status()
            async for chunk in answer.aiter_bytes():
                downloaded.update(chunk)

        report = Report(
            bucket=bucket,
            key=key,
            size=size,
            sha256=digest.hexdigest(),
            etag=uploaded.etag,
            parts=parts,
            url=url.split("?", 1)[0],  # the signature is a credential: never stored or printed
            downloaded_sha256=downloaded.hexdigest(),
            created_at=datetime.now(UTC).isoformat(),
        )
        if report.downloaded_sha256 != report.sha256:
            raise RuntimeError(f"the download of {key} does not match the upload")
        if share is not None:  # step 4: the link goes to the user (only once the download is proven)
            await share(url, report)

        # Step 5: the file's metadata, written once (a second run with the same key is refused).
        await metadata.put(
            {"pk": f"report#{key}", "sk": "metadata", **asdict(report)},
            condition_expression="attribute_not_exists(pk)",
        )

        # Steps 6-7: hook points for Lambda (process the report) and Step Functions (task done).
        for step in after_upload:
            await step(report, clients)
        return report


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bucket", required=True)
    parser.add_argument("--table", required=True)
    parser.add_argument("--key", default="users/report.csv")
    parser.add_argument("--rows", type=int, default=200_000)
    parser.add_argument("--function", help="step 6: the Lambda function that processes the report")
    parser.add_argument("--lambda-endpoint-url", help="the Lambda endpoint (default: VF_AWS_ENDPOINT_URL)")
    parser.add_argument("--task-token", help="step 7: the Step Functions task token to complete")
    parser.add_argument("--email-to", help="step 4: email the link to this address (VF_SFMC_* settings)")
    parser.add_argument("--email-definition", default="report-ready", help="the SFMC send definition key")
    args = parser.parse_args(argv)
    out = asyncio.run(_main(args))
    sys.stdout.write(json.dumps(out) + "\n")
    return 0


async def _main(args: argparse.Namespace) -> dict[str, Any]:
    settings = AwsSettings()
    answers: list[dict[str, Any]] = []
    steps: list[AfterUpload] = []
    lambda_settings = settings.model_copy(
        update={"endpoint_url": args.lambda_endpoint_url or settings.endpoint_url}
    )
    sent: list[SendResult] = []
    async with (
        Lambda(settings=lambda_settings) as lam,
        StepFunctions(settings=settings) as sfn,
        Sfmc.from_settings(SfmcSettings()) if args.email_to else contextlib.nullcontext() as sfmc,
    ):
        if args.function:
            steps.append(invoke_processor(lam, args.function, answers))
        if args.task_token:
            steps.append(mark_task_done(sfn, args.task_token, answers))
        share = None
        if sfmc is not None:
            to = args.email_to
            share = email_link(sfmc, to=to, contact_key=to, definition_key=args.email_definition, sent=sent)
        report = await run(
            settings,
            bucket=args.bucket,
            table=args.table,
            key=args.key,
            rows=args.rows,
            after_upload=steps,
            share=share,
        )
    out: dict[str, Any] = asdict(report)
    if sent:
        out["email"] = {"message_key": sent[0].message_key, "status": sent[0].status.value}
    if answers:
        out["processed"] = answers[-1]
    if args.task_token:
        out["task_completed"] = True
    return out


if __name__ == "__main__":
    raise SystemExit(main())

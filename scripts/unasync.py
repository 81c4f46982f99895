"""Generate the blocking twins of verifiedfan's async sources (after httpcore's scripts/unasync.py).

    python scripts/unasync.py            # rewrite every generated ``_sync`` module
    python scripts/unasync.py --check    # exit 1 on any drift, or on a substitution no pair uses

The async module is the source of truth; its sync twin is produced from it, committed, and never
edited by hand (``scripts/test.sh`` runs ``--check``). For each pair in ``PAIRS``, every line of the
source goes through the ordered substitutions of ``SUBS`` (regexes wrapped in word boundaries, applied
one after the other), then ``ruff check --select I --fix`` (import order, as names change) and
``ruff format`` with the project's configuration, then a header saying where it came from.
``--check`` builds the same text and compares it with the committed file line by line, printing the
first mismatch (file, line, expected, actual).

**Adding a pair is one line** in ``PAIRS``: ``("src/verifiedfan/x/_async.py", "src/verifiedfan/x/_sync.py")``.
A name that needs its own rule (an async public name with no ``Async`` prefix, such as ``Redis`` ->
``SyncRedis``) is one more line in ``SUBS``, placed before the generic rules. A rule that no pair uses
fails ``--check``, so the table cannot rot.

The naming convention the table encodes (README, "Async and sync"):

* async classes keep the plain name, their twins take the ``Sync`` prefix (``HttpClient`` ->
  ``SyncHttpClient``); names that already say ``Async`` lose it (``httpx.AsyncClient`` ->
  ``httpx.Client``, ``AsyncLock`` -> ``Lock``), functions named ``async_x`` become ``x``;
* ``aclose`` -> ``close``, ``__aenter__``/``__aexit__``/``__aiter__``/``__anext__`` -> the plain
  dunders, ``aiter_x`` -> ``iter_x``, ``Awaitable[T]`` -> ``T``;
* ``async def``/``async with``/``async for``/``await`` lose their keyword.

Behaviour that differs beyond text (locks, single flight, sleeping, the body-read deadline) lives in
the hand-written pairs of ``verifiedfan._primitives`` and ``verifiedfan.http._core``, which the source
uses under their async names. Code that exists on one side only is fenced in the source::

    # unasync: async-only          (kept in the async module, dropped from the twin)
    ...
    # unasync: end
    # unasync: sync-only           (comment lines in the async module, uncommented in the twin)
    # def release(self) -> None: ...
    # unasync: end
"""

from __future__ import annotations

import difflib
import re
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# (async source, generated sync twin), relative to the repository root.
PAIRS: list[tuple[str, str]] = [
    ("src/verifiedfan/http/_async.py", "src/verifiedfan/http/_sync.py"),
    ("src/verifiedfan/redis/_async.py", "src/verifiedfan/redis/_sync.py"),
    ("src/verifiedfan/redis/_tracking.py", "src/verifiedfan/redis/_tracking_sync.py"),
    ("src/verifiedfan/mongo/_async.py", "src/verifiedfan/mongo/_sync.py"),
    ("src/verifiedfan/aws/_async/clients.py", "src/verifiedfan/aws/_sync/clients.py"),
    ("src/verifiedfan/aws/_async/s3.py", "src/verifiedfan/aws/_sync/s3.py"),
    ("src/verifiedfan/aws/_async/dynamodb.py", "src/verifiedfan/aws/_sync/dynamodb.py"),
    ("src/verifiedfan/aws/_async/secrets.py", "src/verifiedfan/aws/_sync/secrets.py"),
    ("src/verifiedfan/aws/_async/cloudwatch.py", "src/verifiedfan/aws/_sync/cloudwatch.py"),
    ("src/verifiedfan/aws/_async/lambda_.py", "src/verifiedfan/aws/_sync/lambda_.py"),
    ("src/verifiedfan/aws/_async/stepfunctions.py", "src/verifiedfan/aws/_sync/stepfunctions.py"),
    ("src/verifiedfan/aws/_async/batching.py", "src/verifiedfan/aws/_sync/batching.py"),
    ("src/verifiedfan/aws/_async/sqs.py", "src/verifiedfan/aws/_sync/sqs.py"),
    ("src/verifiedfan/aws/_async/sns.py", "src/verifiedfan/aws/_sync/sns.py"),
    ("src/verifiedfan/aws/_async/athena.py", "src/verifiedfan/aws/_sync/athena.py"),
    ("src/verifiedfan/snowflake/_async.py", "src/verifiedfan/snowflake/_sync.py"),
    ("src/verifiedfan/aws/lambda_events/_async.py", "src/verifiedfan/aws/lambda_events/_sync.py"),
    ("src/verifiedfan/aws/_async/kinesis.py", "src/verifiedfan/aws/_sync/kinesis.py"),
    ("src/verifiedfan/aws/_async/firehose.py", "src/verifiedfan/aws/_sync/firehose.py"),
    ("src/verifiedfan/http/_oauth/_async.py", "src/verifiedfan/http/_oauth/_sync.py"),
    ("src/verifiedfan/http/_api/_async/__init__.py", "src/verifiedfan/http/_api/_sync/__init__.py"),
    ("src/verifiedfan/http/_api/_async/auth.py", "src/verifiedfan/http/_api/_sync/auth.py"),
    ("src/verifiedfan/http/_api/_async/tokens.py", "src/verifiedfan/http/_api/_sync/tokens.py"),
    ("src/verifiedfan/http/_api/_async/paging.py", "src/verifiedfan/http/_api/_sync/paging.py"),
    ("src/verifiedfan/http/_api/_async/limiter.py", "src/verifiedfan/http/_api/_sync/limiter.py"),
    ("src/verifiedfan/http/_api/_async/client.py", "src/verifiedfan/http/_api/_sync/client.py"),
    ("src/verifiedfan/ticketmaster/_async/__init__.py", "src/verifiedfan/ticketmaster/_sync/__init__.py"),
    ("src/verifiedfan/ticketmaster/_async/regional.py", "src/verifiedfan/ticketmaster/_sync/regional.py"),
    ("src/verifiedfan/ticketmaster/_async/accounts.py", "src/verifiedfan/ticketmaster/_sync/accounts.py"),
    ("src/verifiedfan/ticketmaster/_async/discovery.py", "src/verifiedfan/ticketmaster/_sync/discovery.py"),
    ("src/verifiedfan/ticketmaster/_async/sms.py", "src/verifiedfan/ticketmaster/_sync/sms.py"),
    ("src/verifiedfan/ticketmaster/_async/commerce.py", "src/verifiedfan/ticketmaster/_sync/commerce.py"),
    ("src/verifiedfan/partners/_async/__init__.py", "src/verifiedfan/partners/_sync/__init__.py"),
    ("src/verifiedfan/partners/_async/pagerduty.py", "src/verifiedfan/partners/_sync/pagerduty.py"),
    ("src/verifiedfan/partners/_async/sfmc.py", "src/verifiedfan/partners/_sync/sfmc.py"),
    ("src/verifiedfan/internal/_async/__init__.py", "src/verifiedfan/internal/_sync/__init__.py"),
    ("src/verifiedfan/internal/_async/titan.py", "src/verifiedfan/internal/_sync/titan.py"),
    ("src/verifiedfan/music/_spotify_reads.py", "src/verifiedfan/music/_spotify_reads_sync.py"),
    ("src/verifiedfan/partners/_async/slack.py", "src/verifiedfan/partners/_sync/slack.py"),
    ("src/verifiedfan/partners/_async/fastly.py", "src/verifiedfan/partners/_sync/fastly.py"),
    ("src/verifiedfan/partners/_async/bitly.py", "src/verifiedfan/partners/_sync/bitly.py"),
    ("src/verifiedfan/partners/_async/facebook.py", "src/verifiedfan/partners/_sync/facebook.py"),
    ("src/verifiedfan/music/_spotify.py", "src/verifiedfan/music/_spotify_sync.py"),
    ("src/verifiedfan/music/_apple.py", "src/verifiedfan/music/_apple_sync.py"),
    ("src/verifiedfan/testing/_contract/_async.py", "src/verifiedfan/testing/_contract/_sync.py"),
    # tests: the blocking client passes the same suite
    ("tests/unit/http/_async/test_client.py", "tests/unit/http/_sync/test_client.py"),
    ("tests/unit/http/_async/test_retries.py", "tests/unit/http/_sync/test_retries.py"),
]

# Ordered (regex, replacement), each wrapped in word boundaries (see _bounded). Specific names first.
SUBS: list[tuple[str, str]] = [
    # public names whose twin takes the Sync prefix
    ("AsyncTokenSource", "SyncTokenSource"),
    ("HttpClient", "SyncHttpClient"),
    ("AsyncInstrument", "SyncInstrument"),
    ("RedisInstrument", "SyncRedisInstrument"),
    ("(?<!\\.)Redis", "SyncRedis"),
    ("Tracker", "SyncTracker"),
    ("redis\\._tracking", "redis._tracking_sync"),
    ("Mongo(Collection|Cursor)?", r"SyncMongo\1"),
    ("AwsClients", "SyncAwsClients"),
    ("AwsService", "SyncAwsService"),
    ("(BatchProcessor|RecordHandler)", r"Sync\1"),
    ('Snowflake(?=[(:\\[\\],"]|\\s*$)', "SyncSnowflake"),
    ('Athena(?=[(:\\[\\],"]|\\s*$)', "SyncAthena"),
    ('(S3|DynamoDB|SecretsManager|CloudWatch|Lambda|StepFunctions)(?=[(:\\[\\],"]|\\s*$)', r"Sync\1"),
    ('(SQS|SNS|Kinesis|Firehose)(?=[(:\\[\\],"]|\\s*$)', r"Sync\1"),
    # the API-client base and the clients built on it
    ("ApiClient", "SyncApiClient"),
    ("(AdaptiveLimiter|RequestLimiter)", r"Sync\1"),
    ("ApiContract", "SyncApiContract"),
    ("Spotify", "SyncSpotify"),
    ("SpotifyReads", "SyncSpotifyReads"),
    ("music\\._spotify_reads", "music._spotify_reads_sync"),
    ("AppleMusic", "SyncAppleMusic"),
    ("TmAccounts", "SyncTmAccounts"),
    ("(TmDiscovery|DiscoveryLimiter)", r"Sync\1"),
    ("TmSms", "SyncTmSms"),
    ('PagerDuty(?=[(:\\[\\],"]|\\s*$)', "SyncPagerDuty"),
    ('Sfmc(?=[(:\\[\\],"]|\\s*$)', "SyncSfmc"),
    ('Slack(?=[(:\\[\\],"]|\\s*$)', "SyncSlack"),
    ('Fastly(?=[(:\\[\\],"]|\\s*$)', "SyncFastly"),
    ('Bitly(?=[(:\\[\\]"]|\\s*$)', "SyncBitly"),
    ('Facebook(?=[(:\\[\\]"]|\\s*$)', "SyncFacebook"),
    ("(TmOrders|TmUsers|TmWallet|TmRegionalClient)", r"Sync\1"),
    ("TitanClient", "SyncTitanClient"),
    ("WorkerTokenAuth", "SyncWorkerTokenAuth"),
    ("UserTokens", "SyncUserTokens"),
    ("UserTokenAuth", "SyncUserTokenAuth"),
    ("OAuth2ClientCredentials", "SyncOAuth2ClientCredentials"),
    ("ClientCredentialsTokenProvider", "SyncClientCredentialsTokenProvider"),
    ("StaticBearer", "SyncStaticBearer"),
    ("BasicAuth", "SyncBasicAuth"),
    ("ApiKey", "SyncApiKey"),
    ("SignedJwt", "SyncSignedJwt"),
    ("DeveloperToken", "SyncDeveloperToken"),
    ("AuthBase", "SyncAuthBase"),
    ("Auth", "SyncAuth"),
    ("_api\\._async", "_api._sync"),
    ("http\\._async", "http._sync"),
    ("_aiter(_pages)?", r"_iter\1"),
    # modules and imports
    ("types_aiobotocore_([a-z0-9]+)", r"types_boto3_\1"),
    ("aws\\._async", "aws._sync"),
    ("ticketmaster\\._async", "ticketmaster._sync"),
    ("redis\\.asyncio", "redis"),
    ("pymongo\\.asynchronous", "pymongo.synchronous"),
    ("import asyncio\n", ""),
    ("asyncio\\.sleep", "time.sleep"),
    ("from collections\\.abc import Awaitable, ", "from collections.abc import "),
    (", Awaitable(?=[,\n])", ""),
    # generic rules
    ("Async([A-Z][A-Za-z0-9_]*)", r"\1"),
    ("async_([a-z][a-z0-9_]*)", r"\1"),
    ("async def", "def"),
    ("async with", "with"),
    ("async for", "for"),
    ("aiter_([a-z][a-z0-9_]*)", r"iter_\1"),
    ("await ", ""),
    ("aclose", "close"),
    ("__aenter__", "__enter__"),
    ("__aexit__", "__exit__"),
    ("__aiter__", "__iter__"),
    ("__anext__", "__next__"),
    ("StopAsyncIteration", "StopIteration"),
    ("Awaitable\\[((?:[^\\[\\]]|\\[[^\\[\\]]*\\])*)\\]", r"\1"),
    ("retry\\.sleep", "retry.sync_sleep"),
    # tests: a policy's injected sleep is its sync_sleep in the twin
    ("sleep=sleeps", "sync_sleep=sleeps.sync"),
    ("sleep=sleep", "sync_sleep=sleep"),
    # async-only lint suppressions
    (",  # noqa: ASYNC109[^\n]*", ","),
]


def _bounded(regex: str) -> re.Pattern[str]:
    """``regex`` between word boundaries, on each side where it begins or ends with a word."""
    start = r"\b" if re.match(r"[A-Za-z_(]", regex) else ""
    end = "" if regex.endswith(("\\]", " ", "\n", "*")) else r"\b"
    return re.compile(start + regex + end)


COMPILED = [(_bounded(regex), repl) for regex, repl in SUBS]

HEADER = (
    "# Generated from {source} by scripts/unasync.py: do not edit.\n"
    "# Change the async source, then run `python scripts/unasync.py`.\n"
)
_MARK = re.compile(r"^\s*# unasync: (async-only|sync-only|end)\s*$")


def say(text: str) -> None:
    sys.stdout.write(text + "\n")


class UnasyncError(Exception):
    """A source the script cannot translate (unbalanced markers, ruff failure)."""


def unasync_line(line: str, used: set[int]) -> str:
    for index, (regex, repl) in enumerate(COMPILED):
        new = regex.sub(repl, line)
        if new != line:
            used.add(index)
            line = new
    return line


def translate(source: str, text: str, used: set[int]) -> str:
    """The sync text of one async module, before import sorting and formatting."""
    out: list[str] = []
    block: str | None = None
    for number, line in enumerate(text.splitlines(keepends=True), start=1):
        mark = _MARK.match(line)
        if mark:
            kind = mark.group(1)
            if (kind == "end") == (block is None):
                raise UnasyncError(f"{source}:{number}: unbalanced '# unasync: {kind}' marker")
            block = None if kind == "end" else kind
            continue
        if block == "async-only":
            continue
        if block == "sync-only":
            stripped = line.lstrip(" ")
            if not stripped.startswith("#"):
                raise UnasyncError(f"{source}:{number}: a sync-only line must be a comment")
            indent = line[: len(line) - len(stripped)]
            line = indent + stripped[2:] if stripped.startswith("# ") else indent + stripped[1:]
        out.append(unasync_line(line, used))
    if block is not None:
        raise UnasyncError(f"{source}: '# unasync: {block}' block is never closed")
    return "".join(out)


def _ruff() -> list[str]:
    local = Path(sys.executable).parent / "ruff"
    found = str(local) if local.exists() else shutil.which("ruff")
    if found is None:
        raise UnasyncError("ruff is needed to format the generated modules (bash scripts/bootstrap.sh)")
    return [found]


def _run_ruff(args: list[str], text: str, target: str) -> str:
    proc = subprocess.run(
        [*_ruff(), *args, "--stdin-filename", str(ROOT / target), "-"],
        input=text,
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=False,
    )
    if proc.returncode != 0:
        raise UnasyncError(f"ruff {args[0]} failed on the twin of {target}:\n{proc.stderr}")
    return proc.stdout


def generate(source: str, target: str, used: set[int]) -> str:
    """The complete, formatted text of the twin ``target`` of ``source``."""
    text = translate(source, (ROOT / source).read_text(encoding="utf-8"), used)
    text = HEADER.format(source=source) + text
    text = _run_ruff(["check", "--fix-only", "--select", "I", "--quiet"], text, target)
    return _run_ruff(["format", "--quiet"], text, target)


def check(target: str, expected: str) -> bool:
    path = ROOT / target
    if not path.exists():
        say(f"unasync: {target} is missing: run python scripts/unasync.py")
        return False
    actual = path.read_text(encoding="utf-8")
    if actual == expected:
        return True
    exp_lines, act_lines = expected.splitlines(), actual.splitlines()
    number = next(
        (n for n, (e, a) in enumerate(zip(exp_lines, act_lines, strict=False), start=1) if e != a),
        min(len(exp_lines), len(act_lines)) + 1,
    )
    exp = exp_lines[number - 1] if number <= len(exp_lines) else "<end of file>"
    act = act_lines[number - 1] if number <= len(act_lines) else "<end of file>"
    say(f"unasync: {target} drifted from its async source (line {number})")
    say(f"  expected: {exp!r}")
    say(f"  actual:   {act!r}")
    diff = difflib.unified_diff(act_lines, exp_lines, "committed", "generated", n=1, lineterm="")
    for line in list(diff)[:20]:
        say("  " + line)
    return False


def main(argv: list[str]) -> int:
    check_only = "--check" in argv
    used: set[int] = set()
    ok = True
    try:
        for source, target in PAIRS:
            expected = generate(source, target, used)
            if check_only:
                ok = check(target, expected) and ok
            else:
                current = (ROOT / target).read_text(encoding="utf-8") if (ROOT / target).exists() else ""
                if current != expected:
                    (ROOT / target).write_text(expected, encoding="utf-8")
                    say(f"unasync: wrote {target}")
    except UnasyncError as exc:
        say(f"unasync: {exc}")
        return 1
    unused = [SUBS[i] for i in range(len(SUBS)) if i not in used]
    if unused:
        say("unasync: substitutions no pair uses (remove them):")
        for regex, repl in unused:
            say(f"  {regex!r} -> {repl!r}")
        ok = False
    if check_only and ok:
        say(f"unasync: {len(PAIRS)} generated modules match their async sources")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

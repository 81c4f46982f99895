"""Count leaks: canary secrets logged in every shape a service might, through ``log.configure``.

Each canary is unique, so a leak names its shape. The token-format canaries follow the published
shapes of gitleaks' rules (``github-pat``, ``slack-bot-token``, ``stripe-access-token``,
``aws-access-token``, ``private-key``, ``jwt``); third-party lines come from the real libraries
(httpx, httpcore, urllib3, botocore) at debug level talking to a local server or moto in-process.
"""

from __future__ import annotations

import http.server
import io
import logging
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import ClassVar, NamedTuple

import httpx
import pytest

from verifiedfan import log

_made: dict[str, str] = {}


def canary(shape: str, template: str = "CANARY{n}x{shape}") -> str:
    """A unique secret for ``shape``; ``{n}`` is a serial number so no two canaries overlap."""
    value = template.format(n=f"{len(_made):04d}", shape="".join(c for c in shape if c.isalnum())[:12])
    _made[shape] = value
    return value


def padded(shape: str, prefix: str, length: int, suffix: str = "") -> str:
    """A canary of a fixed-length token format: ``prefix`` + alphanumerics ending in its serial."""
    tail = f"Canary{len(_made):04d}"
    return canary(shape, prefix + ("Q7x" * 60)[: length - len(tail)] + tail + suffix)


# -- token formats (published shapes) -----------------------------------------------------------
GITHUB = padded("github", "ghp_", 36)
SLACK = padded("slack", "xoxb-1234567890-1234567890-", 24)
STRIPE = padded("stripe", "sk_live_", 24)
AWS_ID = canary("aws id", "AKIACANARY{n}000000")
AWS_SECRET = padded("aws secret", "", 30, "/Access+Ky")
JWT = canary("jwt", "eyJhbGciOiJIUzI1NiJ9.eyJjYW5hcnkiOjF9.Canary{n}Signature")
PEM_BODY = canary("pem", "MIIEowCanary{n}PrivateKeyBody")
PEM = f"-----BEGIN RSA PRIVATE KEY-----\n{PEM_BODY}\n{PEM_BODY[::-1]}\n-----END RSA PRIVATE KEY-----"


@dataclass
class TokenHolder:
    kind: str
    value: str = field(repr=False)


class Login(NamedTuple):
    user: str
    password: str


class _Handler(http.server.BaseHTTPRequestHandler):
    secrets: ClassVar[dict[str, str]] = {}

    def do_GET(self) -> None:
        body = b'{"ok": true}'
        self.send_response(200)
        self.send_header("Set-Cookie", f"sid={self.secrets['set-cookie 1']}; Path=/; HttpOnly")
        self.send_header("Set-Cookie", f"csrf={self.secrets['set-cookie 2']}")
        self.send_header("X-Api-Key", self.secrets["x-api-key"])
        self.send_header("X-Amz-Security-Token", self.secrets["amz token"])
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        return


@pytest.fixture
def server() -> Iterator[str]:
    for name in ("set-cookie 1", "set-cookie 2", "x-api-key", "amz token"):
        _Handler.secrets[name] = canary(name)
    srv = http.server.HTTPServer(("127.0.0.1", 0), _Handler)
    thread = threading.Thread(target=srv.serve_forever, daemon=True)
    thread.start()
    yield f"127.0.0.1:{srv.server_port}"
    srv.shutdown()
    srv.server_close()


def _leaks(text: str) -> dict[str, int]:
    """Occurrences of each canary (whole, or its distinctive tail) in ``text``."""
    found = {}
    for shape, secret in _made.items():
        count = max(text.count(secret), text.count(secret[-14:]))
        if count:
            found[shape] = count
    return found


def _log_application_shapes() -> None:
    logger = log.get_logger("leaks/services/app")
    logger.info(
        "top-level fields",
        password=canary("password"),
        client_secret=canary("client_secret"),
        apiKey=canary("apiKey"),
        pin=canary("pin"),
        userPin=canary("userPin"),
        pwd=canary("pwd"),
        ssn=canary("ssn"),
        session=canary("session"),
        sessionId=canary("sessionId"),
        Authorization=f"Bearer {canary('authorization field')}",
    )
    logger.info(
        "nested",
        request={
            "headers": {"X-Api-Key": canary("nested header"), "Cookie": f"a=1; sid={canary('cookie 2nd')}"}
        },
        items=[{"user": {"refresh_token": canary("deep token")}}, ({"private_key": canary("tuple key")},)],
        sets={frozenset({("token", canary("set pair"))})},
    )
    logger.info(
        "objects",
        holder=TokenHolder("bearer", canary("dataclass repr=False")),
        login=Login("fan", canary("namedtuple")),
        logins=[Login("a", canary("namedtuple in list"))],
    )
    logger.info(
        "headers",
        as_dict={"Authorization": f"Basic {canary('basic dict')}", "Accept": "json"},
        as_list=[("authorization", f"Bearer {canary('list pair')}"), ("accept", "json")],
        as_bytes_list=[(b"Authorization", f"Bearer {canary('bytes pair')}".encode())],
        as_bytes_dict={b"x-api-key": canary("bytes key").encode()},
        raw=f"GET / HTTP/1.1\r\nCookie: a=1; sid={canary('raw cookie')}\r\nAccept: */*\r\n".encode(),
        header_line=f"Set-Cookie: sid={canary('set-cookie text')}; Path=/; HttpOnly",
    )
    logger.info(
        "urls",
        redis=f"redis://:{canary('redis empty user')}@cache:6379/0",
        basic=f"https://svc:{canary('url password')}@api.internal/v1",
        git_remote=f"https://{canary('url token user')}@github.com/org/repo.git",
        oauth=f"https://app/callback?code={canary('query code')}&state=s&key={canary('query key')}",
    )
    logger.info(
        f"free text: deploy key {PEM} and {GITHUB}, {SLACK}, {STRIPE}; aws {AWS_ID} {AWS_SECRET}; jwt {JWT}",  # noqa: G004
        note=f"retry with Authorization: Bearer {canary('text bearer')}",
    )


def _library_objects() -> None:
    from pydantic import BaseModel, SecretStr

    from verifiedfan.http import AccessToken, ClientCredentials
    from verifiedfan.redis import RedisSettings

    class Account(BaseModel):
        name: str
        api_secret: SecretStr
        note: SecretStr

    logger = log.get_logger("leaks/services/objects")
    logger.info(
        "library objects",
        cached=AccessToken(
            value=canary("AccessToken.value"), token_type="bearer", expires_in=1, obtained_at=0, refresh_at=0
        ),
        client=ClientCredentials(
            client_id="id", client_secret=canary("ClientCredentials"), token_url="https://auth/token"
        ),
        settings=RedisSettings(
            url=f"redis://:{canary('RedisSettings.url')}@h:6379/0",
            password=SecretStr(canary("RedisSettings.password")),
        ),
        account=Account(name="a", api_secret=SecretStr(canary("SecretStr")), note=SecretStr(canary("note"))),
    )


def _log_exceptions() -> None:
    logger = log.get_logger("leaks/services/errors")
    try:
        try:
            raise KeyError({"password": canary("exception cause arg")})
        except KeyError as inner:
            raise RuntimeError("upstream refused", {"api_key": canary("exception args")}) from inner
    except RuntimeError as exc:
        logger.exception("call failed")
        logger.error("call failed", error=exc, cause=exc.__cause__)
    try:
        raise ConnectionError(f"cannot reach redis://:{canary('exception url')}@cache:6379")
    except ConnectionError:
        logging.getLogger("some.library").exception("reconnecting with %s", f"token={canary('record arg')}")


def _drive_third_parties(address: str, monkeypatch: pytest.MonkeyPatch) -> None:
    import urllib3

    with httpx.Client() as client:
        client.get(
            f"http://fan:{canary('httpx url password')}@{address}/cb?code={canary('httpx code')}&page=2",
            headers={
                "Authorization": f"Bearer {canary('httpx bearer')}",
                "Cookie": f"a=1; b={canary('httpx c')}",
            },
        )
    with urllib3.PoolManager() as pool:
        pool.request("GET", f"http://{address}/s3?X-Amz-Signature={canary('urllib3 sig')}&x=1")
    boto3 = pytest.importorskip("boto3")
    moto = pytest.importorskip("moto")
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", AWS_ID)
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", AWS_SECRET)
    monkeypatch.setenv("AWS_SESSION_TOKEN", canary("aws session token"))
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    with moto.mock_aws():  # in-process: botocore's debug lines are real
        s3 = boto3.client("s3")
        s3.create_bucket(Bucket="leak-bucket")
        s3.put_object(Bucket="leak-bucket", Key="k", Body=b"x")
        s3.generate_presigned_url("get_object", Params={"Bucket": "leak-bucket", "Key": "k"})


def test_no_canary_leaks_in_any_shape(
    server: str, monkeypatch: pytest.MonkeyPatch, capfd: pytest.CaptureFixture[str]
) -> None:
    import structlog

    stream = io.StringIO()
    debug = dict.fromkeys(("httpx", "httpcore", "urllib3", "botocore", "boto3", "s3transfer"), "debug")
    log.configure(level="debug", service_name="leaks", stream=stream, asynchronous=False, logger_levels=debug)
    _log_application_shapes()
    _library_objects()
    _log_exceptions()
    structlog.get_logger("leaks/structlog").info(
        f"structlog password={canary('structlog text')}", password=canary("structlog field")
    )
    _drive_third_parties(server, monkeypatch)
    log.flush()
    captured = capfd.readouterr()
    text = stream.getvalue()
    contexts = {line.split('"context":"', 1)[1].split('"', 1)[0] for line in text.splitlines()}
    # Every source really wrote: the test could fail.
    for source in ("httpx", "httpcore", "urllib3", "botocore", "structlog", "errors"):
        assert any(source in c for c in contexts), f"{source} wrote nothing: {sorted(contexts)}"
    assert len(_made) >= 55
    assert "Set-Cookie" in text or "set-cookie" in text
    assert '"value":"[REDACTED]"' in text  # the AccessToken's repr=False field, under an innocent key
    leaks = _leaks(text + captured.out + captured.err)
    assert leaks == {}, f"{sum(leaks.values())} leaks: {leaks}"


def test_the_canaries_would_be_seen_without_redaction(monkeypatch: pytest.MonkeyPatch) -> None:
    """The counter itself works: a raw rendering of the same shapes leaks every kind."""
    assert (len(AWS_ID), len(AWS_SECRET), len(GITHUB)) == (20, 40, 40)  # the published lengths
    raw = f"{PEM} {GITHUB} {SLACK} {STRIPE} {AWS_ID} {AWS_SECRET} {JWT} " + repr(
        [Login("fan", canary("raw namedtuple")), {"password": canary("raw password")}]
    )
    found = _leaks(raw)
    expected = {
        "github",
        "slack",
        "stripe",
        "aws id",
        "aws secret",
        "jwt",
        "pem",
        "raw namedtuple",
        "raw password",
    }
    assert expected <= set(found)

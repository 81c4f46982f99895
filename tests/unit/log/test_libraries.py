"""Real library loggers (httpx, botocore) through the root bridge: no credential survives."""

from __future__ import annotations

from collections.abc import Callable

import httpx
import pytest

from tests.unit.log.conftest import Output

Make = Callable[..., Output]

CANARY = "CANARY-secret-1234"
ACCESS_KEY_ID = "AKIACANARY1234567890"


def test_httpx_request_lines_lose_url_credentials(output: Make) -> None:
    out = output(logger_levels={"httpx": "info"})
    client = httpx.Client(transport=httpx.MockTransport(lambda request: httpx.Response(200)))
    with client:
        client.get(
            f"https://user:{CANARY}@api.example.com/x?access_token={CANARY}&page=2",
            headers={"Authorization": "Bearer abc.def"},
        )
    lines = [e for e in out.entries if e["context"] == "httpx"]
    assert lines, "httpx wrote no line"
    assert "page=2" in lines[0]["message"]
    assert CANARY not in out.text
    assert "abc.def" not in out.text


def test_botocore_debug_lines_lose_signatures_and_key_ids(
    output: Make, monkeypatch: pytest.MonkeyPatch
) -> None:
    boto3 = pytest.importorskip("boto3")
    moto = pytest.importorskip("moto")
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", ACCESS_KEY_ID)
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", CANARY)
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    out = output(level="debug")
    with moto.mock_aws():  # in-process: no socket is opened
        s3 = boto3.client("s3")
        s3.create_bucket(Bucket="canary-bucket")
    text = out.text
    assert "botocore" in text
    assert "Authorization" in text
    assert ACCESS_KEY_ID not in text
    assert CANARY not in text
    assert "AWS4-HMAC-SHA256 Credential" not in text  # the whole header value is masked


def _serve(request: httpx.Request) -> httpx.Response:
    return httpx.Response(
        200,
        headers=[
            ("Set-Cookie", f"sid={CANARY}; Path=/; HttpOnly"),
            ("Set-Cookie", f"csrf={CANARY}"),
            ("X-Api-Key", CANARY),
            ("X-Amz-Security-Token", CANARY),
            ("Content-Type", "application/json"),
        ],
        json={"ok": True},
    )


def test_httpx_and_httpcore_are_quiet_by_default(output: Make) -> None:
    out = output(level="debug")
    with httpx.Client(transport=httpx.MockTransport(_serve)) as client:
        client.get("https://api.example.com/x?code=abc")
    from verifiedfan import log

    log.get_logger("app").info("after")
    assert [e["context"] for e in out.entries] == ["app"]


def test_httpx_info_line_masks_the_query_values_redact_url_masks(output: Make) -> None:
    from verifiedfan.http import redact_url

    out = output(logger_levels={"httpx": "info"})
    url = f"https://api.example.com/cb?key={CANARY}&code={CANARY}&client_secret={CANARY}&state=s1&page=2"
    with httpx.Client(transport=httpx.MockTransport(_serve)) as client:
        client.get(url)
    (line,) = [e["message"] for e in out.entries if e["context"] == "httpx"]
    assert CANARY not in out.text
    assert CANARY not in redact_url(url)  # the outside reference: the HTTP core's own rule
    assert redact_url(url).split("?")[1].replace("%5B", "[").replace("%5D", "]") in line


def test_httpcore_debug_traces_lose_response_headers(output: Make) -> None:
    """httpcore logs response header lists as reprs of ``(bytes, bytes)`` pairs at debug level."""
    import http.server
    import threading

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(200)
            self.send_header("Set-Cookie", f"sid={CANARY}; Path=/")
            self.send_header("X-Api-Key", CANARY)
            self.send_header("X-Amz-Security-Token", CANARY)
            self.send_header("Content-Length", "2")
            self.end_headers()
            self.wfile.write(b"ok")

        def log_message(self, *args: object) -> None:
            return

    server = http.server.HTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        out = output(level="debug", logger_levels={"httpcore": "debug", "httpx": "debug"})
        with httpx.Client() as client:
            response = client.get(f"http://127.0.0.1:{server.server_port}/?token={CANARY}")
        assert response.headers["x-api-key"] == CANARY  # the header really was sent
    finally:
        server.shutdown()
        server.server_close()
    traces = [e["message"] for e in out.entries if e["context"].startswith("httpcore")]
    headers_line = next(m for m in traces if m.startswith("receive_response_headers.complete"))
    assert "(b'X-Api-Key', b'[REDACTED]')" in headers_line
    assert "(b'Content-Length', b'2')" in headers_line
    assert CANARY not in out.text

from __future__ import annotations

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from verifiedfan.correlation import CORRELATION_HEADER
from verifiedfan.log import capture_logs
from verifiedfan.web import INTERNAL_ERROR_MESSAGE, CorrelationMiddleware, ErrorFormatterMiddleware

from ._app import SECRET_IN_BUG, client, service


async def test_a_sane_incoming_correlation_id_is_kept_echoed_and_current() -> None:
    async with client(service()) as http:
        response = await http.get("/me", headers={CORRELATION_HEADER: "gw-123:abc"})
    assert response.headers[CORRELATION_HEADER] == "gw-123:abc"
    assert response.json()["correlation_id"] == "gw-123:abc"


@pytest.mark.parametrize(
    "incoming",
    ["bad\x01id", "spaces are not ids", "x" * 129, "caf\u00e9", ""],
    ids=["control", "spaces", "overlong", "non-ascii", "empty"],
)
async def test_an_unsafe_correlation_id_is_replaced_by_a_new_one(incoming: str) -> None:
    async with client(service()) as http:
        response = await http.get("/me", headers=[(CORRELATION_HEADER.encode(), incoming.encode("utf-8"))])
    echoed = response.headers[CORRELATION_HEADER]
    assert response.status_code == 200
    assert echoed != incoming
    assert len(echoed) == 32
    assert response.json()["correlation_id"] == echoed


async def test_no_correlation_id_gets_a_new_one_per_request() -> None:
    async with client(service()) as http:
        first = (await http.get("/me")).headers[CORRELATION_HEADER]
        second = (await http.get("/me")).headers[CORRELATION_HEADER]
    assert first != second


async def test_a_vf_error_answers_its_status_in_the_error_shape() -> None:
    async with client(service()) as http:
        response = await http.get("/conflict")
    assert response.status_code == 409
    assert response.headers["content-type"] == "application/json"
    assert response.json() == {
        "message": "already registered",
        "error_message": "already registered",
        "developer_message": "email taken",
        "status": 409,
        "statusCode": 409,
    }


async def test_an_unexpected_exception_is_a_generic_500_logged_once_with_the_correlation_id() -> None:
    with capture_logs() as logs:
        async with client(service()) as http:
            response = await http.get("/crash", headers={CORRELATION_HEADER: "corr-crash-1"})
    assert response.status_code == 500
    assert response.json()["message"] == INTERNAL_ERROR_MESSAGE
    assert SECRET_IN_BUG not in response.text
    assert "RuntimeError" not in response.text
    errors = [e for e in logs.entries if e["level"] == "error"]
    assert len(errors) == 1
    assert errors[0]["correlation_id"] == "corr-crash-1"
    assert "RuntimeError" in errors[0]["exception"]
    access = [e for e in logs.entries if e["context"].endswith("access")]
    assert [a["status"] for a in access] == [500]


async def test_the_error_formatter_wraps_a_bare_asgi_app() -> None:
    async def app(scope, receive, send):  # type: ignore[no-untyped-def]
        raise KeyError("internal detail")

    with capture_logs():
        async with client(CorrelationMiddleware(ErrorFormatterMiddleware(app))) as http:
            response = await http.get("/anything")
    assert response.status_code == 500
    assert response.json()["developer_message"] == INTERNAL_ERROR_MESSAGE
    assert "internal detail" not in response.text
    assert CORRELATION_HEADER in response.headers


async def test_an_exception_after_the_response_started_is_logged_not_reformatted() -> None:
    async def app(scope, receive, send):  # type: ignore[no-untyped-def]
        await send({"type": "http.response.start", "status": 200, "headers": []})
        raise RuntimeError("mid-stream")

    transport = httpx.ASGITransport(app=ErrorFormatterMiddleware(app), raise_app_exceptions=True)
    with capture_logs() as logs, pytest.raises(RuntimeError, match="mid-stream"):
        async with httpx.AsyncClient(transport=transport, base_url="http://svc") as http:
            await http.get("/stream")
    assert [e["level"] for e in logs.entries] == ["error"]


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(raw=st.binary(min_size=0, max_size=300))
def test_any_incoming_correlation_id_is_kept_only_when_sane(raw: bytes) -> None:
    from verifiedfan.web import sane_correlation_id

    kept = sane_correlation_id(raw)
    if kept is None:
        assert not raw or len(raw) > 128 or any(b < 0x21 or b > 0x7E for b in raw)
    else:
        assert kept.encode("ascii") == raw
        assert 1 <= len(kept) <= 128
        assert kept.isprintable()
        assert " " not in kept


async def test_the_access_line_has_the_correlation_id_when_correlation_runs_inside_it() -> None:
    from verifiedfan.web import AccessLogMiddleware

    from ._app import starlette_app

    app = AccessLogMiddleware(CorrelationMiddleware(starlette_app()))
    with capture_logs() as logs:
        async with client(app) as http:
            await http.get("/me", headers={CORRELATION_HEADER: "corr-inner-1"})
    (line,) = [e for e in logs.entries if "client_ip" in e]
    assert line["correlation_id"] == "corr-inner-1"

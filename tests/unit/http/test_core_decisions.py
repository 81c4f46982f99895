"""The HTTP core's decisions, driven directly: ``ClientCore`` performs no I/O, so each rule of the
retry, deadline and re-authentication logic is checked here on its own, at its boundaries, with a
controlled clock (issue 22: the mutants of ``http/_core.py`` these tests kill survived the
end-to-end tests, which see only the outcome of a whole call).

The status rules follow RFC 9110: ``Retry-After`` is honoured on 429 (RFC 6585 section 4) and 503
(RFC 9110 section 15.6.4) only; a 5xx is retried, a 4xx other than 429 is not.
"""

from __future__ import annotations

import logging
from collections.abc import MutableMapping
from typing import Any

import httpx
import pytest

from verifiedfan.correlation import CORRELATION_HEADER, correlation_scope, current_correlation_id
from verifiedfan.errors import (
    NetworkError,
    NotFoundError,
    RateLimitedError,
    ResponseFormatError,
    ServerError,
    TransportError,
    UnauthorizedError,
    ValidationError,
    VFError,
    VFTimeoutError,
)
from verifiedfan.http import CallInfo, CallObserver, CallOutcome, HttpHook, RetryPolicy, Timeouts
from verifiedfan.http._core import (
    RAISE,
    REAUTH,
    RETRY,
    RETURN,
    Answer,
    Call,
    ClientCore,
    Step,
)


class Clock:
    def __init__(self, now: float = 100.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


def make_core(
    *,
    clock: Clock | None = None,
    retry: RetryPolicy | None = None,
    timeouts: Timeouts | None = None,
    hooks: tuple[HttpHook, ...] = (),
    base_url: str = "https://api.example/v1/",
    headers: dict[str, str] | None = None,
    **policy: Any,
) -> ClientCore:
    if retry is None:
        retry = RetryPolicy(clock=clock or Clock(), jitter=lambda: 1.0, **policy)
    return ClientCore(
        service_name="svc",
        base_url=base_url,
        headers=headers,
        timeouts=timeouts or Timeouts(connect=2.0, total=10.0),
        retry=retry,
        hooks=hooks,
    )


def prepare(core: ClientCore, method: str = "GET", path: str = "/items", **kwargs: Any) -> Call:
    options: dict[str, Any] = {
        "params": None,
        "json": None,
        "data": None,
        "headers": None,
        "idempotency_key": None,
        "retry_non_idempotent": False,
        "timeout": None,
        "route": None,
    }
    options.update(kwargs)
    # as HttpClient.request does: a correlation id created for the call must not leak into later tests
    with correlation_scope(current_correlation_id()):
        return core.prepare(method, path, **options)


def answer(status: int, headers: dict[str, str] | None = None, content: bytes = b"") -> Answer:
    return Answer(status, httpx.Headers(headers or {}), "https://api.example/v1/items", content)


# -- construction -------------------------------------------------------------------------------------


def test_an_empty_service_name_is_refused() -> None:
    with pytest.raises(ValidationError, match=r"^service_name must not be empty$"):
        ClientCore(
            service_name="", base_url="", headers=None, timeouts=Timeouts(), retry=RetryPolicy(), hooks=()
        )


@pytest.mark.parametrize("base_url", ["ftp://api.example", "api.example", "//api.example"])
def test_a_base_url_that_is_not_http_is_refused(base_url: str) -> None:
    with pytest.raises(ValidationError, match=r"^base_url must start with http:// or https://, got '"):
        make_core(base_url=base_url)


@pytest.mark.parametrize("base_url", ["http://api.example/", "https://api.example//"])
def test_base_url_keeps_no_trailing_slash(base_url: str) -> None:
    assert make_core(base_url=base_url).base_url == base_url.rstrip("/")


def test_default_headers_are_lowercased() -> None:
    assert make_core(headers={"X-App": "vf", "Accept": "a/b"}).headers == {"x-app": "vf", "accept": "a/b"}


def test_url_for_joins_relative_paths_and_keeps_absolute_urls() -> None:
    core = make_core()
    assert core.url_for("/items") == "https://api.example/v1/items"
    assert core.url_for("items") == "https://api.example/v1/items"
    assert core.url_for("http://other.example/x") == "http://other.example/x"
    assert core.url_for("https://other.example/y") == "https://other.example/y"


def test_url_for_without_base_url_names_the_service_and_path() -> None:
    with pytest.raises(
        ValidationError, match=r"^svc: '/items' is not an absolute URL and the client has no base_url$"
    ):
        make_core(base_url="").url_for("/items")


# -- preparing a call ---------------------------------------------------------------------------------


def test_prepare_builds_the_call() -> None:
    clock = Clock(7.5)
    core = make_core(clock=clock, headers={"X-App": "vf"})
    with correlation_scope("cid-1"):
        call = prepare(core, "get", "/items", params={"a": 1}, json={"b": 2}, headers={"X-Extra": "e"})
    assert (call.method, call.url, call.params, call.json) == (
        "GET",
        "https://api.example/v1/items",
        {"a": 1},
        {"b": 2},
    )
    assert call.headers == {"x-app": "vf", "x-extra": "e", CORRELATION_HEADER: "cid-1"}
    assert (call.attempt, call.reauthed, call.was_cut, call.observers) == (0, False, False, [])
    assert call.started == 7.5
    assert call.retryable is True
    assert call.info == CallInfo(
        service_name="svc",
        method="GET",
        url="https://api.example/v1/items",
        route="/items",
        correlation_id="cid-1",
    )


def test_the_callers_headers_override_the_defaults_case_insensitively() -> None:
    core = make_core(headers={"Accept": "a/b"})
    call = prepare(core, headers={"ACCEPT": "c/d", "X-Correlation-Id": "given"})
    assert call.headers == {"accept": "c/d", CORRELATION_HEADER: "given"}
    assert call.info.correlation_id == "given"


@pytest.mark.parametrize("body", [b"raw", "text"])
def test_bytes_or_str_data_is_the_raw_body(body: bytes | str) -> None:
    call = prepare(make_core(), "POST", data=body)
    assert (call.content, call.data) == (body, None)


def test_mapping_data_is_a_form() -> None:
    call = prepare(make_core(), "POST", data={"f": "1"})
    assert (call.content, call.data) == (None, {"f": "1"})


def test_an_idempotency_key_is_sent_and_makes_post_retryable() -> None:
    core = make_core()
    plain = prepare(core, "POST")
    keyed = prepare(core, "POST", idempotency_key="k-1")
    opted = prepare(core, "POST", retry_non_idempotent=True)
    assert (plain.retryable, keyed.retryable, opted.retryable) == (False, True, True)
    assert "idempotency-key" not in plain.headers
    assert keyed.headers["idempotency-key"] == "k-1"


def test_the_client_timeouts_apply_when_the_call_gives_none() -> None:
    call = prepare(make_core(timeouts=Timeouts(connect=2.0, total=10.0)))
    assert call.timeout == httpx.Timeout(10.0, connect=2.0)
    assert call.total == 10.0


def test_a_float_timeout_replaces_the_total_and_keeps_the_client_connect() -> None:
    call = prepare(make_core(timeouts=Timeouts(connect=2.0, total=10.0)), timeout=4.0)
    assert call.timeout == httpx.Timeout(4.0, connect=2.0)
    assert call.total == 4.0


def test_a_timeouts_object_replaces_both() -> None:
    call = prepare(make_core(), timeout=Timeouts(connect=0.5, total=3.0))
    assert call.timeout == httpx.Timeout(3.0, connect=0.5)
    assert call.total == 3.0


@pytest.mark.parametrize(
    ("path", "route", "expected"),
    [
        ("/items/7", None, "/items/7"),
        ("https://other.example/a/b?x=1", None, "/a/b"),
        ("https://other.example", None, "/"),
        ("/items/7", "/items/{id}", "/items/{id}"),
        ("/items/7", "", "/"),
    ],
)
def test_the_route_label(path: str, route: str | None, expected: str) -> None:
    assert prepare(make_core(), path=path, route=route).info.route == expected


def test_the_url_hooks_see_is_redacted() -> None:
    call = prepare(make_core(), path="/items?access_token=SECRET1&page=2")
    assert call.info.url == "https://api.example/v1/items?access_token=[REDACTED]&page=2"
    assert call.url == "https://api.example/v1/items?access_token=SECRET1&page=2"


# -- hooks --------------------------------------------------------------------------------------------


class Recorder(CallObserver):
    def __init__(self, log: list[Any], fail: bool = False) -> None:
        self.log = log
        self.fail = fail

    def before_attempt(self, attempt: int, headers: MutableMapping[str, str]) -> None:
        self.log.append(("attempt", attempt, dict(headers)))
        if self.fail:
            raise RuntimeError("observer broke")
        headers["traceparent"] = f"tp-{attempt}"

    def end(self, outcome: CallOutcome) -> None:
        self.log.append(("end", outcome))
        if self.fail:
            raise RuntimeError("observer broke")


class RecordingHook(HttpHook):
    def __init__(self, fail: bool = False, fail_start: bool = False, observe: bool = True) -> None:
        self.log: list[Any] = []
        self.calls: list[CallInfo] = []
        self.fail = fail
        self.fail_start = fail_start
        self.observe = observe

    def start_call(self, call: CallInfo) -> CallObserver | None:
        self.calls.append(call)
        if self.fail_start:
            raise RuntimeError("hook broke")
        return Recorder(self.log, self.fail) if self.observe else None


class OtherHook(RecordingHook):
    pass


def test_hooks_observe_each_call() -> None:
    hook = RecordingHook()
    call = prepare(make_core(hooks=(hook,)))
    assert hook.calls == [call.info]
    assert len(call.observers) == 1


def test_a_hook_without_observer_adds_none() -> None:
    hook = RecordingHook(observe=False)
    call = prepare(make_core(hooks=(hook,)))
    assert (len(hook.calls), call.observers) == (1, [])


def test_a_hook_failing_to_start_is_logged_and_skipped(caplog: pytest.LogCaptureFixture) -> None:
    broken, working = RecordingHook(fail_start=True), OtherHook()
    with caplog.at_level(logging.WARNING, logger="verifiedfan.http"):
        call = prepare(make_core(hooks=(broken, working)))
    assert len(call.observers) == 1
    assert [r.getMessage() for r in caplog.records] == ["http hook failed in start_call"]
    assert caplog.records[0].exc_info is not None
    assert caplog.records[0].http_route == "/items"  # type: ignore[attr-defined]


def test_default_hooks_apply_to_every_client_unless_it_has_one_of_the_same_type() -> None:
    from verifiedfan.http import add_default_hook, remove_default_hook

    default = RecordingHook()
    add_default_hook(default)
    add_default_hook(default)  # once only
    try:
        plain = prepare(make_core())
        assert len(plain.observers) == 1
        own = OtherHook()
        mixed = prepare(make_core(hooks=(own,)))
        assert len(mixed.observers) == 2  # OtherHook is another type
        same = RecordingHook()
        replaced = prepare(make_core(hooks=(same,)))
        assert len(replaced.observers) == 1
        assert (len(same.calls), len(default.calls)) == (1, 2)
    finally:
        remove_default_hook(default)
    remove_default_hook(default)  # absent: a no-op
    assert prepare(make_core()).observers == []


def test_attempt_headers_count_attempts_and_add_the_bearer_on_a_copy() -> None:
    core = make_core()
    call = prepare(core)
    first = core.attempt_headers(call, "tok-1")
    assert first["authorization"] == "Bearer tok-1"
    assert "authorization" not in call.headers
    second = core.attempt_headers(call, None)
    assert call.attempt == 2
    assert second == call.headers


def test_observers_add_headers_to_the_attempt_only() -> None:
    hook = RecordingHook()
    core = make_core(hooks=(hook,))
    call = prepare(core)
    sent = core.attempt_headers(call, None)
    assert sent["traceparent"] == "tp-1"
    assert "traceparent" not in call.headers
    assert core.attempt_headers(call, None)["traceparent"] == "tp-2"
    assert [entry[1] for entry in hook.log] == [1, 2]


def test_an_observer_failing_before_an_attempt_is_logged(caplog: pytest.LogCaptureFixture) -> None:
    core = make_core(hooks=(RecordingHook(fail=True),))
    call = prepare(core)
    with caplog.at_level(logging.WARNING, logger="verifiedfan.http"):
        headers = core.attempt_headers(call, "t")
    assert headers["authorization"] == "Bearer t"
    assert [r.getMessage() for r in caplog.records] == ["http hook failed in before_attempt"]
    assert caplog.records[0].exc_info is not None
    assert caplog.records[0].service_name == "svc"  # type: ignore[attr-defined]


def test_each_attempt_is_logged_at_debug_with_redacted_headers(caplog: pytest.LogCaptureFixture) -> None:
    core = make_core()
    call = prepare(core, headers={"X-Api-Key": "SECRET2"})
    with caplog.at_level(logging.DEBUG, logger="verifiedfan.http"):
        core.attempt_headers(call, "SECRET3")
    [record] = [r for r in caplog.records if r.getMessage().startswith("http attempt")]
    assert record.getMessage() == "http attempt 1"
    assert record.levelno == logging.DEBUG
    headers = record.http_headers  # type: ignore[attr-defined]
    assert headers["authorization"] == headers["x-api-key"] == "[REDACTED]"
    assert headers[CORRELATION_HEADER] == call.info.correlation_id
    assert record.http_method == "GET"  # type: ignore[attr-defined]
    assert "SECRET" not in caplog.text


# -- the deadline -------------------------------------------------------------------------------------


def test_without_deadline_the_call_timeouts_stand() -> None:
    clock = Clock()
    core = make_core(clock=clock)
    call = prepare(core)
    clock.now += 1000
    assert core.attempt_timeouts(call) == (call.timeout, call.total)
    assert call.was_cut is False


def test_an_attempt_is_not_cut_while_the_deadline_leaves_its_whole_total() -> None:
    clock = Clock()
    core = make_core(clock=clock, deadline=25.0)  # total 10
    call = prepare(core)
    clock.now += 15.0  # exactly 10 left
    assert core.attempt_timeouts(call) == (httpx.Timeout(10.0, connect=2.0), 10.0)
    assert call.was_cut is False


def test_an_attempt_is_cut_to_the_time_left() -> None:
    clock = Clock()
    core = make_core(clock=clock, deadline=25.0)
    call = prepare(core)
    clock.now += 21.0  # 4 left: connect 2 stays
    assert core.attempt_timeouts(call) == (httpx.Timeout(4.0, connect=2.0), 4.0)
    assert call.was_cut is True
    clock.now += 2.5  # 1.5 left: connect cut too
    assert core.attempt_timeouts(call) == (httpx.Timeout(1.5, connect=1.5), 1.5)


def test_a_spent_deadline_leaves_a_millisecond() -> None:
    clock = Clock()
    core = make_core(clock=clock, deadline=5.0)
    call = prepare(core)
    clock.now += 9.0
    assert core.attempt_timeouts(call) == (httpx.Timeout(1e-3, connect=1e-3), 1e-3)


def test_a_cut_attempt_without_connect_timeout_gets_the_time_left() -> None:
    clock = Clock()
    core = make_core(clock=clock, deadline=5.0)
    call = prepare(core)
    call.timeout = httpx.Timeout(10.0, connect=None)
    clock.now += 2.0
    assert core.attempt_timeouts(call) == (httpx.Timeout(3.0, connect=3.0), 3.0)


# -- after an answer ----------------------------------------------------------------------------------


def test_a_success_returns_the_response() -> None:
    clock = Clock()
    core = make_core(clock=clock)
    call = prepare(core, "post")
    core.attempt_headers(call, None)
    core.attempt_headers(call, None)
    clock.now += 1.25
    step = core.after_response(call, answer(399, {"X-A": "1"}, b"body"), can_reauth=True)
    assert step.action == RETURN
    response = step.response
    assert response is not None
    assert (response.status_code, response.content, response.method, response.url) == (
        399,
        b"body",
        "POST",
        "https://api.example/v1/items",
    )
    assert (response.headers["x-a"], response.elapsed, response.attempts) == ("1", 1.25, 2)


def test_a_401_re_authenticates_once() -> None:
    core = make_core()
    call = prepare(core)
    core.attempt_headers(call, "t")
    first = core.after_response(call, answer(401), can_reauth=True)
    assert (first.action, call.reauthed) == (REAUTH, True)
    core.attempt_headers(call, "t2")
    second = core.after_response(call, answer(401), can_reauth=True)
    assert second.action == RAISE
    assert isinstance(second.error, UnauthorizedError)


def test_a_401_without_a_token_source_is_raised() -> None:
    core = make_core()
    call = prepare(core)
    core.attempt_headers(call, None)
    step = core.after_response(call, answer(401), can_reauth=False)
    assert (step.action, call.reauthed, type(step.error)) == (RAISE, False, UnauthorizedError)


@pytest.mark.parametrize("status", [400, 404, 409, 499])
def test_a_client_error_is_not_retried(status: int) -> None:
    core = make_core()
    call = prepare(core)
    core.attempt_headers(call, None)
    step = core.after_response(call, answer(status, {"Retry-After": "1"}), can_reauth=False)
    assert step.action == RAISE
    assert step.error is not None
    assert step.error.status == status
    assert not hasattr(step.error, "__notes__")  # first attempt: no "gave up after"


def test_the_error_carries_the_answer_redacted() -> None:
    core = make_core()
    call = prepare(core)
    core.attempt_headers(call, None)
    raw = Answer(
        404,
        httpx.Headers({"Content-Type": "application/json", "Set-Cookie": "SECRET4"}),
        "https://api.example/v1/items?token=SECRET5",
        b'{"error": "nope"}',
    )
    step = core.after_response(call, raw, can_reauth=False)
    error = step.error
    assert isinstance(error, NotFoundError)
    assert (error.body, error.method, error.service_name) == ({"error": "nope"}, "GET", "svc")
    assert error.url == "https://api.example/v1/items?token=[REDACTED]"
    assert error.headers is not None
    assert error.headers["set-cookie"] == "[REDACTED]"
    assert "SECRET" not in str(error)


@pytest.mark.parametrize("status", [500, 502, 504])
def test_a_server_error_is_retried_after_the_backoff_and_ignores_retry_after(status: int) -> None:
    core = make_core(backoff_initial=0.75)
    call = prepare(core)
    core.attempt_headers(call, None)
    step = core.after_response(call, answer(status, {"Retry-After": "9"}), can_reauth=False)
    assert (step.action, step.delay) == (RETRY, 0.75)
    assert isinstance(step.error, ServerError)
    assert step.error.status == status


@pytest.mark.parametrize("status", [429, 503])
def test_retry_after_is_honoured_on_429_and_503(status: int) -> None:
    core = make_core()
    call = prepare(core)
    core.attempt_headers(call, None)
    step = core.after_response(call, answer(status, {"Retry-After": "9"}), can_reauth=False)
    assert (step.action, step.delay) == (RETRY, 9.0)


def test_a_retry_after_equal_to_the_cap_is_waited() -> None:
    core = make_core(retry_after_cap=9.0)
    call = prepare(core)
    core.attempt_headers(call, None)
    step = core.after_response(call, answer(429, {"Retry-After": "9"}), can_reauth=False)
    assert (step.action, step.delay) == (RETRY, 9.0)
    assert isinstance(step.error, RateLimitedError)
    assert step.error.retry_after == 9.0


def test_a_retry_after_over_the_cap_gives_up_with_a_note() -> None:
    core = make_core(retry_after_cap=9.0)
    call = prepare(core)
    core.attempt_headers(call, None)
    step = core.after_response(call, answer(429, {"Retry-After": "9.5"}), can_reauth=False)
    assert step.action == RAISE
    assert step.error is not None
    assert step.error.__notes__ == ["Retry-After 9.5s exceeds the cap of 9s"]


def test_a_429_of_a_post_is_not_retried() -> None:
    core = make_core()
    call = prepare(core, "POST")
    core.attempt_headers(call, None)
    step = core.after_response(call, answer(429, {"Retry-After": "1"}), can_reauth=False)
    assert step.action == RAISE


def test_retries_stop_after_max_retries_with_a_note() -> None:
    core = make_core(max_retries=2)
    call = prepare(core)
    actions = []
    for _ in range(3):
        core.attempt_headers(call, None)
        step = core.after_response(call, answer(500), can_reauth=False)
        actions.append((step.action, step.delay))
    assert actions == [(RETRY, 0.5), (RETRY, 1.0), (RAISE, 0.0)]
    assert step.error is not None
    assert step.error.__notes__ == ["gave up after 3 attempts"]


def test_no_retry_when_the_wait_would_reach_the_deadline() -> None:
    clock = Clock()
    core = make_core(clock=clock, deadline=10.0, backoff_initial=4.0)
    call = prepare(core)
    core.attempt_headers(call, None)
    clock.now += 5.0  # 5 left, wait 4: retried
    assert core.after_response(call, answer(500), can_reauth=False).action == RETRY
    core.attempt_headers(call, None)
    clock.now += 1.0  # 4 left, wait 8 (capped by nothing): not retried
    step = core.after_response(call, answer(500), can_reauth=False)
    assert step.action == RAISE
    assert step.error is not None
    assert step.error.__notes__ == [
        "the call's deadline of 10s leaves no time for another attempt",
        "gave up after 2 attempts",
    ]


def test_a_wait_ending_exactly_at_the_deadline_is_not_started() -> None:
    clock = Clock()
    core = make_core(clock=clock, deadline=10.0, backoff_initial=4.0)
    call = prepare(core)
    core.attempt_headers(call, None)
    clock.now += 6.0  # the 4 s wait would end at 10 s
    assert core.after_response(call, answer(500), can_reauth=False).action == RAISE
    clock.now -= 0.001
    call.attempt = 1
    assert core.after_response(call, answer(500), can_reauth=False).action == RETRY


def test_a_retry_is_logged_as_a_warning(caplog: pytest.LogCaptureFixture) -> None:
    core = make_core()
    call = prepare(core)
    core.attempt_headers(call, None)
    with caplog.at_level(logging.WARNING, logger="verifiedfan.http"):
        core.after_response(call, answer(503, {"Retry-After": "2"}), can_reauth=False)
    [record] = caplog.records
    assert record.getMessage() == "http retry after 2.000s"
    assert record.levelno == logging.WARNING
    fields = {k: getattr(record, k) for k in ("attempt", "delay_s", "http_status", "http_route", "http_url")}
    assert fields == {
        "attempt": 1,
        "delay_s": 2.0,
        "http_status": 503,
        "http_route": "/items",
        "http_url": "https://api.example/v1/items",
    }
    assert record.error.startswith("svc: GET https://api.example/v1/items returned 503")  # type: ignore[attr-defined]


# -- after an exception -------------------------------------------------------------------------------


def fail(core: ClientCore, call: Call, exc: BaseException) -> Step:
    core.attempt_headers(call, None)
    return core.after_exception(call, exc)


@pytest.mark.parametrize(
    ("exc", "method", "action"),
    [
        (httpx.ReadTimeout("slow"), "GET", RETRY),
        (httpx.ReadTimeout("slow"), "POST", RAISE),  # the request may have been received
        (TimeoutError(), "POST", RAISE),
        (httpx.ConnectTimeout("no connect"), "POST", RETRY),  # nothing was sent
        (httpx.PoolTimeout("no slot"), "POST", RETRY),
        (httpx.WriteTimeout("slow write"), "POST", RAISE),
    ],
)
def test_timeouts(exc: Exception, method: str, action: int) -> None:
    core = make_core()
    step = fail(core, prepare(core, method), exc)
    assert step.action == action
    assert isinstance(step.error, VFTimeoutError)
    assert str(step.error) == (
        f"svc: {method} https://api.example/v1/items timed out ({type(exc).__name__}, total 10s)"
    )
    assert step.delay == (0.5 if action == RETRY else 0.0)


def test_a_timeout_of_a_cut_attempt_names_the_deadline() -> None:
    clock = Clock()
    core = make_core(clock=clock, deadline=12.5)
    call = prepare(core)
    clock.now += 5.0
    core.attempt_timeouts(call)
    step = fail(core, call, httpx.ReadTimeout("slow"))
    assert (
        str(step.error) == "svc: GET https://api.example/v1/items timed out (ReadTimeout, the 12.5s deadline)"
    )


@pytest.mark.parametrize(
    "exc", [httpx.UnsupportedProtocol("no scheme"), httpx.LocalProtocolError("bad header")]
)
def test_a_request_httpx_cannot_send_is_a_validation_error(exc: Exception) -> None:
    core = make_core()
    step = fail(core, prepare(core), exc)
    assert step.action == RAISE
    assert isinstance(step.error, ValidationError)
    assert str(step.error) == f"svc: GET https://api.example/v1/items: {exc}"
    assert step.cause is exc


@pytest.mark.parametrize(
    ("exc", "method", "action"),
    [
        (httpx.ReadError("reset"), "GET", RETRY),
        (httpx.ReadError("reset"), "POST", RAISE),
        (httpx.RemoteProtocolError("closed"), "POST", RAISE),
        (httpx.ConnectError("refused"), "POST", RETRY),  # nothing was sent
    ],
)
def test_network_errors(exc: Exception, method: str, action: int) -> None:
    core = make_core()
    step = fail(core, prepare(core, method, path="/items?key=SECRET6"), exc)
    assert step.action == action
    error = step.error
    assert isinstance(error, NetworkError)
    url = "https://api.example/v1/items?key=[REDACTED]"
    assert str(error) == f"svc: {method} {url} failed: {type(exc).__name__}: {exc}"
    assert (error.method, error.url, error.service_name) == (method, url, "svc")
    assert step.cause is (exc if action == RAISE else None)


def test_an_undecodable_body_is_a_response_format_error() -> None:
    core = make_core()
    exc = httpx.DecodingError("bad gzip")
    step = fail(core, prepare(core), exc)
    assert step.action == RAISE
    assert isinstance(step.error, ResponseFormatError)
    assert str(step.error) == "svc: GET https://api.example/v1/items: undecodable body: bad gzip"
    assert step.cause is exc


def test_another_httpx_error_is_a_transport_error() -> None:
    core = make_core()
    exc = httpx.TooManyRedirects("loop")
    step = fail(core, prepare(core), exc)
    assert step.action == RAISE
    assert type(step.error) is TransportError
    assert str(step.error) == "svc: GET https://api.example/v1/items failed: TooManyRedirects: loop"
    assert step.error.method == "GET"  # type: ignore[attr-defined]
    assert step.cause is exc


def test_exceptions_exhaust_the_retries_and_keep_the_cause() -> None:
    core = make_core(max_retries=1)
    call = prepare(core)
    exc = httpx.ReadError("reset")
    assert fail(core, call, exc).action == RETRY
    step = fail(core, call, exc)
    assert (step.action, step.cause) == (RAISE, exc)
    assert step.error is not None
    assert step.error.__notes__ == ["gave up after 2 attempts"]


# -- ending a call ------------------------------------------------------------------------------------


def test_finish_of_a_success_tells_observers_and_logs_at_debug(caplog: pytest.LogCaptureFixture) -> None:
    clock = Clock()
    hook = RecordingHook()
    core = make_core(clock=clock, hooks=(hook,))
    call = prepare(core)
    core.attempt_headers(call, None)
    clock.now += 0.25
    response = core.after_response(call, answer(200), can_reauth=False).response
    with caplog.at_level(logging.DEBUG, logger="verifiedfan.http"):
        core.finish(call, response, None)
    assert hook.log[-1] == ("end", CallOutcome(status_code=200, error=None, duration=0.25, attempts=1))
    [record] = caplog.records
    assert (record.getMessage(), record.levelno) == ("http call done", logging.DEBUG)
    fields = {k: getattr(record, k) for k in ("http_status", "attempts", "duration_ms", "correlation_id")}
    assert fields == {
        "http_status": 200,
        "attempts": 1,
        "duration_ms": 250.0,
        "correlation_id": call.info.correlation_id,
    }


def test_finish_of_a_failure_logs_a_warning_with_the_status(caplog: pytest.LogCaptureFixture) -> None:
    clock = Clock()
    hook = RecordingHook()
    core = make_core(clock=clock, hooks=(hook,))
    call = prepare(core)
    core.attempt_headers(call, None)
    clock.now += 2.0
    error = core.after_response(call, answer(404), can_reauth=False).error
    with caplog.at_level(logging.DEBUG, logger="verifiedfan.http"):
        core.finish(call, None, error)
    assert hook.log[-1] == ("end", CallOutcome(status_code=404, error=error, duration=2.0, attempts=1))
    [record] = caplog.records
    assert (record.getMessage(), record.levelno) == ("http call failed", logging.WARNING)
    fields = {k: getattr(record, k) for k in ("http_status", "attempts", "duration_ms", "error")}
    assert fields == {
        "http_status": 404,
        "attempts": 1,
        "duration_ms": 2000.0,
        "error": "svc: GET https://api.example/v1/items returned 404",
    }


def test_finish_of_a_foreign_error_is_not_logged_and_has_no_status(caplog: pytest.LogCaptureFixture) -> None:
    class Odd(Exception):
        status = "not a number"

    hook = RecordingHook()
    core = make_core(hooks=(hook,))
    call = prepare(core)
    error = Odd("cancelled")
    with caplog.at_level(logging.DEBUG, logger="verifiedfan.http"):
        core.finish(call, None, error)
    assert caplog.records == []
    assert hook.log[-1] == ("end", CallOutcome(status_code=None, error=error, duration=0.0, attempts=0))


def test_a_vf_error_without_status_ends_with_none(caplog: pytest.LogCaptureFixture) -> None:
    hook = RecordingHook()
    core = make_core(hooks=(hook,))
    call = prepare(core)
    error = VFError("boom")
    core.finish(call, None, error)
    assert hook.log[-1][1].status_code is None


def test_an_observer_failing_at_the_end_is_logged(caplog: pytest.LogCaptureFixture) -> None:
    core = make_core(hooks=(RecordingHook(fail=True), OtherHook()))
    call = prepare(core)
    with caplog.at_level(logging.WARNING, logger="verifiedfan.http"):
        core.finish(call, None, None)
    assert [r.getMessage() for r in caplog.records] == ["http hook failed in end"]
    assert caplog.records[0].exc_info is not None

"""The non-I/O core shared by :class:`HttpClient` and :class:`SyncHttpClient`.

It prepares each logical call (URL, headers, correlation id, retry eligibility), decides what to do
after each attempt (return, retry after a delay, re-authenticate once, or raise the real error), logs
without secrets and drives the hooks. The two clients only add the I/O loop; :func:`async_send_within`
and :func:`send_within` are the hand-written pair that sends one attempt (the sync twin uses the second).
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Mapping, Sequence
from typing import Any, NamedTuple
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import httpx

from verifiedfan.correlation import CORRELATION_HEADER, ensure_correlation_id
from verifiedfan.errors import (
    NetworkError,
    ResponseFormatError,
    TransportError,
    ValidationError,
    VFError,
    VFTimeoutError,
    error_for_status,
    parse_body,
)
from verifiedfan.http._config import RetryPolicy, Timeouts
from verifiedfan.http._types import CallInfo, CallObserver, CallOutcome, HttpHook, Response

logger = logging.getLogger(__name__)

IDEMPOTENCY_HEADER = "idempotency-key"
REDACTED = "[REDACTED]"
_SECRET_HEADERS = set(
    {
        "authorization",
        "proxy-authorization",
        "cookie",
        "set-cookie",
        "x-api-key",
        "api-key",
        "x-auth-token",
        "music-user-token",
    }
)
_SECRET_PARAM_WORDS = ("token", "secret", "password", "key", "signature", "code", "auth", "session")
_SECRET_PARAMS: set[str] = set()
# URLs that are credentials themselves (a Slack incoming-webhook URL): only scheme and host are shown.
_SECRET_URLS: list[str] = []


class Answer(NamedTuple):
    """One HTTP answer, fully read: what the core needs to decide about an attempt."""

    status_code: int
    headers: Mapping[str, str]
    url: str
    content: bytes


# What the loop does next.
RETURN, RETRY, REAUTH, RAISE = 0, 1, 2, 3


def add_secret_header(name: str) -> None:
    """Redact header ``name`` (any case) in every log line, span and error from now on.

    The API-key auths of ``verifiedfan.http`` call it for the header they send.
    """
    _SECRET_HEADERS.add(name.lower())


def add_secret_param(name: str) -> None:
    """Redact query parameter ``name`` in every logged, traced or raised URL from now on."""
    _SECRET_PARAMS.add(name.lower())


def add_secret_url(url: str) -> None:
    """Treat ``url`` as a credential (a Slack incoming-webhook URL, whose path is the secret): from
    now on :func:`redact_url` shows only its scheme and host, with the path and query redacted, in
    every log line, span and error. URLs under it (``url/...``, ``url?...``) are redacted too."""
    prefix = url.rstrip("/")
    if prefix.startswith(("http://", "https://")) and prefix not in _SECRET_URLS:
        _SECRET_URLS.append(prefix)


def redact_headers(headers: Mapping[str, str]) -> dict[str, str]:
    """A copy of ``headers`` with credentials replaced by ``[REDACTED]``."""
    return {k: (REDACTED if k.lower() in _SECRET_HEADERS else v) for k, v in headers.items()}


def redact_url(url: str) -> str:
    """``url`` with user info and secret-looking query values (token, key, code...) redacted; a URL
    registered with :func:`add_secret_url` keeps only its scheme and host."""
    if _SECRET_URLS:
        hidden = _secret_url(url)
        if hidden is not None:
            return hidden
    if "?" not in url and "@" not in url:
        return url
    parts = urlsplit(url)
    netloc = parts.netloc.rsplit("@", 1)[-1] if "@" in parts.netloc else parts.netloc
    query = urlencode(
        [(k, REDACTED if _secret_param(k) else v) for k, v in parse_qsl(parts.query, keep_blank_values=True)],
        safe="[]",
    )
    return urlunsplit((parts.scheme, netloc, parts.path, query, parts.fragment))


def _secret_url(url: str) -> str | None:
    """Scheme and host only, when ``url`` (without its user info) is a registered secret URL."""
    candidate = url
    if "@" in url:
        parts = urlsplit(url)
        host = parts.netloc.rsplit("@", 1)[-1]
        candidate = urlunsplit((parts.scheme, host, parts.path, parts.query, parts.fragment))
    for prefix in _SECRET_URLS:
        if candidate.startswith(prefix) and candidate[len(prefix) : len(prefix) + 1] in ("", "/", "?", "#"):
            parts = urlsplit(candidate)
            return f"{parts.scheme}://{parts.netloc}/{REDACTED}"
    return None


def _secret_param(name: str) -> bool:
    lowered = name.lower()
    return lowered in _SECRET_PARAMS or any(w in lowered for w in _SECRET_PARAM_WORDS)


class Call:
    """The mutable state of one logical call (private to the clients)."""

    __slots__ = (
        "attempt",
        "content",
        "data",
        "headers",
        "info",
        "json",
        "method",
        "observers",
        "params",
        "reauthed",
        "retryable",
        "started",
        "timeout",
        "total",
        "url",
        "was_cut",
    )
    method: str
    url: str
    params: Mapping[str, Any] | None
    json: Any
    content: bytes | str | None
    data: Mapping[str, Any] | None
    headers: dict[str, str]
    retryable: bool
    timeout: httpx.Timeout
    total: float
    info: CallInfo
    started: float

    def __init__(self) -> None:
        self.attempt = 0
        self.reauthed = False
        self.was_cut = False
        self.observers: list[CallObserver] = []


class Step:
    """The decision after one attempt."""

    __slots__ = ("action", "cause", "delay", "error", "response")

    def __init__(
        self,
        action: int,
        *,
        response: Response | None = None,
        delay: float = 0.0,
        error: VFError | None = None,
        cause: BaseException | None = None,
    ) -> None:
        self.action = action
        self.response = response
        self.delay = delay
        self.error = error
        self.cause = cause


_DEFAULT_HOOKS: list[HttpHook] = []


def add_default_hook(hook: HttpHook) -> None:
    """Apply ``hook`` to every client's calls (``configure_tracing`` adds its span hook this way).

    A client that was given a hook of the same type keeps only its own.
    """
    if hook not in _DEFAULT_HOOKS:
        _DEFAULT_HOOKS.append(hook)


def remove_default_hook(hook: HttpHook) -> None:
    """Stop applying a hook added with :func:`add_default_hook` (no-op when absent)."""
    if hook in _DEFAULT_HOOKS:
        _DEFAULT_HOOKS.remove(hook)


class ClientCore:
    """Configuration and decisions of one client; performs no I/O."""

    def __init__(
        self,
        *,
        service_name: str,
        base_url: str,
        headers: Mapping[str, str] | None,
        timeouts: Timeouts,
        retry: RetryPolicy,
        hooks: Sequence[HttpHook],
    ) -> None:
        if not service_name:
            raise ValidationError("service_name must not be empty")
        if base_url and not base_url.startswith(("http://", "https://")):
            raise ValidationError(f"base_url must start with http:// or https://, got {base_url!r}")
        self.service_name = service_name
        self.base_url = base_url.rstrip("/")
        self.headers = {k.lower(): v for k, v in (headers or {}).items()}
        self.timeouts = timeouts
        self.httpx_timeout = timeouts.to_httpx()
        self.retry = retry
        self.hooks = tuple(hooks)
        self._hook_types = frozenset(type(h) for h in self.hooks)

    # -- preparing a call -------------------------------------------------------------------------

    def url_for(self, path_or_url: str) -> str:
        if path_or_url.startswith(("http://", "https://")):
            return path_or_url
        if not self.base_url:
            raise ValidationError(
                f"{self.service_name}: {path_or_url!r} is not an absolute URL and the client has no base_url"
            )
        return f"{self.base_url}/{path_or_url.lstrip('/')}"

    def prepare(
        self,
        method: str,
        path_or_url: str,
        *,
        params: Mapping[str, Any] | None,
        json: Any,
        data: Mapping[str, Any] | bytes | str | None,
        headers: Mapping[str, str] | None,
        idempotency_key: str | None,
        retry_non_idempotent: bool,
        timeout: float | Timeouts | None,
        route: str | None,
    ) -> Call:
        call = Call()
        call.method = method = method.upper()
        call.url = url = self.url_for(path_or_url)
        call.params = params
        call.json = json
        if isinstance(data, bytes | str):
            call.content, call.data = data, None
        else:
            call.content, call.data = None, data
        merged = self.headers.copy()
        if headers:
            merged.update((k.lower(), v) for k, v in headers.items())
        cid = merged.get(CORRELATION_HEADER) or ensure_correlation_id()
        merged[CORRELATION_HEADER] = cid
        if idempotency_key is not None:
            merged[IDEMPOTENCY_HEADER] = idempotency_key
        call.headers = merged
        call.retryable = self.retry.allows_method(
            method, idempotency_key=idempotency_key, opted_in=retry_non_idempotent
        )
        if timeout is None:
            call.timeout, call.total = self.httpx_timeout, self.timeouts.total
        else:
            tm = (
                timeout
                if isinstance(timeout, Timeouts)
                else Timeouts(connect=self.timeouts.connect, total=timeout)
            )
            call.timeout, call.total = tm.to_httpx(), tm.total
        if route is None:
            route = path_or_url if not path_or_url.startswith(("http://", "https://")) else urlsplit(url).path
        call.info = CallInfo(
            service_name=self.service_name,
            method=method,
            url=redact_url(url),
            route=route or "/",
            correlation_id=cid,
        )
        call.started = self.retry.clock()
        hooks = self.hooks
        if _DEFAULT_HOOKS:
            hooks += tuple(h for h in _DEFAULT_HOOKS if type(h) not in self._hook_types)
        for hook in hooks:
            try:
                observer = hook.start_call(call.info)
            except Exception:  # instrumentation must never break a call
                logger.warning("http hook failed in start_call", exc_info=True, extra=self._extra(call))
                continue
            if observer is not None:
                call.observers.append(observer)
        return call

    def attempt_headers(self, call: Call, token: str | None) -> dict[str, str]:
        """The headers of the next attempt (bearer token, hooks' additions); counts the attempt."""
        call.attempt += 1
        headers = call.headers.copy() if (token is not None or call.observers) else call.headers
        if token is not None:
            headers["authorization"] = f"Bearer {token}"
        for observer in call.observers:
            try:
                observer.before_attempt(call.attempt, headers)
            except Exception:  # instrumentation must never break a call
                logger.warning("http hook failed in before_attempt", exc_info=True, extra=self._extra(call))
        if logger.isEnabledFor(logging.DEBUG):
            extra = self._extra(call)
            extra["http_headers"] = redact_headers(headers)
            logger.debug("http attempt %d", call.attempt, extra=extra)
        return headers

    def time_left(self, call: Call) -> float | None:
        """Seconds before the call's deadline (``None`` without one): what a rate limiter may wait."""
        deadline = self.retry.deadline
        return None if deadline is None else deadline - (self.retry.clock() - call.started)

    def retry_after_of(self, raw: Answer) -> float | None:
        """The ``Retry-After`` of a 429 answer in seconds (``None`` for other answers or none)."""
        if raw.status_code != 429:
            return None
        return self.retry.retry_after(raw.headers.get("retry-after"))

    def attempt_timeouts(self, call: Call) -> tuple[httpx.Timeout, float]:
        """The httpx timeout and the total of the next attempt: cut to what the deadline leaves."""
        deadline = self.retry.deadline
        if deadline is None:
            return call.timeout, call.total
        left = deadline - (self.retry.clock() - call.started)
        if left >= call.total:
            return call.timeout, call.total
        left = max(left, 1e-3)  # spent already: the attempt times out at once and is not retried
        call.was_cut = True
        connect = call.timeout.connect
        return httpx.Timeout(left, connect=left if connect is None else min(connect, left)), left

    # -- deciding after an attempt ----------------------------------------------------------------

    def after_response(self, call: Call, raw: Answer, *, can_reauth: bool) -> Step:
        status, content = raw.status_code, raw.content
        if status < 400:
            return Step(
                RETURN,
                response=Response(
                    status_code=status,
                    headers=raw.headers,
                    content=content,
                    url=raw.url,
                    method=call.method,
                    elapsed=self.retry.clock() - call.started,
                    attempts=call.attempt,
                ),
            )
        if status == 401 and can_reauth and not call.reauthed:
            call.reauthed = True
            return Step(REAUTH)
        policy = self.retry
        retry_after = None
        if status == 429 or status == 503:
            retry_after = policy.retry_after(raw.headers.get("retry-after"))
        error = error_for_status(
            status,
            body=parse_body(content, raw.headers.get("content-type")),
            method=call.method,
            url=redact_url(raw.url),
            service_name=self.service_name,
            headers=redact_headers(raw.headers),
            retry_after=retry_after,
        )
        if status != 429 and status < 500:
            return self._give_up(call, error, None)
        if retry_after is not None and retry_after > policy.retry_after_cap:
            error.add_note(f"Retry-After {retry_after:g}s exceeds the cap of {policy.retry_after_cap:g}s")
            return self._give_up(call, error, None)
        delay = retry_after if retry_after is not None else policy.backoff(call.attempt)
        return self._retry_or_give_up(call, error, None, delay, eligible=call.retryable)

    def after_exception(self, call: Call, exc: BaseException) -> Step:
        where = f"{self.service_name}: {call.method} {redact_url(call.url)}"
        error: VFError
        eligible = call.retryable
        if isinstance(exc, httpx.TimeoutException | TimeoutError):
            limit = f"the {self.retry.deadline:g}s deadline" if call.was_cut else f"total {call.total:g}s"
            error = VFTimeoutError(f"{where} timed out ({type(exc).__name__}, {limit})")
            eligible = eligible or isinstance(exc, httpx.ConnectTimeout | httpx.PoolTimeout)
        elif isinstance(exc, httpx.UnsupportedProtocol | httpx.LocalProtocolError):
            return self._give_up(call, ValidationError(f"{where}: {exc}"), exc)
        elif isinstance(exc, httpx.TransportError):
            error = NetworkError(
                f"{where} failed: {type(exc).__name__}: {exc}",
                method=call.method,
                url=redact_url(call.url),
                service_name=self.service_name,
            )
            eligible = eligible or isinstance(exc, httpx.ConnectError)  # nothing was sent
        elif isinstance(exc, httpx.DecodingError):
            return self._give_up(call, ResponseFormatError(f"{where}: undecodable body: {exc}"), exc)
        else:
            err = TransportError(f"{where} failed: {type(exc).__name__}: {exc}", method=call.method)
            return self._give_up(call, err, exc)
        return self._retry_or_give_up(call, error, exc, self.retry.backoff(call.attempt), eligible=eligible)

    def _retry_or_give_up(
        self, call: Call, error: VFError, cause: BaseException | None, delay: float, *, eligible: bool
    ) -> Step:
        policy = self.retry
        if not eligible or call.attempt > policy.max_retries:
            return self._give_up(call, error, cause)
        if policy.deadline is not None and policy.clock() + delay - call.started >= policy.deadline:
            error.add_note(f"the call's deadline of {policy.deadline:g}s leaves no time for another attempt")
            return self._give_up(call, error, cause)
        if logger.isEnabledFor(logging.WARNING):
            extra = self._extra(call)
            extra.update(
                attempt=call.attempt,
                delay_s=delay,
                http_status=getattr(error, "status", None),
                error=str(error),
            )
            logger.warning("http retry after %.3fs", delay, extra=extra)
        return Step(RETRY, delay=delay, error=error)

    def _give_up(self, call: Call, error: VFError, cause: BaseException | None) -> Step:
        if call.attempt > 1:
            error.add_note(f"gave up after {call.attempt} attempts")
        return Step(RAISE, error=error, cause=cause)

    # -- ending a call ----------------------------------------------------------------------------

    def finish(self, call: Call, response: Response | None, error: BaseException | None) -> None:
        duration = self.retry.clock() - call.started
        status = response.status_code if response is not None else getattr(error, "status", None)
        if error is None:
            if logger.isEnabledFor(logging.DEBUG):
                extra = self._extra(call)
                extra.update(http_status=status, attempts=call.attempt, duration_ms=duration * 1000)
                logger.debug("http call done", extra=extra)
        elif isinstance(error, VFError) and logger.isEnabledFor(logging.WARNING):
            extra = self._extra(call)
            extra.update(
                http_status=status, attempts=call.attempt, duration_ms=duration * 1000, error=str(error)
            )
            logger.warning("http call failed", extra=extra)
        if call.observers:
            outcome = CallOutcome(
                status_code=status if isinstance(status, int) else None,
                error=error,
                duration=duration,
                attempts=call.attempt,
            )
            for observer in call.observers:
                try:
                    observer.end(outcome)
                except Exception:  # instrumentation must never break a call
                    logger.warning("http hook failed in end", exc_info=True, extra=self._extra(call))

    def _extra(self, call: Call) -> dict[str, Any]:
        info = call.info
        return {
            "correlation_id": info.correlation_id,
            "service_name": info.service_name,
            "http_method": info.method,
            "http_route": info.route,
            "http_url": info.url,
        }


def _build(
    client: httpx.AsyncClient | httpx.Client, call: Call, headers: dict[str, str], timeout: httpx.Timeout
) -> httpx.Request:
    return client.build_request(
        call.method,
        call.url,
        params=call.params,
        json=call.json,
        content=call.content,
        data=call.data,
        headers=headers,
        timeout=timeout,
    )


async def async_send_within(
    client: httpx.AsyncClient,
    call: Call,
    headers: dict[str, str],
    timeout: httpx.Timeout,  # noqa: ASYNC109 - httpx's socket timeouts of the attempt; total bounds it all
    total: float,
) -> Answer:
    """Send the next attempt of ``call`` and read its body, all within ``total`` seconds
    (:class:`TimeoutError` past it)."""
    request = _build(client, call, headers, timeout)
    async with asyncio.timeout(total):
        raw = await client.send(request)
    return Answer(raw.status_code, raw.headers, str(raw.request.url), raw.content)


def send_within(
    client: httpx.Client, call: Call, headers: dict[str, str], timeout: httpx.Timeout, total: float
) -> Answer:
    """The twin of :func:`async_send_within`: the socket timeouts bound each read, and the body read
    is checked against the total (a server trickling bytes cannot hold the call past it)."""
    request = _build(client, call, headers, timeout)
    deadline = time.monotonic() + total
    raw = client.send(request, stream=True)
    try:
        chunks: list[bytes] = []
        for chunk in raw.iter_bytes():
            chunks.append(chunk)
            if time.monotonic() > deadline:
                raise TimeoutError("total timeout exceeded while reading the body")
    finally:
        raw.close()
    return Answer(raw.status_code, raw.headers, str(raw.request.url), b"".join(chunks))

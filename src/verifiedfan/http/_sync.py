# Generated from src/verifiedfan/http/_async.py by scripts/unasync.py: do not edit.
# Change the async source, then run `python scripts/unasync.py`.
"""The HTTP client every verifiedfan API client builds on (``_async.py`` is the source, ``_sync.py`` its
generated twin)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from types import TracebackType
from typing import Any, Self, TypedDict, Unpack

import httpx

from verifiedfan._primitives import LoopGuard
from verifiedfan.correlation import current_correlation_id, enter_scope, exit_scope
from verifiedfan.errors import NotConnectedError, ValidationError
from verifiedfan.http._api._sync.limiter import SyncRequestLimiter
from verifiedfan.http._config import HttpSettings, Limits, RetryPolicy, Timeouts
from verifiedfan.http._core import RAISE, REAUTH, RETURN, Call, ClientCore, send_within
from verifiedfan.http._types import HttpHook, Response, SyncTokenSource

# isort: split

__all__ = ["SyncHttpClient"]


class _Options(TypedDict, total=False):
    params: Mapping[str, Any] | None
    json: Any
    data: Mapping[str, Any] | bytes | str | None
    headers: Mapping[str, str] | None
    token: str | None
    auth: SyncTokenSource | None
    idempotency_key: str | None
    retry_non_idempotent: bool
    timeout: float | Timeouts | None
    route: str | None
    limiter: SyncRequestLimiter | None


class SyncHttpClient:
    """An HTTP client configured once per upstream service.

    Every call gets: the service's base URL and default headers, a total timeout, the retry policy,
    the ``x-correlation-id`` header (created when absent), an optional bearer token (``token=`` per
    call, or a token source as ``auth=`` that is refreshed and replayed once after a 401), log lines
    without secrets, and the hooks. Errors are :class:`~verifiedfan.errors.VFError` subclasses;
    after the last attempt the real last error is raised, with status and body. With a
    ``RetryPolicy.deadline``, each attempt's timeout is cut to the time left, and no retry starts
    (nor its wait) when no time would be left for it.

    The client belongs to the first event loop that uses it (its pooled connections do): using it
    from another loop raises :class:`~verifiedfan.http.EventLoopMismatchError` at once. Its blocking
    twin warns with :class:`~verifiedfan.http.BlockingCallWarning` when called inside a running loop.

    ``client=`` injects a prebuilt ``httpx.Client`` (not closed by :meth:`close`);
    ``transport=`` injects an httpx transport. The async client sends through an
    :class:`~verifiedfan.http.AiohttpTransport` directly (httpx builds the request, aiohttp sends it
    and reads the answer): the fast path the music clients take.

    ``limiter=`` (a rate limiter, see ``SyncRequestLimiter``; shareable between clients; also per call)
    paces every attempt: each waits for a slot (a wait past the call's ``RetryPolicy.deadline``
    fails at once with :class:`~verifiedfan.errors.VFTimeoutError`) and reports its answer, so a
    429 pauses every call sharing an adaptive limiter until its ``Retry-After``.
    """

    def __init__(
        self,
        *,
        service_name: str,
        base_url: str = "",
        headers: Mapping[str, str] | None = None,
        timeouts: Timeouts | None = None,
        limits: Limits | None = None,
        retry: RetryPolicy | None = None,
        auth: SyncTokenSource | None = None,
        hooks: Sequence[HttpHook] = (),
        client: httpx.Client | None = None,
        transport: httpx.BaseTransport | None = None,
        follow_redirects: bool = False,
        limiter: SyncRequestLimiter | None = None,
    ) -> None:
        if client is not None and transport is not None:
            raise ValidationError("pass either client= or transport=, not both")
        self._core = ClientCore(
            service_name=service_name,
            base_url=base_url,
            headers=headers,
            timeouts=timeouts or Timeouts(),
            retry=retry or RetryPolicy(),
            hooks=hooks,
        )
        self._auth = auth
        self.limiter = limiter
        self._guard = LoopGuard(f"SyncHttpClient {service_name!r}")
        self._owns_client = client is None
        self._client: httpx.Client | None = client or httpx.Client(
            timeout=self._core.httpx_timeout,
            limits=(limits or Limits()).to_httpx(),
            transport=transport,
            follow_redirects=follow_redirects,
        )

    @classmethod
    def from_settings(
        cls,
        settings: HttpSettings,
        *,
        retry: RetryPolicy | None = None,
        auth: SyncTokenSource | None = None,
        hooks: Sequence[HttpHook] = (),
        client: httpx.Client | None = None,
        transport: httpx.BaseTransport | None = None,
    ) -> SyncHttpClient:
        """A client from :class:`HttpSettings`; ``retry=`` replaces the policy built from them."""
        return cls(
            service_name=settings.service_name,
            base_url=settings.base_url,
            headers=settings.default_headers,
            timeouts=settings.timeouts(),
            limits=settings.limits(),
            retry=retry or settings.retry_policy(),
            auth=auth,
            hooks=hooks,
            client=client,
            transport=transport,
        )

    @property
    def service_name(self) -> str:
        return self._core.service_name

    @property
    def base_url(self) -> str:
        return self._core.base_url

    @property
    def retry_policy(self) -> RetryPolicy:
        return self._core.retry

    @property
    def closed(self) -> bool:
        return self._client is None

    def close(self) -> None:
        """Close the connection pool (an injected ``client=`` is left open). Idempotent."""
        client, self._client = self._client, None
        if client is not None and self._owns_client:
            client.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    def request(
        self,
        method: str,
        path_or_url: str,
        *,
        params: Mapping[str, Any] | None = None,
        json: Any = None,
        data: Mapping[str, Any] | bytes | str | None = None,
        headers: Mapping[str, str] | None = None,
        token: str | None = None,
        auth: SyncTokenSource | None = None,
        idempotency_key: str | None = None,
        retry_non_idempotent: bool = False,
        timeout: float | Timeouts | None = None,
        route: str | None = None,
        limiter: SyncRequestLimiter | None = None,
    ) -> Response:
        """Send one logical call (with its retries) and return the response, or raise a VFError.

        ``path_or_url`` is joined to ``base_url`` unless absolute. ``json`` is sent as JSON,
        ``data`` as a form (mapping) or raw body (bytes/str). ``token`` sends ``Authorization: Bearer``;
        ``auth`` (default: the client's) is a token source refreshed and replayed once on 401.
        ``route`` is the logical route label for logs, spans and metrics (default: the path).
        ``limiter`` (default: the client's) paces each attempt (see the class doc).
        """
        client = self._client
        if client is None:
            raise NotConnectedError(f"{self._core.service_name}: the HTTP client is closed")
        self._guard.check()
        # The call runs under the caller's correlation id, or a new one for this call only: a
        # generated id must not leak into the caller's later, unrelated work.
        # (enter_scope/exit_scope: correlation_scope without a generator, on every call's path)
        _, scope = enter_scope(current_correlation_id())
        try:
            call = self._core.prepare(
                method,
                path_or_url,
                params=params,
                json=json,
                data=data,
                headers=headers,
                idempotency_key=idempotency_key,
                retry_non_idempotent=retry_non_idempotent,
                timeout=timeout,
                route=route,
            )
            return self._send(client, call, token, auth, limiter or self.limiter)
        finally:
            exit_scope(scope)

    def _send(
        self,
        client: httpx.Client,
        call: Call,
        token: str | None,
        auth: SyncTokenSource | None,
        limiter: SyncRequestLimiter | None,
    ) -> Response:
        core = self._core
        source = None if token is not None else (auth or self._auth)
        ticket: Any = None
        pending = False  # a limiter ticket awaits its feedback
        try:
            while True:
                bearer = token if source is None else source.get_token()
                if limiter is not None:
                    ticket = limiter.acquire(core.time_left(call))
                    pending = True
                attempt_timeout, attempt_total = core.attempt_timeouts(call)
                headers = core.attempt_headers(call, bearer)
                try:
                    raw = send_within(client, call, headers, attempt_timeout, attempt_total)
                except (httpx.HTTPError, TimeoutError) as exc:
                    if pending and limiter is not None:
                        pending = False
                        limiter.feedback(ticket, 0)
                    step = core.after_exception(call, exc)
                else:
                    if pending and limiter is not None:
                        pending = False
                        limiter.feedback(ticket, raw.status_code, core.retry_after_of(raw))
                    step = core.after_response(call, raw, can_reauth=source is not None)
                if step.action == RETURN and step.response is not None:
                    response = step.response
                    break
                if step.action == RAISE and step.error is not None:
                    raise step.error from step.cause
                if step.action == REAUTH and source is not None and bearer is not None:
                    source.invalidate(bearer)
                    continue
                core.retry.sync_sleep(step.delay)
        except BaseException as exc:
            if pending and limiter is not None:
                limiter.feedback(ticket, 0)
            core.finish(call, None, exc)
            raise
        core.finish(call, response, None)
        return response

    def get(self, path_or_url: str, **options: Unpack[_Options]) -> Response:
        return self.request("GET", path_or_url, **options)

    def post(self, path_or_url: str, **options: Unpack[_Options]) -> Response:
        return self.request("POST", path_or_url, **options)

    def put(self, path_or_url: str, **options: Unpack[_Options]) -> Response:
        return self.request("PUT", path_or_url, **options)

    def patch(self, path_or_url: str, **options: Unpack[_Options]) -> Response:
        return self.request("PATCH", path_or_url, **options)

    def delete(self, path_or_url: str, **options: Unpack[_Options]) -> Response:
        return self.request("DELETE", path_or_url, **options)

    def get_json(self, path_or_url: str, **options: Unpack[_Options]) -> Any:
        """GET and parse the JSON body (``None`` for an empty body)."""
        response = self.request("GET", path_or_url, **options)
        return response.json() if response.content else None

    def post_json(self, path_or_url: str, **options: Unpack[_Options]) -> Any:
        """POST (usually with ``json=``) and parse the JSON body (``None`` for an empty body)."""
        response = self.request("POST", path_or_url, **options)
        return response.json() if response.content else None

    def __repr__(self) -> str:
        return f"SyncHttpClient(service_name={self.service_name!r}, base_url={self.base_url!r})"

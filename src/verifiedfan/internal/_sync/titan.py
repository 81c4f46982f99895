# Generated from src/verifiedfan/internal/_async/titan.py by scripts/unasync.py: do not edit.
# Change the async source, then run `python scripts/unasync.py`.
"""The client of the platform's internal ("Titan") services (the successor of ``TitanRequest``).

Every call is signed with this worker's token (``Authorization: Bearer``, a
:class:`~verifiedfan.jwt.WorkerTokenMinter` token whose ``aud`` is the target service), carries the
caller's correlation id (``x-correlation-id``, made when there is none) and the trace context
(``traceparent``, a client span per call once :func:`~verifiedfan.tracing.configure_tracing` ran),
and is timed (one ``TitanRequest`` metric per call with service, method, route and status) when a
metrics namespace is given. A 401 forgets the token and replays the call once with a fresh one.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, ClassVar, Self, TypeVar

from verifiedfan.errors import ConfigurationError, ValidationError
from verifiedfan.http import ApiSettings, HttpHook, SyncApiClient, Timeouts
from verifiedfan.http._api._credentials import AuthRequest
from verifiedfan.http._api._sync.auth import SyncAuth, SyncAuthBase
from verifiedfan.internal._settings import TitanSettings
from verifiedfan.internal._types import METHODS, WorkerTokenSource, check_service
from verifiedfan.metrics._model import MetricSink

__all__ = ["SyncTitanClient", "SyncWorkerTokenAuth"]

T = TypeVar("T")

METRIC_NAME = "TitanRequest"


class SyncWorkerTokenAuth(SyncAuthBase):
    """``Authorization: Bearer <worker token>`` on every attempt; after a 401 the token is forgotten
    and the call replayed once with a freshly minted one (a receiver that refuses replays, or one
    whose keys were rotated)."""

    def __init__(self, minter: WorkerTokenSource) -> None:
        if not isinstance(minter, WorkerTokenSource):
            raise ConfigurationError("SyncWorkerTokenAuth needs a WorkerTokenMinter (token() and forget())")
        self._minter = minter

    def apply(self, request: AuthRequest) -> None:
        request.bearer(self._minter.token())

    def invalidate(self, credential: str | None) -> bool:
        self._minter.forget(credential)
        return True

    def __repr__(self) -> str:
        return f"{type(self).__name__}(worker_id={self._minter.worker_id!r})"


class SyncTitanClient(SyncApiClient):
    """A client of one internal service::

        minter = WorkerTokenMinter(worker_id="export-service", private_key=pem, audience="users")
        with SyncTitanClient("users", base_url="http://users.internal", worker=minter,
                               metrics_namespace="export-service") as users:
            user = users.get("/v1/users/{id}", path={"id": user_id})

    ``worker`` signs each call (or pass any ``auth=``); ``metrics_namespace`` (and ``metrics_sink``,
    default the process sink) adds the timing hook. Other keywords are
    :class:`~verifiedfan.http.SyncApiClient`'s (``http=``, ``transport=``, ``retry=``, ``hooks=``...).
    ``from_settings(TitanSettings(), service="users")`` builds the minter from ``VF_TITAN_*``.
    """

    service_name: ClassVar[str] = "titan"
    settings_class = TitanSettings

    def __init__(
        self,
        service: str,
        *,
        base_url: str,
        worker: WorkerTokenSource | None = None,
        auth: SyncAuth | None = None,
        metrics_namespace: str | None = None,
        metrics_sink: MetricSink | None = None,
        hooks: Sequence[HttpHook] = (),
        **options: Any,
    ) -> None:
        # the instance's name labels its logs, spans, metrics and errors
        self.__dict__["service_name"] = check_service(service)
        if worker is not None and auth is not None:
            raise ConfigurationError(f"titan {service}: pass either worker= or auth=, not both")
        if not base_url:
            raise ConfigurationError(f"titan {service}: base_url is required")
        all_hooks = list(hooks)
        if metrics_namespace is not None:
            from verifiedfan.metrics._http import TimedHttpHook

            all_hooks.append(
                TimedHttpHook(namespace=metrics_namespace, metric_name=METRIC_NAME, sink=metrics_sink)
            )
        super().__init__(
            base_url=base_url,
            auth=SyncWorkerTokenAuth(worker) if worker is not None else auth,
            hooks=all_hooks,
            **options,
        )
        self.service = service

    @classmethod
    def from_settings(cls, settings: ApiSettings, **overrides: Any) -> Self:
        """The client of ``service=`` (required keyword) from :class:`TitanSettings`: its base URL
        from ``services``, a worker-token minter from ``worker_id``/``private_key`` (``aud`` = the
        service), timeouts, limits and retries from the settings."""
        if not isinstance(settings, TitanSettings):
            raise ConfigurationError(f"{cls.__name__}.from_settings takes a TitanSettings")
        service = check_service(overrides.pop("service", ""))
        if service not in settings.services and "base_url" not in overrides:
            raise ConfigurationError(
                f"titan: no base URL for service {service!r} (known: {sorted(settings.services)})"
            )
        kwargs: dict[str, Any] = {
            "base_url": settings.services.get(service, ""),
            "timeouts": settings.timeouts(),
            "limits": settings.limits(),
            "retry": settings.retry_policy(),
            "headers": settings.default_headers or None,
            "max_in_flight": settings.max_in_flight,
        }
        key = settings.private_key.get_secret_value()
        if settings.worker_id and key and "auth" not in overrides and "worker" not in overrides:
            from verifiedfan.jwt import WorkerTokenMinter

            kwargs["worker"] = WorkerTokenMinter(
                worker_id=settings.worker_id,
                private_key=key,
                key_id=settings.key_id,
                audience=service if settings.audience_is_service else None,
                expires_in=settings.token_lifetime,
                algorithm=settings.algorithm,
            )
        kwargs.update(overrides)
        return cls(service, **kwargs)

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.service!r}, base_url={self.base_url!r})"

    def request(
        self,
        method: str,
        route: str,
        *,
        path: Mapping[str, Any] | None = None,
        params: Mapping[str, Any] | None = None,
        json: Any = None,
        headers: Mapping[str, str] | None = None,
        idempotency_key: str | None = None,
        timeout: float | Timeouts | None = None,
    ) -> Any:
        """One call: ``route`` is a template (``"/v1/users/{id}"``) filled from ``path``; the JSON
        answer (``None`` when empty). Errors are the library's (``NotFoundError``, ``ServerError``...
        with the service's error body in ``body``)."""
        verb = method.upper() if isinstance(method, str) else ""
        if verb not in METHODS:
            raise ValidationError(f"titan {self.service}: unsupported method {method!r}")
        return self._call_json(
            verb,
            route,
            path=path,
            params=params,
            json=json,
            headers=headers,
            idempotency_key=idempotency_key,
            timeout=timeout,
        )

    def request_model(self, model: type[T], method: str, route: str, **options: Any) -> T:
        """:meth:`request` decoded as ``model`` (``ResponseFormatError`` when the answer does not fit)."""
        from verifiedfan.http import decode

        body = self.request(method, route, **options)
        return decode(model, body, f"{self.service} {route}")

    def get(self, route: str, **options: Any) -> Any:
        """``GET`` (see :meth:`request`)."""
        return self.request("GET", route, **options)

    def post(self, route: str, **options: Any) -> Any:
        """``POST``: not retried unless ``idempotency_key=`` is given."""
        return self.request("POST", route, **options)

    def put(self, route: str, **options: Any) -> Any:
        """``PUT`` (see :meth:`request`)."""
        return self.request("PUT", route, **options)

    def patch(self, route: str, **options: Any) -> Any:
        """``PATCH``: not retried unless ``idempotency_key=`` is given."""
        return self.request("PATCH", route, **options)

    def delete(self, route: str, **options: Any) -> Any:
        """``DELETE`` (see :meth:`request`)."""
        return self.request("DELETE", route, **options)

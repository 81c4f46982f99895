"""The Fastly purge sandbox: purge by surrogate key, batch purge, purge all, with a purge log.

It answers as Fastly documents (API reference "Purging"; the generated clients' ``PurgeApi.md``):
``POST /service/{service_id}/purge/{key}`` -> ``{"status": "ok", "id": ...}``; ``POST
/service/{service_id}/purge`` with ``{"surrogate_keys": [...]}`` (or a ``Surrogate-Key`` header of
space-separated keys), at most 256 keys -> ``{"<key>": "<purge id>"}``; ``POST
/service/{service_id}/purge_all`` -> ``{"status": "ok"}``. ``Fastly-Soft-Purge`` (any value) makes a
key purge soft. Errors are ``{"msg", "detail"}``: 401 without a valid ``Fastly-Key``, 404 for an
unknown service, 400 for a bad batch. Tests read :meth:`FastlySandbox.purges`; ``stats()`` counts
``keys_purged``, ``soft_purges``, ``hard_purges`` and ``purge_all``.
"""

from __future__ import annotations

from typing import Any, ClassVar

from verifiedfan.testing.sandbox._app import SandboxApp
from verifiedfan.testing.sandbox._http import Request, Response
from verifiedfan.testing.sandbox._routing import route
from verifiedfan.testing.sandbox._runner import ApiSandbox

__all__ = ["FastlyApp", "FastlySandbox"]

_MAX_BATCH = 256


class FastlyApp(SandboxApp):
    """Fastly's purge endpoints for the services in ``services``; ``api_key`` is the token it takes."""

    kind: ClassVar[str] = "fastly"
    realm: ClassVar[str] = "fastly"
    api_key = "vf-fastly-sandbox-token-0001"
    services: ClassVar[tuple[str, ...]] = ("SU1Z0isxPaozGVKXdv0eY", "7i6HN3TK9wS159v2gPAZ8A")

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.purged: list[dict[str, Any]] = []
        self._ids = 0

    def error(self, status: int, message: str, *, headers: list[tuple[str, str]] | None = None) -> Response:
        return Response.json({"msg": message, "detail": message}, status, headers)

    def app_key(self, request: Request) -> str | None:
        return "token" if request.headers.get("fastly-key") == self.api_key else None

    def reset(self) -> None:
        """Also forget the purge log."""
        super().reset()
        self.purged.clear()

    def info(self) -> dict[str, Any]:
        return {**super().info(), "api_key": self.api_key, "services": list(self.services)}

    def control(self, request: Request) -> Response:
        if request.path == "/_sandbox/purges":
            return Response.json(list(self.purged))
        return super().control(request)

    def _check(self, request: Request, service_id: str) -> Response | None:
        if request.headers.get("fastly-key") != self.api_key:
            return self.error(401, "Provided credentials are missing or invalid")
        if service_id not in self.services:
            return Response.json(
                {"msg": "Record not found", "detail": f"Cannot find service '{service_id}'"}, 404
            )
        return None

    def _purge(self, service_id: str, key: str | None, soft: bool) -> str:
        self._ids += 1
        purge_id = f"{self.seed}-{1700000000 + self._ids}-{self._ids:06d}"
        self.purged.append({"service_id": service_id, "key": key, "soft": soft, "id": purge_id})
        if key is None:
            self.counters["purge_all"] += 1
        else:
            self.counters["keys_purged"] += 1
            self.counters["soft_purges" if soft else "hard_purges"] += 1
        return purge_id

    @route("POST", "/service/{service_id}/purge/{key}")
    def purge_key(self, request: Request, service_id: str, key: str) -> Response:
        refused = self._check(request, service_id)
        if refused is not None:
            return refused
        soft = "fastly-soft-purge" in request.headers
        return Response.json({"status": "ok", "id": self._purge(service_id, key, soft)})

    @route("POST", "/service/{service_id}/purge")
    def purge_batch(self, request: Request, service_id: str) -> Response:
        refused = self._check(request, service_id)
        if refused is not None:
            return refused
        keys: Any
        if "surrogate-key" in request.headers:
            keys = request.headers["surrogate-key"].split()
        else:
            try:
                body = request.json()
            except ValueError:
                return self.error(400, "Invalid JSON body")
            keys = body.get("surrogate_keys") if isinstance(body, dict) else None
        if not isinstance(keys, list) or not keys or not all(isinstance(k, str) and k for k in keys):
            return self.error(400, "surrogate_keys must be a non-empty list of keys")
        if len(keys) > _MAX_BATCH:
            return self.error(400, f"Too many surrogate keys: {len(keys)} (at most {_MAX_BATCH})")
        soft = "fastly-soft-purge" in request.headers
        return Response.json({key: self._purge(service_id, key, soft) for key in keys})

    @route("POST", "/service/{service_id}/purge_all")
    def purge_all(self, request: Request, service_id: str) -> Response:
        refused = self._check(request, service_id)
        if refused is not None:
            return refused
        self._purge(service_id, None, False)
        return Response.json({"status": "ok"})


class FastlySandbox(ApiSandbox):
    """A running :class:`FastlyApp` (a thread, or a child process with ``process=True``)."""

    app_class = FastlyApp

    @property
    def api_key(self) -> str:
        return FastlyApp.api_key

    @property
    def service_id(self) -> str:
        return FastlyApp.services[0]

    def purges(self, service_id: str | None = None) -> list[dict[str, Any]]:
        """Every purge so far, oldest first: ``service_id``, ``key`` (``None`` for purge-all),
        ``soft``, ``id``."""
        return [p for p in self.control("purges") if service_id is None or p["service_id"] == service_id]

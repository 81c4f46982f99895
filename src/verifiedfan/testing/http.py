"""Calling a service under test with a JWT (the ``test-utils`` ``request``/``requestWithJWT``).

``HttpTarget`` names the service: a running one (``base_url``) or an ASGI app called in process
(``app``), with the :class:`~verifiedfan.jwt.Signer` whose tokens it accepts. The BDD HTTP steps
of :mod:`verifiedfan.testing.bdd` use the ``vf_http_target`` fixture, which a service's conftest
overrides to return its target.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import httpx

from verifiedfan.errors import ConfigurationError

if TYPE_CHECKING:
    from verifiedfan.jwt import Signer, WorkerTokenMinter

__all__ = ["HttpTarget", "jwt_headers", "request_with_jwt", "sync_request_with_jwt"]


def jwt_headers(
    signer: Signer,
    claims: Mapping[str, Any] | None = None,
    *,
    permissions: Iterable[str] | None = None,
    headers: Mapping[str, str] | None = None,
) -> dict[str, str]:
    """``headers`` plus ``Authorization: Bearer`` a token of ``claims`` (and ``permissions``)."""
    payload = dict(claims or {})
    payload.setdefault("userId", "test-user")
    if permissions is not None:
        payload["permissions"] = [str(p) for p in permissions]
    return {**(headers or {}), "Authorization": f"Bearer {signer.make_token(payload)}"}


async def request_with_jwt(
    client: httpx.AsyncClient,
    method: str,
    path: str,
    *,
    signer: Signer,
    claims: Mapping[str, Any] | None = None,
    permissions: Iterable[str] | None = None,
    **kwargs: Any,
) -> httpx.Response:
    """``client.request(method, path, ...)`` as a user with ``claims`` and ``permissions``."""
    headers = jwt_headers(signer, claims, permissions=permissions, headers=kwargs.pop("headers", None))
    return await client.request(method, path, headers=headers, **kwargs)


def sync_request_with_jwt(
    client: httpx.Client,
    method: str,
    path: str,
    *,
    signer: Signer,
    claims: Mapping[str, Any] | None = None,
    permissions: Iterable[str] | None = None,
    **kwargs: Any,
) -> httpx.Response:
    """The sync twin of :func:`request_with_jwt`, for ``httpx.Client``."""
    headers = jwt_headers(signer, claims, permissions=permissions, headers=kwargs.pop("headers", None))
    return client.request(method, path, headers=headers, **kwargs)


@dataclass
class HttpTarget:
    """The service under test: ``base_url`` (served) or ``app`` (ASGI, in process), and its keys."""

    base_url: str | None = None
    app: Any = None
    signer: Signer | None = None
    worker_minter: WorkerTokenMinter | None = None
    headers: Mapping[str, str] = field(default_factory=dict)
    timeout: float = 10.0

    def __post_init__(self) -> None:
        if (self.base_url is None) == (self.app is None):
            raise ConfigurationError("give exactly one of base_url or app")

    def client(self) -> httpx.AsyncClient:
        """A new async client for the target (close it, or use it in ``async with``)."""
        if self.app is not None:
            transport = httpx.ASGITransport(app=self.app)
            return httpx.AsyncClient(
                transport=transport,
                base_url="http://service.test",
                headers=dict(self.headers),
                timeout=self.timeout,
            )
        return httpx.AsyncClient(
            base_url=str(self.base_url), headers=dict(self.headers), timeout=self.timeout
        )

    def auth_headers(
        self,
        *,
        claims: Mapping[str, Any] | None = None,
        permissions: Iterable[str] | None = None,
        worker: bool = False,
    ) -> dict[str, str]:
        """The Authorization header of a user (``claims``, ``permissions``) or of the worker."""
        if worker:
            if self.worker_minter is None:
                raise ConfigurationError("this HttpTarget has no worker_minter")
            return self.worker_minter.authorization_header()
        if self.signer is None:
            raise ConfigurationError("this HttpTarget has no signer to mint user tokens")
        return jwt_headers(self.signer, claims, permissions=permissions)

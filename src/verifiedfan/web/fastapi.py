"""FastAPI glue (extra ``web``): dependencies for claims and permissions, and error handlers that
answer in the library's error shape. The only module of the library that imports FastAPI.

::

    from fastapi import FastAPI
    from verifiedfan.web import with_middlewares
    from verifiedfan.web.fastapi import Claims, install_error_handlers, requires_actions

    app = with_middlewares(FastAPI(), verifier=verifier)
    install_error_handlers(app)

    @app.get("/me")
    async def me(claims: Claims) -> dict[str, object]: ...

    @app.post("/campaigns", dependencies=[requires_actions("EDIT")])
    async def create() -> None: ...

A missing token is 401 (``current_claims``); a token without a required action is 403 naming it.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Annotated, Any

from verifiedfan._optional import require

require("fastapi", "web")

from fastapi import Depends, FastAPI, Request  # noqa: E402
from fastapi.exceptions import RequestValidationError  # noqa: E402
from fastapi.responses import JSONResponse  # noqa: E402
from starlette.exceptions import HTTPException  # noqa: E402

from verifiedfan.errors import InvalidTokenError, VFError  # noqa: E402
from verifiedfan.jwt._permissions import PERMISSIONS_CLAIM, require_permissions  # noqa: E402
from verifiedfan.web._asgi import error_body  # noqa: E402
from verifiedfan.web._jwt import CLAIMS_KEY, WORKER_KEY  # noqa: E402
from verifiedfan.web._schema import SchemaIssue, SchemaValidationError, json_path  # noqa: E402

logger = logging.getLogger(__name__)

__all__ = [
    "Claims",
    "OptionalClaims",
    "Worker",
    "current_claims",
    "current_worker",
    "install_error_handlers",
    "optional_claims",
    "requires_actions",
]


def _state(request: Request) -> Mapping[str, Any]:
    state = request.scope.get("state")
    return state if isinstance(state, Mapping) else {}


# The dependencies are ``async def`` although they never await: FastAPI runs a plain ``def``
# dependency in its thread pool, a thread hop per dependency per request (measured on the reference
# service's GET /me: most of what the stack cost, see benchmarks/bench_service.py).


async def optional_claims(request: Request) -> dict[str, Any] | None:
    """The verified claims of the request (set by ``JwtMiddleware``), or ``None``."""
    claims = _state(request).get(CLAIMS_KEY)
    return dict(claims) if isinstance(claims, Mapping) else None


async def current_claims(request: Request) -> dict[str, Any]:
    """The verified claims of the request; 401 when the request carried no valid token."""
    claims = await optional_claims(request)
    if claims is None:
        raise InvalidTokenError("missing bearer token")
    return claims


async def current_worker(request: Request) -> Any:
    """The :class:`~verifiedfan.jwt.WorkerIdentity` of a worker-token request; 401 for anyone else."""
    worker = _state(request).get(WORKER_KEY)
    if worker is None:
        raise InvalidTokenError("a worker token is required")
    return worker


Claims = Annotated[dict[str, Any], Depends(current_claims)]
OptionalClaims = Annotated[dict[str, Any] | None, Depends(optional_claims)]
Worker = Annotated[Any, Depends(current_worker)]


def requires_actions(*actions: str, claim: str = PERMISSIONS_CLAIM) -> Any:
    """A dependency (``Depends``) that answers 403 naming the actions the token does not grant.

    Use it in ``dependencies=[requires_actions("EDIT")]``, or as a parameter default to receive the
    claims: ``claims: dict = requires_actions(PermissionAction.PUBLISH)``.
    """
    if not actions:
        from verifiedfan.errors import ConfigurationError

        raise ConfigurationError("requires_actions needs at least one action")

    async def dependency(claims: Claims) -> dict[str, Any]:
        require_permissions(claims, actions, claim=claim)
        return claims

    dependency.__name__ = f"requires_{'_'.join(str(a) for a in actions)}"
    return Depends(dependency)


def _validation_issues(exc: RequestValidationError) -> list[SchemaIssue]:
    issues = []
    for error in exc.errors():
        location = list(error.get("loc", ()))
        where = str(location[0]) if location else "request"
        path = json_path(location[1:])
        kind = str(error.get("type", "invalid"))
        message = "is not allowed" if kind == "extra_forbidden" else str(error.get("msg", "is invalid"))
        issues.append(SchemaIssue(f"{where}:{path}", kind, message))  # never the rejected input
    return issues


async def _on_vf_error(request: Request, exc: Exception) -> JSONResponse:
    error = exc if isinstance(exc, VFError) else VFError("internal server error", status=500)
    status = error.status if isinstance(error.status, int) and 400 <= error.status <= 599 else 500
    if status >= 500:
        logger.error(
            "request failed: %s %s: %s",
            request.method,
            request.url.path,
            type(exc).__name__,
            exc_info=(type(exc), exc, exc.__traceback__),
        )
    headers = {"www-authenticate": 'Bearer realm="api"'} if status == 401 else None
    return JSONResponse(error_body(error, status), status_code=status, headers=headers)


async def _on_request_validation(request: Request, exc: Exception) -> JSONResponse:
    if not isinstance(exc, RequestValidationError):  # pragma: no cover - registered for this type
        return await _on_vf_error(request, exc)
    return await _on_vf_error(request, SchemaValidationError("request", _validation_issues(exc)[:20]))


async def _on_http_exception(request: Request, exc: Exception) -> JSONResponse:
    status = exc.status_code if isinstance(exc, HTTPException) else 500
    detail = exc.detail if isinstance(exc, HTTPException) and isinstance(exc.detail, str) else None
    response = await _on_vf_error(request, VFError(detail or "request failed", status=status))
    if isinstance(exc, HTTPException) and exc.headers:
        response.headers.update(exc.headers)
    return response


def install_error_handlers(app: FastAPI) -> FastAPI:
    """Answer in the error shape for :class:`VFError` (its status), FastAPI's request validation
    (400 instead of 422, each problem with its location and JSON path, the input not echoed) and
    ``HTTPException`` (its status, e.g. 404 and 405 from the router)."""
    app.add_exception_handler(VFError, _on_vf_error)
    app.add_exception_handler(RequestValidationError, _on_request_validation)
    app.add_exception_handler(HTTPException, _on_http_exception)
    return app

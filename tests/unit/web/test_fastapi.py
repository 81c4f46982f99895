from __future__ import annotations

from typing import Any

import pytest
from fastapi import FastAPI
from pydantic import BaseModel, ConfigDict

from verifiedfan.jwt import PermissionAction, Signer, Verifier, WorkerTokenMinter, WorkerTokenVerifier
from verifiedfan.log import capture_logs
from verifiedfan.web import with_middlewares
from verifiedfan.web.fastapi import (
    Claims,
    OptionalClaims,
    Worker,
    install_error_handlers,
    requires_actions,
)

from ._app import client
from .conftest import bearer


class Registration(BaseModel):
    model_config = ConfigDict(extra="forbid")

    email: str
    age: int


def build(verifier: Verifier, worker_verifier: WorkerTokenVerifier | None = None) -> FastAPI:
    app = FastAPI()

    @app.get("/me")
    async def me(claims: Claims) -> dict[str, Any]:
        return {"userId": claims["userId"]}

    @app.get("/maybe")
    async def maybe(claims: OptionalClaims) -> dict[str, Any]:
        return {"anonymous": claims is None}

    @app.post(
        "/campaigns", dependencies=[requires_actions(PermissionAction.EDIT, "PUBLISH")], status_code=201
    )
    async def create() -> dict[str, str]:
        return {"created": "yes"}

    @app.post("/registrations", status_code=201)
    async def register(body: Registration) -> dict[str, Any]:
        return {"email": body.email}

    @app.get("/internal")
    async def internal(worker: Worker) -> dict[str, str]:
        return {"worker": worker.worker_id}

    install_error_handlers(app)
    return with_middlewares(app, verifier=verifier, worker_verifier=worker_verifier, jwt_required=False)


async def test_claims_dependency(signer: Signer, verifier: Verifier) -> None:
    async with client(build(verifier)) as http:
        ok = await http.get("/me", headers=bearer(signer.make_token({"userId": "u-1"})))
        anonymous = await http.get("/me")
        maybe = await http.get("/maybe")
    assert ok.json() == {"userId": "u-1"}
    assert anonymous.status_code == 401
    assert anonymous.json()["message"] == "missing bearer token"
    assert maybe.json() == {"anonymous": True}


async def test_a_missing_action_is_403_naming_it(signer: Signer, verifier: Verifier) -> None:
    editor = signer.make_token({"userId": "u-1", "permissions": ["EDIT"]})
    publisher = signer.make_token({"userId": "u-2", "permissions": ["EDIT", "PUBLISH"]})
    async with client(build(verifier)) as http:
        refused = await http.post("/campaigns", headers=bearer(editor))
        allowed = await http.post("/campaigns", headers=bearer(publisher))
        anonymous = await http.post("/campaigns")
    assert refused.status_code == 403
    assert refused.json()["message"] == "missing permission(s): PUBLISH"
    assert refused.json()["statusCode"] == 403
    assert allowed.status_code == 201
    assert anonymous.status_code == 401


@pytest.mark.parametrize(
    ("payload", "path", "fragment"),
    [
        ({"email": "a@b.co", "age": "old"}, "body:$.age", "valid integer"),
        ({"email": "a@b.co", "age": 30, "admin": True}, "body:$.admin", "is not allowed"),
        ({"age": 30}, "body:$.email", "Field required"),
    ],
    ids=["wrong-type", "unknown-field", "missing"],
)
async def test_request_validation_is_400_in_the_error_shape(
    verifier: Verifier, payload: dict[str, Any], path: str, fragment: str
) -> None:
    async with client(build(verifier)) as http:
        response = await http.post("/registrations", json=payload)
    assert response.status_code == 400
    body = response.json()
    assert body["status"] == 400
    (issue,) = body["errors"]
    assert issue["path"] == path
    assert fragment in issue["message"]
    assert "old" not in response.text


async def test_router_errors_use_the_error_shape(verifier: Verifier) -> None:
    with capture_logs() as logs:
        async with client(build(verifier)) as http:
            missing = await http.get("/nowhere")
            wrong_method = await http.delete("/me")
    assert missing.status_code == 404
    assert missing.json()["status"] == 404
    assert wrong_method.status_code == 405
    assert wrong_method.json()["statusCode"] == 405
    assert "allow" in wrong_method.headers
    assert [line["status"] for line in logs.entries if "client_ip" in line] == [404, 405]


async def test_worker_dependency(
    verifier: Verifier, worker_minter: WorkerTokenMinter, worker_verifier: WorkerTokenVerifier, signer: Signer
) -> None:
    async with client(build(verifier, worker_verifier)) as http:
        worker = await http.get("/internal", headers=worker_minter.authorization_header())
        user = await http.get("/internal", headers=bearer(signer.make_token({"userId": "u"})))
    assert worker.json() == {"worker": "campaign-worker"}
    assert user.status_code == 401


async def test_a_streamed_body_over_the_limit_is_413_even_through_fastapis_body_parsing(
    signer: Signer, verifier: Verifier
) -> None:
    from collections.abc import AsyncIterator

    app = FastAPI()

    @app.post("/registrations")
    async def register(body: Registration) -> dict[str, Any]:
        return {"email": body.email}

    install_error_handlers(app)

    async def chunks() -> AsyncIterator[bytes]:
        yield b'{"email": "a@b.co", "age": 1, "pad": "'
        for _ in range(8):
            yield b"x" * 512
        yield b'"}'

    async with client(with_middlewares(app, max_body_bytes=1024)) as http:
        response = await http.post("/registrations", content=chunks())
    assert response.status_code == 413
    assert response.json()["status"] == 413


async def test_a_5xx_vf_error_in_a_handler_is_answered_and_logged_once(verifier: Verifier) -> None:
    from verifiedfan.errors import VFError

    app = FastAPI()

    @app.get("/down")
    async def down() -> None:
        raise VFError("users service unavailable", status=503)

    install_error_handlers(app)
    with capture_logs() as logs:
        async with client(with_middlewares(app)) as http:
            response = await http.get("/down")
    assert response.status_code == 503
    assert response.json()["message"] == "users service unavailable"
    errors = [line for line in logs.entries if line["level"] == "error"]
    assert len(errors) == 1
    assert "VFError" in errors[0]["exception"]

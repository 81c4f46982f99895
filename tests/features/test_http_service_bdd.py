"""http_service.feature against a FastAPI app called in process through the HTTP steps."""

from __future__ import annotations

from typing import Any

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from fastapi import FastAPI
from pydantic import BaseModel, ConfigDict
from pytest_bdd import scenarios

from verifiedfan.jwt import Signer, Verifier, WorkerTokenMinter, WorkerTokenVerifier
from verifiedfan.testing.http import HttpTarget
from verifiedfan.web import with_middlewares
from verifiedfan.web.fastapi import Claims, Worker, install_error_handlers, requires_actions

pytest_plugins = ["verifiedfan.testing.bdd"]

scenarios("http_service.feature")


class Campaign(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: str


def _pem_pair() -> tuple[bytes, bytes]:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    private = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    public = key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    return private, public


def build_service(verifier: Verifier, worker_verifier: WorkerTokenVerifier) -> Any:
    app = FastAPI()

    @app.get("/me")
    async def me(claims: Claims) -> dict[str, Any]:
        return {"userId": claims["userId"], "permissions": claims.get("permissions", [])}

    @app.post("/campaigns", status_code=201, dependencies=[requires_actions("EDIT")])
    async def create(campaign: Campaign) -> dict[str, Any]:
        return {"name": campaign.name}

    @app.get("/internal")
    async def internal(worker: Worker) -> dict[str, str]:
        return {"worker": worker.worker_id}

    install_error_handlers(app)
    return with_middlewares(app, verifier=verifier, worker_verifier=worker_verifier)


@pytest.fixture(scope="module")
def vf_http_target() -> HttpTarget:
    user_private, user_public = _pem_pair()
    worker_private, worker_public = _pem_pair()
    service = build_service(
        Verifier(public_keys=user_public),
        WorkerTokenVerifier(trusted_workers={"campaign-worker": worker_public}),
    )
    return HttpTarget(
        app=service,
        signer=Signer(private_key=user_private),
        worker_minter=WorkerTokenMinter(worker_id="campaign-worker", private_key=worker_private),
    )

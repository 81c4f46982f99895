from __future__ import annotations

import base64
import json
import time

import pytest

from verifiedfan.jwt import Signer, Verifier, WorkerTokenMinter, WorkerTokenVerifier
from verifiedfan.web import JwtMiddleware, jwt_lazy

from ._app import client, service, starlette_app
from .conftest import Keys, bearer


def _b64(data: dict[str, object]) -> str:
    return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()


def _assert_401(response: object, message: str) -> None:
    assert response.status_code == 401  # type: ignore[attr-defined]
    body = response.json()  # type: ignore[attr-defined]
    assert body["status"] == 401
    assert body["statusCode"] == 401
    assert message in body["message"]
    assert set(body) == {"message", "error_message", "developer_message", "status", "statusCode"}
    assert response.headers["www-authenticate"].startswith("Bearer")  # type: ignore[attr-defined]


async def test_a_valid_token_puts_its_claims_in_the_request_state(signer: Signer, verifier: Verifier) -> None:
    token = signer.make_token({"userId": "u-1", "permissions": ["EDIT"]})
    async with client(service(verifier=verifier)) as http:
        response = await http.get("/me", headers=bearer(token))
    assert response.status_code == 200
    claims = response.json()["claims"]
    assert claims["userId"] == "u-1"
    assert claims["permissions"] == ["EDIT"]
    assert claims["iss"] == "titan-lib"


async def test_a_missing_token_is_401_in_the_error_shape(verifier: Verifier) -> None:
    async with client(service(verifier=verifier)) as http:
        _assert_401(await http.get("/me"), "missing bearer token")


@pytest.mark.parametrize(
    "authorization",
    ["Basic dXNlcjpwYXNz", "Bearer", "Bearer a b", "Token abc"],
)
async def test_a_malformed_authorization_header_is_401(verifier: Verifier, authorization: str) -> None:
    async with client(service(verifier=verifier)) as http:
        _assert_401(await http.get("/me", headers={"Authorization": authorization}), "invalid token")


async def test_an_expired_token_is_401(keys: Keys, verifier: Verifier) -> None:
    old = Signer(private_key=keys.private_pem, clock=lambda: time.time() - 7200, expires_in="1h")
    async with client(service(verifier=verifier)) as http:
        response = await http.get("/me", headers=bearer(old.make_token({"userId": "u-1"})))
    _assert_401(response, "expired")


async def test_a_tampered_token_is_401(signer: Signer, verifier: Verifier) -> None:
    header, payload, signature = signer.make_token({"userId": "u-1", "permissions": []}).split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    claims["permissions"] = ["ADMIN"]
    forged = f"{header}.{_b64(claims)}.{signature}"
    async with client(service(verifier=verifier)) as http:
        _assert_401(await http.get("/me", headers=bearer(forged)), "invalid token")


async def test_an_alg_none_token_is_401(verifier: Verifier) -> None:
    now = int(time.time())
    claims = {"userId": "u-1", "iss": "titan-lib", "iat": now, "exp": now + 600}
    unsigned = f"{_b64({'alg': 'none', 'typ': 'JWT'})}.{_b64(claims)}."
    async with client(service(verifier=verifier)) as http:
        _assert_401(await http.get("/me", headers=bearer(unsigned)), "invalid token")


async def test_a_token_signed_by_another_key_is_401(verifier: Verifier, worker_keys: Keys) -> None:
    stranger = Signer(private_key=worker_keys.private_pem)
    async with client(service(verifier=verifier)) as http:
        _assert_401(await http.get("/me", headers=bearer(stranger.make_token({"userId": "x"}))), "invalid")


async def test_exempt_paths_need_no_token(verifier: Verifier) -> None:
    async with client(service(verifier=verifier)) as http:
        assert (await http.get("/health")).text == "ok"


async def test_a_token_in_the_query_string_is_refused_with_400(signer: Signer, verifier: Verifier) -> None:
    token = signer.make_token({"userId": "u-1"})
    async with client(service(verifier=verifier)) as http:
        response = await http.get("/me", params={"access_token": token})
    assert response.status_code == 400
    assert "query string" in response.json()["message"]
    assert token not in response.text


async def test_the_lazy_variant_lets_anonymous_requests_through(signer: Signer, verifier: Verifier) -> None:
    async with client(jwt_lazy(starlette_app(), verifier)) as http:
        anonymous = await http.get("/me")
        known = await http.get("/me", headers=bearer(signer.make_token({"userId": "u-2"})))
        bad = await http.get("/me", headers=bearer("not.a.token"))
    assert anonymous.status_code == 200
    assert anonymous.json()["claims"] is None
    assert known.json()["claims"]["userId"] == "u-2"
    _assert_401(bad, "invalid token")


async def test_worker_tokens_are_verified_by_the_worker_verifier(
    signer: Signer,
    verifier: Verifier,
    worker_minter: WorkerTokenMinter,
    worker_verifier: WorkerTokenVerifier,
) -> None:
    app = service(verifier=verifier, worker_verifier=worker_verifier)
    async with client(app) as http:
        worker = await http.get("/me", headers=worker_minter.authorization_header())
        user = await http.get("/me", headers=bearer(signer.make_token({"userId": "u-3"})))
    assert worker.status_code == 200
    assert worker.json()["worker"] == "campaign-worker"
    assert worker.json()["claims"]["token_use"] == "worker"
    assert user.json()["worker"] is None
    assert user.json()["claims"]["userId"] == "u-3"


async def test_a_worker_token_is_refused_where_only_user_tokens_are_accepted(
    verifier: Verifier, worker_minter: WorkerTokenMinter
) -> None:
    async with client(service(verifier=verifier)) as http:
        _assert_401(await http.get("/me", headers=worker_minter.authorization_header()), "invalid")


def test_a_middleware_without_any_verifier_is_a_configuration_error() -> None:
    from verifiedfan.errors import ConfigurationError

    with pytest.raises(ConfigurationError, match="needs a verifier"):
        JwtMiddleware(starlette_app(), None)


def test_websocket_connections_need_a_token_too(signer: Signer, verifier: Verifier) -> None:
    from starlette.applications import Starlette
    from starlette.routing import WebSocketRoute
    from starlette.testclient import TestClient
    from starlette.websockets import WebSocket, WebSocketDisconnect

    async def feed(websocket: WebSocket) -> None:
        await websocket.accept()
        await websocket.send_json({"userId": websocket.state.claims["userId"]})
        await websocket.close()

    app = JwtMiddleware(Starlette(routes=[WebSocketRoute("/feed", feed)]), verifier)
    with TestClient(app) as test_client:
        with pytest.raises(WebSocketDisconnect) as refused:
            with test_client.websocket_connect("/feed"):
                pass
        assert refused.value.code == 1008
        token = signer.make_token({"userId": "u-ws"})
        with test_client.websocket_connect("/feed", headers=bearer(token)) as ws:
            assert ws.receive_json() == {"userId": "u-ws"}


async def test_a_verifier_that_fails_for_its_own_reasons_is_a_500_not_a_401(signer: Signer) -> None:
    from verifiedfan.errors import NetworkError
    from verifiedfan.log import capture_logs

    class KeyServerDown:
        async def aread_token(self, token: str) -> dict[str, object]:
            raise NetworkError("jwks: connection refused")

    with capture_logs() as logs:
        async with client(service(verifier=KeyServerDown())) as http:
            response = await http.get("/me", headers=bearer(signer.make_token({"userId": "u"})))
    assert response.status_code == 500
    assert response.json()["message"] == "jwks: connection refused"
    assert [line["level"] for line in logs.entries if line["level"] == "error"] == ["error"]

"""The sandbox framework through a small app of its own: routing, faults, tokens, journal, counters,
control over HTTP, both run modes and the fixture factory."""

from __future__ import annotations

import base64
import json

import httpx
import pytest

from tests.unit.sandbox._pets import PetsApp, PetsSandbox
from verifiedfan.errors import ConfigurationError, NotConnectedError, ValidationError
from verifiedfan.testing.sandbox import Faults, Request, route
from verifiedfan.testing.sandbox._routing import Router, collect


def _app_token(sandbox: PetsSandbox) -> str:
    auth = ("pets-client", "pets-secret")
    response = httpx.post(sandbox.url + "/oauth/token", data={"grant_type": "client_credentials"}, auth=auth)
    assert response.status_code == 200, response.text
    return str(response.json()["access_token"])


def _get(sandbox: PetsSandbox, path: str, token: str | None = None) -> httpx.Response:
    headers = {"authorization": f"Bearer {token}"} if token else {}
    return httpx.get(sandbox.url + path, headers=headers)


# -- routing ------------------------------------------------------------------------------------------
def test_routes_are_collected_with_templates() -> None:
    keys = sorted(r.key for r in collect(PetsApp))
    assert keys == [
        "GET /v1/owners/{owner}/pets/{pet_id}",
        "GET /v1/pets/{pet_id}",
        "POST /oauth/token",
        "POST /v1/pets",
        "PUT /v1/pets",
    ]


@pytest.mark.parametrize(
    ("method", "path", "template", "params", "allowed"),
    [
        ("GET", "/v1/pets/7", "/v1/pets/{pet_id}", {"pet_id": "7"}, ()),
        ("GET", "/v1/pets/7/", "/v1/pets/{pet_id}", {"pet_id": "7"}, ()),
        (
            "GET",
            "/v1/owners/ann/pets/7",
            "/v1/owners/{owner}/pets/{pet_id}",
            {"owner": "ann", "pet_id": "7"},
            (),
        ),
        ("DELETE", "/v1/pets", None, {}, ("POST", "PUT")),
        ("GET", "/v1/pets/7/toys", None, {}, ()),
        ("GET", "/v1/pet/7", None, {}, ()),
    ],
)
def test_router_matches_templates(
    method: str, path: str, template: str | None, params: dict[str, str], allowed: tuple[str, ...]
) -> None:
    found, got, methods = Router(collect(PetsApp)).match(method, path)
    assert (found.template if found else None) == template
    assert got == params
    assert sorted(methods) == sorted(allowed)


def test_route_template_must_be_a_path() -> None:
    with pytest.raises(ConfigurationError, match="starts with '/'"):
        route("GET", "v1/x")


def test_unknown_path_is_404_and_wrong_method_405(pets_sandbox: PetsSandbox) -> None:
    assert _get(pets_sandbox, "/v2/nothing").status_code == 404
    response = httpx.delete(pets_sandbox.url + "/v1/pets")
    assert response.status_code == 405
    assert response.headers["allow"] == "POST, PUT"


def test_handler_gets_path_params_and_body(pets_sandbox: PetsSandbox) -> None:
    created = httpx.post(pets_sandbox.url + "/v1/pets", json={"id": "9", "name": "Kit"})
    assert created.status_code == 201
    token = _app_token(pets_sandbox)
    assert _get(pets_sandbox, "/v1/pets/9", token).json() == {"id": "9", "name": "Kit"}
    assert _get(pets_sandbox, "/v1/owners/ann%20b/pets/9").json() == {"owner": "ann b", "pet": "9"}


# -- tokens -------------------------------------------------------------------------------------------
def test_bearer_challenge_follows_rfc_6750(pets_sandbox: PetsSandbox) -> None:
    missing = _get(pets_sandbox, "/v1/pets/1")
    assert missing.status_code == 401
    assert missing.headers["www-authenticate"] == 'Bearer realm="pets"'
    wrong = _get(pets_sandbox, "/v1/pets/1", "nope")
    assert wrong.headers["www-authenticate"].startswith('Bearer realm="pets", error="invalid_token"')


def test_client_credentials_and_refresh_grants(pets_sandbox: PetsSandbox) -> None:
    token = _app_token(pets_sandbox)
    assert _get(pets_sandbox, "/v1/pets/1", token).status_code == 200
    user = pets_sandbox.mint("someone")
    refreshed = httpx.post(
        pets_sandbox.url + "/oauth/token",
        data={
            "grant_type": "refresh_token",
            "refresh_token": user["refresh_token"],
            "client_id": "pets-client",
            "client_secret": "pets-secret",
        },
    )
    assert refreshed.status_code == 200
    assert _get(pets_sandbox, "/v1/pets/1", refreshed.json()["access_token"]).status_code == 200
    assert pets_sandbox.stats()["refresh_grants"] == 1


def test_basic_credentials_are_form_decoded(pets_sandbox: PetsSandbox) -> None:
    """RFC 6749 2.3.1: the client id and secret are form-encoded before Basic encoding."""
    app = pets_sandbox.app
    app.register_client("a b:c", "s&cret")
    raw = base64.b64encode(b"a+b%3Ac:s%26cret").decode()
    request = Request(
        "POST", "/oauth/token", {}, {"authorization": f"Basic {raw}"}, b"grant_type=client_credentials"
    )
    assert app.basic_credentials(request) == ("a b:c", "s&cret")


@pytest.mark.parametrize(
    ("data", "auth", "error"),
    [
        (
            {"grant_type": "refresh_token", "refresh_token": "nope"},
            ("pets-client", "pets-secret"),
            "invalid_grant",
        ),
        ({"grant_type": "client_credentials"}, ("pets-client", "wrong"), "invalid_client"),
        ({"grant_type": "password"}, ("pets-client", "pets-secret"), "unsupported_grant_type"),
    ],
)
def test_token_endpoint_errors(
    pets_sandbox: PetsSandbox, data: dict[str, str], auth: tuple[str, str], error: str
) -> None:
    response = httpx.post(pets_sandbox.url + "/oauth/token", data=data, auth=auth)
    assert response.status_code == 400
    assert response.json()["error"] == error


def test_expire_tokens_makes_them_expired_and_refresh_still_works(pets_sandbox: PetsSandbox) -> None:
    user = pets_sandbox.mint("expiring-user")
    assert _get(pets_sandbox, "/v1/pets/1", user["access_token"]).status_code == 200
    assert pets_sandbox.expire_tokens(user_id="expiring-user") == 1
    expired = _get(pets_sandbox, "/v1/pets/1", user["access_token"])
    assert expired.status_code == 401
    assert 'error_description="The access token expired"' in expired.headers["www-authenticate"]
    grant = pets_sandbox.app.tokens.refresh_grant(user["refresh_token"])
    assert grant is not None
    assert grant.subject == "expiring-user"


# -- faults -------------------------------------------------------------------------------------------
def test_injected_outcomes_in_order(pets_sandbox: PetsSandbox) -> None:
    token = _app_token(pets_sandbox)
    pets_sandbox.inject("503", "429", "invalid_json", "401")
    assert _get(pets_sandbox, "/v1/pets/1", token).status_code == 503
    limited = _get(pets_sandbox, "/v1/pets/1", token)
    assert (limited.status_code, limited.headers["retry-after"]) == (429, "1")
    broken = _get(pets_sandbox, "/v1/pets/1", token)
    assert broken.status_code == 200
    with pytest.raises(json.JSONDecodeError):
        broken.json()
    assert "www-authenticate" in _get(pets_sandbox, "/v1/pets/1", token).headers
    assert _get(pets_sandbox, "/v1/pets/1", token).status_code == 200
    assert pets_sandbox.stats()["injected_errors"] == 2


def test_token_endpoint_is_exempt_from_faults(pets_sandbox: PetsSandbox) -> None:
    pets_sandbox.set_faults(error_rate=1.0)
    _app_token(pets_sandbox)  # asserts a 200
    assert pets_sandbox.stats().get("api_requests", 0) == 0


@pytest.mark.parametrize("outcome", ["reset", "close"])
def test_connection_faults(pets_sandbox: PetsSandbox, outcome: str) -> None:
    pets_sandbox.inject(outcome)
    with pytest.raises(httpx.TransportError):
        _get(pets_sandbox, "/v1/pets/1")
    assert pets_sandbox.stats()["connection_faults"] == 1
    entry = pets_sandbox.journal()[-1]
    assert (entry.route, entry.status) == ("/v1/pets/{pet_id}", 0)


def test_random_reset_rate(pets_sandbox: PetsSandbox) -> None:
    pets_sandbox.set_faults(reset_rate=1.0)
    with pytest.raises(httpx.TransportError):
        _get(pets_sandbox, "/v1/pets/1")


def test_unknown_outcomes_and_knobs_are_refused(pets_sandbox: PetsSandbox) -> None:
    with pytest.raises(ValidationError, match="unknown outcomes"):
        pets_sandbox.inject("418")
    with pytest.raises(ValidationError, match="unknown fault knobs"):
        pets_sandbox.set_faults(latencyy=1.0)
    with pytest.raises(ValidationError, match="between 0 and 1"):
        Faults(reset_rate=2.0)
    with pytest.raises(ValidationError, match="error_status"):
        Faults(error_status=200)


def test_latency_delays_the_answer_without_blocking() -> None:
    app = PetsApp(faults=Faults(latency=0.25))
    response = app(Request("GET", "/v1/pets/1", {}, {}))
    assert response.status == 401
    assert response.delay == 0.25


# -- rate limit ---------------------------------------------------------------------------------------
def test_rate_limit_per_app_answers_429_with_retry_after(pets_sandbox: PetsSandbox) -> None:
    pets_sandbox.set_faults(rate_limit=3, rate_limit_window=30)
    token = _app_token(pets_sandbox)
    statuses = [_get(pets_sandbox, "/v1/pets/1", token).status_code for _ in range(3)]
    assert statuses == [200, 200, 200]
    limited = _get(pets_sandbox, "/v1/pets/1", token)
    assert limited.status_code == 429
    assert 29 <= int(limited.headers["retry-after"]) <= 30
    # another app (here: anonymous requests) has a window of its own
    assert _get(pets_sandbox, "/v1/pets/1").status_code == 401
    assert pets_sandbox.stats()["rate_limited"] == 1
    assert pets_sandbox.counts()["apps"] == {"pets-client": 4}


# -- journal and counters -----------------------------------------------------------------------------
def test_journal_records_requests_without_secrets(pets_sandbox: PetsSandbox) -> None:
    token = _app_token(pets_sandbox)
    httpx.get(
        pets_sandbox.url + "/v1/pets/2?api_key=k1&limit=5", headers={"authorization": f"Bearer {token}"}
    )
    token_call, pet_call = pets_sandbox.journal()
    assert token_call.route == "/oauth/token"
    assert token_call.headers["authorization"] == "Basic [REDACTED]"
    assert token_call.form() == {"grant_type": "client_credentials"}
    assert (pet_call.method, pet_call.path, pet_call.route, pet_call.status) == (
        "GET",
        "/v1/pets/2",
        "/v1/pets/{pet_id}",
        200,
    )
    assert pet_call.query == {"api_key": "[REDACTED]", "limit": "5"}
    assert pet_call.headers["authorization"] == "Bearer [REDACTED]"
    assert pet_call.app == "pets-client"
    assert token not in json.dumps([e.to_dict() for e in pets_sandbox.journal()])
    assert pets_sandbox.journal(route="/oauth/token") == [token_call]


def test_journal_redacts_secrets_in_bodies(pets_sandbox: PetsSandbox) -> None:
    httpx.post(
        pets_sandbox.url + "/oauth/token",
        data={"grant_type": "client_credentials", "client_id": "pets-client", "client_secret": "pets-secret"},
    )
    httpx.post(pets_sandbox.url + "/v1/pets", json={"id": "5", "name": "Ace", "password": "hunter2"})
    form, body = (e for e in pets_sandbox.journal())
    assert form.form()["client_secret"] == "[REDACTED]"
    assert body.json() == {"id": "5", "name": "Ace", "password": "[REDACTED]"}


def test_counts_per_route_and_reset(pets_sandbox: PetsSandbox) -> None:
    for pet in ("1", "2", "3"):
        _get(pets_sandbox, f"/v1/pets/{pet}")
    assert pets_sandbox.counts()["routes"] == {"GET /v1/pets/{pet_id}": 3}
    pets_sandbox.reset()
    assert pets_sandbox.counts() == {"routes": {}, "apps": {}}
    assert pets_sandbox.journal() == []


# -- control over HTTP --------------------------------------------------------------------------------
def test_control_api_over_http(pets_sandbox: PetsSandbox) -> None:
    url = pets_sandbox.url + "/_sandbox"
    assert httpx.post(url + "/faults", json={"latency": 0.01}).json()["latency"] == 0.01
    assert httpx.get(url + "/faults").json()["latency"] == 0.01
    assert httpx.post(url + "/inject", json={"outcomes": ["502"]}).status_code == 200
    assert _get(pets_sandbox, "/v1/pets/1").status_code == 502
    assert httpx.get(url + "/counts").json()["routes"] == {"GET /v1/pets/{pet_id}": 1}
    assert httpx.get(url + "/journal", params={"route": "/v1/pets/{pet_id}"}).json()[0]["status"] == 502
    refused = httpx.post(url + "/faults", json={"error_rate": 3})
    assert refused.status_code == 400
    assert "between 0 and 1" in refused.json()["error"]
    assert httpx.get(url + "/nothing").status_code == 404
    assert httpx.get(url + "/reset").status_code == 404  # reset is a POST


# -- run modes ----------------------------------------------------------------------------------------
def test_process_mode_runs_any_app_class() -> None:
    with PetsSandbox(process=True, faults=Faults(rate_limit=1)) as sandbox:
        assert sandbox.info()["kind"] == "pets"
        token = _app_token(sandbox)
        assert _get(sandbox, "/v1/pets/1", token).status_code == 200
        assert _get(sandbox, "/v1/pets/1", token).status_code == 429
        sandbox.inject("reset")
        with pytest.raises(httpx.TransportError):
            _get(sandbox, "/v1/pets/1", token)
        assert [e.status for e in sandbox.journal(method="GET")] == [200, 429, 0]
        with pytest.raises(NotConnectedError, match=r"the pets sandbox runs no app in this process"):
            _ = sandbox.app
    assert sandbox._proc is None


def test_url_before_start_is_an_error() -> None:
    with pytest.raises(NotConnectedError, match="not started"):
        _ = PetsSandbox().url


# -- fixture factory ----------------------------------------------------------------------------------
def test_session_fixture_is_reset_between_tests_part_1(pets_sandbox: PetsSandbox) -> None:
    pets_sandbox.set_faults(latency=0.5)
    pets_sandbox.inject("500")
    _get(pets_sandbox, "/v1/pets/1")


def test_session_fixture_is_reset_between_tests_part_2(pets_sandbox: PetsSandbox) -> None:
    assert pets_sandbox.faults().latency == 0.0
    assert pets_sandbox.journal() == []
    assert _get(pets_sandbox, "/v1/pets/1").status_code == 401  # no leftover injected 500


def test_function_scope_gives_a_fresh_server(
    pets_sandbox: PetsSandbox, fresh_pets_sandbox: PetsSandbox
) -> None:
    assert fresh_pets_sandbox.url != pets_sandbox.url


def test_control_while_requests_are_in_flight(pets_sandbox: PetsSandbox) -> None:
    """Reading the journal and counters from the test's thread while the server records requests:
    control calls run on the server's loop, so nothing is read while it changes."""
    import threading

    stop = threading.Event()

    def traffic() -> None:
        with httpx.Client(base_url=pets_sandbox.url) as client:
            i = 0
            while not stop.is_set():
                client.get(f"/v1/owners/o{i}/pets/{i}")
                i += 1

    workers = [threading.Thread(target=traffic) for _ in range(3)]
    for w in workers:
        w.start()
    try:
        import time

        deadline = time.monotonic() + 20
        while not pets_sandbox.counts()["routes"] and time.monotonic() < deadline:
            time.sleep(0.01)
        reads = [
            len(pets_sandbox.journal()) + sum(pets_sandbox.counts()["routes"].values()) for _ in range(30)
        ]
    finally:
        stop.set()
        for w in workers:
            w.join()
    assert reads == sorted(reads)  # monotonic: every read saw a consistent, growing state
    assert reads[-1] > 0


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        ("tests.unit.sandbox._pets:Nothing", "no sandbox app"),
        ("no.such.module:App", "no sandbox app"),
        ("tests.unit.sandbox._pets:PetsSandbox", "is not a SandboxApp subclass"),
    ],
)
def test_process_mode_names_a_bad_app_class(spec: str, message: str) -> None:
    from verifiedfan.testing.sandbox._runner import load_app_class

    with pytest.raises(ConfigurationError, match=message):
        load_app_class(spec)
    assert load_app_class("tests.unit.sandbox._pets:PetsApp") is PetsApp

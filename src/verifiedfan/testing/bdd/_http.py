"""BDD steps for HTTP services (the "Titan" helpers of cucumber-features). PYTEST_DONT_REWRITE

The service comes from the ``vf_http_target`` fixture (a :class:`~verifiedfan.testing.http.HttpTarget`),
which the service's conftest overrides. Steps::

    When I call GET "/me" as a user with permissions "EDIT, PUBLISH"
    When I call POST "/registrations" as an anonymous caller with body:
      \"\"\"{"email": "${email}"}\"\"\"
    When I call GET "/internal" as a worker
    Then the response status is 200
    And the response body matches:            (JSON docstring or a | field | value | table; a subset)
    And the response body matches the JSON schema "schemas/me.schema.json"
    And the response header "x-correlation-id" is "corr-1"

Paths and bodies take ``${name}`` variables; the body of the last response is also ``it`` for the
generic steps (``it has fields:``).
"""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from pytest_bdd import parsers, then, when

from verifiedfan.testing.bdd._errors import BddAssertionError, BddUsageError
from verifiedfan.testing.bdd._matchers import assert_fields, assert_matches_schema, parse_json, render
from verifiedfan.testing.bdd._scenario import BddScenario
from verifiedfan.testing.bdd._steps import STEP_PHRASES, table_fields
from verifiedfan.testing.http import HttpTarget

__all__ = ["HTTP_STEP_PHRASES", "vf_http_target"]

_CALL = (
    r'I call (?P<method>GET|POST|PUT|PATCH|DELETE|HEAD|OPTIONS) "(?P<path>[^"]+)"'
    r'(?: as (?:a user with permissions "(?P<permissions>[^"]*)"|(?P<who>an anonymous caller|a worker)))?'
    r"(?P<with_body> with body)?:?"
)
HTTP_STEP_PHRASES = [
    _CALL,
    r"the response status is (?P<status>\d{3})",
    r"the response body matches:?",
    r'the response body matches the JSON schema "(?P<schema_file>[^"]+)"',
    r'the response header "(?P<name>[^"]+)" is "(?P<value>[^"]*)"',
]
STEP_PHRASES.extend(HTTP_STEP_PHRASES)


@pytest.fixture
def vf_http_target() -> HttpTarget:
    """The service under test: override this fixture in your conftest to return its target."""
    raise BddUsageError("override the vf_http_target fixture to return an HttpTarget for your service")


def _response(vf_bdd: BddScenario) -> httpx.Response:
    response = getattr(vf_bdd, "last_response", None)
    if not isinstance(response, httpx.Response):
        raise BddUsageError('no response yet: call the service first (When I call GET "/path")')
    return response


def _body(response: httpx.Response) -> Any:
    try:
        return response.json()
    except ValueError as exc:
        raise BddAssertionError(f"the response body is not JSON: {response.text[:200]!r}") from exc


@when(parsers.re(_CALL))
def call_service(
    vf_bdd: BddScenario,
    vf_http_target: HttpTarget,
    method: str,
    path: str,
    permissions: str | None,
    who: str | None,
    with_body: str | None,
    docstring: str | None = None,
) -> None:
    headers: dict[str, str] = {}
    if permissions is not None:
        actions = [a.strip() for a in permissions.split(",") if a.strip()]
        claims = {"userId": f"user-{vf_bdd.names.run_id}"}
        headers = vf_http_target.auth_headers(claims=claims, permissions=actions)
    elif who == "a worker":
        headers = vf_http_target.auth_headers(worker=True)
    body: Any = None
    if with_body:
        if docstring is None:
            raise BddUsageError("'with body' needs a JSON docstring")
        body = parse_json(render(docstring, vf_bdd.vars), what="request body")

    async def call() -> httpx.Response:
        async with vf_http_target.client() as client:
            kwargs: dict[str, Any] = {"headers": headers}
            if with_body:
                kwargs["json"] = body
            return await client.request(method, render(path, vf_bdd.vars), **kwargs)

    response = vf_bdd.run(call())
    vf_bdd.last_response = response
    try:
        vf_bdd.last = response.json()
    except ValueError:
        vf_bdd.last = response.text


@then(parsers.re(r"the response status is (?P<status>\d{3})"))
def response_status(vf_bdd: BddScenario, status: str) -> None:
    response = _response(vf_bdd)
    if response.status_code != int(status):
        raise BddAssertionError(
            f"expected status {status}, got {response.status_code}: {response.text[:300]!r}"
        )


@then(parsers.re(r"the response body matches:?"))
def response_body_matches(
    vf_bdd: BddScenario, docstring: str | None = None, datatable: list[list[str]] | None = None
) -> None:
    if datatable is not None:
        expected = table_fields(datatable, vf_bdd.vars)
    elif docstring is not None:
        expected = parse_json(render(docstring, vf_bdd.vars), what="docstring")
    else:
        raise BddUsageError("this step needs a JSON docstring or a | field | value | table")
    assert_fields(_body(_response(vf_bdd)), expected, what="the response body")


@then(parsers.re(r'the response body matches the JSON schema "(?P<schema_file>[^"]+)"'))
def response_body_schema(vf_bdd: BddScenario, schema_file: str) -> None:
    assert_matches_schema(
        _body(_response(vf_bdd)),
        vf_bdd.load_json(schema_file),
        what="the response body",
        schema_name=schema_file,
    )


@then(parsers.re(r'the response header "(?P<name>[^"]+)" is "(?P<value>[^"]*)"'))
def response_header(vf_bdd: BddScenario, name: str, value: str) -> None:
    actual = _response(vf_bdd).headers.get(name)
    expected = render(value, vf_bdd.vars)
    if actual != expected:
        raise BddAssertionError(f"response header {name!r} is {actual!r}, expected {expected!r}")

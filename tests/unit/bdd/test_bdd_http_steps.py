from __future__ import annotations

import re
from types import SimpleNamespace

import httpx
import pytest

from verifiedfan.testing.bdd import STEP_PHRASES, BddAssertionError, BddUsageError
from verifiedfan.testing.bdd._http import response_body_matches, response_header, response_status


def phrase(text: str) -> dict[str, str | None]:
    matches = [m for p in STEP_PHRASES if (m := re.fullmatch(p, text))]
    assert len(matches) == 1, f"{text!r} matched {len(matches)} step phrases"
    return matches[0].groupdict()


def test_call_phrases() -> None:
    assert phrase('I call GET "/me" as a user with permissions "EDIT, PUBLISH"') == {
        "method": "GET",
        "path": "/me",
        "permissions": "EDIT, PUBLISH",
        "who": None,
        "with_body": None,
    }
    assert phrase('I call POST "/r" as an anonymous caller with body:')["with_body"] == " with body"
    assert phrase('I call GET "/internal" as a worker')["who"] == "a worker"
    assert phrase('I call DELETE "/x/${id}"')["path"] == "/x/${id}"


@pytest.mark.parametrize(
    "text",
    [
        "the response status is 200",
        "the response body matches:",
        'the response body matches the JSON schema "s.json"',
        'the response header "x-correlation-id" is "c-1"',
    ],
)
def test_each_http_phrase_matches_exactly_one_step(text: str) -> None:
    phrase(text)


def _scenario(response: httpx.Response | None) -> SimpleNamespace:
    return SimpleNamespace(last_response=response, vars={}, last=None)


def test_the_checks_fail_with_what_was_seen() -> None:
    response = httpx.Response(404, json={"message": "fan not found"}, headers={"x-a": "1"})
    with pytest.raises(BddAssertionError, match="expected status 200, got 404"):
        response_status(_scenario(response), "200")  # type: ignore[arg-type]
    with pytest.raises(AssertionError, match="message"):
        response_body_matches(_scenario(response), docstring='{"message": "other"}')  # type: ignore[arg-type]
    with pytest.raises(BddAssertionError, match="'x-a' is '1', expected '2'"):
        response_header(_scenario(response), "x-a", "2")  # type: ignore[arg-type]
    with pytest.raises(BddUsageError, match="no response yet"):
        response_status(_scenario(None), "200")  # type: ignore[arg-type]

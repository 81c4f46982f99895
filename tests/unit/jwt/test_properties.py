"""Whatever arrives as a token, the verifier answers with a typed AuthError, never anything else."""

from __future__ import annotations

import base64
import contextlib
import json
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.unit.jwt._jwtkeys import KeyPair
from verifiedfan.errors import AuthError
from verifiedfan.jwt import Verifier
from verifiedfan.jwt._worker import _peek_issuer

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
    max_leaves=12,
)


def _segment(value: Any) -> str:
    return base64.urlsafe_b64encode(json.dumps(value).encode()).rstrip(b"=").decode()


token_shaped = st.builds(
    lambda h, p, s: f"{_segment(h)}.{_segment(p)}.{s}",
    st.one_of(json_values, st.fixed_dictionaries({"alg": st.sampled_from(["RS256", "HS256", "none", ""])})),
    json_values,
    st.text(alphabet="ABCDEFabcdef0123456789-_", max_size=40),
)

SETTINGS = settings(
    max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


def _only_auth_errors(verifier: Verifier, token: Any) -> None:
    try:
        verifier.read_token(token)
    except AuthError:
        return
    raise AssertionError("a garbage token was accepted")


@SETTINGS
@given(token=st.one_of(st.text(max_size=300), st.binary(max_size=300), token_shaped))
def test_any_input_gives_auth_error_single_key(rsa_keys: KeyPair, token: Any) -> None:
    _only_auth_errors(Verifier(public_keys=rsa_keys.public), token)


@SETTINGS
@given(token=st.one_of(st.text(max_size=300), token_shaped))
def test_any_input_gives_auth_error_by_kid(rsa_keys: KeyPair, token: Any) -> None:
    _only_auth_errors(Verifier(public_keys={"k1": rsa_keys.public}), token)


@SETTINGS
@given(token=st.one_of(st.text(max_size=300), token_shaped))
def test_worker_issuer_peek_only_raises_auth_errors(token: str) -> None:
    with contextlib.suppress(AuthError):
        _peek_issuer(token)

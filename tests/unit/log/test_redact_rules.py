"""Every rule of ``verifiedfan.log._redact`` to the exact answer (issue 22).

The outside references: ``json.loads(json.dumps(value))`` is what a JSON-ready copy of a value with no
secret must equal; the shapes in free text are made by the serializers that print them in real logs
(``urllib.parse.urlencode``, ``json.dumps``, ``repr`` of a header tuple, ``str`` of an exception);
values that are not containers must read as Python's own ``str``/``isoformat`` of them.
"""

from __future__ import annotations

import dataclasses
import datetime
import decimal
import enum
import json
import uuid
from collections import OrderedDict
from http import HTTPStatus
from pathlib import PurePosixPath
from types import MappingProxyType
from typing import Any, ClassVar
from urllib.parse import urlencode

import pydantic
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from verifiedfan import log
from verifiedfan.errors import ConfigurationError
from verifiedfan.log import REDACTED, TRUNCATED, Redactor

ONE_STRING = r"^secret keys must be a collection of names, not one string$"


# -- the module functions and their keys --------------------------------------------------------------


def test_the_module_functions_use_the_keys_they_are_given() -> None:
    keys = ("zipcode",)
    assert log.is_secret_key("zipcode", keys=keys)
    assert not log.is_secret_key("password", keys=keys)
    assert (
        log.redact_text("zipcode=12345 password=hunter2", keys=keys) == f"zipcode={REDACTED} password=hunter2"
    )
    assert log.redact({"zipcode": 1, "password": 2}, keys=keys) == {"zipcode": REDACTED, "password": 2}
    assert Redactor(keys=keys).keys == ("zipcode",)
    assert Redactor().keys == log.DEFAULT_SECRET_KEYS


def test_one_string_as_keys_is_refused_everywhere() -> None:
    with pytest.raises(ConfigurationError, match=ONE_STRING):
        Redactor(keys="password")
    with pytest.raises(ConfigurationError, match=ONE_STRING):
        log.redact({}, keys="password")
    with pytest.raises(ConfigurationError, match=ONE_STRING):
        log.redact_text("", keys="password")
    with pytest.raises(ConfigurationError, match=ONE_STRING):
        log.is_secret_key("x", keys="password")


def test_depth_zero_is_allowed_and_truncates_every_container() -> None:
    redactor = Redactor(depth=0)
    assert redactor.redact({"a": 1}) == TRUNCATED
    assert redactor.redact([1]) == TRUNCATED
    assert redactor.redact("password=hunter2") == f"password={REDACTED}"  # text is never truncated
    with pytest.raises(ConfigurationError, match=r"^depth must be >= 0, got -1$"):
        Redactor(depth=-1)


# -- key names ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["pass-word", "pass_word", "pass.word", "pass word", "Api Key", "API.KEY"])
def test_separators_inside_a_secret_name_are_ignored(name: str) -> None:
    assert log.is_secret_key(name)
    assert log.redact({name: "hunter2"}) == {name: REDACTED}
    assert log.redact_text(f"{name}=hunter2") == f"{name}={REDACTED}"


def test_custom_keys_are_normalized_like_the_names_they_match() -> None:
    redactor = Redactor(keys=("X-Auth", "zip"))
    assert redactor.is_secret_key("x_auth")
    assert redactor.is_secret_key("XAuth")
    assert redactor.is_secret_key("home_zip")  # a short name is a whole word
    assert not redactor.is_secret_key("zipper")
    assert (
        redactor.redact_text("x.auth=abc zipper=1 zip: 75001")
        == f"x.auth={REDACTED} zipper=1 zip: {REDACTED}"
    )


@pytest.mark.parametrize("key", log.DEFAULT_SECRET_KEYS)
def test_every_default_key_is_masked_in_text(key: str) -> None:
    assert log.redact_text(f"{key}=abc123 next") == f"{key}={REDACTED} next"
    assert log.redact_text(json.dumps({key: "abc 123", "n": 1})) == f'{{"{key}": "{REDACTED}", "n": 1}}'


def test_keys_that_are_not_strings() -> None:
    class Field(enum.Enum):
        PASSWORD = 1
        NAME = 2

    redactor = Redactor()
    assert str(Field.PASSWORD) == "Field.PASSWORD"
    assert redactor.is_secret_key(Field.PASSWORD)
    assert not redactor.is_secret_key(Field.NAME)
    assert not redactor.is_secret_key(1234)
    value = {1: "a", 2.5: "b", "c": {3: "d"}}
    assert log.redact(value) == json.loads(json.dumps(value)) == {"1": "a", "2.5": "b", "c": {"3": "d"}}


# -- free text ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # the query is the whole text: "?" at position 0
        ("?" + urlencode({"code": "abc", "lang": "en"}), f"?code={REDACTED}&lang=en"),
        # a form body: no "?", the first "&" starts the pairs
        (urlencode({"user": "u", "code": "abc", "state": "s"}), f"user=u&code={REDACTED}&state=s"),
        # two URLs in one line: the secret is in the first query
        ("GET /cb?code=abc -> 302 /home?tab=1", f"GET /cb?code={REDACTED} -> 302 /home?tab=1"),
        # a form body logged before a URL: the first "&" comes before the "?"
        ("body user=u&code=abc for /login?next=home", f"body user=u&code={REDACTED} for /login?next=home"),
        # a piece of a query that starts the line, then a URL
        ("&code=abc&lang=en from /cb?x=1", f"&code={REDACTED}&lang=en from /cb?x=1"),
    ],
)
def test_secret_query_parameters_wherever_the_query_starts(text: str, expected: str) -> None:
    assert log.redact_text(text) == expected


def test_a_custom_secret_key_is_a_secret_query_parameter() -> None:
    # The query rule masks the whole value (a list here); the key=value rule alone would stop at ",".
    redactor = Redactor(keys=("postal",))  # no word of the built-in query list in it
    url = "GET /geo?" + urlencode({"postal": "75001,75002", "sig": "abc", "lang": "en"}, safe=",")
    assert redactor.redact_text(url) == f"GET /geo?postal={REDACTED}&sig={REDACTED}&lang=en"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (repr((b"X-Api-Key", b"k-123")), f"(b'X-Api-Key', b'{REDACTED}')"),  # "(" only, single quotes
        (
            json.dumps([["X-Api-Key", "k-123"], ["Accept", "*/*"]]),  # "[" only, double quotes
            f'[["X-Api-Key", "{REDACTED}"], ["Accept", "*/*"]]',
        ),
        (repr([("x-api-key", "k-123")]), f"[('x-api-key', '{REDACTED}')]"),
        (repr(("Accept", "k-123")), "('Accept', 'k-123')"),
    ],
)
def test_header_pairs_in_reprs_and_json(text: str, expected: str) -> None:
    assert log.redact_text(text) == expected


def test_the_same_secret_text_is_masked_every_time() -> None:
    redactor = Redactor()
    for _ in range(3):
        assert redactor.redact_text("password=hunter2") == f"password={REDACTED}"
        assert redactor.redact_text("nothing secret") == "nothing secret"
    long_clean = "x" * 600
    assert redactor.redact_text(long_clean) == long_clean


def test_the_memo_tables_are_filled_and_consulted() -> None:
    # The logging pipeline redacts every line: verdicts on key names, query names and clean texts are
    # memoized (that is what keeps a log line cheap). Filled with the right verdicts, and read back:
    # a verdict planted in a table is the answer, proving the table is consulted before any work.
    redactor = Redactor()
    assert redactor.is_secret_key("password")
    assert not redactor.is_secret_key("user")
    assert redactor._key_cache == {"password": True, "user": False}
    assert redactor.is_secret_query_name("code")
    assert not redactor.is_secret_query_name("lang")
    assert redactor._query_cache == {"code": True, "lang": False}
    clean_512, clean_513 = "a" * 512, "b" * 513
    for text in ("plain", clean_512, clean_513, f"password={clean_512}"):
        redactor.redact_text(text)
    assert redactor._clean == {"plain", clean_512}  # clean texts up to 512 characters only
    redactor._key_cache["ordinary"] = True
    redactor._query_cache["lang2"] = True
    assert redactor.is_secret_key("ordinary")
    assert redactor.is_secret_query_name("lang2")


def test_the_caches_stay_bounded() -> None:
    # A long-lived logger sees unbounded distinct keys and texts: the memo tables never pass 4096.
    redactor = Redactor()
    for i in range(4200):
        assert not redactor.is_secret_key(f"field{i}")
        assert not redactor.is_secret_query_name(f"q{i}")
        assert redactor.redact_text(f"plain {i}") == f"plain {i}"
        assert len(redactor._key_cache) <= 4096
        assert len(redactor._query_cache) <= 4096
        assert len(redactor._clean) <= 4096
    assert redactor.is_secret_key("password")


# -- values -----------------------------------------------------------------------------------------

_SAFE_TEXT = st.text(alphabet="abcdefghijklm nopqrs", max_size=12)
_SAFE_KEY = st.sampled_from(["name", "city", "count", "items", "kind", "id"])
_JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False) | _SAFE_TEXT,
    lambda children: (
        st.lists(children, max_size=4)
        | st.tuples(children, children, children)
        | st.dictionaries(_SAFE_KEY, children, max_size=4)
    ),
    max_leaves=12,
)


@settings(max_examples=150, deadline=None)
@given(value=_JSON)
def test_a_value_without_secrets_comes_back_as_its_json_copy(value: Any) -> None:
    assert log.redact(value, depth=20) == json.loads(json.dumps(value))


def test_the_default_depth_is_eight_levels() -> None:
    value: Any = 1
    for _ in range(9):
        value = {"a": value}
    expected: Any = TRUNCATED  # the ninth level
    for _ in range(8):
        expected = {"a": expected}
    assert log.redact(value) == expected
    assert Redactor().redact(value) == expected
    assert Redactor().depth == 8


def test_depth_counts_every_container_level() -> None:
    nested = {"a": {"b": {"c": 1}}}
    assert log.redact(nested, depth=2) == {"a": {"b": TRUNCATED}}
    assert log.redact(nested, depth=3) == nested
    assert log.redact([[[1]]], depth=2) == [[TRUNCATED]]
    assert log.redact([[[1]]], depth=3) == [[[1]]]
    assert log.redact([1], depth=1) == [1]
    assert Redactor(depth=8).redact(nested, depth=1) == {"a": TRUNCATED}  # the call's depth wins
    assert Redactor(depth=1).redact(nested) == {"a": TRUNCATED}


@dataclasses.dataclass
class Login:
    user: str
    password: str
    extra: dict[str, Any] = dataclasses.field(default_factory=dict)


class Account(pydantic.BaseModel):
    name: str
    token: str
    extra: dict[str, Any] = {}


def test_objects_mask_fields_by_name_and_count_depth() -> None:
    login = Login("ann", "hunter2", {"a": {"b": 1}})
    assert log.redact(login) == {"user": "ann", "password": REDACTED, "extra": {"a": {"b": 1}}}
    assert log.redact(login, depth=2) == {"user": "ann", "password": REDACTED, "extra": {"a": TRUNCATED}}
    assert log.redact(login, depth=1) == {"user": "ann", "password": REDACTED, "extra": TRUNCATED}
    assert log.redact(login, depth=0) == TRUNCATED
    account = Account(name="ann", token="t-1", extra={"a": {"b": 1}})
    assert log.redact(account) == {"name": "ann", "token": REDACTED, "extra": {"a": {"b": 1}}}
    assert log.redact(account, depth=2) == {"name": "ann", "token": REDACTED, "extra": {"a": TRUNCATED}}
    assert log.redact(account, depth=1) == {"name": "ann", "token": REDACTED, "extra": TRUNCATED}
    assert log.redact(account, depth=0) == TRUNCATED


class Port(int):
    pass


class Color(enum.Enum):
    RED = "red"
    PAIR = (1, 2)


class DumpsOnly:
    """Has pydantic's ``model_dump`` but no ``model_fields``: not a model."""

    def model_dump(self) -> dict[str, Any]:
        return {"password": "hunter2"}

    def __str__(self) -> str:
        return "DumpsOnly()"


class FieldsOnly:
    """Has a ``model_fields`` mapping but no ``model_dump``: not a model either."""

    model_fields: ClassVar[dict[str, None]] = {"password": None}

    def __str__(self) -> str:
        return "FieldsOnly()"


def test_values_that_are_not_containers_read_as_python_prints_them() -> None:
    when = datetime.datetime(2026, 11, 26, 4, 30, tzinfo=datetime.UTC)
    some_id = uuid.UUID("12345678-1234-5678-1234-567812345678")
    cases: list[tuple[Any, Any]] = [
        (None, None),
        ({"a": None}, {"a": None}),
        (Port(8080), 8080),
        (HTTPStatus.OK, 200),
        (Color.RED, "red"),
        (Color.PAIR, [1, 2]),
        (ValueError("password=hunter2 refused"), f"ValueError: password={REDACTED} refused"),
        (b"\xffok", "\ufffdok"),
        (bytearray(b"token=abc"), f"token={REDACTED}"),
        (memoryview(b"plain"), "plain"),
        (when, when.isoformat()),
        (when.date(), "2026-11-26"),
        (when.time(), "04:30:00"),
        (decimal.Decimal("1.50"), "1.50"),
        (some_id, str(some_id)),
        (PurePosixPath("/etc/hosts"), "/etc/hosts"),
        (DumpsOnly(), "DumpsOnly()"),
        (FieldsOnly(), "FieldsOnly()"),
        (MappingProxyType({"password": "x", "a": 1}), {"password": REDACTED, "a": 1}),
        (OrderedDict(token="x", b=2), {"token": REDACTED, "b": 2}),
        (frozenset({"a"}), ["a"]),
        ([], []),
        ([1, 2], [1, 2]),
        (["a", "b"], ["a", "b"]),
        (["password", "a", "b"], ["password", "a", "b"]),  # three items: not a (name, value) pair
        (("password", "hunter2"), ["password", REDACTED]),
    ]
    for value, expected in cases:
        got = log.redact(value)
        assert got == expected, value
        assert type(got) is type(expected) or isinstance(value, int), value


def test_the_top_level_fields_of_a_log_event() -> None:
    redactor = Redactor(depth=2)
    fields = {
        "password": "hunter2",
        "msg": "token=abc",
        "n": 5,
        "data": {"api_key": "k", "deep": {"x": {"y": 1}}},
        "level": "warn",  # a reserved name already in the event
    }
    for _ in range(2):  # the second pass answers from the caches
        out: dict[str, Any] = {"level": "info"}
        redactor.redact_fields(fields, out)
        assert out == {
            "level": "info",
            "password": REDACTED,
            "msg": f"token={REDACTED}",
            "n": 5,
            "data": {"api_key": REDACTED, "deep": {"x": TRUNCATED}},
            "level_": "warn",
        }

"""ErrorMap, ErrorRule and body_field on their own (issue 22): `bash scripts/mutation.sh http-errormap`
left most of _errormap.py's mutants alive, because the API-client test only checks one map end to end.
Every field a mapped error carries, the rule order, `when`, the default and `|` are checked here."""

from __future__ import annotations

import pytest

from verifiedfan.errors import (
    ForbiddenError,
    HTTPStatusError,
    NotFoundError,
    RateLimitedError,
    ServerError,
    VFError,
)
from verifiedfan.http import ErrorMap, ErrorRule, body_field


class GoneError(NotFoundError):
    pass


class OtherGoneError(NotFoundError):
    pass


class SlowDownError(RateLimitedError):
    pass


class FamilyError(VFError):
    def __init__(self, message: str, *, status: int) -> None:
        super().__init__(message, status=status)
        self.status = status


def _error(cls: type[HTTPStatusError] = NotFoundError, status: int = 404, **extra: object) -> HTTPStatusError:
    return cls(
        "shop: GET https://shop.example/v1/items/7 returned 404",
        status=status,
        body={"code": "gone", "detail": {"reason": "sold"}},
        method="GET",
        url="https://shop.example/v1/items/7",
        service_name="shop",
        headers={"x-request-id": "r-1"},
        **extra,  # type: ignore[arg-type]
    )


def test_body_field_follows_a_path_and_gives_none_off_it() -> None:
    error = _error()
    assert body_field(error, "code") == "gone"
    assert body_field(error, "detail", "reason") == "sold"
    assert body_field(error, "detail", "missing") is None
    assert body_field(error, "code", "deeper") is None
    assert body_field(error) == {"code": "gone", "detail": {"reason": "sold"}}
    error.body = "not json"
    assert body_field(error, "code") is None


def test_a_mapped_class_keeps_every_field_and_the_notes() -> None:
    error = _error()
    error.add_note("gave up after 1 attempts")
    built = ErrorMap({404: GoneError}).translate(error)
    assert type(built) is GoneError
    assert str(built) == str(error)
    assert (built.status_code, built.body, built.method, built.url, built.service_name, built.headers) == (
        404,
        {"code": "gone", "detail": {"reason": "sold"}},
        "GET",
        "https://shop.example/v1/items/7",
        "shop",
        {"x-request-id": "r-1"},
    )
    assert built.__notes__ == ["gave up after 1 attempts"]


def test_a_message_gets_the_service_prefix_once() -> None:
    assert str(ErrorMap({404: (GoneError, "item sold")}).translate(_error())) == "shop: item sold"
    assert str(ErrorMap({404: (GoneError, "shop: item sold")}).translate(_error())) == "shop: item sold"
    unnamed = _error()
    unnamed.service_name = None
    assert str(ErrorMap({404: (GoneError, "item sold")}).translate(unnamed)) == "item sold"


def test_rate_limited_targets_keep_retry_after() -> None:
    error = _error(RateLimitedError, 429, retry_after=12.5)
    built = ErrorMap({429: SlowDownError}).translate(error)
    assert isinstance(built, SlowDownError)
    assert (built.retry_after, built.status_code) == (12.5, 429)


def test_a_factory_target_gets_the_error_and_the_message() -> None:
    seen: list[tuple[HTTPStatusError, str]] = []

    def factory(error: HTTPStatusError, message: str) -> VFError:
        seen.append((error, message))
        return FamilyError(message, status=error.status_code)

    error = _error()
    error.add_note("a note")
    built = ErrorMap({404: ErrorRule(factory, "gone for good")}).translate(error)
    assert isinstance(built, FamilyError)
    assert (str(built), built.status) == ("shop: gone for good", 404)
    assert seen == [(error, "shop: gone for good")]
    assert built.__notes__ == ["a note"]


def test_rules_are_tried_in_order_and_when_filters() -> None:
    rules = [
        ErrorRule(OtherGoneError, when=lambda e: body_field(e, "code") == "other"),
        ErrorRule(GoneError, when=lambda e: body_field(e, "code") == "gone"),
        ErrorRule(OtherGoneError),
    ]
    error_map = ErrorMap({404: rules})
    assert type(error_map.translate(_error())) is GoneError
    other = _error()
    other.body = {"code": "else"}
    assert type(error_map.translate(other)) is OtherGoneError


def test_unmapped_status_or_no_match_keeps_the_error_unless_a_default_applies() -> None:
    error = _error(ServerError, 503)
    assert ErrorMap({404: GoneError}).translate(error) is error
    no_match = ErrorMap({404: ErrorRule(GoneError, when=lambda e: False)})
    assert no_match.translate(_error()).__class__ is NotFoundError
    with_default = ErrorMap({404: GoneError}, default=ErrorRule(FamilyErrorTarget))
    assert type(with_default.translate(error)) is FamilyErrorTarget
    picky_default = ErrorMap(default=ErrorRule(FamilyErrorTarget, when=lambda e: e.status_code == 500))
    assert picky_default.translate(error) is error
    assert type(picky_default.translate(_error(ServerError, 500))) is FamilyErrorTarget


class FamilyErrorTarget(ServerError):
    pass


def test_or_tries_the_right_hand_rules_first_and_keeps_the_rest() -> None:
    base = ErrorMap({403: ForbiddenError, 404: GoneError}, default=ErrorRule(FamilyErrorTarget))
    override = ErrorMap({404: ErrorRule(OtherGoneError, when=lambda e: body_field(e, "code") == "gone")})
    merged = base | override
    assert type(merged.translate(_error())) is OtherGoneError
    other = _error()
    other.body = {"code": "x"}
    assert type(merged.translate(other)) is GoneError
    assert type(merged.translate(_error(ServerError, 502))) is FamilyErrorTarget
    assert repr(merged) == "ErrorMap(statuses=[403, 404])"
    # the operands are unchanged
    assert type(base.translate(_error())) is GoneError
    assert repr(override) == "ErrorMap(statuses=[404])"
    # the right-hand default wins when both have one
    other_default = ErrorMap(default=ErrorRule(ServerErrorSub))
    assert type((base | other_default).translate(_error(ServerError, 502))) is ServerErrorSub


class ServerErrorSub(ServerError):
    pass


def test_a_rule_list_of_anything_else_is_refused() -> None:
    with pytest.raises(TypeError, match=r"^an ErrorMap rule is a class, a \(class, message\) pair"):
        ErrorMap({404: [ErrorRule(GoneError), GoneError]})  # type: ignore[list-item]


def test_an_empty_map_translates_nothing() -> None:
    error = _error()
    assert ErrorMap().translate(error) is error
    assert repr(ErrorMap()) == "ErrorMap(statuses=[])"


def test_a_tuple_of_rules_is_a_rule_list_and_a_stray_message_is_refused() -> None:
    pair = (ErrorRule(OtherGoneError, when=lambda e: False), ErrorRule(GoneError))
    assert type(ErrorMap({404: pair}).translate(_error())) is GoneError  # type: ignore[dict-item]
    with pytest.raises(TypeError, match="an ErrorMap rule is"):
        ErrorMap({404: [ErrorRule(GoneError), "a message"]})  # type: ignore[list-item]


def test_or_adds_statuses_only_the_right_hand_map_has() -> None:
    merged = ErrorMap({404: GoneError}) | ErrorMap({503: FamilyErrorTarget})
    assert type(merged.translate(_error(ServerError, 503))) is FamilyErrorTarget
    assert repr(merged) == "ErrorMap(statuses=[404, 503])"


def test_a_rate_limited_target_for_an_error_without_retry_after_gets_none() -> None:
    built = ErrorMap({503: SlowDownError}).translate(_error(ServerError, 503))
    assert isinstance(built, SlowDownError)
    assert (built.retry_after, built.status_code) == (None, 503)

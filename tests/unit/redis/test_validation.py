"""Bad input is rejected with a typed error before anything is sent."""

from __future__ import annotations

import math
from datetime import timedelta
from typing import Any

import pytest

from tests.unit.redis._fakes import Harness
from verifiedfan.errors import ValidationError
from verifiedfan.redis import CacheError, CacheValidationError


@pytest.mark.parametrize("ttl", [0, -1, math.nan, math.inf, True, "60", None, 0.0001])
async def test_non_positive_or_invalid_ttl_is_rejected_before_sending(h: Harness, ttl: Any) -> None:
    with pytest.raises(CacheValidationError, match=r"^ttl must be "):
        await h.call("set", "k", 1, ttl=ttl)
    assert h.primary.calls == []


async def test_empty_key_is_rejected_before_sending(h: Harness) -> None:
    with pytest.raises(CacheValidationError, match="empty"):
        await h.call("get", "")
    assert h.replica is not None
    assert h.primary.calls == h.replica.calls == []


async def test_non_string_key_is_rejected(h: Harness) -> None:
    with pytest.raises(CacheValidationError, match="cache key must be a str, got int"):
        await h.call("set", 42, 1, ttl=1)


@pytest.mark.parametrize("value", [{1, 2}, object(), math.nan, {"when": timedelta(1)}])
async def test_value_not_json_serializable_is_rejected_before_sending(h: Harness, value: Any) -> None:
    with pytest.raises(CacheValidationError, match="JSON"):
        await h.call("set", "k", value, ttl=10)
    assert h.primary.calls == []


async def test_validation_error_is_in_both_families(h: Harness) -> None:
    with pytest.raises(CacheValidationError, match="ttl must be positive, got 0") as info:
        await h.call("set", "k", 1, ttl=0)
    assert isinstance(info.value, ValidationError)
    assert isinstance(info.value, CacheError)


async def test_delete_without_keys_is_rejected(h: Harness) -> None:
    with pytest.raises(CacheValidationError, match=r"delete\(\) needs at least one key"):
        await h.call("delete")


async def test_mget_rejects_a_single_string(h: Harness) -> None:
    with pytest.raises(CacheValidationError, match="not a single str"):
        await h.call("mget", "abc")


async def test_get_or_set_rejects_bad_ttl_before_loading(h: Harness) -> None:
    calls: list[int] = []

    def loader() -> int:
        calls.append(1)
        return 1

    with pytest.raises(CacheValidationError, match="ttl must be positive, got -5"):
        await h.call("get_or_set", "k", loader, ttl=-5)
    assert calls == []

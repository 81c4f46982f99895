"""JSON codec, TTL arguments, new_only, mget/delete and routing, on in-memory fakes."""

from __future__ import annotations

from datetime import timedelta

import pytest

from tests.unit.redis._fakes import Harness
from verifiedfan.redis import CacheDecodeError


async def test_value_is_stored_as_compact_json_and_read_back(h: Harness) -> None:
    await h.call("set", "user:1", {"name": "Zoë", "tags": [1, 2]}, ttl=60)
    assert h.primary.data["user:1"] == '{"name":"Zoë","tags":[1,2]}'.encode()
    assert h.replica is not None
    h.replica.data.update(h.primary.data)
    assert await h.call("get", "user:1") == {"name": "Zoë", "tags": [1, 2]}


async def test_missing_key_is_none(h: Harness) -> None:
    assert await h.call("get", "nope") is None


async def test_whole_ttl_uses_seconds_and_fractional_uses_milliseconds(h: Harness) -> None:
    await h.call("set", "a", 1, ttl=3600)
    await h.call("set", "b", 1, ttl=1.5)
    await h.call("set", "c", 1, ttl=timedelta(minutes=2))
    assert [c[1][2:4] for c in h.primary.calls] == [(3600, None), (None, 1500), (120, None)]


async def test_new_only_does_not_overwrite(h: Harness) -> None:
    assert await h.call("set", "k", 1, ttl=10) is True
    assert await h.call("set", "k", 2, ttl=10, new_only=True) is False
    assert h.primary.data["k"] == b"1"


async def test_reads_go_to_the_replica_and_writes_to_the_primary(h: Harness) -> None:
    await h.call("set", "k", 1, ttl=10)
    await h.call("get", "k")
    await h.call("mget", ["k"])
    assert h.replica is not None
    assert h.primary.names() == ["set"]
    assert h.replica.names() == ["get", "mget"]


async def test_use_primary_reads_the_primary(h: Harness) -> None:
    await h.call("get", "k", use_primary=True)
    assert h.primary.names() == ["get"]


async def test_without_replica_reads_go_to_the_primary(flavour: str) -> None:
    h = Harness(flavour, replica=False)
    await h.call("get", "k")
    assert h.primary.names() == ["get"]


async def test_mget_keeps_order_with_none_for_missing(h: Harness) -> None:
    assert h.replica is not None
    h.replica.data.update({"a": b"1", "c": b'"x"'})
    assert await h.call("mget", ["a", "b", "c"]) == [1, None, "x"]
    assert await h.call("mget", []) == []


async def test_delete_returns_the_count(h: Harness) -> None:
    h.primary.data.update({"a": b"1", "b": b"2"})
    assert await h.call("delete", "a", "b", "zzz") == 2


async def test_namespace_prefixes_every_key(flavour: str) -> None:
    h = Harness(flavour, namespace="t1:")
    await h.call("set", "k", 1, ttl=10)
    assert list(h.primary.data) == ["t1:k"]


async def test_a_stored_value_that_is_not_json_gives_a_typed_error(h: Harness) -> None:
    assert h.replica is not None
    h.replica.data["k"] = b"not json"
    with pytest.raises(CacheDecodeError, match="value of key 'k' is not JSON"):
        await h.call("get", "k")

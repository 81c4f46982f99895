"""JSON values in Redis shared with Node services (node ``redis`` 4), both ways, on the real server.

Node reads every JSON number as a double: integers beyond 2^53 come back rounded. The test shows it
(it is what the README's migration notes say) and checks that everything else survives exactly.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.interop.conftest import NodeLibs
from verifiedfan.redis import Redis

pytestmark = [pytest.mark.integration, pytest.mark.redis]

SAFE: dict[str, Any] = {
    "profile": {"id": "fan-1", "name": "Zoë O'Connor", "tags": ["vip", "早鸟"], "score": 0.93, "ok": True},
    "nothing": None,
    "empty": {"list": [], "map": {}, "text": ""},
    "numbers": [0, -1, 2**53 - 1, -(2**53 - 1), 0.1, 1.5e-7, 1e21, 5e-324, 1.7976931348623157e308],
    "escapes": 'line\nbreak\ttab "quote" back\\slash \u2028 \u0000 emoji 🎟️',
    "deep": {"a": [{"b": [{"c": [1, 2, {"d": "e"}]}]}]},
}
UNSAFE = {
    "big": 2**53 + 1,
    "max_long": 2**63 - 1,
    "min_long": -(2**63),
    "twenty": 10**20 + 1,
    "nested": [2**60 + 1],
}


async def test_python_values_read_by_node(node_libs: NodeLibs, vf_redis: Any, vf_redis_prefix: str) -> None:
    async with Redis(url=vf_redis.url, namespace=vf_redis_prefix) as cache:
        for key, value in {**SAFE, **UNSAFE}.items():
            await cache.set(key, value, ttl=60)
    keys = [vf_redis_prefix + k for k in (*SAFE, *UNSAFE)]
    seen = {
        s["key"].removeprefix(vf_redis_prefix): s
        for s in node_libs.run("redis.js", {"url": vf_redis.url, "read": keys})["seen"]
    }
    for key, value in SAFE.items():
        assert json.loads(seen[key]["node"]) == value, key  # what Node holds is what Python wrote
    for key, value in UNSAFE.items():
        held = json.loads(seen[key]["node"])
        assert held != value, key  # Node rounded it...
        assert seen[key]["unsafeIntegers"], key  # (Number.isSafeInteger is false for it in Node)
        assert json.loads(seen[key]["raw"]) == value  # ...although the stored text was exact
        assert json.loads(json.dumps(held), parse_int=float) == json.loads(json.dumps(value), parse_int=float)
    assert json.loads(seen["big"]["node"]) == 2**53  # 9007199254740993 -> 9007199254740992
    assert seen["max_long"]["node"] == "9223372036854776000"


async def test_node_values_read_by_python(node_libs: NodeLibs, vf_redis: Any, vf_redis_prefix: str) -> None:
    texts = {key: json.dumps(value, ensure_ascii=False) for key, value in SAFE.items()}
    texts["from_node_float"] = "1e+21"
    texts["int_like_float"] = "3.0"  # Node writes 3
    node_libs.run(
        "redis.js",
        {"url": vf_redis.url, "write": [{"key": vf_redis_prefix + k, "text": t} for k, t in texts.items()]},
    )
    async with Redis(url=vf_redis.url, namespace=vf_redis_prefix) as cache:
        for key, value in SAFE.items():
            assert await cache.get(key, use_primary=True) == value, key
        assert await cache.get("from_node_float", use_primary=True) == 1e21
        assert (
            await cache.get("int_like_float", use_primary=True) == 3
        )  # an int now: JSON has one number type

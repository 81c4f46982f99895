"""Every ``VF_REDIS_*`` setting arrives where it acts: in redis-py's connection pool (issue 22).

Each value is distinct from its default and from every other, so a setting dropped on the way, or two
swapped, shows. Nothing connects: the pools are built eagerly and read back.
"""

from __future__ import annotations

from typing import Any

import pytest

from verifiedfan.redis import Redis, RedisSettings, SyncRedis

ENV = {
    "VF_REDIS_URL": "redis://127.0.0.1:6390/3",
    "VF_REDIS_READ_ONLY_URL": "redis://127.0.0.1:6391/4",
    "VF_REDIS_USERNAME": "reach-user",
    "VF_REDIS_PASSWORD": "reach-password",
    "VF_REDIS_NAMESPACE": "reach",
    "VF_REDIS_CONNECT_TIMEOUT": "0.37",
    "VF_REDIS_SOCKET_TIMEOUT": "0.53",
    "VF_REDIS_CLIENT_NAME": "reach-client",
    "VF_REDIS_MAX_CONNECTIONS": "7",
    "VF_REDIS_REPLICA_COOLDOWN": "11.5",
}


def _pool(client: Any) -> Any:
    return client.connection_pool


@pytest.mark.parametrize("cls", [Redis, SyncRedis])
def test_every_setting_reaches_the_pools(monkeypatch: pytest.MonkeyPatch, cls: Any) -> None:
    for key, value in ENV.items():
        monkeypatch.setenv(key, value)
    client = cls.from_settings(RedisSettings())
    roles = (("primary", client._primary, 6390, 3), ("replica", client._replica, 6391, 4))
    for role, client_, port, db in roles:
        pool = _pool(client_)
        kw = pool.connection_kwargs
        assert (kw["host"], kw["port"], kw["db"]) == ("127.0.0.1", port, db), role
        assert kw["username"] == "reach-user"
        assert kw["password"] == "reach-password"
        assert kw["socket_connect_timeout"] == pytest.approx(0.37)
        assert kw["socket_timeout"] == pytest.approx(0.53)
        assert kw["client_name"] == "reach-client"
        assert pool.max_connections == 7
    assert client._namespace == "reach"
    assert client._health.cooldown == pytest.approx(11.5)

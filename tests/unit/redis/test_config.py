"""Settings, construction, redaction of credentials and the public surface."""

from __future__ import annotations

import inspect
import logging

import pytest

import verifiedfan.redis as vredis
from tests.unit.redis._fakes import CONN, Harness
from verifiedfan.errors import ConfigurationError, VFError
from verifiedfan.redis import Redis, RedisSettings, SyncRedis, redact_url


def test_settings_read_the_vf_redis_prefix(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("VF_REDIS_URL", "redis://10.0.0.1:6379/0")
    monkeypatch.setenv("VF_REDIS_READ_ONLY_URL", "redis://10.0.0.2:6379/0")
    monkeypatch.setenv("VF_REDIS_PASSWORD", "hunter2")
    settings = RedisSettings()
    assert settings.client_kwargs()["read_only_url"] == "redis://10.0.0.2:6379/0"
    assert settings.client_kwargs()["password"] == "hunter2"
    assert "hunter2" not in repr(settings)


def test_settings_repr_hides_urls_with_credentials() -> None:
    settings = RedisSettings(url="redis://:hunter2@h:6379/0")
    assert "hunter2" not in repr(settings)


@pytest.mark.parametrize("cls", [Redis, SyncRedis])
def test_from_settings_builds_a_client_without_connecting(cls: type[Redis] | type[SyncRedis]) -> None:
    client = cls.from_settings(RedisSettings(url="redis://:hunter2@127.0.0.1:1/0", namespace="svc:"))
    assert "hunter2" not in repr(client)
    assert "***@127.0.0.1:1" in repr(client)


@pytest.mark.parametrize("cls", [Redis, SyncRedis])
def test_redis_py_retries_are_disabled(cls: type[Redis] | type[SyncRedis]) -> None:
    client = cls(url="redis://127.0.0.1:1/0", read_only_url="redis://127.0.0.1:2/0")
    for inner in (client._primary, client._replica):
        assert inner is not None
        assert inner.connection_pool.connection_kwargs["retry"].get_retries() == 0


@pytest.mark.parametrize("cls", [Redis, SyncRedis])
def test_a_url_or_client_is_required(cls: type[Redis] | type[SyncRedis]) -> None:
    with pytest.raises(ConfigurationError, match=r"needs url= \(or primary_client=\)"):
        cls()


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("redis://user:pw@host:6379/0", "redis://***@host:6379/0"),
        ("rediss://:pw@host/1", "rediss://***@host/1"),
        ("redis://host:6379", "redis://host:6379"),
    ],
)
def test_redact_url_removes_userinfo(url: str, expected: str) -> None:
    assert redact_url(url) == expected


async def test_errors_and_log_lines_never_carry_the_password(
    h: Harness, caplog: pytest.LogCaptureFixture
) -> None:
    assert h.replica is not None
    h.replica.failures = [CONN("refused")]
    h.primary.failures = [CONN("refused")] * 4
    with caplog.at_level(logging.DEBUG), pytest.raises(VFError, match="unreachable after 4 attempts") as info:
        await h.call("get", "k")
    assert "hunter2" not in str(info.value)
    assert "***@cache.example" in str(info.value)
    assert caplog.records
    assert not [r for r in caplog.records if "hunter2" in r.getMessage()]


def test_all_is_complete_and_documented() -> None:
    public = {n for n in dir(vredis) if not n.startswith("_")} - {"annotations"}
    modules = {n for n in public if inspect.ismodule(getattr(vredis, n))}
    assert set(vredis.__all__) == public - modules
    for name in vredis.__all__:
        obj = getattr(vredis, name)
        if inspect.isclass(obj) or inspect.isfunction(obj):
            assert obj.__doc__, name


def test_importing_the_package_does_not_import_redis_py() -> None:
    import subprocess
    import sys

    code = "import sys, verifiedfan.redis; print('redis' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "False"

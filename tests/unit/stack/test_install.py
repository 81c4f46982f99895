"""Prerequisite checks say exactly what to install; the policy-rc.d guard cleans up after itself."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from verifiedfan.stack import StackPrerequisiteError, StackSettings, _install


def test_missing_maven_names_the_package_to_install(tmp_path: Path) -> None:
    settings = StackSettings(home=tmp_path, mvn="/nonexistent/mvn")
    with pytest.raises(StackPrerequisiteError, match="apt-get install -y maven"):
        _install.install_kafka(settings, lambda *_: None)


def test_missing_java_names_the_version_and_the_setting(tmp_path: Path) -> None:
    settings = StackSettings(home=tmp_path, java="/nonexistent/java")
    with pytest.raises(StackPrerequisiteError, match=r"Java 21 or newer.*VF_STACK_JAVA"):
        _install.require_java(settings, 21, jvm_dir=tmp_path)


def test_missing_go_names_the_version(tmp_path: Path) -> None:
    settings = StackSettings(home=tmp_path, go="/nonexistent/go")
    with pytest.raises(StackPrerequisiteError, match=r"Go 1\.24\+"):
        _install.install_ferretdb(settings, lambda *_: None)


def test_missing_redis_as_non_root_says_what_to_install(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setattr(_install.os, "geteuid", lambda: 1000)
    settings = StackSettings(home=tmp_path, redis_server="/nonexistent/redis-server")
    with pytest.raises(StackPrerequisiteError, match="sudo apt-get install -y redis-server"):
        _install.install_redis(settings, lambda *_: None)


def test_policy_rc_forbids_service_starts_during_the_install_only(tmp_path: Path) -> None:
    policy = tmp_path / "policy-rc.d"
    with _install._no_service_start(policy):
        assert subprocess.run([str(policy)], check=False).returncode == 101
    assert not policy.exists()


def test_an_existing_policy_rc_is_left_alone(tmp_path: Path) -> None:
    policy = tmp_path / "policy-rc.d"
    policy.write_text("#!/bin/sh\nexit 0\n")
    with _install._no_service_start(policy):
        pass
    assert policy.read_text() == "#!/bin/sh\nexit 0\n"


def test_a_cached_kafka_install_is_reused_without_maven(tmp_path: Path) -> None:
    settings = StackSettings(home=tmp_path, mvn="/nonexistent/mvn")
    home = _install.kafka_dir(settings)
    home.mkdir(parents=True)
    (home / ".complete").write_text(_install._kafka_fingerprint())
    _install.install_kafka(settings, lambda *_: None)  # no prerequisite error: nothing to do


def test_a_kafka_install_of_another_version_is_redone(tmp_path: Path) -> None:
    settings = StackSettings(home=tmp_path, mvn="/nonexistent/mvn")
    home = _install.kafka_dir(settings)
    home.mkdir(parents=True)
    (home / ".complete").write_text("kafka 0.0.1")
    with pytest.raises(StackPrerequisiteError, match=r"Maven is needed.*VF_STACK_MVN"):
        _install.install_kafka(settings, lambda *_: None)

"""The benchmark runner starts the servers the selected benchmarks declare, and stops only its own."""

from __future__ import annotations

import types
from collections.abc import Iterable
from typing import Any, ClassVar

import pytest
from benchmarks import _servers
from benchmarks.run import discover

from verifiedfan.stack import SERVER_NAMES, StackSettings, UpResult


@pytest.mark.parametrize(
    ("names", "expected"),
    [
        (["mongo"], ("mongo",)),
        (["redis"], ("redis",)),
        (["mongo", "redis"], ("redis", "mongo")),  # the stack's start order, not the argument order
        (["kafka"], ("kafka", "schema-registry")),
        (["aws"], ("aws",)),
        (["lambda"], ()),  # starts a private router of its own
        (["jwt", "normalizers", "http", "sandbox"], ()),
        (["kafka", "aws", "mongo", "redis", "jwt"], ("kafka", "schema-registry", "redis", "mongo", "aws")),
    ],
)
def test_servers_for_the_selected_benchmarks(names: list[str], expected: tuple[str, ...]) -> None:
    assert _servers.servers_for(names) == expected


def test_every_benchmark_declares_only_known_servers() -> None:
    everything = _servers.servers_for(discover())
    assert set(everything) <= set(SERVER_NAMES)
    assert {"kafka", "schema-registry", "redis", "mongo", "aws"} <= set(everything)


def test_a_bad_servers_declaration_is_refused() -> None:
    with pytest.raises(ValueError, match=r"unknown servers \['postgres'\]"):
        _servers.module_servers(_with(SERVERS=("postgres",)))
    with pytest.raises(TypeError, match="must be a tuple of server names"):
        _servers.module_servers(_with(SERVERS="redis"))


def _with(**attrs: Any) -> types.ModuleType:
    module = types.ModuleType("benchmarks.bench_x")
    for key, value in attrs.items():
        setattr(module, key, value)
    return module


class _RecordingStack:
    """Stands in for :class:`Stack`: ``running`` were started by someone else (``vf stack up``)."""

    running = frozenset({"redis"})
    log: ClassVar[list[tuple[str, str, bool]]] = []

    def __init__(self, settings: StackSettings) -> None:
        self.calls = _RecordingStack.log

    def lease(self, name: str) -> None:
        self.calls.append(("lease", name, False))

    def up(self, names: Iterable[str]) -> UpResult:
        (name,) = names
        self.calls.append(("up", name, False))
        started = () if name in self.running else (name,)
        return UpResult(started=started, already_running=(name,) if not started else (), seconds={})

    def release(self, name: str, *, started_here: bool) -> bool:
        self.calls.append(("release", name, started_here))
        return started_here


def test_only_what_this_run_started_is_released_as_its_own_even_when_a_benchmark_fails(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    _RecordingStack.log = []
    monkeypatch.setattr(_servers, "Stack", _RecordingStack)
    for var in ("VF_STACK_REDIS_URL", "VF_STACK_REDIS_REPLICA_URL", "VF_STACK_MONGO_URL"):
        monkeypatch.delenv(var, raising=False)  # local servers, not external ones
    settings = StackSettings()
    seen: list[tuple[str, ...]] = []

    def a_failing_benchmark() -> None:
        with _servers.stack_servers(["redis", "mongo"], settings=settings) as started:
            seen.append(started)
            raise RuntimeError("benchmark failed")

    with pytest.raises(RuntimeError, match="benchmark failed"):
        a_failing_benchmark()
    assert seen == [("mongo",)]
    assert _RecordingStack.log == [
        ("lease", "redis", False),  # leased before up: no other session stops it meanwhile
        ("up", "redis", False),
        ("lease", "mongo", False),
        ("up", "mongo", False),
        ("release", "mongo", True),  # started here: the stack stops it if no one else holds a lease
        ("release", "redis", False),  # already running (vf stack up): left alone
    ]

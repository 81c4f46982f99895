"""In-memory stand-ins for redis-py clients (sync and async), scripted to fail on demand."""

from __future__ import annotations

import inspect
from collections.abc import Callable
from typing import Any

from redis import exceptions as rx

from verifiedfan.redis import Redis, RetryPolicy, SyncRedis


class FakePool:
    def __init__(self, is_async: bool) -> None:
        self.is_async = is_async
        self.disconnects = 0

    def disconnect(self, inuse_connections: bool = True) -> Any:
        self.disconnects += 1
        if self.is_async:

            async def done() -> None:
                return None

            return done()
        return None


class FakeServer:
    """The store plus a queue of exceptions to raise on the next calls."""

    def __init__(self, is_async: bool) -> None:
        self.data: dict[str, bytes] = {}
        self.failures: list[BaseException] = []
        self.fail_only: set[str] = set()  # when set, failures apply to these commands only
        self.calls: list[tuple[str, tuple[Any, ...]]] = []
        self.connection_pool = FakePool(is_async)
        self.is_async = is_async

    def _do(self, name: str, args: tuple[Any, ...], fn: Callable[[], Any]) -> Any:
        self.calls.append((name, args))
        if self.failures and (not self.fail_only or name in self.fail_only):
            raise self.failures.pop(0)
        return fn()

    def _wrap(self, name: str, args: tuple[Any, ...], fn: Callable[[], Any]) -> Any:
        if not self.is_async:
            return self._do(name, args, fn)

        async def run() -> Any:
            return self._do(name, args, fn)

        return run()

    def get(self, key: str) -> Any:
        return self._wrap("get", (key,), lambda: self.data.get(key))

    def mget(self, keys: list[str]) -> Any:
        return self._wrap("mget", tuple(keys), lambda: [self.data.get(k) for k in keys])

    def set(
        self, key: str, value: str, ex: int | None = None, px: int | None = None, nx: bool = False
    ) -> Any:
        def run() -> bool | None:
            if nx and key in self.data:
                return None
            self.data[key] = value.encode()
            return True

        return self._wrap("set", (key, value, ex, px, nx), run)

    def delete(self, *keys: str) -> Any:
        return self._wrap("delete", keys, lambda: sum(self.data.pop(k, None) is not None for k in keys))

    def ping(self) -> Any:
        return self._wrap("ping", (), lambda: True)

    def names(self) -> list[str]:
        return [c[0] for c in self.calls]


class Harness:
    """A client of one flavour (sync or async) over two fake servers, with recorded sleeps."""

    def __init__(self, flavour: str, *, replica: bool = True, **kwargs: Any) -> None:
        is_async = flavour == "async"
        self.flavour = flavour
        self.primary = FakeServer(is_async)
        self.replica = FakeServer(is_async) if replica else None
        self.sleeps: list[float] = []
        self.now = 0.0
        cls = Redis if is_async else SyncRedis

        async def asleep(d: float) -> None:
            sleep(d)

        def sleep(d: float) -> None:
            self.sleeps.append(d)
            self.now += d

        kwargs.setdefault("retry", RetryPolicy())
        self.client: Any = cls(
            url="redis://user:hunter2@cache.example:6379/0",
            read_only_url="redis://user:hunter2@replica.example:6379/0" if replica else None,
            primary_client=self.primary,  # type: ignore[arg-type]
            replica_client=self.replica,  # type: ignore[arg-type]
            sleep=asleep if is_async else sleep,
            rand=kwargs.pop("rand", lambda: 1.0),  # 1.0: each wait is its backoff ceiling
            clock=lambda: self.now,
            **kwargs,
        )

    async def call(self, name: str, *args: Any, **kwargs: Any) -> Any:
        result = getattr(self.client, name)(*args, **kwargs)
        if inspect.isawaitable(result):
            return await result
        return result


CONN = rx.ConnectionError
TIMEOUT = rx.TimeoutError
READONLY = rx.ReadOnlyError

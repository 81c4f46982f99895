from __future__ import annotations

import io
import json
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from verifiedfan import log


class Output:
    """A synchronous configuration writing to a StringIO, read back as text and parsed lines."""

    def __init__(self) -> None:
        self.stream = io.StringIO()

    @property
    def text(self) -> str:
        log.flush()
        return self.stream.getvalue()

    @property
    def entries(self) -> list[dict[str, Any]]:
        return [json.loads(line) for line in self.text.splitlines()]


@pytest.fixture(autouse=True)
def _reset_logging() -> Iterator[None]:
    yield
    log.reset()


@pytest.fixture
def output() -> Callable[..., Output]:
    def make(**kwargs: Any) -> Output:
        out = Output()
        kwargs.setdefault("service_name", "svc")
        kwargs.setdefault("level", "debug")
        kwargs.setdefault("asynchronous", False)
        log.configure(stream=out.stream, **kwargs)
        return out

    return make

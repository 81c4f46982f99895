"""``sandbox_fixture(cls)``: a pytest fixture per sandbox, in one line of a conftest."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any, Literal, TypeVar

from verifiedfan._optional import require
from verifiedfan.testing.sandbox._faults import Faults
from verifiedfan.testing.sandbox._runner import ApiSandbox

__all__ = ["sandbox_fixture"]

S = TypeVar("S", bound=ApiSandbox)


def sandbox_fixture(
    cls: type[S],
    *,
    scope: Literal["session", "function"] = "session",
    faults: Faults | None = None,
    **options: Any,
) -> Callable[..., Iterator[S]]:
    """A pytest fixture yielding a started ``cls`` sandbox::

        # conftest.py
        pets_sandbox = sandbox_fixture(PetsSandbox)

    With ``scope="session"`` (the default) one server serves the whole session and each test gets
    it reset: counters, journal, rate-limit windows and injected outcomes cleared, fault knobs back
    to ``faults`` (tokens minted earlier stay valid). With ``scope="function"`` each test gets a
    fresh server. ``options`` go to the sandbox's constructor (``seed=``, ``process=True``...).
    """
    pytest = require("pytest", "testing")
    baseline = faults or Faults()
    shared: dict[str, S] = {}

    def _session(request: Any) -> S:
        sandbox = shared.get("sandbox")
        if sandbox is None:
            sandbox = shared["sandbox"] = cls(faults=baseline, **options).start()

            def _stop() -> None:
                shared.pop("sandbox", None)
                sandbox.stop()

            request.config.add_cleanup(_stop)
        return sandbox

    def fixture(request: Any) -> Iterator[S]:
        if scope == "function":
            with cls(faults=baseline, **options) as fresh:
                yield fresh
            return
        sandbox = _session(request)
        sandbox.reset()
        sandbox.set_faults(baseline)
        yield sandbox

    fixture.__name__ = f"{cls.__name__}_fixture"
    fixture.__doc__ = f"A started {cls.__name__} ({scope} server, reset before each test)."
    decorated: Callable[..., Iterator[S]] = pytest.fixture(fixture)
    return decorated

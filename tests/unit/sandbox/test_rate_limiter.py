"""The rolling-window rate limiter, on a fake clock."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from verifiedfan.testing.sandbox import RateLimiter


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_allows_limit_requests_per_window_then_says_how_long_to_wait() -> None:
    clock = Clock()
    limiter = RateLimiter(3, 30.0, clock=clock)
    allowed = []
    for _ in range(3):
        allowed.append(limiter.hit("app"))
        clock.now += 10.0
    assert allowed == [None, None, None]  # at 1000, 1010 and 1020
    clock.now = 1020.5
    assert limiter.hit("app") == 10  # the request of 1000 leaves the window at 1030: 9.5 s, rounded up
    clock.now = 1029.5
    assert limiter.hit("app") == 1  # less than a second to wait still says 1
    clock.now = 1030.0
    assert limiter.hit("app") is None  # the window rolled past the first request
    assert limiter.hit("app") == 10  # 1010 is the oldest now


def test_keys_have_their_own_windows() -> None:
    limiter = RateLimiter(1, 30.0, clock=Clock())
    assert limiter.hit("a") is None
    assert limiter.hit("b") is None
    assert limiter.hit("a") == 30


def test_refused_requests_are_not_counted() -> None:
    clock = Clock()
    limiter = RateLimiter(2, 10.0, clock=clock)
    limiter.hit("a")
    limiter.hit("a")
    for _ in range(50):
        assert limiter.hit("a") is not None
    clock.now += 10.0
    assert limiter.hit("a") is None


@given(
    limit=st.integers(1, 5),
    gaps=st.lists(st.floats(0.0, 5.0, allow_nan=False), min_size=1, max_size=60),
)
def test_no_window_ever_holds_more_than_the_limit(limit: int, gaps: list[float]) -> None:
    clock = Clock()
    window = 7.0
    limiter = RateLimiter(limit, window, clock=clock)
    allowed: list[float] = []
    for gap in gaps:
        clock.now += gap
        if limiter.hit("k") is None:
            allowed.append(clock.now)
    for i, start in enumerate(allowed):
        inside = [t for t in allowed[i:] if t < start + window]
        assert len(inside) <= limit

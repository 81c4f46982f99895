"""A crowd of fans against a rate-limited Spotify sandbox: our client with the adaptive limiter
against the same client without it (plain retry on 429, ``Retry-After`` honoured), and with
aiolimiter's fixed-rate ``AsyncLimiter`` told the true R (a maintained limiter at its best: it
cannot learn R), in one run.

The Spotify sandbox runs in another process with a per-app rolling-window limit of R requests per
second: ``rate_limit = R * WINDOW`` requests in any ``WINDOW`` seconds, answered 429 with
``Retry-After`` = whole seconds until the oldest request in the window leaves it (Spotify's window
is 30 s; a 2-second window keeps the run short, and whole-second ``Retry-After`` makes every 429
cost at least a second's pause). 256 fans verify at once (profile, top artists, every saved-track
page: ``Spotify.get_fan_engagement`` with those reads, the first saved-track page only: three
requests), round after round, for ``duration`` seconds (20; 6 with ``--quick``); each HTTP call
has a 10-second deadline (``RetryPolicy.deadline``). The requests counted are those the sandbox
received within the run's time (calls still running at its end finish uncounted).

Reported per R, for each client: the fraction of R used (requests the sandbox accepted per second,
over R), the share of requests answered 429, the calls that ended past their deadline (duration
seen by an :class:`~verifiedfan.http.HttpHook`), and the calls that failed (429 after the last retry,
or refused at once by the limiter because their slot was past the deadline). Goal: >= 95 % of R
used, <= 1 % answered 429, none past its deadline. The limiter starts knowing nothing but the window
(``AdaptiveLimiter(window=WINDOW)``): it learns R from the first 429.
"""

from __future__ import annotations

import asyncio
import logging
import os
import time
from dataclasses import dataclass, field

from benchmarks._harness import Comparison
from verifiedfan.errors import VFError
from verifiedfan.http import AdaptiveLimiter, CallInfo, CallObserver, CallOutcome, HttpHook, RetryPolicy
from verifiedfan.music import Spotify, UserToken
from verifiedfan.testing.sandbox import SpotifySandbox

FANS = 256
WINDOW = 2.0
DEADLINE = 10.0
RATES = tuple(int(r) for r in os.environ.get("VF_BENCH_RATES", "50,100,150").split(","))


@dataclass
class _Deadlines(HttpHook):
    """Counts the calls whose duration passed the deadline."""

    late: int = 0
    calls: int = 0
    worst: float = 0.0

    def start_call(self, call: CallInfo) -> CallObserver | None:
        return _Watch(self)


@dataclass
class _Watch(CallObserver):
    owner: _Deadlines

    def end(self, outcome: CallOutcome) -> None:
        self.owner.calls += 1
        self.owner.worst = max(self.owner.worst, outcome.duration)
        if outcome.duration > DEADLINE:
            self.owner.late += 1


@dataclass
class _Run:
    accepted: int = 0
    refused: int = 0
    seconds: float = 0.0
    verified: int = 0
    failed: int = 0
    late: int = 0
    worst: float = 0.0
    errors: dict[str, int] = field(default_factory=dict)
    learnt: str = ""

    def used(self, rate: float) -> float:
        return self.accepted / self.seconds / rate if self.seconds else 0.0

    def share_429(self) -> float:
        total = self.accepted + self.refused
        return self.refused / total if total else 0.0


class _Fixed:
    """aiolimiter's leaky bucket (``AsyncLimiter(R, 1)``: told the true R, its best case) as the
    client's ``RequestLimiter``: it paces, and knows nothing of 429s or deadlines."""

    def __init__(self, rate: float) -> None:
        from aiolimiter import AsyncLimiter

        self._bucket = AsyncLimiter(rate, 1.0)

    async def acquire(self, left: float | None = None) -> None:
        await self._bucket.acquire()

    def feedback(self, ticket: object, status: int, retry_after: float | None = None) -> None:
        return None


async def _crowd(
    sandbox: SpotifySandbox, tokens: list[UserToken], duration: float, kind: str, rate: float
) -> _Run:
    hook = _Deadlines()
    limiter: AdaptiveLimiter | _Fixed | None = None
    if kind == "adaptive":
        limiter = AdaptiveLimiter(window=WINDOW)
    elif kind == "aiolimiter":
        limiter = _Fixed(rate)
    run = _Run()
    async with Spotify(
        client_id=sandbox.client_id,
        client_secret=sandbox.client_secret,
        api_url=sandbox.api_url,
        accounts_url=sandbox.accounts_url,
        max_connections=FANS,
        retry=RetryPolicy(retry_after_cap=30.0, deadline=DEADLINE),
        hooks=[hook],
        limiter=limiter,
    ) as spotify:
        queue: asyncio.Queue[UserToken] = asyncio.Queue()
        for token in tokens:
            queue.put_nowait(token)
        start = time.monotonic()
        stop = start + duration

        async def fan() -> None:
            while time.monotonic() < stop:
                await asyncio.sleep(0)
                token = queue.get_nowait()
                queue.put_nowait(token)  # fans come round again
                try:
                    await spotify.get_fan_engagement(
                        token,
                        top_tracks=False,
                        followed_artists=False,
                        recently_played=False,
                        saved_tracks_limit=50,
                    )
                    run.verified += 1
                except VFError as exc:
                    run.failed += 1
                    run.errors[type(exc).__name__] = run.errors.get(type(exc).__name__, 0) + 1

        async def at_stop() -> dict[str, int]:
            await asyncio.sleep(duration)
            return await asyncio.to_thread(sandbox.stats)  # what the sandbox counted in the run's time

        fans = asyncio.gather(*(fan() for _ in range(FANS)))
        stats = await at_stop()
        run.seconds = time.monotonic() - start
        await fans
    run.refused = stats.get("rate_limited", 0)
    run.accepted = stats.get("api_requests", 0) - run.refused
    run.late, run.worst = hook.late, hook.worst
    if isinstance(limiter, AdaptiveLimiter):
        learnt = limiter.stats()
        ceiling = learnt.ceiling or 0.0
        run.learnt = f"learnt {ceiling:.0f}/s, ends at {learnt.rate:.0f}/s, {learnt.decreases} spells of 429"
    return run


def _measure(sandbox: SpotifySandbox, tokens: list[UserToken], rate: int, duration: float, kind: str) -> _Run:
    sandbox.reset()  # counters and the rate-limit window start empty
    sandbox.set_faults(rate_limit=int(rate * WINDOW), rate_limit_window=WINDOW)
    return asyncio.run(_crowd(sandbox, tokens, duration, kind, rate))


def _line(name: str, rate: int, r: _Run) -> str:
    return (
        f"  {name:<16} R={rate:>4}/s: {r.used(rate) * 100:6.1f} % of R used, "
        f"{r.share_429() * 100:5.2f} % 429 "
        f"({r.refused} of {r.accepted + r.refused}), {r.late} calls past the deadline (slowest "
        f"{r.worst:.2f} s), {r.verified} fans verified, {r.failed} failed {r.errors or ''} {r.learnt}"
    )


def run(quick: bool) -> list[Comparison]:
    logging.getLogger("verifiedfan").setLevel(logging.ERROR)
    duration = 6.0 if quick else 20.0
    out: list[Comparison] = []
    with SpotifySandbox(process=True) as sandbox:
        tokens = sandbox.mint_tokens([sandbox.crowd_user_id(i) for i in range(2 * FANS)])
        _measure(sandbox, tokens, 100_000, 3.0, "plain")  # warms the sandbox's per-user caches
        free = _measure(sandbox, tokens, 100_000, 5.0, "plain")
        print(
            f"bench_ratelimit: {FANS} fans, rolling window {WINDOW:g} s, {duration:g} s per run; "
            f"without a limit this machine served {free.accepted / free.seconds:.0f} requests/s just now",
            flush=True,
        )
        for rate in RATES:
            ours = _measure(sandbox, tokens, rate, duration, "adaptive")
            plain = _measure(sandbox, tokens, rate, duration, "plain")
            fixed = _measure(sandbox, tokens, rate, duration, "aiolimiter")
            print(_line("adaptive limiter", rate, ours), flush=True)
            print(_line("plain retry", rate, plain), flush=True)
            print(_line("aiolimiter at R", rate, fixed), flush=True)
            out += [
                Comparison(
                    name=f"R={rate}/s: share of R used",
                    ours=ours.used(rate) * 100,
                    reference=plain.used(rate) * 100,
                    reference_name="plain retry on 429",
                    unit="%",
                    higher_is_better=True,
                    goal=">= 95 %",
                ),
                Comparison(
                    name=f"R={rate}/s: share of R used, vs a fixed limiter told R",
                    ours=ours.used(rate) * 100,
                    reference=fixed.used(rate) * 100,
                    reference_name="aiolimiter AsyncLimiter(R, 1)",
                    unit="%",
                    higher_is_better=True,
                    goal=">= 95 %",
                ),
                Comparison(
                    name=f"R={rate}/s: answered 429, vs a fixed limiter told R",
                    ours=ours.share_429() * 100,
                    reference=fixed.share_429() * 100,
                    reference_name="aiolimiter AsyncLimiter(R, 1)",
                    unit="%",
                    higher_is_better=False,
                    goal="<= 1 %",
                ),
                Comparison(
                    name=f"R={rate}/s: requests answered 429",
                    ours=ours.share_429() * 100,
                    reference=plain.share_429() * 100,
                    reference_name="plain retry on 429",
                    unit="%",
                    higher_is_better=False,
                    goal="<= 1 %",
                ),
                Comparison(
                    name=f"R={rate}/s: calls past their deadline",
                    ours=float(ours.late),
                    reference=float(plain.late),
                    reference_name="plain retry on 429",
                    unit="calls",
                    higher_is_better=False,
                    goal="0",
                ),
                Comparison(
                    name=f"R={rate}/s: fans failed",
                    ours=float(ours.failed),
                    reference=float(plain.failed),
                    reference_name="plain retry on 429",
                    unit="fans",
                    higher_is_better=False,
                    goal="0",
                ),
            ]
    return out

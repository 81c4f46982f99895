"""The resend loop of the batch senders: chunks in parallel, failed entries resent with backoff."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from verifiedfan.aws._batch_core import Failed, Sent
from verifiedfan.aws._concurrency import async_map_bounded
from verifiedfan.aws._ddb_core import backoff, check_budget
from verifiedfan.aws._errors import AwsError, AwsThrottledError

__all__ = ["BatchSender", "Outcome"]

logger = logging.getLogger(__name__)

#: What one call of a batch API did: the entries sent, and the ones it reported failed.
Outcome = tuple[list[Sent], list[Failed]]


@dataclass
class _Tally:
    sent: list[Sent]
    failed: list[Failed]
    calls: int = 0
    resent: int = 0


class BatchSender:
    """Sends chunks of entry indexes through ``call``, ``concurrency`` chunks at once.

    Per chunk: a failed entry that ``retryable`` accepts (by default: not the sender's fault) is sent
    again after a full-jitter backoff (``backoff_base`` doubling up to ``backoff_cap``), for at most
    ``max_attempts`` calls. A call throttled as a whole is resent the same way. Any other error of a
    call fails the entries of that call (with that error) and leaves the other chunks running.
    """

    def __init__(
        self,
        *,
        concurrency: int,
        max_attempts: int,
        backoff_base: float,
        backoff_cap: float,
        sleeper: Callable[[float], Awaitable[object]],
        rand: Callable[[], float],
        what: str,
    ) -> None:
        check_budget(max_attempts, backoff_base, backoff_cap)
        self.concurrency = concurrency
        self.max_attempts = max_attempts
        self._base = backoff_base
        self._cap = backoff_cap
        self._sleep = sleeper
        self._rand = rand
        self._what = what

    async def pause(self, attempt: int) -> None:
        """The backoff before resend number ``attempt`` (0 for the first resend)."""
        await self._sleep(backoff(attempt, base=self._base, cap=self._cap, rand=self._rand))

    async def run(
        self,
        chunks: list[list[int]],
        call: Callable[[list[int]], Awaitable[Outcome]],
        retryable: Callable[[Failed], bool] = lambda failed: not failed.sender_fault,
    ) -> tuple[list[Sent], list[Failed], int, int]:
        """Send every chunk; (sent, failed for good, calls, entries resent)."""

        async def one(chunk: list[int]) -> _Tally:
            tally = _Tally([], [])
            pending = chunk
            last: list[Failed] = []
            for attempt in range(self.max_attempts):
                if attempt:
                    tally.resent += len(pending)
                    await self.pause(attempt - 1)
                tally.calls += 1
                try:
                    sent, failed = await call(pending)
                except AwsThrottledError as exc:
                    logger.info("%s throttled as a whole; resending after a backoff", self._what)
                    last = [Failed(i, exc.code or "Throttling", str(exc), False, exc) for i in pending]
                    continue
                except AwsError as exc:
                    tally.failed.extend(
                        Failed(i, exc.code or type(exc).__name__, str(exc), False, exc) for i in pending
                    )
                    return tally
                tally.sent.extend(sent)
                last = [f for f in failed if retryable(f)]
                tally.failed.extend(f for f in failed if not retryable(f))
                pending = [f.index for f in last]
                if not pending:
                    return tally
                logger.info("%s: %d entries failed, resending", self._what, len(pending))
            tally.failed.extend(last)
            return tally

        tallies = await async_map_bounded(one, chunks, self.concurrency)
        return (
            [s for t in tallies for s in t.sent],
            [f for t in tallies for f in t.failed],
            sum(t.calls for t in tallies),
            sum(t.resent for t in tallies),
        )

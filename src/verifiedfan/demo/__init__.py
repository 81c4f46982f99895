"""``vf demo``: workflow 1 (event-driven fan verification) end to end, for real.

:func:`run_demo` brings up Redis, Kafka and the schema registry through :mod:`verifiedfan.stack`,
starts the Spotify and Apple Music sandboxes, verifies a crowd of sandbox fans on both platforms
for one artist (profiles cached in Redis; some fans come twice so the cache is used), publishes a
``fan.verified`` Avro event per verified fan, reads them back as a downstream consumer would, sends
each verified fan one presale email with a PACMAN code through the SFMC sandbox (a campaign consumer
stopped and restarted mid-run, without sending any email twice), and returns a
:class:`DemoResult`; it deletes what it created and stops only the servers it started::

    result = asyncio.run(run_demo(DemoOptions(fans=2000)))
    assert result.ok

``DemoOptions(cache_mode=True, repeat_ratio=CACHE_MODE_REPEAT_RATIO)`` (``vf demo --cache-mode``) is
scenario 1's cache path: a hot crowd, the Redis client-side cache, and the hit path's p50/p99 timed
against raw redis-py on the run's keys (:class:`CachePathReport`).

Past one process, :func:`run_workers_demo` (``vf demo --workers N``) puts the crowd on a requests
topic for a consumer group of N worker processes (:func:`run_worker`, ``vf worker``), each
verifying, caching and publishing in one Kafka transaction per batch: no ``fan.verified`` event is
published twice, even when a worker is SIGKILLed mid-run.
"""

from verifiedfan.demo._crowd import CrowdFan, plan_crowd
from verifiedfan.demo._models import (
    CACHE_MODE_REPEAT_RATIO,
    CachePathReport,
    DemoConnections,
    DemoOptions,
    DemoResult,
    EmailCounts,
    PhaseTiming,
    PlatformCounts,
)
from verifiedfan.demo._run import ProgressCallback, run_demo
from verifiedfan.demo._stack import NEEDED_SERVERS
from verifiedfan.demo._worker import PlatformAccess, WorkerSettings, WorkerStats, run_worker
from verifiedfan.demo._workers import WorkersOptions, WorkersResult, run_workers_demo

__all__ = [
    "CACHE_MODE_REPEAT_RATIO",
    "NEEDED_SERVERS",
    "CachePathReport",
    "CrowdFan",
    "DemoConnections",
    "DemoOptions",
    "DemoResult",
    "EmailCounts",
    "PhaseTiming",
    "PlatformAccess",
    "PlatformCounts",
    "ProgressCallback",
    "WorkerSettings",
    "WorkerStats",
    "WorkersOptions",
    "WorkersResult",
    "plan_crowd",
    "run_demo",
    "run_worker",
    "run_workers_demo",
]

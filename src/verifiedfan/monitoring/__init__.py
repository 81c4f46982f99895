"""Service health signals that page people (use-cases scenario 3).

* :class:`ErrorRateMonitor` (async) / :class:`SyncErrorRateMonitor` (blocking): the outcomes of a
  service's calls over a sliding window; above a threshold it triggers ONE incident (a stable
  deduplication key) on a :class:`Pager` such as :class:`verifiedfan.partners.PagerDuty`, and resolves
  it when the rate falls back.
* :class:`ErrorRateWindow`: the bounded sliding window on its own (for a gauge or a health check).
"""

from verifiedfan.monitoring._core import MonitorState, Transition
from verifiedfan.monitoring._monitor import ErrorRateMonitor, Pager
from verifiedfan.monitoring._sync_monitor import SyncErrorRateMonitor, SyncPager
from verifiedfan.monitoring._window import ErrorRateWindow, WindowCounts

__all__ = [
    "ErrorRateMonitor",
    "ErrorRateWindow",
    "MonitorState",
    "Pager",
    "SyncErrorRateMonitor",
    "SyncPager",
    "Transition",
    "WindowCounts",
]

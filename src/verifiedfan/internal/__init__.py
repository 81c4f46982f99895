"""Calls between the platform's own services (the successor of ``titan-request`` and the
downstream ``InstrumentServices``).

* :class:`TitanClient` / :class:`SyncTitanClient`: a client of one internal service on the API-client
  kit, each call signed with this worker's token (:class:`WorkerTokenAuth` over a
  :class:`~verifiedfan.jwt.WorkerTokenMinter`), carrying the correlation id and trace context, and
  timed; settings :class:`TitanSettings` (``VF_TITAN_*``).
* :func:`instrument`: tracing and timing around the chosen methods of any client.
"""

from verifiedfan.internal._async.titan import TitanClient, WorkerTokenAuth
from verifiedfan.internal._instrument import instrument
from verifiedfan.internal._settings import TitanSettings
from verifiedfan.internal._sync.titan import SyncTitanClient, SyncWorkerTokenAuth
from verifiedfan.internal._types import WorkerTokenSource

__all__ = [
    "SyncTitanClient",
    "SyncWorkerTokenAuth",
    "TitanClient",
    "TitanSettings",
    "WorkerTokenAuth",
    "WorkerTokenSource",
    "instrument",
]

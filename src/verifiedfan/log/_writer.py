"""Where rendered lines go: a bounded queue drained by a background thread, or a direct writer.

The application thread only appends a finished line to a bounded deque and, when the writer thread
is idle, wakes it. When the queue is full (stdout is slow or blocked) the line is dropped and counted:
logging never blocks the caller for long and never raises into it. Write errors are counted too.
"""

from __future__ import annotations

import os
import sys
import threading
import weakref
from collections import deque
from dataclasses import dataclass
from typing import Protocol, TextIO

__all__ = ["DirectWriter", "LineWriter", "LogStats", "QueueWriter"]


@dataclass(frozen=True)
class LogStats:
    """Counters of the logging pipeline since :func:`configure` (or the last reset)."""

    written: int
    dropped: int
    write_errors: int
    render_errors: int
    queued: int


class LineWriter(Protocol):
    """What the pipeline hands finished lines to."""

    stream: TextIO | None

    def write(self, line: str) -> None: ...
    def flush(self, timeout: float | None = None) -> bool: ...
    def close(self, timeout: float | None = None) -> None: ...
    def counters(self) -> tuple[int, int, int, int]: ...


def _target(stream: TextIO | None) -> TextIO:
    return stream if stream is not None else sys.stdout  # resolved per write: follows redirection


class DirectWriter:
    """Writes each line on the caller's thread (tests, CLIs); errors are counted, never raised."""

    def __init__(self, *, stream: TextIO | None = None) -> None:
        self.stream = stream
        self._lock = threading.Lock()
        self._written = 0
        self._errors = 0

    def write(self, line: str) -> None:
        with self._lock:
            try:
                out = _target(self.stream)
                out.write(line)
                out.flush()
                self._written += 1
            except Exception:  # noqa: BLE001 - a broken stdout never raises into the caller
                self._errors += 1

    def flush(self, timeout: float | None = None) -> bool:
        return True

    def close(self, timeout: float | None = None) -> None:
        return None

    def counters(self) -> tuple[int, int, int, int]:
        return self._written, 0, self._errors, 0


class QueueWriter:
    """A bounded queue of lines written to ``stream`` (stdout when ``None``) by a daemon thread."""

    def __init__(self, *, stream: TextIO | None = None, max_queue: int = 10_000, batch: int = 256) -> None:
        self.stream = stream
        self._max = max_queue
        self._batch = batch
        self._queue: deque[str] = deque()
        self._wake = threading.Event()
        self._idle = True
        self._closed = False
        self._done = threading.Condition()
        self._lock = threading.Lock()
        self._accepted = 0
        self._processed = 0
        self._written = 0
        self._dropped = 0
        self._errors = 0
        self._thread = self._start()
        _LIVE_WRITERS.add(self)

    def _start(self) -> threading.Thread:
        thread = threading.Thread(target=self._run, name="verifiedfan-log-writer", daemon=True)
        thread.start()
        return thread

    def _after_fork_in_child(self) -> None:
        """A forked child has no writer thread: start a fresh one with fresh locks."""
        self._wake = threading.Event()
        self._done = threading.Condition()
        self._lock = threading.Lock()
        self._idle = True
        if not self._closed:
            self._thread = self._start()

    # -- caller side: never blocks, never raises ---------------------------------------------

    def write(self, line: str) -> None:
        with self._lock:  # exact counters under concurrent callers (never held across I/O)
            if len(self._queue) >= self._max or self._closed:
                self._dropped += 1
                return
            self._queue.append(line)
            self._accepted += 1
        if self._idle:
            self._idle = False
            self._wake.set()

    def flush(self, timeout: float | None = None) -> bool:
        """Wait until every line accepted so far has been written (or failed); ``False`` on timeout."""
        target = self._accepted
        self._wake.set()
        with self._done:
            return self._done.wait_for(lambda: self._processed >= target, timeout=timeout)

    def close(self, timeout: float | None = None) -> None:
        """Write what is queued (waiting at most ``timeout``) and stop the thread."""
        self.flush(timeout)
        self._closed = True
        self._wake.set()
        self._thread.join(timeout)

    def counters(self) -> tuple[int, int, int, int]:
        return self._written, self._dropped, self._errors, len(self._queue)

    # -- writer thread -------------------------------------------------------------------------

    def _run(self) -> None:
        queue = self._queue
        while True:
            if not queue:
                self._idle = True
                self._wake.clear()
                if not queue:  # re-check: a line may have arrived before _idle was visible
                    if self._closed:
                        return
                    self._wake.wait()
                    continue
                self._idle = False
            lines: list[str] = []
            while queue and len(lines) < self._batch:
                lines.append(queue.popleft())
            try:
                out = _target(self.stream)
                out.write("".join(lines))
                out.flush()
                self._written += len(lines)
            except Exception:  # noqa: BLE001 - counted, the thread keeps going
                self._errors += len(lines)
            with self._done:
                self._processed += len(lines)
                self._done.notify_all()


_LIVE_WRITERS: weakref.WeakSet[QueueWriter] = weakref.WeakSet()


def _restart_writers_after_fork() -> None:
    for writer in list(_LIVE_WRITERS):
        writer._after_fork_in_child()


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_restart_writers_after_fork)

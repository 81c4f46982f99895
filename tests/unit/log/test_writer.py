"""The writer never blocks the caller for long and never raises into it."""

from __future__ import annotations

import io
import logging
import threading
from collections.abc import Callable

import pytest

from tests.unit.log.conftest import Output
from verifiedfan import log
from verifiedfan.log._writer import QueueWriter

Make = Callable[..., Output]


class BlockingStream:
    """A stream whose write blocks until ``release`` is set."""

    def __init__(self) -> None:
        self.entered = threading.Event()
        self.release = threading.Event()
        self.chunks: list[str] = []

    def write(self, text: str) -> int:
        self.entered.set()
        self.release.wait()
        self.chunks.append(text)
        return len(text)

    def flush(self) -> None:
        return None


class RaisingStream:
    def write(self, text: str) -> int:
        raise OSError("stdout is gone")

    def flush(self) -> None:
        raise OSError("stdout is gone")


def test_a_blocked_stream_does_not_block_the_caller_and_drops_are_counted() -> None:
    stream = BlockingStream()
    log.configure(stream=stream, max_queue=5)  # type: ignore[arg-type]
    logger = log.get_logger("a")
    logger.info("first")  # taken by the writer thread, which then blocks in write()
    assert stream.entered.wait(30)
    done = threading.Event()

    def caller() -> None:
        for i in range(20):
            logger.info("more", i=i)
        logging.getLogger("some_library").info("library line")
        done.set()

    threading.Thread(target=caller, daemon=True).start()
    assert done.wait(30), "logging blocked on a blocked stream"
    assert not stream.release.is_set()  # the calls returned while the stream was still blocked
    assert log.stats().dropped == 16  # 21 lines, 5 queued
    stream.release.set()
    assert log.flush(timeout=30)
    assert "".join(stream.chunks).count("\n") == 6
    assert log.stats().written == 6


def test_a_raising_stream_never_raises_into_the_caller_async() -> None:
    log.configure(stream=RaisingStream())  # type: ignore[arg-type]
    log.get_logger("a").info("m")
    logging.getLogger("lib").warning("m")
    assert log.flush(timeout=30)
    assert log.stats().write_errors == 2


def test_a_raising_stream_never_raises_into_the_caller_sync() -> None:
    log.configure(stream=RaisingStream(), asynchronous=False)  # type: ignore[arg-type]
    log.get_logger("a").error("m")
    assert log.stats().write_errors == 1


def test_a_rendering_error_is_counted_not_raised(output: Make, monkeypatch: pytest.MonkeyPatch) -> None:
    def broken() -> str:
        raise RuntimeError("no correlation")

    out = output()
    monkeypatch.setattr("verifiedfan.log._pipeline.current_correlation_id", broken)
    log.get_logger("a").info("lost")
    logging.getLogger("lib").info("lost too")
    monkeypatch.undo()
    log.get_logger("a").info("next")
    assert log.stats().render_errors == 2
    assert [e["message"] for e in out.entries] == ["next"]


def test_hostile_objects_are_redacted_not_raised(output: Make) -> None:
    class Hostile:
        def __str__(self) -> str:
            raise RuntimeError("no str")

    out = output()
    log.get_logger("a").info(Hostile())
    log.get_logger("a").info("next", field=Hostile())
    assert [e["message"] for e in out.entries] == [log.REDACTED, "next"]
    assert out.entries[1]["field"] == log.REDACTED


def test_async_lines_are_all_written_in_order_after_flush() -> None:
    stream = io.StringIO()
    log.configure(stream=stream)
    logger = log.get_logger("a")
    for i in range(500):
        logger.info("m", i=i)
    assert log.flush(timeout=30)
    assert [line.count('"i":') for line in stream.getvalue().splitlines()] == [1] * 500
    assert '"i":499' in stream.getvalue().splitlines()[-1]


def test_configure_twice_does_not_duplicate_lines() -> None:
    first, second = io.StringIO(), io.StringIO()
    log.configure(stream=first, asynchronous=False)
    log.configure(stream=second, asynchronous=False)
    log.get_logger("a").info("app")
    logging.getLogger("some_library").info("lib")
    assert first.getvalue() == ""
    assert second.getvalue().count("\n") == 2


def test_basic_config_handler_is_replaced_and_restored_on_reset() -> None:
    root = logging.getLogger()
    plain = logging.StreamHandler(io.StringIO())
    root.addHandler(plain)
    try:
        out = io.StringIO()
        log.configure(stream=out, asynchronous=False)
        logging.getLogger("lib").warning("once")
        assert plain.stream.getvalue() == ""
        log.reset()
        assert plain in root.handlers
    finally:
        root.removeHandler(plain)


def test_shutdown_flushes_and_later_lines_are_still_written() -> None:
    stream = io.StringIO()
    log.configure(stream=stream)
    logger = log.get_logger("a")
    logger.info("before")
    log.shutdown(timeout=30)
    logger.info("after")
    assert [line.count("before") + line.count("after") for line in stream.getvalue().splitlines()] == [1, 1]


def test_per_logger_levels(output: Make) -> None:
    out = output(level="debug", logger_levels={"botocore": "warning"})
    logging.getLogger("botocore.hooks").debug("noise")
    logging.getLogger("botocore.hooks").warning("signal")
    assert [e["message"] for e in out.entries] == ["signal"]


def test_queue_writer_close_stops_the_thread() -> None:
    writer = QueueWriter(stream=io.StringIO())
    writer.write("x\n")
    writer.close(timeout=30)
    writer.write("dropped\n")
    assert writer.counters() == (1, 1, 0, 0)


@pytest.mark.parametrize("bad", [0, -1])
def test_max_queue_must_be_positive(bad: int) -> None:
    with pytest.raises(ValueError, match="max_queue"):
        log.configure(max_queue=bad)


def test_a_forked_child_gets_a_new_writer_thread() -> None:
    writer = QueueWriter(stream=io.StringIO())
    first, old_wake = writer._thread, writer._wake
    writer._after_fork_in_child()  # what os.register_at_fork runs in the child
    try:
        assert writer._thread is not first
        assert writer._thread.is_alive()
        writer.write("x\n")
        assert writer.flush(timeout=30)
        assert writer.counters()[0] == 1
    finally:
        writer.close(timeout=30)
        old_wake.set()  # only needed here: in a real child the old thread does not exist
        first.join(timeout=30)


def test_queued_lines_are_flushed_at_interpreter_exit() -> None:
    import subprocess
    import sys

    code = (
        "from verifiedfan import log\n"
        "log.configure(service_name='exit-test')\n"
        "logger = log.get_logger('a')\n"
        "for i in range(300):\n"
        "    logger.info('line', i=i)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=120
    )
    lines = done.stdout.splitlines()
    assert len(lines) == 300
    assert '"i":299' in lines[-1]


def test_concurrent_threads_never_interleave_lines() -> None:
    import json

    stream = io.StringIO()
    log.configure(stream=stream)
    logger = log.get_logger("a")

    def worker(t: int) -> None:
        for i in range(200):
            logger.info("m", t=t, i=i, pad="x" * 50)

    threads = [threading.Thread(target=worker, args=(t,)) for t in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert log.flush(timeout=30)
    entries = [json.loads(line) for line in stream.getvalue().splitlines()]
    assert sorted((e["t"], e["i"]) for e in entries) == [(t, i) for t in range(8) for i in range(200)]

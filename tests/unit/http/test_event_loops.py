"""A client used from the wrong place says so at once (issue 19)."""

from __future__ import annotations

import asyncio
import time
import warnings

import httpx
import pytest

from verifiedfan.errors import VFError
from verifiedfan.http import BlockingCallWarning, EventLoopMismatchError, HttpClient, SyncHttpClient


def _ok(request: httpx.Request) -> httpx.Response:
    return httpx.Response(200, json={"ok": True})


def test_async_client_reused_from_a_second_event_loop_raises_at_once() -> None:
    http = HttpClient(service_name="users", base_url="http://users", transport=httpx.MockTransport(_ok))
    assert asyncio.run(http.get_json("/me")) == {"ok": True}
    started = time.monotonic()
    with pytest.raises(EventLoopMismatchError, match="one client per event loop") as caught:
        asyncio.run(http.get_json("/me"))
    assert time.monotonic() - started < 5.0  # at once, not after a 30 s hang
    assert isinstance(caught.value, VFError)
    assert "'users'" in str(caught.value)
    asyncio.run(http.aclose())


async def test_async_client_keeps_working_in_its_own_loop() -> None:
    async with HttpClient(service_name="s", base_url="http://s", transport=httpx.MockTransport(_ok)) as http:
        results = await asyncio.gather(*(http.get_json("/x") for _ in range(3)))
    assert results == [{"ok": True}] * 3


async def test_sync_client_inside_a_running_loop_warns_at_the_callers_line() -> None:
    with SyncHttpClient(service_name="s", base_url="http://s", transport=httpx.MockTransport(_ok)) as http:
        with pytest.warns(BlockingCallWarning, match="blocks|blocked") as record:
            assert http.get_json("/x") == {"ok": True}  # warned, not refused: the call still happens
    assert record[0].filename == __file__
    assert issubclass(BlockingCallWarning, RuntimeWarning)


def test_sync_client_outside_a_loop_does_not_warn() -> None:
    with SyncHttpClient(service_name="s", base_url="http://s", transport=httpx.MockTransport(_ok)) as http:
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            assert http.get_json("/x") == {"ok": True}


async def test_sync_client_in_a_worker_thread_does_not_warn() -> None:
    with SyncHttpClient(service_name="s", base_url="http://s", transport=httpx.MockTransport(_ok)) as http:
        assert await asyncio.to_thread(http.get_json, "/x") == {"ok": True}

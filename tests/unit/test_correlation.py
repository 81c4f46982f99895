from __future__ import annotations

import asyncio

from verifiedfan import correlation as c


def test_ensure_creates_once_and_reuses() -> None:
    with c.correlation_scope("outer"):
        assert c.ensure_correlation_id() == "outer"
    c.set_correlation_id(None)
    first = c.ensure_correlation_id()
    assert first == c.ensure_correlation_id()
    c.set_correlation_id(None)


def test_scope_restores_previous_value() -> None:
    with c.correlation_scope("a"):
        with c.correlation_scope("b"):
            assert c.current_correlation_id() == "b"
        assert c.current_correlation_id() == "a"


async def test_tasks_do_not_share_ids() -> None:
    async def work(cid: str) -> str | None:
        with c.correlation_scope(cid):
            await asyncio.sleep(0)
            return c.current_correlation_id()

    assert await asyncio.gather(work("x"), work("y")) == ["x", "y"]

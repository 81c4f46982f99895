from __future__ import annotations

import asyncio
import uuid

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


def test_new_ids_are_version_4_uuids_in_hex() -> None:
    ids = {c.new_correlation_id() for _ in range(2000)}
    assert len(ids) == 2000
    for cid in ids:
        parsed = uuid.UUID(cid)
        assert (parsed.version, parsed.variant, parsed.hex) == (4, uuid.RFC_4122, cid)


def test_enter_and_exit_scope_restore_the_previous_id() -> None:
    with c.correlation_scope("outer"):
        cid, token = c.enter_scope(None)
        assert c.current_correlation_id() == cid != "outer"
        c.exit_scope(token)
        assert c.current_correlation_id() == "outer"
        cid, token = c.enter_scope("given")
        assert (cid, c.current_correlation_id()) == ("given", "given")
        c.exit_scope(token)
        assert c.current_correlation_id() == "outer"

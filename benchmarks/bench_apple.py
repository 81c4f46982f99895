"""Our Apple Music client against raw httpx, on the same Apple Music sandbox in another process.

Workload per user (use case 1, Apple's side): the storefront, the heavy rotation (20 items, pages
of 10) and ALL library songs (pages of 100). Ours is ``AppleMusic.get_fan_engagement`` restricted
to those reads; the reference is a bare ``httpx.AsyncClient`` making the same requests with the same
developer token and ``json.loads`` (the pages of one user in turn). Both run 64 users at once.
Figures: users per second (best of the rounds) and the client process's CPU time per user (lowest).
"""

from __future__ import annotations

import asyncio
import logging
import time
from typing import Any

import httpx

from benchmarks._harness import Comparison
from verifiedfan.music import AppleMusic, DeveloperToken, UserToken
from verifiedfan.testing.sandbox import AppleMusicSandbox

CONCURRENCY = 64


async def _ours(sandbox: AppleMusicSandbox, tokens: list[UserToken]) -> int:
    key = sandbox.developer_key
    async with AppleMusic(
        team_id=key.team_id,
        key_id=key.key_id,
        private_key=key.private_key,
        api_url=sandbox.api_url,
        max_connections=CONCURRENCY,
    ) as apple:
        semaphore = asyncio.Semaphore(CONCURRENCY)

        async def one(token: UserToken) -> int:
            async with semaphore:
                engagement = await apple.get_fan_engagement(
                    token, followed_artists=False, recently_played=False
                )
                return len(engagement.saved_tracks)

        return sum(await asyncio.gather(*(one(t) for t in tokens)))


async def _raw(sandbox: AppleMusicSandbox, tokens: list[UserToken]) -> int:
    key = sandbox.developer_key
    developer = DeveloperToken(team_id=key.team_id, key_id=key.key_id, private_key=key.private_key)
    limits = httpx.Limits(max_connections=CONCURRENCY, max_keepalive_connections=CONCURRENCY)
    async with httpx.AsyncClient(base_url=sandbox.api_url, limits=limits, timeout=30) as http:
        semaphore = asyncio.Semaphore(CONCURRENCY)

        async def get(path: str, headers: dict[str, str], params: dict[str, Any] | None = None) -> Any:
            response = await http.get(path, headers=headers, params=params)
            response.raise_for_status()
            return response.json()

        async def one(token: UserToken) -> int:
            headers = {
                "authorization": f"Bearer {developer.current()}",
                "music-user-token": token.access_token,
            }
            async with semaphore:
                await get("/v1/me/storefront", headers)
                for offset in (0, 10):
                    await get("/v1/me/history/heavy-rotation", headers, {"limit": 10, "offset": offset})
                songs, offset, total = 0, 0, None
                while total is None or offset < total:
                    page = await get("/v1/me/library/songs", headers, {"limit": 100, "offset": offset})
                    total = page.get("meta", {}).get("total", 0)
                    songs += len(page["data"])
                    offset += 100
                    if not page["data"]:
                        break
                return songs

        return sum(await asyncio.gather(*(one(t) for t in tokens)))


def _timed(coro: Any) -> tuple[float, float, int]:
    wall, cpu = time.perf_counter(), time.process_time()
    saved = asyncio.run(coro)
    return time.perf_counter() - wall, time.process_time() - cpu, saved


def run(quick: bool) -> list[Comparison]:
    logging.getLogger("verifiedfan").setLevel(logging.ERROR)
    logging.getLogger("httpx").setLevel(logging.WARNING)
    n_users, rounds = (200, 1) if quick else (1000, 3)
    best = {"ours": 0.0, "raw": 0.0}
    cpu = {"ours": float("inf"), "raw": float("inf")}
    with AppleMusicSandbox(process=True) as sandbox:
        tokens = sandbox.mint_tokens([sandbox.crowd_user_id(i) for i in range(n_users)])
        asyncio.run(_ours(sandbox, tokens))  # warm the sandbox's caches for both sides
        for _ in range(rounds):
            raw_s, raw_cpu, raw_songs = _timed(_raw(sandbox, tokens))
            our_s, our_cpu, our_songs = _timed(_ours(sandbox, tokens))
            if raw_songs != our_songs:
                raise RuntimeError(f"the clients disagree: raw httpx saw {raw_songs} songs, ours {our_songs}")
            best["ours"], best["raw"] = max(best["ours"], n_users / our_s), max(best["raw"], n_users / raw_s)
            cpu["ours"] = min(cpu["ours"], our_cpu / n_users * 1000)
            cpu["raw"] = min(cpu["raw"], raw_cpu / n_users * 1000)
    print(
        f"bench_apple: {n_users} users, {our_songs} library songs; users/s: raw httpx {best['raw']:.1f}, "
        f"ours {best['ours']:.1f}; client CPU per user: raw httpx {cpu['raw']:.2f} ms, "
        f"ours {cpu['ours']:.2f} ms"
    )
    return [
        Comparison(
            f"{n_users} users: users/s", best["ours"], best["raw"], "raw httpx", "users/s", True, "higher"
        ),
        Comparison(
            f"{n_users} users: client CPU/user", cpu["ours"], cpu["raw"], "raw httpx", "ms", False, "lower"
        ),
    ]

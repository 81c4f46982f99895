"""Run one sandbox in this process: ``python -m verifiedfan.testing.sandbox spotify|apple_music``.

Prints one JSON line ``{"url": ...}`` on stdout once listening, then serves until terminated. This is
how :class:`~verifiedfan.testing.sandbox.Sandbox` runs with ``process=True``.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import signal
import sys

from verifiedfan.testing.sandbox._apple import AppleMusicApp
from verifiedfan.testing.sandbox._base import Faults, SandboxApp
from verifiedfan.testing.sandbox._http import serve
from verifiedfan.testing.sandbox._spotify import SpotifyApp


def build_app(args: argparse.Namespace) -> SandboxApp:
    faults = Faults.from_dict(json.loads(args.faults)) if args.faults else Faults()
    if args.kind == "spotify":
        return SpotifyApp(
            seed=args.seed, faults=faults, client_id=args.client_id, client_secret=args.client_secret
        )
    return AppleMusicApp(seed=args.seed, faults=faults)


async def _main(args: argparse.Namespace) -> None:
    app = build_app(args)
    server = await serve(app, host=args.host, port=args.port)
    port = server.sockets[0].getsockname()[1]
    url = f"http://{args.host}:{port}"
    if isinstance(app, SpotifyApp):
        app.base_url = url
    sys.stdout.write(json.dumps({"url": url, "kind": args.kind}) + "\n")
    sys.stdout.flush()
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        with contextlib.suppress(NotImplementedError):
            loop.add_signal_handler(sig, stop.set)
    await stop.wait()
    server.close()
    await server.wait_closed()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m verifiedfan.testing.sandbox")
    parser.add_argument("kind", choices=["spotify", "apple_music"])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--faults", default="")
    parser.add_argument("--client-id", default="sandbox-client-id")
    parser.add_argument("--client-secret", default="sandbox-client-secret")
    asyncio.run(_main(parser.parse_args(argv)))


if __name__ == "__main__":
    main()

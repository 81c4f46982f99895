"""Run one sandbox in this process: ``python -m verifiedfan.testing.sandbox APP``.

``APP`` is ``spotify``, ``apple_music`` or any ``package.module:AppClass`` (a ``SandboxApp``
subclass); ``--options JSON`` are its constructor's keyword arguments. Prints one JSON line
``{"url": ..., "kind": ...}`` on stdout once listening, then serves until SIGTERM/SIGINT. This is how
:class:`~verifiedfan.testing.sandbox.ApiSandbox` runs with ``process=True``.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import signal
import sys

from verifiedfan.testing.sandbox._faults import Faults
from verifiedfan.testing.sandbox._http import serve, shutdown
from verifiedfan.testing.sandbox._runner import load_app_class

ALIASES = {
    "spotify": "verifiedfan.testing.sandbox._spotify:SpotifyApp",
    "apple_music": "verifiedfan.testing.sandbox._apple:AppleMusicApp",
}


async def _main(args: argparse.Namespace) -> None:
    cls = load_app_class(ALIASES.get(args.app, args.app))
    faults = Faults.from_dict(json.loads(args.faults)) if args.faults else Faults()
    options = json.loads(args.options) if args.options else {}
    app = cls(seed=args.seed, faults=faults, **options)
    server = await serve(app, host=args.host, port=args.port)
    port = server.sockets[0].getsockname()[1]
    app.base_url = url = f"http://{args.host}:{port}"
    sys.stdout.write(json.dumps({"url": url, "kind": cls.kind}) + "\n")
    sys.stdout.flush()
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        with contextlib.suppress(NotImplementedError):
            loop.add_signal_handler(sig, stop.set)
    await stop.wait()
    await shutdown(server)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m verifiedfan.testing.sandbox")
    parser.add_argument("app", help="spotify, apple_music or package.module:AppClass")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--faults", default="", help="JSON of Faults knobs")
    parser.add_argument("--options", default="", help="JSON of the app's keyword arguments")
    asyncio.run(_main(parser.parse_args(argv)))


if __name__ == "__main__":
    main()

"""The ``/_sandbox`` control API of every sandbox (what the runner's methods call over HTTP).

| request | does |
| --- | --- |
| ``GET /_sandbox/info`` | the app's :meth:`~SandboxApp.info` |
| ``GET /_sandbox/stats`` | the event counters (``api_requests``, ``rate_limited``, ...) |
| ``GET /_sandbox/counts`` | requests per route (``{"routes": {"GET /v1/me": 3}, "apps": {...}}``) |
| ``GET /_sandbox/journal?method=&route=&path=`` | the journal's entries, redacted |
| ``GET /_sandbox/faults`` / ``POST`` a partial knob set | read / change :class:`Faults` |
| ``POST /_sandbox/inject`` ``{"outcomes": [...]}`` | script the next API answers |
| ``POST /_sandbox/tokens`` ``{"user_ids": [...], "expires_in": s}`` | mint tokens |
| ``POST /_sandbox/revoke`` ``{"token"|"user_id"}`` | revoke tokens |
| ``POST /_sandbox/expire`` ``{"token"|"user_id"}`` (neither: all) | expire access tokens now |
| ``POST /_sandbox/clock`` ``{"advance": s}`` | move the sandbox clock forward (token and code expiry) |
| ``POST /_sandbox/reset`` | zero counters, clear journal, rate windows, injected outcomes, clock |
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from verifiedfan.errors import VFError
from verifiedfan.testing.sandbox._faults import Faults
from verifiedfan.testing.sandbox._http import Request, Response

if TYPE_CHECKING:
    from verifiedfan.testing.sandbox._app import SandboxApp

__all__ = ["control"]

_GETS = frozenset({"info", "stats", "counts", "journal", "faults"})
_POSTS = frozenset({"faults", "reset", "inject", "tokens", "revoke", "expire", "clock"})


def control(app: SandboxApp, request: Request) -> Response:
    """Answer a ``/_sandbox/<action>`` request (400 with ``{"error"}`` on a bad one)."""
    action = request.path[len("/_sandbox/") :]
    allowed = _GETS if request.method == "GET" else _POSTS if request.method == "POST" else frozenset()
    if action not in allowed:
        return Response.json({"error": f"unknown sandbox control {request.method} {action}"}, 404)
    try:
        payload: dict[str, Any] = json.loads(request.body) if request.body else {}
        return Response.json(_ACTIONS[action](app, payload, request.query))
    except (ValueError, TypeError, VFError) as exc:
        return Response.json({"error": str(exc)}, 400)


def _faults(app: SandboxApp, payload: dict[str, Any], query: dict[str, str]) -> Any:
    if payload:
        app.set_faults(Faults.from_dict({**app.faults.to_dict(), **payload}))
    return app.faults.to_dict()


def _reset(app: SandboxApp, payload: dict[str, Any], query: dict[str, str]) -> Any:
    app.reset()
    return {}


def _inject(app: SandboxApp, payload: dict[str, Any], query: dict[str, str]) -> Any:
    app.inject(list(payload.get("outcomes", [])))
    return {}


def _tokens(app: SandboxApp, payload: dict[str, Any], query: dict[str, str]) -> Any:
    expires_in = payload.get("expires_in")
    return {"tokens": [app.mint(str(u), expires_in=expires_in) for u in payload.get("user_ids", [])]}


def _revoke(app: SandboxApp, payload: dict[str, Any], query: dict[str, str]) -> Any:
    return {"revoked": app.tokens.revoke(token=payload.get("token"), subject=payload.get("user_id"))}


def _expire(app: SandboxApp, payload: dict[str, Any], query: dict[str, str]) -> Any:
    return {"expired": app.tokens.expire(token=payload.get("token"), subject=payload.get("user_id"))}


def _clock(app: SandboxApp, payload: dict[str, Any], query: dict[str, str]) -> Any:
    return {"now": app.clock.advance(float(payload.get("advance", 0)))}


def _journal(app: SandboxApp, payload: dict[str, Any], query: dict[str, str]) -> Any:
    entries = app.journal.entries(
        method=query.get("method"), route=query.get("route"), path=query.get("path")
    )
    return [e.to_dict() for e in entries]


_ACTIONS = {
    "info": lambda app, payload, query: app.info(),
    "stats": lambda app, payload, query: dict(app.counters),
    "counts": lambda app, payload, query: {"routes": dict(app.route_counts), "apps": dict(app.app_counts)},
    "journal": _journal,
    "faults": _faults,
    "reset": _reset,
    "inject": _inject,
    "tokens": _tokens,
    "revoke": _revoke,
    "expire": _expire,
    "clock": _clock,
}

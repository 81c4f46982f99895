"""The journal of the requests a sandbox received, for assertions, with secrets kept out.

Recording costs one tuple append on a bounded deque; secrets are masked when an entry is read (the
journal never hands out a credential, an ``Authorization`` header, a ``client_secret`` or a
refresh token from a form or JSON body, or a secret-named query parameter).
"""

from __future__ import annotations

import json
import threading
from collections import deque
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl, urlencode

from verifiedfan.log import DEFAULT_SECRET_KEYS, is_secret_key, redact

__all__ = ["Journal", "JournalEntry"]

REDACTED = "[REDACTED]"
# Header names that carry credentials without saying so in their name (log.redact knows the others).
_SECRET_HEADERS = frozenset({"authorization", "proxy-authorization", "cookie", "set-cookie", "fastly-key"})
_SECRET_FORM_KEYS = ("code", "assertion", "client_assertion", "code_verifier", "routing_key")

_Raw = tuple[float, str, str, "str | None", dict[str, str], dict[str, str], bytes, int, "str | None"]


@dataclass(frozen=True, slots=True)
class JournalEntry:
    """One received request: ``route`` is the matched template (``None`` for unrouted paths),
    ``status`` the status answered (0 for a broken connection), ``app`` the app the request was
    counted for (the client id, for rate limits), ``time`` a Unix timestamp. ``headers``, ``query``
    and ``body`` have their secrets replaced by ``[REDACTED]``."""

    method: str
    path: str
    route: str | None
    query: dict[str, str]
    headers: dict[str, str]
    body: bytes
    status: int
    time: float
    app: str | None = None

    def json(self) -> Any:
        """The (redacted) body parsed as JSON."""
        return json.loads(self.body) if self.body else None

    def form(self) -> dict[str, str]:
        """The (redacted) body parsed as a form."""
        return dict(parse_qsl(self.body.decode("utf-8", errors="replace"), keep_blank_values=True))

    def to_dict(self) -> dict[str, Any]:
        return {
            "method": self.method,
            "path": self.path,
            "route": self.route,
            "query": self.query,
            "headers": self.headers,
            "body": self.body.decode("utf-8", errors="replace"),
            "status": self.status,
            "time": self.time,
            "app": self.app,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> JournalEntry:
        return cls(
            method=data["method"],
            path=data["path"],
            route=data["route"],
            query=dict(data["query"]),
            headers=dict(data["headers"]),
            body=str(data["body"]).encode(),
            status=int(data["status"]),
            time=float(data["time"]),
            app=data.get("app"),
        )


def _secret(name: str) -> bool:
    lowered = name.lower()
    return lowered in _SECRET_HEADERS or lowered in _SECRET_FORM_KEYS or is_secret_key(lowered)


def _redact_headers(headers: dict[str, str]) -> dict[str, str]:
    out = {}
    for name, value in headers.items():
        if _secret(name):
            scheme, _, rest = value.partition(" ")
            out[name] = f"{scheme} {REDACTED}" if rest and scheme.isalpha() else REDACTED
        else:
            out[name] = value
    return out


def _redact_body(body: bytes, content_type: str) -> bytes:
    if not body:
        return body
    if "json" in content_type or body[:1] in (b"{", b"["):
        try:
            data = json.loads(body)
        except ValueError:
            return body
        return json.dumps(redact(data, keys=(*DEFAULT_SECRET_KEYS, *_SECRET_FORM_KEYS))).encode()
    if "x-www-form-urlencoded" in content_type:
        pairs = parse_qsl(body.decode("utf-8", errors="replace"), keep_blank_values=True)
        return urlencode([(k, REDACTED if _secret(k) else v) for k, v in pairs]).encode()
    return body


class Journal:
    """A bounded record of received requests (the oldest drop out past ``maxlen``)."""

    def __init__(self, maxlen: int = 10_000) -> None:
        self._raw: deque[_Raw] = deque(maxlen=maxlen)
        self._lock = threading.Lock()
        self.enabled = True

    @property
    def maxlen(self) -> int:
        return self._raw.maxlen or 0

    def record(
        self,
        when: float,
        method: str,
        path: str,
        route: str | None,
        query: dict[str, str],
        headers: dict[str, str],
        body: bytes,
        status: int,
        app: str | None,
    ) -> None:
        if self.enabled:
            self._raw.append((when, method, path, route, query, headers, body, status, app))

    def clear(self) -> None:
        with self._lock:
            self._raw.clear()

    def __len__(self) -> int:
        return len(self._raw)

    def entries(
        self, *, method: str | None = None, route: str | None = None, path: str | None = None
    ) -> list[JournalEntry]:
        """The recorded requests, oldest first, redacted; filtered by method, route template or path."""
        with self._lock:
            raw = list(self._raw)
        out = []
        for when, m, p, r, query, headers, body, status, app in raw:
            if (method and m != method.upper()) or (route and r != route) or (path and p != path):
                continue
            out.append(
                JournalEntry(
                    method=m,
                    path=p,
                    route=r,
                    query={k: (REDACTED if _secret(k) else v) for k, v in query.items()},
                    headers=_redact_headers(headers),
                    body=_redact_body(body, headers.get("content-type", "")),
                    status=status,
                    time=when,
                    app=app,
                )
            )
        return out

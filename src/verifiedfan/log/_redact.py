"""Secret redaction: by key name in structures, by pattern inside strings.

A :class:`Redactor` walks a value (dicts, lists, tuples, sets, mappings, dataclasses, exceptions) to a
depth limit and returns a JSON-ready copy in which

* the value of any key whose *normalized* name (lower-cased, ``-``, ``_``, ``.`` and spaces removed)
  contains one of the secret key names is replaced by ``[REDACTED]`` (so ``password`` covers
  ``user_password`` and ``PasswordHash``, ``api_key`` covers ``X-Api-Key`` and ``apiKey``);
* inside every string, bearer tokens, JWTs, AWS access key ids, passwords in URLs and
  ``secret_key=value`` / ``"token": "value"`` pairs are masked;
* containers nested deeper than the limit are replaced by ``[TRUNCATED]`` (never rendered raw).

The logging pipeline uses it for every line; :func:`redact` lets other modules (HTTP header logging,
span attributes) apply the same rules.
"""

from __future__ import annotations

import dataclasses
import datetime
import enum
import re
from collections.abc import Iterable, Mapping
from functools import lru_cache
from typing import Any

__all__ = [
    "DEFAULT_SECRET_KEYS",
    "REDACTED",
    "TRUNCATED",
    "Redactor",
    "is_secret_key",
    "redact",
    "redact_text",
]

REDACTED = "[REDACTED]"
TRUNCATED = "[TRUNCATED]"

DEFAULT_SECRET_KEYS: tuple[str, ...] = (
    "password",
    "passwd",
    "secret",
    "token",
    "access_token",
    "refresh_token",
    "client_secret",
    "authorization",
    "cookie",
    "set-cookie",
    "api_key",
    "apikey",
    "x-api-key",
    "private_key",
    "credential",
    "signature",
)

_SEPARATORS = str.maketrans("", "", "-_. ")
_CACHE_LIMIT = 4096
_CLEAN_LENGTH_LIMIT = 512

_BEARER = r"(?i:bearer)\s+[A-Za-z0-9\-._~+/]+=*"
_JWT = r"eyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*"
_AWS_KEY_ID = r"(?:AKIA|ASIA)[0-9A-Z]{16}"
_URL_USERINFO = re.compile(r"(?<=://)(?P<user>[^/\s:@]+):[^/\s@]+@")
_KV_HEAD = re.compile(r"[^:=]*[:=]\s*")


def _normalize(name: str) -> str:
    return name.lower().translate(_SEPARATORS)


class Redactor:
    """Precompiled redaction rules for a set of secret key names and a depth limit.

    ``keys`` are the secret key names (``None``: :data:`DEFAULT_SECRET_KEYS`); a key matches when its
    normalized name contains one of them. ``depth`` is how many container levels below the value are
    walked; deeper containers become ``[TRUNCATED]``.
    """

    __slots__ = ("_clean", "_key_cache", "_kv", "_needles", "_patterns", "depth", "keys")

    def __init__(self, *, keys: Iterable[str] | None = None, depth: int = 8) -> None:
        from verifiedfan.errors import ConfigurationError

        if isinstance(keys, str):
            raise ConfigurationError("secret keys must be a collection of names, not one string")
        names = tuple(DEFAULT_SECRET_KEYS if keys is None else keys)
        if depth < 0:
            raise ConfigurationError(f"depth must be >= 0, got {depth}")
        self.keys = names
        self.depth = depth
        self._needles = tuple(sorted({n for n in (_normalize(k) for k in names) if n}))
        # In text, a key may be written with any separator between its letters ("api-key", "apiKey").
        alternation = "|".join(
            "[-_. ]?".join(re.escape(ch) for ch in needle) for needle in sorted(self._needles, key=len)[::-1]
        )
        self._kv = (
            re.compile(
                rf"(?i:{alternation})[\w.-]*['\"]?\s*[:=]\s*"
                r"(?!\[REDACTED\])(?:b?(?P<q>['\"]).*?(?P=q)|(?:(?i:bearer|basic|digest|token)\s+)?[^\s'\",&}\])]+)"
            )
            if alternation
            else None
        )
        self._patterns = re.compile(f"{_BEARER}|{_JWT}|{_AWS_KEY_ID}")
        self._key_cache: dict[str, bool] = {}
        self._clean: set[str] = set()

    # -- keys ---------------------------------------------------------------------------------

    def is_secret_key(self, name: object) -> bool:
        """Whether values under the key ``name`` are secret."""
        key = name if isinstance(name, str) else str(name)
        hit = self._key_cache.get(key)
        if hit is None:
            normalized = _normalize(key)
            hit = any(map(normalized.__contains__, self._needles))
            if len(self._key_cache) >= _CACHE_LIMIT:
                self._key_cache.clear()
            self._key_cache[key] = hit
        return hit

    # -- text ---------------------------------------------------------------------------------

    def redact_text(self, text: str) -> str:
        """``text`` with bearer tokens, JWTs, AWS key ids, URL passwords and ``key=value`` secrets masked."""
        if text in self._clean:
            return text
        out = text
        lowered = text.lower()
        if "earer" in lowered or "eyJ" in text or "AKIA" in text or "ASIA" in text:
            out = self._patterns.sub(self._mask_match, out)
        if "://" in out and "@" in out:
            out = _URL_USERINFO.sub(rf"\g<user>:{REDACTED}@", out)
        if self._kv is not None and ("=" in out or ":" in out):
            flat = lowered.translate(_SEPARATORS)
            if any(map(flat.__contains__, self._needles)):
                out = self._kv.sub(self._mask_kv, out)
        if out is text and len(text) <= _CLEAN_LENGTH_LIMIT:
            if len(self._clean) >= _CACHE_LIMIT:
                self._clean.clear()
            self._clean.add(text)
        return out

    @staticmethod
    def _mask_match(match: re.Match[str]) -> str:
        found = match.group(0)
        if found[:1] in "bB":
            return found.split(None, 1)[0] + " " + REDACTED
        return REDACTED

    @staticmethod
    def _mask_kv(match: re.Match[str]) -> str:
        found = match.group(0)
        head = _KV_HEAD.match(found)
        prefix = head.group(0) if head else ""
        quote = match.group("q") or ""
        return f"{prefix}{quote}{REDACTED}{quote}"

    # -- values -------------------------------------------------------------------------------

    def redact(self, value: Any, *, depth: int | None = None) -> Any:
        """A JSON-ready copy of ``value`` with secrets masked (see the module docstring). Never raises."""
        try:
            return self._walk(value, self.depth if depth is None else depth)
        except Exception:  # noqa: BLE001 - a hostile __str__/__iter__ must not break logging
            return REDACTED

    def redact_fields(self, fields: Mapping[str, Any], out: dict[str, Any]) -> None:
        """Redact the top-level ``fields`` of a log event into ``out``; reserved names get a ``_`` suffix."""
        depth = self.depth
        key_cache = self._key_cache
        for key, value in fields.items():
            secret = key_cache.get(key)
            if secret is None:
                secret = self.is_secret_key(key)
            if key in out:
                key = key + "_"
            if secret:
                out[key] = REDACTED
            elif type(value) is str:
                out[key] = value if value in self._clean else self.redact_text(value)
            else:
                out[key] = self.redact(value, depth=depth)

    def _walk(self, value: Any, depth: int) -> Any:
        kind = type(value)
        if kind is str:
            return self.redact_text(value)
        if value is None or kind is int or kind is float or kind is bool:
            return value
        if kind is dict or isinstance(value, Mapping):
            if depth <= 0:
                return TRUNCATED
            return {
                str(k): REDACTED if self.is_secret_key(k) else self._walk(v, depth - 1)
                for k, v in value.items()
            }
        if kind is list or kind is tuple or isinstance(value, (list, tuple, set, frozenset)):
            if depth <= 0:
                return TRUNCATED
            items = list(value)
            if len(items) == 2 and isinstance(items[0], str) and self.is_secret_key(items[0]):
                return [self.redact_text(items[0]), REDACTED]  # a (name, value) header pair
            return [self._walk(v, depth - 1) for v in items]
        return self._walk_other(value, depth)

    def _walk_other(self, value: Any, depth: int) -> Any:
        if isinstance(value, bool | int | float) and not isinstance(value, enum.Enum):
            return value
        if isinstance(value, enum.Enum):
            return self._walk(value.value, depth)
        if isinstance(value, BaseException):
            return self.redact_text(f"{type(value).__name__}: {value}")
        if isinstance(value, bytes | bytearray):
            return self.redact_text(bytes(value).decode("utf-8", errors="replace"))
        if isinstance(value, datetime.datetime | datetime.date | datetime.time):
            return value.isoformat()
        if dataclasses.is_dataclass(value) and not isinstance(value, type):
            if depth <= 0:
                return TRUNCATED
            fields = {f.name: getattr(value, f.name) for f in dataclasses.fields(value)}
            return self._walk(fields, depth)
        dump = getattr(type(value), "model_dump", None)  # pydantic models
        if callable(dump):
            if depth <= 0:
                return TRUNCATED
            return self._walk(dump(value), depth)
        return self.redact_text(str(value))


@lru_cache(maxsize=32)
def _redactor(keys: tuple[str, ...] | None, depth: int) -> Redactor:
    return Redactor(keys=keys, depth=depth)


def _keys_tuple(keys: Iterable[str] | None) -> tuple[str, ...] | None:
    if keys is None:
        return None
    if isinstance(keys, str):
        from verifiedfan.errors import ConfigurationError

        raise ConfigurationError("secret keys must be a collection of names, not one string")
    return tuple(keys)


def redact(value: Any, *, keys: Iterable[str] | None = None, depth: int = 8) -> Any:
    """A JSON-ready copy of ``value`` with every secret masked; never raises.

    ``keys`` are the secret key names (default :data:`DEFAULT_SECRET_KEYS`; pass
    ``(*DEFAULT_SECRET_KEYS, "ssn")`` to extend them). Strings come back as strings.
    """
    return _redactor(_keys_tuple(keys), depth).redact(value)


def redact_text(text: str, *, keys: Iterable[str] | None = None) -> str:
    """``text`` with bearer tokens, JWTs, URL passwords and ``secret=value`` pairs masked."""
    return _redactor(_keys_tuple(keys), 8).redact_text(text)


def is_secret_key(name: str, *, keys: Iterable[str] | None = None) -> bool:
    """Whether a value stored under ``name`` must be redacted (normalized substring match)."""
    return _redactor(_keys_tuple(keys), 8).is_secret_key(name)

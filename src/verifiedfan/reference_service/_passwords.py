"""Password hashes with scrypt (RFC 7914) from the standard library: no extra dependency, a
memory-hard function, parameters stored with each hash so they can be raised later."""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets

__all__ = ["check_password", "hash_password"]

_N, _R, _P = 2**14, 8, 1  # OWASP's minimum for scrypt: N=2^17 is advised; 2^14 keeps tests cheap
_DKLEN = 32


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def hash_password(password: str, *, n: int = _N, r: int = _R, p: int = _P) -> str:
    """``scrypt$n$r$p$salt$hash`` of ``password`` with a random 16-byte salt."""
    salt = secrets.token_bytes(16)
    digest = hashlib.scrypt(password.encode(), salt=salt, n=n, r=r, p=p, dklen=_DKLEN)
    return f"scrypt${n}${r}${p}${_b64(salt)}${_b64(digest)}"


def check_password(password: str, stored: object) -> bool:
    """Whether ``password`` matches ``stored`` (compared in constant time); False for a bad record."""
    if not isinstance(stored, str):
        return False
    try:
        scheme, n, r, p, salt, digest = stored.split("$")
        if scheme != "scrypt":
            return False
        expected = _unb64(digest)
        got = hashlib.scrypt(
            password.encode(), salt=_unb64(salt), n=int(n), r=int(r), p=int(p), dklen=len(expected)
        )
    except ValueError:
        return False
    return hmac.compare_digest(got, expected)

"""PACMAN: presale and access codes (the successor of ``@verifiedfan/tm-pacman``'s ``generatePasswords``).

Codes come from the operating system's CSPRNG (``secrets.token_bytes``), mapped onto the alphabet
without modulo bias (bytes past the last whole multiple of the alphabet's size are dropped), are
unique within a call, and never contain a censored word: the comparison is case-insensitive and
also made after the usual digit-for-letter swaps (0->o, 1->i or l, 3->e, 4->a, 5->s, 7->t), so
``B00B`` and ``5EX`` are refused as surely as ``BOOB`` and ``SEX``.

The censored list is a data file shipped with the package (``data/censored_words.txt``), read once per
process; pass ``words=`` (a :class:`CensoredWords`) to use another.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path

from verifiedfan.errors import ValidationError, VFError

__all__ = [
    "DEFAULT_ALPHABET",
    "CensoredWords",
    "CodeSpaceExhaustedError",
    "contains_censored",
    "default_censored_words",
    "generate_passwords",
]

#: Crockford's base32 alphabet: digits and capitals without I, L, O and U, which are misread or
#: spell words; 32 symbols, so each random byte maps onto it without bias.
DEFAULT_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"

# Every character is read in one canonical spelling before comparing: letters lower-cased, the
# swapped digits as their letter, and ``l`` as ``i`` (``1`` reads as either): one comparison then
# covers every reading of a code. It over-censors a little (``iick`` is refused like ``lick``),
# which costs one more draw, never a bad code.
_CANON = str.maketrans("01l3457", "oiieast")


def _canonical(text: str) -> str:
    return text.lower().translate(_CANON)


class CodeSpaceExhaustedError(VFError):
    """Not enough distinct, clean codes could be drawn: use a longer code or a larger alphabet."""


@dataclass(frozen=True)
class CensoredWords:
    """A censored-word list in canonical spelling, with every prefix of its words for the scan."""

    words: frozenset[str]
    prefixes: frozenset[str]

    @classmethod
    def from_words(cls, words: Iterable[str]) -> CensoredWords:
        """Build from plain words (any case, digits as written; non-alphanumerics are ignored)."""
        canon = {_canonical("".join(ch for ch in w if ch.isalnum())) for w in words}
        canon.discard("")
        prefixes = {w[:end] for w in canon for end in range(1, len(w) + 1)}
        return cls(words=frozenset(canon), prefixes=frozenset(prefixes))

    @classmethod
    def from_file(cls, path: str | Path) -> CensoredWords:
        """One word a line; blank lines and lines starting with ``#`` are skipped."""
        lines = Path(path).read_text(encoding="utf-8").splitlines()
        return cls.from_words(line.strip() for line in lines if line.strip() and not line.startswith("#"))

    def found_in(self, text: str) -> str | None:
        """The first censored word (canonical spelling) found in ``text``, or ``None``.

        From each position the scan extends only while the text read so far begins some word, so a
        code costs a few set look-ups whatever the size of the list.
        """
        canon = _canonical(text)
        size = len(canon)
        words, prefixes = self.words, self.prefixes
        for start in range(size):
            end = start + 1
            while end <= size and canon[start:end] in prefixes:
                if canon[start:end] in words:
                    return canon[start:end]
                end += 1
        return None


@lru_cache(maxsize=1)
def default_censored_words() -> CensoredWords:
    """The list shipped with the package, read once per process."""
    source = resources.files("verifiedfan.ticketmaster").joinpath("data/censored_words.txt")
    text = source.read_text(encoding="utf-8")
    return CensoredWords.from_words(
        line.strip() for line in text.splitlines() if line.strip() and not line.startswith("#")
    )


def contains_censored(text: str, words: CensoredWords | None = None) -> bool:
    """Whether ``text`` contains a censored word, in any case and under the digit swaps."""
    return (words or default_censored_words()).found_in(text) is not None


def _check_alphabet(alphabet: str) -> bytes:
    if not isinstance(alphabet, str) or not alphabet:
        raise ValidationError("alphabet must be a non-empty string")
    if not (alphabet.isascii() and alphabet.isprintable()) or any(ch.isspace() for ch in alphabet):
        raise ValidationError("alphabet must hold printable ASCII characters without spaces")
    if len(set(alphabet)) != len(alphabet):
        raise ValidationError("alphabet repeats a character, which would bias the codes")
    if len(alphabet) < 2:
        raise ValidationError("alphabet needs at least 2 characters")
    if len(alphabet) > 256:
        raise ValidationError("alphabet has more than 256 characters")
    return alphabet.encode("ascii")


def _positive_int(name: str, value: object, *, minimum: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
        raise ValidationError(f"{name} must be an integer >= {minimum}, got {value!r}")
    return value


def generate_passwords(
    count: int,
    length: int = 8,
    alphabet: str = DEFAULT_ALPHABET,
    *,
    words: CensoredWords | None = None,
    max_draws: int | None = None,
) -> list[str]:
    """``count`` distinct codes of ``length`` characters from ``alphabet``, none holding a censored word.

    Raises :class:`~verifiedfan.errors.ValidationError` for bad arguments (before drawing anything,
    including when ``alphabet`` cannot make ``count`` distinct codes of that length), and
    :class:`CodeSpaceExhaustedError` when ``max_draws`` codes (by default ``20 * count + 1000``) were
    drawn without finding ``count`` distinct clean ones.
    """
    count = _positive_int("count", count, minimum=0)
    length = _positive_int("length", length, minimum=1)
    symbols = _check_alphabet(alphabet)
    if len(symbols) ** length < count:
        raise ValidationError(
            f"{len(symbols)} symbols make only {len(symbols) ** length} codes of length {length}; "
            f"{count} were asked for"
        )
    budget = 20 * count + 1000 if max_draws is None else _positive_int("max_draws", max_draws, minimum=1)
    censored = words or default_censored_words()
    size = len(symbols)
    usable = 256 - 256 % size  # bytes at or past this would favour the first symbols
    table = bytes(symbols[b % size] for b in range(256))
    biased = bytes(range(usable, 256))
    found: dict[str, None] = {}  # insertion-ordered set
    drawn = 0
    while len(found) < count:
        if drawn >= budget:
            raise CodeSpaceExhaustedError(
                f"drew {drawn} codes without finding {count} distinct ones free of censored words; "
                "use a longer code or a larger alphabet"
            )
        wanted = min(budget - drawn, count - len(found) + 16)
        raw = secrets.token_bytes(wanted * length * 256 // usable + 64)
        chars = raw.translate(table, biased).decode("ascii")
        for start in range(0, min(len(chars) // length, wanted) * length, length):
            code = chars[start : start + length]
            drawn += 1
            if code not in found and censored.found_in(code) is None:
                found[code] = None
                if len(found) == count:
                    break
    return list(found)

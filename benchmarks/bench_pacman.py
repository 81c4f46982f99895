"""PACMAN codes per second (issue 12): 100,000 codes of length 8.

Ours draws from the CSPRNG in bulk, maps bytes without bias and filters censored words under the
digit swaps; the reference is what a service would write by hand: ``secrets.choice`` per character
into a set until enough distinct codes, with no censored-word filter at all. CPU time, so that other
load on the machine is not counted.
"""

from __future__ import annotations

import secrets
import time

from benchmarks._harness import Comparison
from verifiedfan.ticketmaster import DEFAULT_ALPHABET, generate_passwords


def _naive(count: int, length: int) -> list[str]:
    found: set[str] = set()
    while len(found) < count:
        found.add("".join(secrets.choice(DEFAULT_ALPHABET) for _ in range(length)))
    return list(found)


def _rate(fn: object, count: int, rounds: int) -> float:
    best = float("inf")
    for _ in range(rounds):
        start = time.process_time()
        fn(count, 8)  # type: ignore[operator]
        best = min(best, time.process_time() - start)
    return count / best


def run(*, quick: bool = False) -> list[Comparison]:
    count = 10_000 if quick else 100_000
    rounds = 1 if quick else 3
    generate_passwords(100, 8)  # load the word list outside the measurement
    ours = _rate(generate_passwords, count, rounds)
    naive = _rate(_naive, count, rounds)
    return [
        Comparison(
            name=f"pacman: {count:,} codes of 8, censored-word filter on",
            ours=ours,
            reference=naive,
            reference_name="secrets.choice loop, no filter",
            unit="codes/s",
            higher_is_better=True,
            goal="report",
        )
    ]

"""``expires_in`` against the real ``ms`` and ``jsonwebtoken``: the same milliseconds, the same ``exp``."""

from __future__ import annotations

import itertools
import random
import warnings

import jwt as pyjwt
import pytest

from tests.interop.conftest import NodeLibs
from verifiedfan.errors import ValidationError
from verifiedfan.jwt import AmbiguousDurationWarning, Signer, parse_ms

IAT = 1_700_000_000
SECRET = "interop-secret-" + "x" * 32
UNITS = [
    "milliseconds", "millisecond", "msecs", "msec", "ms",
    "seconds", "second", "secs", "sec", "s",
    "minutes", "minute", "mins", "min", "m",
    "hours", "hour", "hrs", "hr", "h",
    "days", "day", "d", "weeks", "week", "w",
    "years", "year", "yrs", "yr", "y",
]  # fmt: skip


def corpus() -> list[str]:
    """Every unit spelling, cases, spacing, number shapes, and strings ms refuses."""
    numbers = ["1", "2", "10", "86400", "1.5", ".5", "0.25", "-1", "-.5", "007", "2.", "1e3", "+1", "1,5"]
    spacings = ["", " ", "  "]
    out = [n + sp + u for n, sp, u in itertools.product(numbers[:8], spacings, UNITS)]
    out += [n + u.upper() for n in ("3", "1.25") for u in UNITS] + [
        n + u.title() for n in ("4",) for u in UNITS
    ]
    out += numbers + [f"{n} days" for n in numbers]
    out += ["", " ", "d", "1 fortnight", "1 mo", "1 month", "2\tdays", " 2 days", "2 days ", "1h30m", "1d 2h"]
    out += ["1 ſ", "1 K", "١h", "Infinity", "NaN", "1" * 100, "1" * 101, "9" * 30 + "y", "0", "0s", "-0"]
    rng = random.Random(20261125)
    alphabet = "0123456789.- smhdwyrecinuoa"
    out += ["".join(rng.choice(alphabet) for _ in range(rng.randint(1, 9))) for _ in range(400)]
    return list(dict.fromkeys(out))


def test_ms_and_jsonwebtoken_agree_with_us_on_every_string(node_libs: NodeLibs) -> None:
    strings = corpus()
    answers = node_libs.run("durations.js", {"strings": strings, "iat": IAT, "secret": SECRET})
    signer = Signer(private_key=SECRET, algorithm="HS256", expires_in="1h", clock=lambda: IAT)
    mismatches, accepted = [], 0
    for answer in answers:
        text, node_ms, node_exp = answer["text"], answer["millis"], answer["exp"]
        ours = parse_ms(text)
        # ms("") throws; jsonwebtoken refuses "" before calling it
        expected_ms = None if isinstance(node_ms, dict) else node_ms
        if ours != expected_ms:
            mismatches.append((text, "ms", node_ms, ours))
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            try:
                token = signer.make_token(expires_in=text)
                exp = pyjwt.decode(token, SECRET, algorithms=["HS256"], options={"verify_exp": False})["exp"]
            except ValidationError:
                exp = None
        warned = any(issubclass(w.category, AmbiguousDurationWarning) for w in caught)
        if isinstance(node_exp, int | float) and expected_ms is not None and expected_ms > 0:
            accepted += 1
            if exp is None or float(exp) != float(node_exp):  # JSON: past 2^53 Node writes a float
                mismatches.append((text, "exp", node_exp, exp))
            unitless = text.strip("-.0123456789") == ""
            if warned != unitless:
                mismatches.append((text, "warning", unitless, warned))
        elif exp is not None:  # jsonwebtoken refused it, or it would be expired at once: so do we
            mismatches.append((text, "refused", node_exp, exp))
    assert not mismatches, mismatches[:20]
    assert accepted > 300, accepted  # the corpus really exercises the accepted forms
    assert len(answers) == len(strings) > 1000


@pytest.mark.parametrize(
    ("text", "millis"), [("2 days", 172_800_000), ("10h", 36_000_000), ("86400", 86_400)]
)
def test_the_readme_examples_mean_the_same_in_node(node_libs: NodeLibs, text: str, millis: int) -> None:
    [answer] = node_libs.run("durations.js", {"strings": [text], "iat": IAT, "secret": SECRET})
    assert answer["millis"] == millis
    assert answer["exp"] == IAT + millis // 1000

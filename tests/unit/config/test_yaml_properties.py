"""Properties: dump_yaml/load_yaml round-trip any JSON-like data, and PyYAML (a YAML 1.1 reader) reads
our output the same way; deep_merge keeps what the override does not name."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from verifiedfan.config import deep_merge, dump_yaml, load_yaml

yaml = pytest.importorskip("yaml")

text = st.text(st.characters(exclude_categories=("Cs",)), max_size=20)
scalars = st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | text
data = st.recursive(
    scalars,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(text, inner, max_size=4),
    max_leaves=20,
)
tricky_words = st.sampled_from(
    ["no", "No", "NO", "yes", "on", "off", "y", "n", "~", "null", "010", "0o7", "0x1F", "1e3", "1_000",
     "1:20", ".inf", "-.inf", ".nan", "true", "False", "2001-12-14", "<<", "=", "", " ", "- x", "a: b"]
)  # fmt: skip


@settings(max_examples=150, deadline=None)
@given(data)
def test_round_trip(value: Any) -> None:
    text_out = dump_yaml({"v": value})
    assert load_yaml(text_out) == {"v": value}
    assert yaml.safe_load(text_out) == {"v": value}


@settings(max_examples=100, deadline=None)
@given(st.dictionaries(tricky_words, tricky_words, max_size=6))
def test_words_that_look_like_other_types(value: dict[str, str]) -> None:
    text_out = dump_yaml(value)
    assert load_yaml(text_out) == value
    assert yaml.safe_load(text_out) == value


nested = st.recursive(
    st.integers(), lambda inner: st.dictionaries(st.sampled_from("abcd"), inner, max_size=3), max_leaves=10
)


@settings(max_examples=200, deadline=None)
@given(st.dictionaries(st.sampled_from("abcd"), nested), st.dictionaries(st.sampled_from("abcd"), nested))
def test_deep_merge(base: dict[str, Any], override: dict[str, Any]) -> None:
    merged = deep_merge(base, override)
    assert set(merged) == set(base) | set(override)
    for key, value in merged.items():
        if key not in override:
            assert value == base[key]
        elif isinstance(override[key], dict) and isinstance(base.get(key), dict):
            assert value == deep_merge(base[key], override[key])
        else:
            assert value == override[key]
    assert deep_merge(merged, {}) == merged
    assert deep_merge({}, override) == override

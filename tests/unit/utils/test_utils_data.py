"""batches, clean and flatten."""

from __future__ import annotations

import pytest

from verifiedfan.errors import ValidationError
from verifiedfan.utils import batches, clean, flatten


def test_batches_splits_with_a_shorter_last_batch() -> None:
    assert list(batches(range(7), 3)) == [[0, 1, 2], [3, 4, 5], [6]]


def test_batches_is_lazy_over_an_infinite_iterator() -> None:
    def forever() -> object:
        i = 0
        while True:
            yield i
            i += 1

    assert next(batches(forever(), 2)) == [0, 1]  # type: ignore[arg-type]


def test_batches_of_nothing() -> None:
    assert list(batches([], 5)) == []


@pytest.mark.parametrize("bad", [0, -2, 2.5, True, "3", None])
def test_batches_validates_the_size_at_call_time(bad: object) -> None:
    with pytest.raises(ValidationError, match="batch size must be an integer >= 1"):
        batches([1, 2], bad)  # type: ignore[arg-type]


def test_clean_none_gives_an_empty_dict() -> None:
    assert clean(None) == {}


def test_clean_trims_strings() -> None:
    assert clean("  x ") == "x"


def test_clean_drops_null_and_empty_properties_recursively() -> None:
    data: dict[str, object] = {
        "name": "  Ann ",
        "blank": "   ",
        "none": None,
        "zero": 0,
        "false": False,
        "empty_list": [],
        "nested": {"a": None, "b": {"c": " "}, "d": " keep "},
        "only_empty": {"x": None},
    }
    assert clean(data) == {"name": "Ann", "zero": 0, "false": False, "nested": {"d": "keep"}}


def test_clean_returns_lists_unchanged() -> None:
    items = [" a ", None, {"x": None}]
    assert clean({"items": items}) == {"items": items}
    assert clean(items) is items


def test_clean_does_not_modify_its_input() -> None:
    data = {"a": " x ", "b": None}
    clean(data)
    assert data == {"a": " x ", "b": None}


def test_flatten_nested_mappings() -> None:
    assert flatten({"a": {"b": 1, "c": {"d": [1, 2]}}, "e": 2}) == {"a.b": 1, "a.c.d": [1, 2], "e": 2}


def test_flatten_with_a_custom_separator_and_prefix() -> None:
    assert flatten({"a": {"b": 1}}, separator="/", prefix="root") == {"root/a/b": 1}


def test_flatten_keeps_an_empty_mapping_as_a_leaf() -> None:
    assert flatten({"a": {}, "b": {"c": {}}}) == {"a": {}, "b.c": {}}


def test_flatten_rejects_a_non_mapping() -> None:
    with pytest.raises(ValidationError, match="flatten needs a mapping"):
        flatten([1, 2])  # type: ignore[arg-type]

"""load_yaml/dump_yaml against the YAML specs' own examples (YAML 1.2.2 and the merge-key type)."""

from __future__ import annotations

import datetime as dt
import math
from pathlib import Path

import pytest

from verifiedfan.config import DuplicateKeyError, YamlError, dump_yaml, load_yaml
from verifiedfan.errors import ConfigurationError

# YAML 1.2.2, Example 10.9 "Core Tag Resolution" (https://yaml.org/spec/1.2.2/#1032-tag-resolution)
EXAMPLE_10_9 = """\
A null: null
Also a null: # Empty
Not a null: ""
Booleans: [ true, True, false, FALSE ]
Integers: [ 0, 0o7, 0x3A, -19 ]
Floats: [
  0., -0.0, .5, +12e03, -2E+05 ]
Also floats: [
  .inf, -.Inf, +.INF, .NAN ]
"""

# https://yaml.org/type/merge.html: "All the following maps are equal"
MERGE_EXAMPLE = """\
---
- &CENTER { x: 1, y: 2 }
- &LEFT { x: 0, y: 2 }
- &BIG { r: 10 }
- &SMALL { r: 1 }

# All the following maps are equal:

- # Explicit keys
  x: 1
  y: 2
  r: 10
  label: center/big

- # Merge one map
  << : *CENTER
  r: 10
  label: center/big

- # Merge multiple maps
  << : [ *CENTER, *BIG ]
  label: center/big

- # Override
  << : [ *BIG, *LEFT, *SMALL ]
  x: 1
  label: center/big
"""

# YAML 1.2.2, Example 2.10 "Node for Sammy Sosa appears twice in this document"
EXAMPLE_2_10 = """\
---
hr:
  - Mark McGwire
  # Following node labeled SS
  - &SS Sammy Sosa
rbi:
  - *SS # Subsequent occurrence
  - Ken Griffey
"""


def test_core_schema_example_10_9() -> None:
    data = load_yaml(EXAMPLE_10_9)
    assert data["A null"] is None
    assert data["Also a null"] is None
    assert data["Not a null"] == ""
    assert data["Booleans"] == [True, True, False, False]
    assert all(type(b) is bool for b in data["Booleans"])
    assert data["Integers"] == [0, 7, 58, -19]
    assert data["Floats"] == [0.0, -0.0, 0.5, 12000.0, -200000.0]
    assert math.copysign(1.0, data["Floats"][1]) == -1.0
    inf, ninf, pinf, nan = data["Also floats"]
    assert (inf, ninf, pinf) == (math.inf, -math.inf, math.inf)
    assert math.isnan(nan)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # the YAML 1.1 "Norway problem": PyYAML's own SafeLoader reads these as booleans
        ("country: NO", "NO"),
        ("country: no", "no"),
        ("switch: on", "on"),
        ("switch: Off", "Off"),
        ("answer: yes", "yes"),
        ("answer: y", "y"),
        # YAML 1.1 integers that the core schema reads as strings
        ("port: 1:20", "1:20"),
        ("big: 1_000", "1_000"),
        ("bin: 0b101", "0b101"),
    ],
)
def test_yaml_1_1_scalars_stay_strings(text: str, expected: str) -> None:
    assert list(load_yaml(text).values()) == [expected]


def test_pyyaml_itself_would_fall_into_the_trap() -> None:
    yaml = pytest.importorskip("yaml")
    assert yaml.safe_load("country: NO") == {"country": False}  # why we change the resolver
    assert yaml.safe_load("mode: 010") == {"mode": 8}


# the core schema has no sign on 0o/0x forms: "-0x1F" is a string
@pytest.mark.parametrize(
    ("text", "expected"), [("010", 10), ("0o10", 8), ("0x1F", 31), ("-0x1F", "-0x1F"), ("+7", 7)]
)
def test_core_integers(text: str, expected: int | str) -> None:
    assert load_yaml(f"v: {text}") == {"v": expected}


def test_float_with_exponent_and_no_dot_is_a_float() -> None:
    assert load_yaml("v: 1e3") == {"v": 1000.0}


def test_timestamps_are_kept_as_js_yaml_does() -> None:
    assert load_yaml("d: 2001-12-14") == {"d": dt.date(2001, 12, 14)}


def test_merge_keys_all_four_maps_are_equal() -> None:
    data = load_yaml(MERGE_EXAMPLE)
    expected = {"x": 1, "y": 2, "r": 10, "label": "center/big"}
    assert data[4:] == [expected] * 4


def test_anchor_and_alias_example_2_10() -> None:
    assert load_yaml(EXAMPLE_2_10) == {
        "hr": ["Mark McGwire", "Sammy Sosa"],
        "rbi": ["Sammy Sosa", "Ken Griffey"],
    }


def test_duplicate_key_is_refused_with_both_lines() -> None:
    with pytest.raises(
        DuplicateKeyError, match=r"<string>:4: duplicate key 'port' \(first defined on line 2"
    ):
        load_yaml("server:\n  port: 80\n  host: a\n  port: 81\n")


def test_duplicate_key_error_carries_key_and_line() -> None:
    with pytest.raises(DuplicateKeyError) as info:
        load_yaml("a: 1\nb: 2\na: 3\n", name="default.yaml")
    assert (info.value.key, info.value.line, info.value.first_line, info.value.source) == (
        "a",
        3,
        1,
        "default.yaml",
    )
    assert isinstance(info.value, ConfigurationError)


def test_duplicate_after_normalisation_is_refused() -> None:
    # 0x0A and 10 are the same integer key
    with pytest.raises(DuplicateKeyError, match="duplicate key 10"):
        load_yaml("10: a\n0x0A: b\n")


def test_overriding_a_merged_key_is_not_a_duplicate() -> None:
    assert load_yaml("base: &b {x: 1}\nchild:\n  <<: *b\n  x: 2\n")["child"] == {"x": 2}


@pytest.mark.parametrize(
    "text",
    [
        "a: !!python/object/apply:os.system ['true']",
        "a: !!python/name:os.system",
        "a: !!python/object:collections.OrderedDict {}",
    ],
)
def test_python_tags_are_refused(text: str) -> None:
    with pytest.raises(YamlError, match=r"<string>:1: could not determine a constructor"):
        load_yaml(text)


def test_syntax_error_names_the_line() -> None:
    with pytest.raises(YamlError, match=r"^<string>:3: ") as info:
        load_yaml("a: 1\nb: [1, 2\nc: 3\n")
    assert info.value.line == 3


def test_missing_file_is_a_yaml_error(tmp_path: Path) -> None:
    with pytest.raises(YamlError, match=r"nope\.yaml: cannot read the file"):
        load_yaml(tmp_path / "nope.yaml")


def test_reads_a_path(tmp_path: Path) -> None:
    (tmp_path / "c.yaml").write_text("name: Beyoncé\n", encoding="utf-8")
    assert load_yaml(tmp_path / "c.yaml") == {"name": "Beyoncé"}


def test_empty_document_is_none() -> None:
    assert load_yaml("") is None
    assert load_yaml("# only a comment\n") is None


@pytest.mark.parametrize(
    "tricky", ["no", "on", "Yes", "010", "1:20", "1e3", "0o7", "True", "null", "~", "1_0"]
)
def test_dump_quotes_strings_any_reader_would_misread(tricky: str) -> None:
    text = dump_yaml({"v": tricky})
    assert text != f"v: {tricky}\n"
    assert load_yaml(text) == {"v": tricky}
    yaml = pytest.importorskip("yaml")
    assert yaml.safe_load(text) == {"v": tricky}  # and a YAML 1.1 reader agrees


def test_dump_round_trip_keeps_order_and_types() -> None:
    data = {"z": 1, "a": [1.5, True, None, "x"], "m": {"d": dt.date(2020, 1, 2)}, "é": "ü"}
    text = dump_yaml(data)
    assert text.splitlines()[0] == "z: 1"
    assert "é: ü" in text
    assert load_yaml(text) == data


def test_dump_refuses_python_objects() -> None:
    with pytest.raises(YamlError, match="cannot represent"):
        dump_yaml({"v": object()})

"""Safe YAML reading and writing (the successor of ``@verifiedfan/yaml``), on PyYAML.

Only PyYAML's safe loader is used (no Python object tags, ever), with three changes:

* **YAML 1.2 core schema for scalars**, as js-yaml (what the original used) reads them: only
  ``true``/``false`` (any of ``true True TRUE``) are booleans, so ``country: NO`` and ``mode: on``
  stay strings (the YAML 1.1 "Norway" trap of PyYAML's resolver); integers are decimal, ``0o`` octal
  or ``0x`` hex (``010`` is ten, ``1:20`` and ``1_000`` are strings); ``1e3`` is a float. Timestamps
  and merge keys (``<<``) are kept, as in js-yaml's default schema.
* **Duplicate keys are refused** with :class:`DuplicateKeyError` naming the key and both lines
  (PyYAML silently keeps the last one). Keys brought in by a merge key may be overridden: that is
  what merge keys are for.
* Errors are :class:`YamlError` (a :class:`~verifiedfan.errors.ConfigurationError`) with the line.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from verifiedfan._optional import require
from verifiedfan.config._errors import DuplicateKeyError, YamlError

__all__ = ["dump_yaml", "load_yaml"]

_yaml = require("yaml", "config")

_BOOL = re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$")
_INT = re.compile(r"^(?:[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+)$")
_FLOAT = re.compile(
    r"^(?:[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?"
    r"|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$"
)
_BOOL_TAG = "tag:yaml.org,2002:bool"
_INT_TAG = "tag:yaml.org,2002:int"
_FLOAT_TAG = "tag:yaml.org,2002:float"
_MERGE_TAG = "tag:yaml.org,2002:merge"

_Base: type[Any] = getattr(_yaml, "CSafeLoader", _yaml.SafeLoader)


class _Loader(_Base):  # type: ignore[misc]
    """PyYAML's safe loader with the YAML 1.2 core scalars and duplicate keys refused."""

    source = "<string>"

    def construct_mapping(self, node: Any, deep: bool = False) -> dict[Any, Any]:
        seen: dict[Any, int] = {}
        for key_node, _ in node.value:
            if key_node.tag == _MERGE_TAG:
                continue
            key = self.construct_object(key_node, deep=True)
            try:
                hash(key)
            except TypeError:
                continue  # PyYAML reports an unhashable key itself, with its mark
            line = key_node.start_mark.line + 1
            if key in seen:
                raise DuplicateKeyError(key, source=self.source, line=line, first_line=seen[key])
            seen[key] = line
        return dict(super().construct_mapping(node, deep=deep))

    def construct_yaml_int(self, node: Any) -> int:
        text = str(self.construct_scalar(node))
        sign = -1 if text.startswith("-") else 1
        digits = text.lstrip("+-")
        if digits.startswith("0o"):
            return sign * int(digits[2:], 8)
        if digits.startswith("0x"):
            return sign * int(digits[2:], 16)
        return sign * int(digits, 10)

    def construct_yaml_float(self, node: Any) -> float:
        text = str(self.construct_scalar(node)).lower()
        sign = -1.0 if text.startswith("-") else 1.0
        body = text.lstrip("+-")
        if body == ".inf":
            return sign * float("inf")
        if body == ".nan":
            return float("nan")
        return sign * float(body)


_Loader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag not in {_BOOL_TAG, _INT_TAG, _FLOAT_TAG}]
    for first, resolvers in _yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_Loader.add_implicit_resolver(_BOOL_TAG, _BOOL, list("tTfF"))
_Loader.add_implicit_resolver(_INT_TAG, _INT, list("-+0123456789"))
_Loader.add_implicit_resolver(_FLOAT_TAG, _FLOAT, list("-+0123456789."))
_Loader.add_constructor(_INT_TAG, _Loader.construct_yaml_int)
_Loader.add_constructor(_FLOAT_TAG, _Loader.construct_yaml_float)


class _Dumper(getattr(_yaml, "CSafeDumper", _yaml.SafeDumper)):  # type: ignore[misc]
    """The safe dumper, quoting a string that a YAML 1.1 *or* a YAML 1.2 reader would not read as one."""


for _tag, _rx, _first in ((_BOOL_TAG, _BOOL, "tTfF"), (_INT_TAG, _INT, "-+0123456789")):
    _Dumper.add_implicit_resolver(_tag, _rx, list(_first))
_Dumper.add_implicit_resolver(_FLOAT_TAG, _FLOAT, list("-+0123456789."))


def load_yaml(source: str | Path, *, name: str | None = None) -> Any:
    """Parse one YAML document from a string or a :class:`~pathlib.Path` (safe loading only).

    An empty document is ``None``. Raises :class:`YamlError` (with the line) for bad syntax or an
    unsafe tag such as ``!!python/object``, :class:`DuplicateKeyError` for a key given twice, and
    :class:`YamlError` for a file that cannot be read.
    """
    if isinstance(source, Path):
        label = name or str(source)
        try:
            text = source.read_text(encoding="utf-8")
        except OSError as exc:
            raise YamlError(f"cannot read the file ({exc.strerror})", source=label) from exc
    else:
        label, text = name or "<string>", source
    loader = _Loader(text)
    loader.source = label
    try:
        return loader.get_single_data()
    except DuplicateKeyError:
        raise
    except _yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else None
        problem = " ".join(p for p in (exc.context, exc.problem) if p)
        raise YamlError(problem or "invalid YAML", source=label, line=line) from exc
    except _yaml.YAMLError as exc:
        raise YamlError(str(exc), source=label) from exc
    finally:
        loader.dispose()


def dump_yaml(data: Any, *, sort_keys: bool = False) -> str:
    """Serialise plain data (dicts, lists, str, int, float, bool, None, dates) as block-style YAML.

    Uses PyYAML's safe dumper: anything else raises :class:`YamlError`. Strings that a YAML 1.1
    reader would take for something else (``"no"``, ``"on"``, ``"010"``) are quoted, so the output
    means the same to every reader, and ``load_yaml(dump_yaml(x)) == x``.
    """
    try:
        text: str = _yaml.dump(
            data,
            Dumper=_Dumper,
            sort_keys=sort_keys,
            allow_unicode=True,
            default_flow_style=False,
        )
    except _yaml.YAMLError as exc:
        raise YamlError(f"cannot represent the data as YAML: {exc}") from exc
    return text

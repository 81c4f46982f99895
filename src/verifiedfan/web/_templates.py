"""Variables in email and SMS text (the legacy ``templateVars``).

``{{ name }}`` (or a dotted path, ``{{ fan.first_name }}``) is replaced by the variable's value,
HTML-escaped by default (``{{{ name }}}`` inserts it as is, for a value that is already markup).
A variable that is missing (or ``None``) is an error naming every missing one, so no email goes out
with a hole in it; ``strict=False`` leaves an empty string instead. SMS text takes
``escape_html=False``.
"""

from __future__ import annotations

import html
import re
from collections.abc import Mapping
from typing import Any

from verifiedfan.errors import ValidationError

__all__ = ["render_template", "template_variables"]

_VARIABLE = re.compile(r"\{\{\{\s*([A-Za-z_][\w.]*)\s*\}\}\}|\{\{\s*([A-Za-z_][\w.]*)\s*\}\}")
_MISSING = object()


def template_variables(template: str) -> list[str]:
    """The variable names ``template`` uses, in order of first use."""
    names = (m.group(1) or m.group(2) for m in _VARIABLE.finditer(template))
    return list(dict.fromkeys(names))


def _lookup(variables: Mapping[str, Any], name: str) -> Any:
    value: Any = variables
    for part in name.split("."):
        if isinstance(value, Mapping) and part in value:
            value = value[part]
        else:
            return _MISSING
    return _MISSING if value is None else value


def render_template(
    template: str, variables: Mapping[str, Any], *, strict: bool = True, escape_html: bool = True
) -> str:
    """``template`` with its variables filled in from ``variables``.

    Raises :class:`ValidationError` listing the missing variables when ``strict``.
    """
    missing: list[str] = []

    def fill(match: re.Match[str]) -> str:
        raw_name, name = match.group(1), match.group(2)
        key = raw_name or name
        value = _lookup(variables, key)
        if value is _MISSING:
            missing.append(key)
            return ""
        text = value if isinstance(value, str) else str(value)
        return html.escape(text) if escape_html and raw_name is None else text

    rendered = _VARIABLE.sub(fill, template)
    if missing and strict:
        names = ", ".join(dict.fromkeys(missing))
        raise ValidationError(f"template variables missing: {names}")
    return rendered

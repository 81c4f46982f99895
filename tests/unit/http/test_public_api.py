"""The public surface of verifiedfan.http does not drift."""

from __future__ import annotations

import inspect

import verifiedfan.http as http


def test_every_exported_name_exists_and_is_documented() -> None:
    for name in http.__all__:
        obj = getattr(http, name)
        if inspect.isclass(obj) or inspect.isfunction(obj):
            assert inspect.getdoc(obj), f"{name} has no docstring"


def test_no_public_name_is_missing_from_all() -> None:
    public = {n for n in vars(http) if not n.startswith("_") and not inspect.ismodule(getattr(http, n))}
    assert public == set(http.__all__)


def test_all_has_no_duplicates() -> None:
    assert len(set(http.__all__)) == len(http.__all__)

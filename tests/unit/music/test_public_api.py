"""``__all__`` of verifiedfan.music and verifiedfan.testing.sandbox stays in sync with the modules."""

from __future__ import annotations

import importlib
import inspect

import pytest

PACKAGES = ["verifiedfan.music", "verifiedfan.testing.sandbox"]


@pytest.mark.parametrize("name", PACKAGES)
def test_every_exported_name_exists_and_is_documented(name: str) -> None:
    package = importlib.import_module(name)
    assert package.__all__ == sorted(package.__all__, key=lambda n: (not n.isupper(), n))
    for export in package.__all__:
        value = getattr(package, export)
        if inspect.isclass(value) or inspect.isfunction(value):
            assert inspect.getdoc(value), f"{name}.{export} has no docstring"


@pytest.mark.parametrize("name", PACKAGES)
def test_no_public_name_is_missing_from_all(name: str) -> None:
    package = importlib.import_module(name)
    public = {n for n, v in vars(package).items() if not n.startswith("_") and not inspect.ismodule(v)}
    assert public == set(package.__all__)

from __future__ import annotations

import inspect

import verifiedfan.jwt as vjwt


def test_every_name_in_all_exists() -> None:
    missing = [name for name in vjwt.__all__ if not hasattr(vjwt, name)]
    assert missing == []


def test_every_public_module_level_name_is_in_all() -> None:
    public = {
        name
        for name, value in vars(vjwt).items()
        if not name.startswith("_") and not inspect.ismodule(value) and name != "annotations"
    }
    assert public - set(vjwt.__all__) == set()


def test_every_exported_class_and_function_is_documented() -> None:
    undocumented = [
        name
        for name in vjwt.__all__
        if (inspect.isclass(getattr(vjwt, name)) or inspect.isfunction(getattr(vjwt, name)))
        and not inspect.getdoc(getattr(vjwt, name))
    ]
    assert undocumented == []

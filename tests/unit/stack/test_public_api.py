"""``verifiedfan.stack`` exports exactly its documented public names."""

from __future__ import annotations

import inspect
import types

import verifiedfan.stack as stack


def test_every_exported_name_exists() -> None:
    missing = [name for name in stack.__all__ if not hasattr(stack, name)]
    assert missing == []


def test_every_exported_class_and_function_is_documented() -> None:
    undocumented = [
        name
        for name in stack.__all__
        if (inspect.isclass(getattr(stack, name)) or inspect.isfunction(getattr(stack, name)))
        and not inspect.getdoc(getattr(stack, name))
    ]
    assert undocumented == []


def test_no_public_name_is_left_out_of_all() -> None:
    public = {
        name
        for name, value in vars(stack).items()
        if not name.startswith("_") and not isinstance(value, types.ModuleType)
    }
    assert public - set(stack.__all__) == set()


def test_versions_are_pinned_for_every_downloaded_server() -> None:
    assert {"kafka", "apicurio", "ferretdb", "log4j", "slf4j"} <= set(stack.VERSIONS)

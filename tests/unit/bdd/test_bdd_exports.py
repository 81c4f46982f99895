from __future__ import annotations

import inspect
import subprocess
import sys

import verifiedfan.testing.bdd as bdd

NOT_EXPORTED = {"pytest_plugins"}


def test_every_exported_name_exists_and_is_documented() -> None:
    for name in bdd.__all__:
        obj = getattr(bdd, name)
        if inspect.isclass(obj) or inspect.isfunction(obj):
            assert inspect.getdoc(obj), f"{name} has no docstring"


def test_no_public_name_is_missing_from_all() -> None:
    public = {
        n
        for n, v in vars(bdd).items()
        if not n.startswith("_") and not inspect.ismodule(v) and n not in NOT_EXPORTED
    }
    assert public == set(bdd.__all__)


def test_the_plugin_modules_exist() -> None:
    for module in bdd.pytest_plugins:
        __import__(module)


def test_the_main_pytest_plugin_does_not_load_the_bdd_library() -> None:
    code = (
        "import sys, verifiedfan.testing.plugin;"
        "print('pytest_bdd' in sys.modules, 'verifiedfan.testing.bdd' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.split() == ["False", "False"]

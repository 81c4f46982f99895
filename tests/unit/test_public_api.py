"""Every public module of the library keeps an honest ``__all__`` (httpx's test_exported_members idea).

One parametrised test over every public package and module found on disk, so a new subpackage is
covered the day it is added; and the library's import graph has no cycle.
"""

from __future__ import annotations

import ast
import importlib
import inspect
import pkgutil
from pathlib import Path
from types import ModuleType

import pytest

import verifiedfan

_SRC = Path(verifiedfan.__file__).parent


def _public_modules() -> list[str]:
    names = ["verifiedfan"]
    for info in pkgutil.walk_packages(verifiedfan.__path__, prefix="verifiedfan."):
        parts = info.name.split(".")
        if any(p.startswith("_") for p in parts) or parts[-1] in {"main", "conftest"}:
            continue
        names.append(info.name)
    return names


PUBLIC = _public_modules()
_NOT_API = {"annotations", "TYPE_CHECKING", "pytest_plugins"}


def _import(name: str) -> ModuleType:
    return importlib.import_module(name)


def test_the_walk_finds_the_capabilities() -> None:
    for expected in ("verifiedfan.http", "verifiedfan.redis", "verifiedfan.mongo", "verifiedfan.tracing"):
        assert expected in PUBLIC


@pytest.mark.parametrize("name", PUBLIC)
def test_all_names_exist_once(name: str) -> None:
    module = _import(name)
    exported = getattr(module, "__all__", None)
    assert exported is not None, f"{name} has no __all__"
    assert [n for n in exported if not hasattr(module, n)] == []
    assert len(set(exported)) == len(exported), f"{name}.__all__ has duplicates"


@pytest.mark.parametrize(
    "name", [n for n in PUBLIC if (_SRC / n.split(".", 1)[-1].replace(".", "/")).is_dir()]
)
def test_a_package_exports_every_public_name_it_binds(name: str) -> None:
    module = _import(name)
    bound = {
        n
        for n, value in vars(module).items()
        if not n.startswith("_") and not inspect.ismodule(value) and n not in _NOT_API
    }
    assert bound - set(module.__all__) == set(), f"{name} binds public names missing from __all__"


@pytest.mark.parametrize("name", PUBLIC)
def test_every_exported_class_and_function_is_documented(name: str) -> None:
    module = _import(name)
    undocumented = [
        n
        for n in module.__all__
        if (inspect.isclass(getattr(module, n)) or inspect.isfunction(getattr(module, n)))
        and not inspect.getdoc(getattr(module, n))
    ]
    assert undocumented == []


def _import_graph() -> dict[str, set[str]]:
    """Module -> the library modules it imports at run time (``if TYPE_CHECKING:`` blocks left out)."""
    modules: dict[str, Path] = {}
    for path in _SRC.rglob("*.py"):
        dotted = ".".join(("verifiedfan", *path.relative_to(_SRC).with_suffix("").parts))
        modules[dotted.removesuffix(".__init__")] = path
    graph: dict[str, set[str]] = {m: set() for m in modules}
    for name, path in modules.items():
        tree = ast.parse(path.read_text())
        type_only = {
            id(sub)
            for node in ast.walk(tree)
            if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test)
            for sub in ast.walk(node)
        }
        for node in ast.walk(tree):
            if id(node) in type_only or not isinstance(node, ast.ImportFrom) or node.level or not node.module:
                continue
            submodules = [
                f"{node.module}.{a.name}" for a in node.names if f"{node.module}.{a.name}" in modules
            ]
            graph[name].update(submodules)
            if node.module in modules and len(submodules) < len(node.names):
                graph[name].add(node.module)
    return graph


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in graph[v]:
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for vertex in graph:
        if vertex not in index:
            visit(vertex)
    return found


def test_the_cycle_finder_finds_a_cycle() -> None:
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


def test_the_library_has_no_import_cycle() -> None:
    assert _cycles(_import_graph()) == []

"""The error tree page names every VFError subclass of the library (issue 20).

The page is drawn by ``scripts/docs_errors.py`` when the site is built; this checks the drawing against
an independent walk of the class hierarchy after importing every public module, and that the page keeps
the marker the hook replaces.
"""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path
from types import ModuleType

ROOT = Path(__file__).resolve().parents[2]


def load_script() -> ModuleType:
    spec = importlib.util.spec_from_file_location("docs_errors", ROOT / "scripts" / "docs_errors.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def all_subclasses(cls: type) -> set[type]:
    found: set[type] = set()
    for sub in cls.__subclasses__():
        found |= {sub} | all_subclasses(sub)
    return found


def test_the_tree_names_every_error_of_every_subpackage() -> None:
    script = load_script()
    tree = script.render_tree()  # imports every public module first
    from verifiedfan.errors import VFError

    expected = {c for c in all_subclasses(VFError) if c.__module__.startswith("verifiedfan.")} | {VFError}
    drawn = re.findall(r"\*\*`(\w+)`\*\*", tree)
    assert sorted(drawn) == sorted(c.__name__ for c in expected)
    # capability families are in it, not only the core module's classes
    for family in ("AwsError", "CacheError", "KafkaError", "MongoError", "SnowflakeError", "StackError"):
        assert f"**`{family}`**" in tree


def test_each_class_is_drawn_under_its_first_vferror_base() -> None:
    tree = load_script().render_tree()
    lines = tree.splitlines()
    depth: dict[str, int] = {}
    for line in lines:
        name = re.search(r"`(\w+)`", line)
        assert name is not None, line
        depth.setdefault(name.group(1), (len(line) - len(line.lstrip())) // 4)
    from verifiedfan.errors import RateLimitedError, VFError
    from verifiedfan.redis import CacheConnectionError, CacheError

    assert depth["VFError"] == 0
    assert depth[CacheError.__name__] == 1
    assert depth[CacheConnectionError.__name__] == 2  # under CacheError, its first base
    assert "`CacheConnectionError`** (`verifiedfan.redis`) — also `NetworkError`" in tree
    assert depth[RateLimitedError.__name__] == 3  # HTTPStatusError > ClientError > RateLimitedError
    assert issubclass(RateLimitedError, VFError)


def test_the_page_keeps_the_marker_the_hook_replaces() -> None:
    script = load_script()
    page = (ROOT / "docs" / "errors.md").read_text(encoding="utf-8")
    assert script.MARKER in page
    rendered = script.on_page_markdown(page)
    assert script.MARKER not in rendered
    assert "**`ValidationError`** (`verifiedfan.errors`)" in rendered
    assert "scripts/docs_errors.py" in (ROOT / "mkdocs.yml").read_text(encoding="utf-8")

"""The error tree of the documentation site (issue 20), drawn from the code so the page cannot drift.

``render_tree()`` imports every public module of verifiedfan, walks ``VFError.__subclasses__()``
recursively and draws each class under its first ``VFError`` base, with the public module that exports
it, its other bases (``also RateLimitedError``) and the first line of its docstring. The site's build
runs it through the mkdocs hook below (``hooks:`` in ``mkdocs.yml``), which replaces the marker
``<!-- vf-error-tree -->`` of ``docs/errors.md``; ``tests/docs/test_error_tree.py`` checks that the
drawing names every subclass. ``python scripts/docs_errors.py`` prints it.
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil
import re
from typing import Any

MARKER = "<!-- vf-error-tree -->"


def public_modules() -> list[str]:
    """Every importable public module of verifiedfan (no ``_private`` part, no ``__main__``)."""
    import verifiedfan

    names = ["verifiedfan"]
    for info in pkgutil.walk_packages(verifiedfan.__path__, "verifiedfan."):
        parts = info.name.split(".")
        if any(part.startswith("_") for part in parts[1:]):
            continue
        names.append(info.name)
    return sorted(names)


def import_all() -> dict[type, str]:
    """Import every public module; map each exported class to the first public module that exports it."""
    exported: dict[type, str] = {}
    for name in public_modules():
        module = importlib.import_module(name)
        if name == "verifiedfan":
            continue  # the package re-exports VFError; name the module that defines the family
        for attr in getattr(module, "__all__", ()):
            value = getattr(module, attr, None)
            if inspect.isclass(value):
                current = exported.get(value)
                # the shortest public path wins: verifiedfan.errors over verifiedfan.http
                if current is None or len(name) < len(current):
                    exported[value] = name
    return exported


def library_errors() -> list[type]:
    """Every ``VFError`` subclass defined by the library (tests may define their own: left out)."""
    from verifiedfan.errors import VFError

    seen: list[type] = []
    stack: list[type] = [VFError]
    while stack:
        cls = stack.pop()
        if cls in seen:
            continue
        seen.append(cls)
        stack.extend(cls.__subclasses__())
    return [cls for cls in seen if cls.__module__.split(".")[0] == "verifiedfan"]


_ROLE = re.compile(r":(?:class|meth|func|mod|attr|data|exc):`~?([^`]+)`")


def _summary(cls: type) -> str:
    """The first paragraph of the class's own docstring, its reST turned into Markdown."""
    doc = inspect.getdoc(cls) if "__doc__" in cls.__dict__ else None
    if not doc:
        return ""
    paragraph = " ".join(doc.strip().split("\n\n")[0].split())
    return _ROLE.sub(r"`\1`", paragraph).replace("``", "`")


def render_tree() -> str:
    """The tree as nested Markdown lists (one line per class)."""
    from verifiedfan.errors import VFError

    exported = import_all()
    classes = library_errors()
    children: dict[type, list[type]] = {cls: [] for cls in classes}
    for cls in classes:
        if cls is VFError:
            continue
        parent = next(base for base in cls.__mro__[1:] if base in children)
        children[parent].append(cls)

    def line(cls: type, depth: int) -> list[str]:
        where = exported.get(cls, cls.__module__)
        parent = next((b for b in cls.__mro__[1:] if b in children), None)
        others = [
            base.__name__
            for base in cls.__bases__
            if base not in (object, parent) and not base.__name__.startswith("_")
        ]
        text = f"{'    ' * depth}- **`{cls.__name__}`** (`{where}`)"
        if others:
            text += " — also " + ", ".join(f"`{name}`" for name in others)
        summary = _summary(cls)
        if summary:
            text += f": {summary}"
        out = [text]
        for child in sorted(children[cls], key=lambda c: c.__name__):
            out.extend(line(child, depth + 1))
        return out

    return "\n".join(line(VFError, 0))


def on_page_markdown(markdown: str, **kwargs: Any) -> str:
    """mkdocs hook: draw the tree where the page has the marker."""
    if MARKER in markdown:
        return markdown.replace(MARKER, render_tree())
    return markdown


if __name__ == "__main__":
    print(render_tree())  # noqa: T201 - the script prints the tree

"""Every Python block of the documentation site runs, and what it prints is what the page says (issue 20).

pytest-examples finds the ```` ```python ```` blocks of ``docs/**/*.md``, runs each as a module and
compares every ``print`` with the ``#> ...`` lines under it. A block that needs a server gets it from the
stack like any integration test; the pages say which.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from pytest_examples import CodeExample, EvalExample, find_examples

DOCS = Path(__file__).resolve().parents[2] / "docs"
EXAMPLES = [e for e in find_examples(DOCS) if e.prefix_settings().get("lang", "python") == "python"]


def test_the_site_has_examples() -> None:
    # A glob that found nothing would make every parametrized case below vanish silently.
    assert len(EXAMPLES) >= 3, [str(e) for e in EXAMPLES]


@pytest.mark.parametrize("example", EXAMPLES, ids=str)
def test_docs_example(example: CodeExample, eval_example: EvalExample) -> None:
    # Pages print what they show, and their secrets are example values.
    eval_example.set_config(line_length=110, target_version="py310", ruff_ignore=["T201", "S105", "S106"])
    eval_example.lint_ruff(example)
    eval_example.run_print_check(example)

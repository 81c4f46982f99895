"""Every Python block of the documentation site runs, and what it prints is what the page says (issue 20).

pytest-examples finds the ```` ```python ```` blocks of ``docs/**/*.md``, runs each as a module and
compares every ``print`` with the ``#> ...`` lines under it.

A page whose examples need the real servers says so in an HTML comment at its top, for instance
``<!-- docs-examples: stack=redis,mongo -->``. Its blocks get those servers from the pytest plugin (as
any integration test: started when absent, a failure under ``VF_STACK_CI``) and the stack's addresses as
the ``VF_*`` variables the settings classes read (what ``eval "$(vf stack env --export)"`` sets), plus
names of their own that the plugin removes afterwards: ``VF_KAFKA_TOPIC``, ``VF_REDIS_NAMESPACE``,
``VF_MONGO_DB_NAME``. The examples then build their clients with ``XSettings()``, as a service does.
Every example runs with the environment restored afterwards.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from unittest import mock

import pytest
from pytest_examples import CodeExample, EvalExample, find_examples

DOCS = Path(__file__).resolve().parents[2] / "docs"
EXAMPLES = [e for e in find_examples(DOCS) if e.prefix_settings().get("lang", "python") == "python"]
STACK_MARKER = re.compile(r"<!--\s*docs-examples:\s*stack=([a-z,\s]+?)\s*-->")

# server -> (fixture that makes it available, {variable: per-test fixture giving a fresh name})
SERVERS: dict[str, tuple[str, dict[str, str]]] = {
    "kafka": ("vf_kafka", {"VF_KAFKA_TOPIC": "vf_kafka_topic"}),
    "registry": ("vf_schema_registry", {}),
    "redis": ("vf_redis", {"VF_REDIS_NAMESPACE": "vf_redis_prefix"}),
    "mongo": ("vf_mongo", {"VF_MONGO_DB_NAME": "vf_mongo_db"}),
    "aws": ("vf_aws", {}),
    "lambda": ("vf_lambda", {}),
    "otlp": ("vf_otlp", {}),
}


def stack_servers(example: CodeExample) -> list[str]:
    """The servers the example's page asks for (none for a page without the marker)."""
    found = STACK_MARKER.search(example.path.read_text(encoding="utf-8"))
    names = [name.strip() for name in found.group(1).split(",")] if found else []
    unknown = [name for name in names if name not in SERVERS]
    assert not unknown, f"{example.path}: unknown servers {unknown} in the docs-examples marker"
    return names


def test_the_site_has_examples() -> None:
    # A glob that found nothing would make every parametrized case below vanish silently.
    assert len(EXAMPLES) >= 3, [str(e) for e in EXAMPLES]


def test_the_stack_marker_is_read() -> None:
    marked = [e for e in EXAMPLES if stack_servers(e)]
    assert marked, "no page asks for the stack: the marker regex no longer matches the pages"


@pytest.mark.parametrize("example", EXAMPLES, ids=str)
def test_docs_example(
    example: CodeExample, eval_example: EvalExample, request: pytest.FixtureRequest
) -> None:
    # Pages print what they show, and their secrets are example values.
    eval_example.set_config(line_length=110, target_version="py310", ruff_ignore=["T201", "S105", "S106"])
    eval_example.lint_ruff(example)
    with mock.patch.dict(os.environ):
        servers = stack_servers(example)
        if servers:
            os.environ.update(request.getfixturevalue("vf_stack").env())
            for name in servers:
                fixture, names = SERVERS[name]
                request.getfixturevalue(fixture)
                for variable, name_fixture in names.items():
                    os.environ[variable] = str(request.getfixturevalue(name_fixture))
        try:
            eval_example.run_print_check(example)
        except Exception as error:
            # pytest cannot draw the traceback of code run from a page (Python 3.11 fails computing the
            # positions of its frames and the whole run stops), so the failure names the lines itself.
            where = []
            tb = error.__traceback__
            while tb is not None:
                where.append(f"{tb.tb_frame.f_code.co_filename}:{tb.tb_lineno}")
                tb = tb.tb_next
            report = f"{example} raised {type(error).__name__}: {error}\n  " + "\n  ".join(where)
            pytest.fail(report, pytrace=False)

"""Reusable BDD steps and fixtures on pytest-bdd (successor of ``@verifiedfan/cucumber-features``).

PYTEST_DONT_REWRITE

Load it from the top-level ``conftest.py`` (it is not part of the always-loaded plugin)::

    pytest_plugins = ["verifiedfan.testing.bdd"]

Then write feature files with the steps of :data:`STEP_PHRASES` (produce Avro/JSON events, wait for
a matching message, insert and wait for Mongo documents, seed and check Redis keys, check a JSON
schema, call an HTTP service as a user with permissions and check its answer; S3 objects,
SQS messages and DynamoDB items of per-scenario buckets, queues and tables on the AWS emulator).
Each scenario gets a run id: its topics, schema subjects, Redis key prefix, Mongo database and AWS
resources carry it, and the ``vf_bdd`` fixture's teardown removes them, also after a failure. All
async clients run on one event loop per session (:class:`BddLoop`, a background thread), so sync
steps never hit "Event loop is closed"; :func:`eventually` / :func:`aeventually` poll with a
timeout and report the last value seen. Needs the ``bdd`` extra (and ``kafka``, ``redis``,
``mongo`` for those steps).
"""

from verifiedfan.testing.bdd._aws import AWS_STEP_PHRASES, AwsSide, aws_side
from verifiedfan.testing.bdd._errors import (
    BddAssertionError,
    BddError,
    BddUsageError,
    CleanupError,
    EventuallyTimeoutError,
)
from verifiedfan.testing.bdd._eventually import aeventually, eventually
from verifiedfan.testing.bdd._http import HTTP_STEP_PHRASES
from verifiedfan.testing.bdd._kafka import ObservedMessage
from verifiedfan.testing.bdd._loop import BddLoop
from verifiedfan.testing.bdd._matchers import (
    FieldMismatch,
    SchemaIssue,
    assert_fields,
    assert_matches_schema,
    field_mismatches,
    jsonable,
    parse_json,
    render,
    schema_issues,
)
from verifiedfan.testing.bdd._names import ScenarioNames, new_run_id
from verifiedfan.testing.bdd._scenario import BddOptions, BddScenario, Service
from verifiedfan.testing.bdd._steps import STEP_PHRASES, table_fields

#: pytest loads the fixtures and the steps from these modules.
pytest_plugins = [
    "verifiedfan.testing.bdd._fixtures",
    "verifiedfan.testing.bdd._steps",
    "verifiedfan.testing.bdd._http",
    "verifiedfan.testing.bdd._aws",
]

__all__ = [
    "AWS_STEP_PHRASES",
    "HTTP_STEP_PHRASES",
    "STEP_PHRASES",
    "AwsSide",
    "BddAssertionError",
    "BddError",
    "BddLoop",
    "BddOptions",
    "BddScenario",
    "BddUsageError",
    "CleanupError",
    "EventuallyTimeoutError",
    "FieldMismatch",
    "ObservedMessage",
    "ScenarioNames",
    "SchemaIssue",
    "Service",
    "aeventually",
    "assert_fields",
    "assert_matches_schema",
    "aws_side",
    "eventually",
    "field_mismatches",
    "jsonable",
    "new_run_id",
    "parse_json",
    "render",
    "schema_issues",
    "table_fields",
]

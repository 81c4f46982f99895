"""The Gherkin steps. PYTEST_DONT_REWRITE

Quoted names are logical: ``topic "fan.verified"`` is ``fan.verified.<run id>`` on the broker,
``key "fan:1"`` is ``bdd:<run id>:fan:1`` in Redis, and every collection lives in the scenario's
database. Docstrings are JSON, with ``${name}`` replaced by the scenario's variables (``run_id``
and those set by ``the variable "name" is "value"``). Waits take an optional ``within N seconds``
(default: ``BddOptions.timeout``). Each step is a thin sync shell over an async
:class:`BddScenario` method, run on the session loop.
"""

from __future__ import annotations

from typing import Any

from pytest_bdd import parsers, step, then

from verifiedfan.testing.bdd._errors import BddUsageError
from verifiedfan.testing.bdd._matchers import assert_fields, assert_matches_schema, parse_json, render
from verifiedfan.testing.bdd._scenario import BddScenario

__all__ = ["STEP_PHRASES", "seconds", "table_fields"]

_Q = r'"(?P<{}>[^"]+)"'
_WITHIN = r"(?: within (?P<timeout>\d+(?:\.\d+)?) seconds?)?"
_KEY = r'(?:with key "(?P<key>[^"]*)" )?'

#: every phrase, for the documentation (and the test that keeps it honest)
STEP_PHRASES: list[str] = []


def _re(pattern: str) -> parsers.re:
    STEP_PHRASES.append(pattern)
    return parsers.re(pattern)


def seconds(text: str | None) -> float | None:
    """The converter of ``within N seconds`` (``None`` when the phrase is absent)."""
    return None if text is None else float(text)


def table_fields(datatable: list[list[str]], variables: dict[str, Any] | None = None) -> dict[str, Any]:
    """A ``| field | value |`` table as a nested object: ``fan.id`` -> ``{"fan": {"id": ...}}``.

    Values are JSON when they parse (``42``, ``true``, ``"x"``), else strings. A first row
    ``| field | value |`` is a header and skipped. ``${name}`` in a value is replaced from ``variables``.
    """
    rows = (
        datatable[1:]
        if datatable and [c.strip().lower() for c in datatable[0]] == ["field", "value"]
        else datatable
    )
    out: dict[str, Any] = {}
    for row in rows:
        if len(row) != 2:
            raise BddUsageError(f"a field table has two columns (field, value), not {row}")
        path, text = row[0].strip(), render(row[1].strip(), variables or {})
        try:
            value: Any = parse_json(text, what="value")
        except BddUsageError:
            value = text
        node = out
        *parents, leaf = path.split(".")
        for part in parents:
            node = node.setdefault(part, {})
            if not isinstance(node, dict):
                raise BddUsageError(f"field {path!r} conflicts with another row")
        node[leaf] = value
    return out


def _doc(vf_bdd: BddScenario, docstring: str | None, what: str = "docstring") -> Any:
    if docstring is None:
        raise BddUsageError(f"this step needs a JSON {what} (between triple quotes)")
    return parse_json(render(docstring, vf_bdd.vars), what=what)


def _expected(vf_bdd: BddScenario, docstring: str | None, datatable: list[list[str]] | None) -> Any:
    if datatable is not None:
        return table_fields(datatable, vf_bdd.vars)
    return _doc(vf_bdd, docstring)


# -- variables -------------------------------------------------------------------------------------


@step(_re(r'the variable "(?P<name>[A-Za-z_][A-Za-z0-9_]*)" is "(?P<value>[^"]*)"'))
def set_variable(vf_bdd: BddScenario, name: str, value: str) -> None:
    vf_bdd.vars[name] = render(value, vf_bdd.vars)


# -- Kafka -----------------------------------------------------------------------------------------


@step(_re(rf"the topic {_Q.format('topic')} is watched"))
def watch_topic(vf_bdd: BddScenario, topic: str) -> None:
    vf_bdd.vars[f"topic:{topic}"] = vf_bdd.run(vf_bdd.topic(topic))


@step(_re(rf"the Avro schema {_Q.format('schema_file')} is registered as subject {_Q.format('subject')}"))
def register_schema(vf_bdd: BddScenario, schema_file: str, subject: str) -> None:
    schema = vf_bdd.load_json(schema_file)
    vf_bdd.run(vf_bdd.register_schema(schema, subject=vf_bdd.names.subject(subject)))


@step(
    _re(
        rf"an Avro event {_KEY}is sent to topic {_Q.format('topic')} with schema {_Q.format('schema_file')}:?"
    )
)
def send_avro_with_schema(
    vf_bdd: BddScenario, topic: str, schema_file: str, key: str | None, docstring: str | None = None
) -> None:
    value, schema = _doc(vf_bdd, docstring), vf_bdd.load_json(schema_file)
    vf_bdd.run(vf_bdd.produce(topic, value, key=_key(vf_bdd, key), fmt="avro", schema=schema))


@step(
    _re(rf"an Avro event {_KEY}is sent to topic {_Q.format('topic')} with subject {_Q.format('subject')}:?")
)
def send_avro_with_subject(
    vf_bdd: BddScenario, topic: str, subject: str, key: str | None, docstring: str | None = None
) -> None:
    value = _doc(vf_bdd, docstring)
    vf_bdd.run(
        vf_bdd.produce(topic, value, key=_key(vf_bdd, key), fmt="avro", subject=vf_bdd.names.subject(subject))
    )


@step(_re(rf"a JSON event {_KEY}is sent to topic {_Q.format('topic')}:?"))
def send_json(vf_bdd: BddScenario, topic: str, key: str | None, docstring: str | None = None) -> None:
    vf_bdd.run(vf_bdd.produce(topic, _doc(vf_bdd, docstring), key=_key(vf_bdd, key), fmt="json"))


@then(_re(rf"a message on topic {_Q.format('topic')} matches{_WITHIN}:?"), converters={"timeout": seconds})
def message_matches(
    vf_bdd: BddScenario,
    topic: str,
    timeout: float | None,
    docstring: str | None = None,
    datatable: list[list[str]] | None = None,
) -> None:
    vf_bdd.run(vf_bdd.wait_for_message(topic, _expected(vf_bdd, docstring, datatable), timeout=timeout))


def _key(vf_bdd: BddScenario, key: str | None) -> str | None:
    return None if key is None else render(key, vf_bdd.vars)


# -- Mongo -----------------------------------------------------------------------------------------


@step(_re(rf"a document is inserted into collection {_Q.format('collection')}:?"))
def insert_document(vf_bdd: BddScenario, collection: str, docstring: str | None = None) -> None:
    vf_bdd.run(vf_bdd.insert_document(collection, _doc(vf_bdd, docstring)))


@then(
    _re(rf"a document in collection {_Q.format('collection')} matches{_WITHIN}:?"),
    converters={"timeout": seconds},
)
def document_matches(
    vf_bdd: BddScenario, collection: str, timeout: float | None, docstring: str | None = None
) -> None:
    vf_bdd.run(vf_bdd.wait_for_document(collection, _doc(vf_bdd, docstring, "Mongo query"), timeout=timeout))


# -- Redis -----------------------------------------------------------------------------------------


@step(_re(rf"the Redis key {_Q.format('key')} is set to:?"))
def seed_key(vf_bdd: BddScenario, key: str, docstring: str | None = None) -> None:
    vf_bdd.run(vf_bdd.seed_key(render(key, vf_bdd.vars), _doc(vf_bdd, docstring)))


@then(_re(rf"the Redis key {_Q.format('key')} matches{_WITHIN}:?"), converters={"timeout": seconds})
def key_matches(vf_bdd: BddScenario, key: str, timeout: float | None, docstring: str | None = None) -> None:
    vf_bdd.run(vf_bdd.wait_for_key(render(key, vf_bdd.vars), _doc(vf_bdd, docstring), timeout=timeout))


@then(_re(rf"the Redis key {_Q.format('key')} does not exist"))
def key_missing(vf_bdd: BddScenario, key: str) -> None:
    name = render(key, vf_bdd.vars)
    value = vf_bdd.run(vf_bdd.get_key(name))
    assert_fields(value, None, what=f"Redis key {name}")


# -- the last value seen (message, document or key) ------------------------------------------------


@then(_re(rf"it matches the JSON schema {_Q.format('schema_file')}"))
def last_matches_schema(vf_bdd: BddScenario, schema_file: str) -> None:
    assert_matches_schema(
        vf_bdd.last, vf_bdd.load_json(schema_file), what="the last value", schema_name=schema_file
    )


@then(_re(r"it has fields:?"))
def last_has_fields(
    vf_bdd: BddScenario, docstring: str | None = None, datatable: list[list[str]] | None = None
) -> None:
    assert_fields(vf_bdd.last, _expected(vf_bdd, docstring, datatable), what="the last value")

from __future__ import annotations

import importlib
import inspect
import pkgutil

import verifiedfan.kafka as kafka

INTERNAL_MODULES = {
    "_rdkafka",
    "_broker_settings",
    "_fastcheck",
    "_avro_issues",
}  # helpers with no public name


def implementation_modules() -> list[str]:
    return [m.name for m in pkgutil.iter_modules(kafka.__path__) if m.name not in INTERNAL_MODULES]


def test_every_exported_name_exists() -> None:
    missing = [name for name in kafka.__all__ if not hasattr(kafka, name)]
    assert missing == []


def test_every_exported_class_and_function_is_documented() -> None:
    undocumented = [
        name
        for name in kafka.__all__
        if (inspect.isclass(getattr(kafka, name)) or inspect.isfunction(getattr(kafka, name)))
        and not inspect.getdoc(getattr(kafka, name))
    ]
    assert undocumented == []


def test_no_public_name_of_the_implementation_modules_is_left_out() -> None:
    left_out = [
        f"{module}.{name}"
        for module in implementation_modules()
        for name in importlib.import_module(f"verifiedfan.kafka.{module}").__all__
        if name not in kafka.__all__
    ]
    assert left_out == []


def test_all_is_sorted_and_unique() -> None:
    assert len(set(kafka.__all__)) == len(kafka.__all__)
    assert list(kafka.__all__) == sorted(kafka.__all__, key=lambda n: (not n.isupper(), n))


def test_every_error_is_a_vferror() -> None:
    from verifiedfan.errors import VFError

    errors = [getattr(kafka, n) for n in kafka.__all__ if n.endswith("Error")]
    assert errors
    assert all(issubclass(e, kafka.KafkaError) and issubclass(e, VFError) for e in errors)

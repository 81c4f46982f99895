"""Test helpers for services that use verifiedfan: the pytest plugin, fakes, sandboxes, BDD steps."""

__all__: list[str] = []  # the helpers live in the submodules: plugin, kafka, redis, mongo, sandbox, bdd

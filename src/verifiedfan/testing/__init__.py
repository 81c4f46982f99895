"""Test helpers for services that use verifiedfan: the pytest plugin, fakes, sandboxes, BDD steps."""

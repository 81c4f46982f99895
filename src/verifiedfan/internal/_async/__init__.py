"""Async sources of :mod:`verifiedfan.internal` (the ``_sync`` twins are generated)."""

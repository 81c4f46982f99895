# Generated from src/verifiedfan/internal/_async/__init__.py by scripts/unasync.py: do not edit.
# Change the async source, then run `python scripts/unasync.py`.
"""Async sources of :mod:`verifiedfan.internal` (the ``_sync`` twins are generated)."""

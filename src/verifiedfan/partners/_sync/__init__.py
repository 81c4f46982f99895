# Generated from src/verifiedfan/partners/_async/__init__.py by scripts/unasync.py: do not edit.
# Change the async source, then run `python scripts/unasync.py`.
"""Async sources of the partner clients; ``_sync`` is generated from them by scripts/unasync.py."""

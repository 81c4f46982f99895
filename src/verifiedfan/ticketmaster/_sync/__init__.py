# Generated from src/verifiedfan/ticketmaster/_async/__init__.py by scripts/unasync.py: do not edit.
# Change the async source, then run `python scripts/unasync.py`.
"""Async sources of the Ticketmaster clients; ``_sync`` is generated from them by scripts/unasync.py."""

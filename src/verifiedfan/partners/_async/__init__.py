"""Async sources of the partner clients; ``_sync`` is generated from them by scripts/unasync.py."""

"""Async sources of the Ticketmaster clients; ``_sync`` is generated from them by scripts/unasync.py."""

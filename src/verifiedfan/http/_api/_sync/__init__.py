# Generated from src/verifiedfan/http/_api/_async/__init__.py by scripts/unasync.py: do not edit.
# Change the async source, then run `python scripts/unasync.py`.
"""The async source of the API-client base (the sync twins in ``_sync/`` are generated from it)."""

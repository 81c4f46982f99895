"""The async source of the API-client base (the sync twins in ``_sync/`` are generated from it)."""

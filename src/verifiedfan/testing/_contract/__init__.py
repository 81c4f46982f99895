"""The API-client contract: ``_async.py`` is the source, ``_sync.py`` is generated from it."""

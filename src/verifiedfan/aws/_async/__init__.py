"""The asyncio sources of :mod:`verifiedfan.aws` (aiobotocore); ``_sync`` holds their twins."""

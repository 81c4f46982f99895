"""MongoDB on pymongo's native async client (successor of ``@verifiedfan/mongodb``).

:class:`Mongo` (asyncio, on ``pymongo.AsyncMongoClient``, created lazily in the running loop) and
:class:`SyncMongo` share one core: typed errors, ObjectId parsing, ``$set`` updates, index specs and
the ``instrument(op_name, collection, call)`` hook that wraps every operation.

pymongo is imported when a client is used (extra ``mongo``), not when this package is imported.
"""

from verifiedfan.mongo._async import Mongo, MongoCollection, MongoCursor
from verifiedfan.mongo._core import (
    AsyncInstrument,
    DeleteResult,
    Document,
    IndexSpec,
    SyncInstrument,
    UpdateResult,
    parse_object_id,
)
from verifiedfan.mongo._errors import (
    DuplicateKeyError,
    InvalidObjectIdError,
    MongoConnectionError,
    MongoError,
    MongoNotConnectedError,
    MongoOperationError,
    MongoTimeoutError,
    MongoValidationError,
)
from verifiedfan.mongo._settings import MongoSettings
from verifiedfan.mongo._sync import SyncMongo, SyncMongoCollection, SyncMongoCursor

__all__ = [
    "AsyncInstrument",
    "DeleteResult",
    "Document",
    "DuplicateKeyError",
    "IndexSpec",
    "InvalidObjectIdError",
    "Mongo",
    "MongoCollection",
    "MongoConnectionError",
    "MongoCursor",
    "MongoError",
    "MongoNotConnectedError",
    "MongoOperationError",
    "MongoSettings",
    "MongoTimeoutError",
    "MongoValidationError",
    "SyncInstrument",
    "SyncMongo",
    "SyncMongoCollection",
    "SyncMongoCursor",
    "UpdateResult",
    "parse_object_id",
]

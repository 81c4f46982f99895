"""Workflow 2, the registration path: normalize, detect a duplicate in Mongo, store, cache, read back.

    python examples/registration.py [--redis-url URL] [--redis-replica-url URL] [--mongo-hosts HOSTS]
                                    [--db-name NAME] [--redis-namespace PREFIX] [--payload JSON]

Connection settings come from the ``VF_REDIS_*`` and ``VF_MONGO_*`` environment variables (through
:class:`RedisSettings` and :class:`MongoSettings`); the options override them. Prints one JSON line:
``{"status": "created" | "duplicate" | "invalid", "user_id": ..., "profile": ...}``. Against the
servers of ``vf stack up redis mongo``::

    python examples/registration.py --redis-url redis://127.0.0.1:16379/0 \
        --redis-replica-url redis://127.0.0.1:16380/0 --mongo-hosts mongodb://127.0.0.1:27018/
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from typing import Any

from verifiedfan import normalizers
from verifiedfan.mongo import DuplicateKeyError, IndexSpec, Mongo, MongoSettings
from verifiedfan.redis import Redis, RedisSettings

# Use case 4: the raw registration form, as the frontend posts it.
RAW_PAYLOAD = {
    "firstName": " JOHN ",
    "lastName": "O'Connor",
    "email": " User@Example.COM ",
    "phone": "5551234567",
}
PROFILE_TTL = 3600  # one hour, in seconds


@dataclass(frozen=True)
class Registration:
    status: str  # "created", "duplicate" or "invalid"
    user_id: str | None = None
    profile: dict[str, Any] | None = None
    invalid_fields: tuple[str, ...] = ()


def normalize(payload: dict[str, Any]) -> tuple[dict[str, Any] | None, tuple[str, ...]]:
    """The normalized user, or ``None`` and the names of the fields that did not normalize."""
    email = normalizers.email(payload.get("email"))
    phone = normalizers.phone(payload.get("phone"))
    name = normalizers.name_obj(payload.get("firstName"), payload.get("lastName"))
    invalid = tuple(f for f, v in (("email", email), ("phone", phone), ("name", name)) if v is None)
    if invalid or name is None:
        return None, invalid
    user = {
        "email": email,
        "phone": phone,
        "name": {"full": name.full, "first": name.first, "last": name.last},
    }
    return user, ()


async def register(payload: dict[str, Any], *, mongo: Mongo, cache: Redis) -> Registration:
    user, invalid = normalize(payload)
    if user is None:
        return Registration(status="invalid", invalid_fields=invalid)
    users = mongo.collection("users")
    # The unique index makes the duplicate check race-free; creating it again is a no-op.
    await mongo.create_indexes("users", [IndexSpec(keys="email", unique=True)])
    existing = await users.find_one({"email": user["email"]}, use_primary=True)
    if existing is not None:
        return Registration(status="duplicate", user_id=str(existing["_id"]))
    try:
        user_id = str(await users.insert_one({**user, "createdAt": datetime.now(UTC)}))
    except DuplicateKeyError:  # a concurrent registration won the race
        winner = await users.find_one({"email": user["email"]}, use_primary=True)
        return Registration(status="duplicate", user_id=str(winner["_id"]) if winner else None)
    key = f"user:{user_id}"
    await cache.set(key, {"id": user_id, **user}, ttl=PROFILE_TTL)
    # Read-your-write: right after the write, read the primary (the replica may lag behind).
    profile = await cache.get(key, use_primary=True)
    return Registration(status="created", user_id=user_id, profile=profile)


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--redis-url", help="the Redis primary (default: VF_REDIS_URL)")
    parser.add_argument(
        "--redis-replica-url", help="the Redis read replica (default: VF_REDIS_READ_ONLY_URL)"
    )
    parser.add_argument("--redis-namespace", help="a key prefix (default: VF_REDIS_NAMESPACE)")
    parser.add_argument("--mongo-hosts", help="hosts or a mongodb:// URI (default: VF_MONGO_HOSTS)")
    parser.add_argument("--db-name", help="the database (default: VF_MONGO_DB_NAME)")
    parser.add_argument("--payload", help="the raw registration as JSON (default: the use-case payload)")
    return parser.parse_args(argv)


async def run(args: argparse.Namespace) -> Registration:
    redis_overrides = {
        k: v
        for k, v in {
            "url": args.redis_url,
            "read_only_url": args.redis_replica_url,
            "namespace": args.redis_namespace,
        }.items()
        if v is not None
    }
    mongo_overrides = {k: v for k, v in {"hosts": args.mongo_hosts, "db_name": args.db_name}.items() if v}
    payload = json.loads(args.payload) if args.payload else RAW_PAYLOAD
    mongo = Mongo.from_settings(MongoSettings(), **mongo_overrides)
    cache = Redis.from_settings(RedisSettings(), **redis_overrides)
    try:
        await mongo.ensure_connected()
        return await register(payload, mongo=mongo, cache=cache)
    finally:
        await cache.aclose()
        await mongo.close()


def main(argv: list[str] | None = None) -> int:
    result = asyncio.run(run(parse_args(argv)))
    print(json.dumps(asdict(result)))
    return 2 if result.status == "invalid" else 0


if __name__ == "__main__":
    sys.exit(main())

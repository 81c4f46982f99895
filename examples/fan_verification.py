"""Workflow 1, event-driven fan verification: verify a fan, cache the verdict, publish, consume it back.

    python examples/fan_verification.py --brokers HOST:PORT --registry-url URL --redis-url URL \
        --topic TOPIC [--redis-replica-url URL] [--redis-namespace PREFIX] [--user fan-top-1]

Connection settings come from ``VF_KAFKA_*`` and ``VF_REDIS_*`` (``eval "$(vf stack env --export)"``
sets them for the servers of ``vf stack up``); the options override them. The Spotify Web API is the
local sandbox (remote APIs are not reachable from tests). Prints one JSON line: the verdict, whether it
came from the cache, and the ``fan.verified`` event read back from the topic.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from typing import Any

from verifiedfan.kafka import Kafka, KafkaConsumer, KafkaSettings
from verifiedfan.music import FAN_VERIFIED_SCHEMA, FanVerifiedEvent, Spotify, VerificationCriteria, verify_fan
from verifiedfan.redis import Redis, RedisSettings
from verifiedfan.testing.sandbox import SpotifySandbox

VERDICT_TTL = 3600  # one hour, in seconds


async def verify(spotify: Spotify, token: Any, sandbox: SpotifySandbox) -> dict[str, Any]:
    """Steps 2-3: listening history from Spotify, then the verdict for the target artist."""
    engagement = await spotify.get_fan_engagement(token, top_tracks=False, recently_played=False)
    result = verify_fan(engagement, artist=sandbox.target_artist, criteria=VerificationCriteria())
    artist_id = min(sandbox.target_artist.ids)
    event = FanVerifiedEvent.from_result(result, user_id=engagement.user.id, artist_id=artist_id)
    return {"verified": result.verified, "method": result.method, "event": event.to_record()}


async def main(args: argparse.Namespace) -> dict[str, Any]:
    kafka_settings = KafkaSettings().model_copy(
        update={k: v for k, v in {"brokers": args.brokers, "registry_url": args.registry_url}.items() if v}
    )
    redis_settings = RedisSettings().model_copy(
        update={
            k: v
            for k, v in {
                "url": args.redis_url,
                "read_only_url": args.redis_replica_url,
                "namespace": args.redis_namespace,
            }.items()
            if v
        }
    )
    with SpotifySandbox() as sandbox:
        token = sandbox.mint_token(args.user)
        spotify = Spotify(
            client_id=sandbox.client_id,
            client_secret=sandbox.client_secret,
            api_url=sandbox.api_url,
            accounts_url=sandbox.accounts_url,
        )
        async with spotify, Redis.from_settings(redis_settings) as cache:
            loads = 0

            async def load() -> dict[str, Any]:
                nonlocal loads
                loads += 1
                return await verify(spotify, token, sandbox)

            # Step 4: the verdict is cached for an hour; a second check is served by Redis.
            verdict = await cache.get_or_set(f"verdict:{args.user}", load, ttl=VERDICT_TTL)
            again = await cache.get_or_set(f"verdict:{args.user}", load, ttl=VERDICT_TTL)
            assert again == verdict

        # Step 5: the verified fan is announced on the event stream, Avro-encoded with the registry.
        consumed: list[dict[str, Any]] = []
        if verdict["verified"]:
            async with Kafka.from_settings(kafka_settings, topic=args.topic) as kafka:
                await kafka.register_schema(FAN_VERIFIED_SCHEMA)
                await kafka.send_messages([{"key": verdict["event"]["userId"], "value": verdict["event"]}])
            consumer = KafkaConsumer.from_settings(
                kafka_settings, topics=args.topic, group_id=f"{args.topic}-example"
            )
            async with consumer:
                async for message in consumer.messages(max_messages=1, idle_timeout=30):
                    consumed.append(message.value)
    return {
        "user": args.user,
        "verified": verdict["verified"],
        "loads": loads,
        "same_on_second_check": again == verdict,
        "consumed": consumed,
    }


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--brokers")
    parser.add_argument("--registry-url")
    parser.add_argument("--redis-url")
    parser.add_argument("--redis-replica-url")
    parser.add_argument("--redis-namespace", default="")
    parser.add_argument("--topic", required=True)
    parser.add_argument("--user", default="fan-top-1")
    return parser.parse_args(argv)


if __name__ == "__main__":
    print(json.dumps(asyncio.run(main(parse_args(sys.argv[1:]))), default=str))

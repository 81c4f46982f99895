"""The clients of the reference service, opened in the app's lifespan and closed with it."""

from __future__ import annotations

import logging
import secrets
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any

from verifiedfan.errors import VFError
from verifiedfan.jwt import Signer, Verifier
from verifiedfan.kafka import Kafka, KafkaSettings
from verifiedfan.mongo import IndexSpec, Mongo, MongoSettings
from verifiedfan.music import FAN_VERIFIED_SCHEMA, Spotify, SpotifySettings, TargetArtist
from verifiedfan.partners import Sfmc, SfmcSettings
from verifiedfan.redis import Redis, RedisSettings
from verifiedfan.reference_service._links import LinkSigner, Shortener, default_shortener
from verifiedfan.reference_service._settings import ServiceSettings

__all__ = ["ServiceUnavailableError", "Services", "open_services", "signing_keys"]

logger = logging.getLogger(__name__)

USERS = "users"
SPOTIFY_ACCOUNTS = "spotify_accounts"


class ServiceUnavailableError(VFError):
    """A dependency the route needs is not configured (503)."""

    status = 503


@dataclass(kw_only=True)
class Services:
    """Everything a route needs; ``None`` for a partner that is not configured."""

    settings: ServiceSettings
    signer: Signer
    verifier: Verifier
    links: LinkSigner
    shortener: Shortener
    mongo: Mongo
    redis: Redis
    kafka: Kafka | None = None
    spotify: Spotify | None = None
    sfmc: Sfmc | None = None
    target_artist: TargetArtist | None = None
    extras: dict[str, Any] = field(default_factory=dict)

    def need_spotify(self) -> Spotify:
        if self.spotify is None:
            raise ServiceUnavailableError("Spotify is not configured (VF_SPOTIFY_CLIENT_ID)")
        return self.spotify

    def need_kafka(self) -> Kafka:
        if self.kafka is None:
            raise ServiceUnavailableError("Kafka is not configured (VF_KAFKA_BROKERS)")
        return self.kafka

    def need_sfmc(self) -> Sfmc:
        if self.sfmc is None:
            raise ServiceUnavailableError("SFMC is not configured (VF_SFMC_CLIENT_ID)")
        return self.sfmc


def signing_keys(settings: ServiceSettings) -> tuple[Signer, Verifier]:
    """The session-token signer and verifier (RS256); a random key when none is configured."""
    if settings.jwt_private_key is not None:
        private_pem = settings.jwt_private_key.get_secret_value()
    else:
        from cryptography.hazmat.primitives import serialization
        from cryptography.hazmat.primitives.asymmetric import rsa

        logger.warning("VF_SERVICE_JWT_PRIVATE_KEY is not set: a random key signs this run's tokens")
        key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        private_pem = key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        ).decode()
    from cryptography.hazmat.primitives import serialization

    private = serialization.load_pem_private_key(private_pem.encode(), password=None)
    public_pem = (
        private.public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode()
    )
    signer = Signer(private_key=private_pem, issuer=settings.jwt_issuer, expires_in=settings.session_ttl)
    verifier = Verifier(public_keys=public_pem, issuer=settings.jwt_issuer, algorithms=("RS256",))
    return signer, verifier


def _link_signer(settings: ServiceSettings) -> LinkSigner:
    if settings.link_secret is None:
        logger.warning("VF_SERVICE_LINK_SECRET is not set: a random secret signs this run's links")
        secret = secrets.token_urlsafe(48)
    else:
        secret = settings.link_secret.get_secret_value()
    return LinkSigner(secret=secret, issuer=settings.jwt_issuer, ttl=settings.link_ttl)


def _tracing_hooks(settings: ServiceSettings) -> dict[str, Any]:
    if not settings.tracing:
        return {}
    from verifiedfan.tracing import kafka_send_instrument, mongo_instrument, redis_instrument

    return {
        "mongo": mongo_instrument(db_name=settings.db_name),
        "redis": redis_instrument(),
        "kafka": kafka_send_instrument(),
    }


async def _open_kafka(settings: ServiceSettings, instrument: Any) -> Kafka | None:
    kafka_settings = KafkaSettings()
    try:
        kafka = Kafka.from_settings(
            kafka_settings, topic=settings.fan_verified_topic, client_id=settings.name, instrument=instrument
        )
        await kafka.connect()
        await kafka.register_schema(FAN_VERIFIED_SCHEMA)
    except VFError as exc:
        logger.warning("Kafka unavailable, POST /fans/{id}/verify answers 503: %s", exc)
        return None
    return kafka


def _open_spotify() -> Spotify | None:
    spotify_settings = SpotifySettings()
    if not spotify_settings.client_id:
        return None
    return Spotify.from_settings(spotify_settings)


def _open_sfmc() -> Sfmc | None:
    sfmc_settings = SfmcSettings()
    if not sfmc_settings.client_id:
        return None
    return Sfmc.from_settings(sfmc_settings)


@asynccontextmanager
async def open_services(
    settings: ServiceSettings,
    *,
    shortener: Shortener | None = None,
    keys: tuple[Signer, Verifier] | None = None,
) -> AsyncIterator[Services]:
    """Open every client (Mongo and Redis are required; Kafka, Spotify and SFMC when configured)."""
    hooks = _tracing_hooks(settings)
    signer, verifier = keys or signing_keys(settings)
    mongo = Mongo.from_settings(MongoSettings(), db_name=settings.db_name, instrument=hooks.get("mongo"))
    redis = Redis.from_settings(
        RedisSettings(), namespace=settings.redis_namespace, instrument=hooks.get("redis")
    )
    target = (
        TargetArtist(ids=frozenset(settings.target_artist_ids), name=settings.target_artist_name)
        if settings.target_artist_ids or settings.target_artist_name
        else None
    )
    services = Services(
        settings=settings,
        signer=signer,
        verifier=verifier,
        links=_link_signer(settings),
        shortener=shortener or default_shortener(),
        mongo=mongo,
        redis=redis,
        target_artist=target,
    )
    try:
        await mongo.ensure_connected()
        await mongo.create_indexes(USERS, [IndexSpec(keys="email", unique=True)])
        await mongo.create_indexes(SPOTIFY_ACCOUNTS, [IndexSpec(keys="spotifyId", unique=True)])
        services.kafka = await _open_kafka(settings, hooks.get("kafka"))
        services.spotify = _open_spotify()
        services.sfmc = _open_sfmc()
        yield services
    finally:
        for client in (services.sfmc, services.spotify, services.shortener):
            close = getattr(client, "aclose", None)
            if close is not None:
                await close()
        if services.kafka is not None:
            await services.kafka.disconnect()
        await redis.aclose()
        await mongo.aclose()

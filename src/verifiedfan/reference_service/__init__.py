"""The reference service: a real FastAPI service on the library (extra ``service``), run by
``vf serve`` with uvicorn.

Routes: ``POST /login`` and ``GET /me`` (use case 7), ``GET /auth/spotify/login`` and
``GET /auth/spotify/callback`` (Spotify's authorization-code flow with state and PKCE),
``POST /registrations`` and ``GET /verify-email?token=`` (workflow 2), ``POST /fans/{id}/verify``
(workflow 1), ``/health`` and ``/metrics``. Behind the whole :mod:`verifiedfan.web` stack::

    from verifiedfan.reference_service import create_app

    app = create_app()  # settings from VF_SERVICE_*, VF_MONGO_*, VF_REDIS_*, VF_KAFKA_*...
"""

from verifiedfan.reference_service._app import NO_NATIVE_TELEMETRY, NOT_LOGGED, PUBLIC_PATHS, create_app
from verifiedfan.reference_service._auth import FAN_PERMISSIONS
from verifiedfan.reference_service._fans import VERIFY_ANY_FAN
from verifiedfan.reference_service._links import (
    BitlyShortener,
    InvalidLinkError,
    LinkClaims,
    LinkSigner,
    NoShortener,
    Shortener,
)
from verifiedfan.reference_service._passwords import check_password, hash_password
from verifiedfan.reference_service._registration import (
    AlreadyRegisteredError,
    LinkUsedError,
    RegistrationBody,
)
from verifiedfan.reference_service._serve import APP_FACTORY, serve
from verifiedfan.reference_service._services import Services, ServiceUnavailableError
from verifiedfan.reference_service._settings import ServiceSettings

__all__ = [
    "APP_FACTORY",
    "FAN_PERMISSIONS",
    "NOT_LOGGED",
    "NO_NATIVE_TELEMETRY",
    "PUBLIC_PATHS",
    "VERIFY_ANY_FAN",
    "AlreadyRegisteredError",
    "BitlyShortener",
    "InvalidLinkError",
    "LinkClaims",
    "LinkSigner",
    "LinkUsedError",
    "NoShortener",
    "RegistrationBody",
    "ServiceSettings",
    "ServiceUnavailableError",
    "Services",
    "Shortener",
    "check_password",
    "create_app",
    "hash_password",
    "serve",
]

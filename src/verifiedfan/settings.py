"""Settings: the only place verifiedfan reads the environment.

Each capability defines a subclass of :class:`VFSettings` with its own env prefix (``VF_HTTP_``,
``VF_REDIS_``...) and its clients offer ``from_settings(settings)``. Clients themselves never read
``os.environ``.
"""

from __future__ import annotations

import os

from pydantic_settings import BaseSettings, SettingsConfigDict

__all__ = ["VFSettings", "environ"]


class VFSettings(BaseSettings):
    """Base class: env prefix per subclass, unknown variables ignored, values validated."""

    model_config = SettingsConfigDict(env_prefix="VF_", extra="ignore", frozen=True)


def environ() -> dict[str, str]:
    """A copy of the process environment, for code that takes an ``environ`` mapping (config files)."""
    return dict(os.environ)

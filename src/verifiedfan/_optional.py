"""Import optional dependencies where they are used, failing with the extra to install."""

from __future__ import annotations

import importlib
from types import ModuleType

from verifiedfan.errors import DependencyMissingError


def require(module: str, extra: str) -> ModuleType:
    """Import ``module`` or raise :class:`DependencyMissingError` naming ``verifiedfan[extra]``."""
    try:
        return importlib.import_module(module)
    except ImportError as exc:
        raise DependencyMissingError(module.split(".")[0], extra) from exc

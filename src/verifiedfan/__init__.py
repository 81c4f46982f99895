"""verifiedfan: a typed, async-first toolkit for the fan-verification platform's microservices.

Each capability lives in its own subpackage (``verifiedfan.http``, ``verifiedfan.log``,
``verifiedfan.kafka``...). Importing this package imports no optional dependency.
"""

from verifiedfan._version import __version__
from verifiedfan.errors import VFError

__all__ = ["VFError", "__version__"]

"""What the producer and the consumer share: brokers, client id and TLS settings resolved once."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence

from verifiedfan.errors import ConfigurationError
from verifiedfan.kafka._models import SslConfig, SslProvider

__all__ = ["Session"]


class Session:
    """Connection settings. ``ssl`` may be an async provider: it is awaited once, then cached."""

    def __init__(
        self, *, brokers: Sequence[str] | str, client_id: str, ssl: SslConfig | SslProvider | None
    ) -> None:
        if not brokers:
            raise ConfigurationError("no Kafka brokers configured")
        self.brokers = brokers
        self.client_id = client_id
        self._ssl_source = ssl
        self._ssl: SslConfig | None = ssl if isinstance(ssl, SslConfig) else None
        self._ssl_resolved = not callable(ssl) or isinstance(ssl, SslConfig)
        self._ssl_lock = asyncio.Lock()

    async def ssl_config(self) -> SslConfig | None:
        """The TLS settings, calling the provider on first use only."""
        if self._ssl_resolved:
            return self._ssl
        async with self._ssl_lock:
            if not self._ssl_resolved:
                source = self._ssl_source
                if not callable(source):  # pragma: no cover - guarded by _ssl_resolved
                    return None
                resolved = await source()
                if not isinstance(resolved, SslConfig):
                    raise ConfigurationError(
                        f"the ssl provider must return an SslConfig, not {type(resolved).__name__}"
                    )
                self._ssl, self._ssl_resolved = resolved, True
        return self._ssl

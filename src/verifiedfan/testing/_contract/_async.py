"""The API-client contract as a test class (async source of the generated ``_sync.py``).

See :mod:`verifiedfan.testing.contract` for how to use it.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, ClassVar

import pytest

from verifiedfan.errors import ForbiddenError, NotFoundError, RateLimitedError, UnauthorizedError, VFError
from verifiedfan.log import capture_logs

__all__ = ["ApiContract"]


class ApiContract:
    """The abstract contract of an API client (see the module docstring).

    Class attributes: ``model`` (the type :meth:`call` returns), ``unauthorized_error``,
    ``forbidden_error``, ``not_found_error``, ``rate_limited_error`` (the classes the client's error
    map gives for 401-after-reauth, 403, 404 and 429), ``retry_after_past_cap`` (seconds, above the
    client's cap).
    """

    model: ClassVar[type[Any]] = object
    unauthorized_error: ClassVar[type[VFError]] = UnauthorizedError
    forbidden_error: ClassVar[type[VFError]] = ForbiddenError
    not_found_error: ClassVar[type[VFError]] = NotFoundError
    rate_limited_error: ClassVar[type[VFError]] = RateLimitedError
    retry_after_past_cap: ClassVar[float] = 3600.0

    # -- hooks a subclass implements --------------------------------------------------------------

    async def call(self, client: Any, sandbox: Any) -> Any:
        """One authenticated call returning :attr:`model` (the first API request it makes is the
        one the injected outcomes hit)."""
        raise NotImplementedError

    async def call_paged(self, client: Any, sandbox: Any) -> Sequence[Any]:
        """Every item of a paged endpoint (several pages in the sandbox's seed data)."""
        raise NotImplementedError

    def expected_paged_count(self, sandbox: Any) -> int:
        """How many items :meth:`call_paged` must return (from the sandbox's seed data)."""
        raise NotImplementedError

    def reauth_count(self, client: Any, sandbox: Any) -> int:
        """A counter that grows by one per re-authentication (token refreshes, re-mints)."""
        raise NotImplementedError

    def secrets(self, client: Any, sandbox: Any) -> Sequence[str]:
        """Every credential value that must never appear in a log line."""
        raise NotImplementedError

    # -- the contract -----------------------------------------------------------------------------

    async def test_a_call_returns_the_typed_model(self, client: Any, sandbox: Any) -> None:
        result = await self.call(client, sandbox)
        assert isinstance(result, self.model), f"{type(result).__name__} is not a {self.model.__name__}"

    async def test_401_reauthenticates_once_and_replays(self, client: Any, sandbox: Any) -> None:
        await self.call(client, sandbox)  # credentials in place before counting
        before = self.reauth_count(client, sandbox)
        sandbox.inject("401")
        result = await self.call(client, sandbox)
        assert isinstance(result, self.model)
        assert self.reauth_count(client, sandbox) == before + 1

    async def test_a_second_401_raises_the_mapped_error(self, client: Any, sandbox: Any) -> None:
        await self.call(client, sandbox)
        sandbox.inject("401", "401")
        with pytest.raises(self.unauthorized_error):
            await self.call(client, sandbox)

    async def test_403_raises_the_mapped_error(self, client: Any, sandbox: Any) -> None:
        sandbox.inject("403")
        with pytest.raises(self.forbidden_error) as info:
            await self.call(client, sandbox)
        assert getattr(info.value, "status", None) == 403

    async def test_404_raises_the_mapped_error(self, client: Any, sandbox: Any) -> None:
        sandbox.inject("404")
        with pytest.raises(self.not_found_error) as info:
            await self.call(client, sandbox)
        assert getattr(info.value, "status", None) == 404

    async def test_429_past_the_retry_after_cap_is_raised_at_once(self, client: Any, sandbox: Any) -> None:
        sandbox.set_faults(retry_after=self.retry_after_past_cap)
        sandbox.inject("429", "429", "429", "429", "429")
        try:
            with pytest.raises(self.rate_limited_error) as info:
                await self.call(client, sandbox)
        finally:
            sandbox.set_faults(retry_after=1)
            sandbox.reset()
        assert getattr(info.value, "retry_after", None) == self.retry_after_past_cap
        assert "exceeds the cap" in " ".join(getattr(info.value, "__notes__", ()))

    async def test_pagination_returns_every_item(self, client: Any, sandbox: Any) -> None:
        items = await self.call_paged(client, sandbox)
        assert len(items) == self.expected_paged_count(sandbox)

    async def test_no_secret_in_any_log_line(self, client: Any, sandbox: Any) -> None:
        with capture_logs("debug") as logs:
            await self.call(client, sandbox)
            sandbox.inject("503", "401")
            await self.call(client, sandbox)
        assert logs.lines, "nothing was logged: the test would prove nothing"
        for secret in self.secrets(client, sandbox):
            assert secret, "an empty secret cannot be looked for"
            assert secret not in logs.text

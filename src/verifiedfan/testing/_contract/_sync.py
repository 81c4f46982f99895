# Generated from src/verifiedfan/testing/_contract/_async.py by scripts/unasync.py: do not edit.
# Change the async source, then run `python scripts/unasync.py`.
"""The API-client contract as a test class (async source of the generated ``_sync.py``).

See :mod:`verifiedfan.testing.contract` for how to use it.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, ClassVar

import pytest

from verifiedfan.errors import ForbiddenError, NotFoundError, RateLimitedError, UnauthorizedError, VFError
from verifiedfan.log import capture_logs

__all__ = ["SyncApiContract"]


class SyncApiContract:
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

    def call(self, client: Any, sandbox: Any) -> Any:
        """One authenticated call returning :attr:`model` (the first API request it makes is the
        one the injected outcomes hit)."""
        raise NotImplementedError

    def call_paged(self, client: Any, sandbox: Any) -> Sequence[Any]:
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

    def test_a_call_returns_the_typed_model(self, client: Any, sandbox: Any) -> None:
        result = self.call(client, sandbox)
        assert isinstance(result, self.model), f"{type(result).__name__} is not a {self.model.__name__}"

    def test_401_reauthenticates_once_and_replays(self, client: Any, sandbox: Any) -> None:
        self.call(client, sandbox)  # credentials in place before counting
        before = self.reauth_count(client, sandbox)
        sandbox.inject("401")
        result = self.call(client, sandbox)
        assert isinstance(result, self.model)
        assert self.reauth_count(client, sandbox) == before + 1

    def test_a_second_401_raises_the_mapped_error(self, client: Any, sandbox: Any) -> None:
        self.call(client, sandbox)
        sandbox.inject("401", "401")
        with pytest.raises(self.unauthorized_error):
            self.call(client, sandbox)

    def test_403_raises_the_mapped_error(self, client: Any, sandbox: Any) -> None:
        sandbox.inject("403")
        with pytest.raises(self.forbidden_error) as info:
            self.call(client, sandbox)
        assert getattr(info.value, "status", None) == 403

    def test_404_raises_the_mapped_error(self, client: Any, sandbox: Any) -> None:
        sandbox.inject("404")
        with pytest.raises(self.not_found_error) as info:
            self.call(client, sandbox)
        assert getattr(info.value, "status", None) == 404

    def test_429_past_the_retry_after_cap_is_raised_at_once(self, client: Any, sandbox: Any) -> None:
        sandbox.set_faults(retry_after=self.retry_after_past_cap)
        sandbox.inject("429", "429", "429", "429", "429")
        try:
            with pytest.raises(self.rate_limited_error) as info:
                self.call(client, sandbox)
        finally:
            sandbox.set_faults(retry_after=1)
            sandbox.reset()
        assert getattr(info.value, "retry_after", None) == self.retry_after_past_cap
        assert "exceeds the cap" in " ".join(getattr(info.value, "__notes__", ()))

    def test_pagination_returns_every_item(self, client: Any, sandbox: Any) -> None:
        items = self.call_paged(client, sandbox)
        assert len(items) == self.expected_paged_count(sandbox)

    def test_no_secret_in_any_log_line(self, client: Any, sandbox: Any) -> None:
        with capture_logs("debug") as logs:
            self.call(client, sandbox)
            sandbox.inject("503", "401")
            self.call(client, sandbox)
        assert logs.lines, "nothing was logged: the test would prove nothing"
        for secret in self.secrets(client, sandbox):
            assert secret, "an empty secret cannot be looked for"
            assert secret not in logs.text

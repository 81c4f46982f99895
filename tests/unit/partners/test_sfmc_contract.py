"""The API-client contract (verifiedfan.testing.contract) for the SFMC client, on its sandbox."""

from __future__ import annotations

import itertools
from collections.abc import AsyncIterator, Sequence
from typing import Any

import pytest

from verifiedfan.http import RetryPolicy
from verifiedfan.partners import EmailRecipient, SendResult, Sfmc
from verifiedfan.testing.contract import ApiContract
from verifiedfan.testing.sandbox import SfmcSandbox, sandbox_fixture

sfmc_contract_sandbox = sandbox_fixture(SfmcSandbox)
RECIPIENTS = 2100  # more than one call of the multi-recipient send


async def _no_wait(seconds: float) -> None:
    return None


NO_WAIT = RetryPolicy(max_retries=3, retry_after_cap=30.0, sleep=_no_wait, jitter=lambda: 0.0)
_KEYS = itertools.count()


class TestSfmcContract(ApiContract):
    """SFMC has no paged read: the contract's "every item" check runs on the chunked multi-recipient
    send instead (one result per recipient across the calls)."""

    model = SendResult

    @pytest.fixture
    def sandbox(self, sfmc_contract_sandbox: SfmcSandbox) -> SfmcSandbox:
        return sfmc_contract_sandbox

    @pytest.fixture
    async def client(self, sandbox: SfmcSandbox) -> AsyncIterator[Sfmc]:
        async with Sfmc(
            client_id=sandbox.client_id,
            client_secret=sandbox.client_secret,
            auth_base_url=sandbox.url,
            account_id=sandbox.account_id,
            retry=NO_WAIT,
        ) as client:
            await client.rest_url()  # the token first: injected outcomes hit the send
            yield client

    async def call(self, client: Sfmc, sandbox: SfmcSandbox) -> Any:
        key = f"contract-{next(_KEYS)}"
        return await client.send_transactional_email(
            "presale", "fan@example.com", "fan-1", {"FirstName": "Ada"}, message_key=key
        )

    async def call_paged(self, client: Sfmc, sandbox: SfmcSandbox) -> Sequence[Any]:
        fans = [EmailRecipient(f"fan{i}@example.com", f"fan-{i}") for i in range(RECIPIENTS)]
        results = await client.send_transactional_emails("presale", fans, campaign=f"paged-{next(_KEYS)}")
        assert len(sandbox.outbox()) == RECIPIENTS
        return results

    def expected_paged_count(self, sandbox: SfmcSandbox) -> int:
        return RECIPIENTS

    def reauth_count(self, client: Sfmc, sandbox: SfmcSandbox) -> int:
        return client.token.fetch_count

    def secrets(self, client: Sfmc, sandbox: SfmcSandbox) -> Sequence[str]:
        assert client.token.answer is not None
        return [sandbox.client_secret, client.token.answer.value]

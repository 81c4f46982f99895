"""Shared fixtures of the AWS integration tests (against the stack's moto server)."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from verifiedfan.aws import AwsClients, AwsSettings


@pytest.fixture
async def aws_clients(vf_aws_settings: AwsSettings) -> AsyncIterator[AwsClients]:
    async with AwsClients(vf_aws_settings) as clients:
        yield clients

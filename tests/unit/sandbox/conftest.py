from __future__ import annotations

from tests.unit.sandbox._pets import PetsSandbox
from verifiedfan.testing.sandbox import AppleMusicSandbox, SpotifySandbox, sandbox_fixture

pets_sandbox = sandbox_fixture(PetsSandbox)
fresh_pets_sandbox = sandbox_fixture(PetsSandbox, scope="function")
spotify_sandbox = sandbox_fixture(SpotifySandbox)
apple_sandbox = sandbox_fixture(AppleMusicSandbox)

from __future__ import annotations

from tests.unit.sandbox._pets import PetsSandbox
from verifiedfan.testing.sandbox import sandbox_fixture

pets_sandbox = sandbox_fixture(PetsSandbox)
fresh_pets_sandbox = sandbox_fixture(PetsSandbox, scope="function")

from __future__ import annotations

import inspect
from collections.abc import Mapping
from typing import Any

import pytest

from verifiedfan.errors import ConfigurationError, PermissionDeniedError
from verifiedfan.jwt import (
    has_required_actions,
    missing_actions,
    permission_dependency,
    require_permissions,
    requires_permissions,
)

EDITOR = {"userId": "u1", "permissions": ["INVITE", "EDIT"]}


@pytest.mark.parametrize(
    ("claims", "required", "expected"),
    [
        (EDITOR, ["EDIT"], True),
        (EDITOR, ["INVITE", "EDIT"], True),
        (EDITOR, ["EDIT", "PUBLISH"], False),
        (EDITOR, "EDIT", True),  # a single string is one action, not its letters
        (EDITOR, "PUBLISH", False),
        ({"permissions": ["E", "D", "I", "T"]}, "EDIT", False),
        (EDITOR, [], True),
        ({}, [], True),
        ({}, ["EDIT"], False),
        (None, ["EDIT"], False),
        ({"permissions": "EDIT"}, ["EDIT"], False),  # malformed: a string, not a list
        ({"permissions": None}, ["EDIT"], False),
        ({"permissions": ["EDIT", 1, None]}, ["EDIT"], True),
        ({"permissions": [["EDIT"]]}, ["EDIT"], False),
        ({"permissions": ("EDIT",)}, ["EDIT"], True),
        ("not a mapping", ["EDIT"], False),
    ],
)
def test_has_required_actions(claims: Any, required: Any, expected: bool) -> None:
    assert has_required_actions(claims, required) is expected


def test_custom_claim_name() -> None:
    assert has_required_actions({"scopes": ["read"]}, ["read"], claim="scopes")
    assert not has_required_actions({"scopes": ["read"]}, ["read"])


def test_missing_actions_in_required_order() -> None:
    assert missing_actions(EDITOR, ["PUBLISH", "EDIT", "DELETE"]) == ["PUBLISH", "DELETE"]


def test_require_permissions_names_missing_actions() -> None:
    require_permissions(EDITOR, ["EDIT"])
    with pytest.raises(PermissionDeniedError, match="PUBLISH, DELETE") as info:
        require_permissions(EDITOR, ["EDIT", "PUBLISH", "DELETE"])
    assert info.value.status == 403


def test_decorator_on_sync_function() -> None:
    @requires_permissions("EDIT")
    def edit(campaign: str, *, claims: Mapping[str, Any]) -> str:
        return f"edited {campaign}"

    assert edit("c1", claims=EDITOR) == "edited c1"
    with pytest.raises(PermissionDeniedError, match="EDIT"):
        edit("c1", claims={"permissions": []})
    assert edit.__name__ == "edit"


async def test_decorator_on_async_function() -> None:
    calls: list[str] = []

    @requires_permissions("PUBLISH")
    async def publish(campaign: str, *, claims: Mapping[str, Any]) -> str:
        calls.append(campaign)
        return "ok"

    assert inspect.iscoroutinefunction(publish)
    assert await publish("c1", claims={"permissions": ["PUBLISH"]}) == "ok"
    with pytest.raises(PermissionDeniedError, match=r"missing permission\(s\): PUBLISH$"):
        await publish("c2", claims=EDITOR)
    assert calls == ["c1"]  # the refused call never ran


def test_decorator_with_claims_getter() -> None:
    class Request:
        def __init__(self, claims: Mapping[str, Any]) -> None:
            self.claims = claims

    @requires_permissions("INVITE", claims_getter=lambda request, *a, **k: request.claims)
    def invite(request: Request) -> bool:
        return True

    assert invite(Request(EDITOR))
    with pytest.raises(PermissionDeniedError, match=r"missing permission\(s\): INVITE$"):
        invite(Request({}))


def test_decorator_without_claims_denies() -> None:
    @requires_permissions("EDIT")
    def edit() -> None:
        raise AssertionError("must not run")

    with pytest.raises(PermissionDeniedError, match=r"missing permission\(s\): EDIT$"):
        edit()


def test_decorator_needs_actions() -> None:
    with pytest.raises(ConfigurationError, match="needs at least one action"):
        requires_permissions()


def test_dependency_signature_and_behaviour() -> None:
    marker = object()  # stands for a framework marker such as fastapi.Depends(current_claims)
    dependency = permission_dependency("EDIT", claims=marker)
    parameter = inspect.signature(dependency).parameters["claims"]
    assert parameter.default is marker
    assert dependency(EDITOR) is EDITOR
    with pytest.raises(PermissionDeniedError, match=r"missing permission\(s\): EDIT$"):
        dependency({"permissions": ["INVITE"]})


# -- PermissionAction: the original's action enums, accepted wherever an action string is ----------


def test_permission_actions_are_the_documented_strings() -> None:
    from verifiedfan.jwt import PermissionAction

    assert [a.value for a in PermissionAction] == ["INVITE", "EDIT", "PUBLISH"]
    assert PermissionAction.EDIT == "EDIT"
    assert str(PermissionAction.PUBLISH) == "PUBLISH"
    assert f"{PermissionAction.INVITE}" == "INVITE"


def test_permission_actions_work_in_every_check() -> None:
    from verifiedfan.jwt import PermissionAction as A

    assert has_required_actions(EDITOR, A.EDIT)  # one member is one action, not its letters
    assert has_required_actions(EDITOR, [A.INVITE, "EDIT"])
    assert missing_actions(EDITOR, [A.EDIT, A.PUBLISH]) == ["PUBLISH"]
    with pytest.raises(PermissionDeniedError, match=r"missing permission\(s\): PUBLISH$"):
        require_permissions(EDITOR, [A.PUBLISH])

    @requires_permissions(A.EDIT)
    def edit(*, claims: Mapping[str, Any]) -> str:
        return "edited"

    assert edit(claims=EDITOR) == "edited"
    with pytest.raises(PermissionDeniedError, match="PUBLISH"):
        requires_permissions(A.PUBLISH)(lambda *, claims: None)(claims=EDITOR)
    dependency = permission_dependency(A.INVITE, A.EDIT)
    assert dependency.__name__ == "requires_INVITE_EDIT"
    assert dependency(EDITOR) is EDITOR


def test_permission_actions_in_a_signed_token_read_back_as_plain_strings(rsa_keys: Any) -> None:
    from verifiedfan.jwt import PermissionAction as A
    from verifiedfan.jwt import Signer, Verifier

    token = Signer(private_key=rsa_keys.private).make_token({"permissions": [A.INVITE, A.PUBLISH]})
    claims = Verifier(public_keys=rsa_keys.public).read_token(token)
    assert claims["permissions"] == ["INVITE", "PUBLISH"]
    assert all(type(p) is str for p in claims["permissions"])
    assert has_required_actions(claims, [A.PUBLISH, A.INVITE])
    assert not has_required_actions(claims, A.EDIT)

"""The public surface of verifiedfan.normalizers does not drift."""

from __future__ import annotations

import inspect
import subprocess
import sys

from verifiedfan import normalizers
from verifiedfan.normalizers import _contact, _names, _phone, _text, _user_agent


def test_every_exported_name_exists_and_is_documented() -> None:
    for name in normalizers.__all__:
        obj = getattr(normalizers, name)
        if inspect.isfunction(obj) or inspect.isclass(obj):
            assert inspect.getdoc(obj), name


def test_every_public_name_of_the_private_modules_is_exported() -> None:
    public = {n for m in (_contact, _names, _phone, _text, _user_agent) for n in m.__all__} - {"as_text"}
    assert public == set(normalizers.__all__)


def test_all_has_no_duplicates() -> None:
    assert len(set(normalizers.__all__)) == len(normalizers.__all__)


def test_import_loads_no_optional_library() -> None:
    code = "import sys, verifiedfan.normalizers; print(','.join(sorted(sys.modules)))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert not {"phonenumbers", "email_validator", "ua_parser"} & set(out.strip().split(","))

"""The public surface of verifiedfan.utils does not drift."""

from __future__ import annotations

import inspect

from verifiedfan import utils
from verifiedfan.utils import _aio, _cache, _data, _date, _ids, _locale, _streams


def test_every_exported_name_exists_and_functions_are_documented() -> None:
    for name in utils.__all__:
        obj = getattr(utils, name)
        if inspect.isfunction(obj) or inspect.isclass(obj):
            assert inspect.getdoc(obj), name


def test_every_public_name_of_the_private_modules_is_exported() -> None:
    public = {n for m in (_aio, _cache, _data, _date, _ids, _locale, _streams) for n in m.__all__}
    assert public == set(utils.__all__)

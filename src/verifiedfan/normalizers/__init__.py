"""Normalizers for user input (``@verifiedfan/normalizers``): total functions that never raise.

Every function accepts any object (``None``, numbers, bytes, dicts, huge or malformed strings) and
returns the normalized value, or ``None`` when the input is invalid; predicates return ``False``.

>>> from verifiedfan import normalizers as n
>>> n.email(' User@Example.COM ')
'user@example.com'
>>> n.phone('+33 6 12 34 56 78')
'+33612345678'
>>> n.name_obj(' JOHN ', "O'Connor").full
"John O'Connor"

Phone, email and user-agent parsing need the ``normalizers`` extra
(``pip install "verifiedfan[normalizers]"``), imported on first call.
"""

from verifiedfan.normalizers._contact import email, zip
from verifiedfan.normalizers._names import (
    MAX_NAME_LENGTH,
    NAME_PARTICLES,
    LowercaseNameParts,
    NameParts,
    name,
    name_obj,
    name_part,
    name_safe,
    split_name_parts,
)
from verifiedfan.normalizers._phone import MIN_PHONE_DIGITS, phone
from verifiedfan.normalizers._text import (
    boolean,
    is_falsey,
    is_url_safe,
    lower_case,
    single_spaces,
    title_case,
    trim_str,
    upper_case,
    url_safe,
)
from verifiedfan.normalizers._user_agent import (
    MAX_USER_AGENT_LENGTH,
    DeviceClass,
    UserAgentInfo,
    user_agent,
)

__all__ = [
    "MAX_NAME_LENGTH",
    "MAX_USER_AGENT_LENGTH",
    "MIN_PHONE_DIGITS",
    "NAME_PARTICLES",
    "DeviceClass",
    "LowercaseNameParts",
    "NameParts",
    "UserAgentInfo",
    "boolean",
    "email",
    "is_falsey",
    "is_url_safe",
    "lower_case",
    "name",
    "name_obj",
    "name_part",
    "name_safe",
    "phone",
    "single_spaces",
    "split_name_parts",
    "title_case",
    "trim_str",
    "upper_case",
    "url_safe",
    "user_agent",
    "zip",
]

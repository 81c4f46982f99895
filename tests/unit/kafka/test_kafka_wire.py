from __future__ import annotations

import pytest

from verifiedfan.kafka import MessageDecodeError, pack_wire, unpack_wire


def test_wire_format_is_magic_byte_then_big_endian_schema_id() -> None:
    assert pack_wire(258, b"body") == b"\x00\x00\x00\x01\x02body"


def test_unpack_returns_schema_id_and_body() -> None:
    schema_id, body = unpack_wire(b"\x00\x00\x00\x01\x02body")
    assert (schema_id, bytes(body)) == (258, b"body")


def test_unpack_refuses_a_wrong_magic_byte() -> None:
    with pytest.raises(MessageDecodeError, match="magic byte 1"):
        unpack_wire(b"\x01\x00\x00\x00\x01x")


def test_unpack_refuses_short_data() -> None:
    with pytest.raises(MessageDecodeError, match="shorter than 5 bytes"):
        unpack_wire(b"\x00\x00")

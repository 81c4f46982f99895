from __future__ import annotations

import pytest

from verifiedfan.kafka import java_partition, murmur2


@pytest.mark.parametrize(
    ("data", "expected"),
    [  # the vectors of Kafka's own UtilsTest.testMurmur2
        (b"21", -973932308),
        (b"foobar", -790332482),
        (b"a-little-bit-long-string", -985981536),
        (b"a-little-bit-longer-string", -1486304829),
        (b"lkjh234lh9fiuh90y23oiuhsafujhadof229phr9h19h89h8", -58897971),
        (b"abc", 479470107),
    ],
)
def test_murmur2_matches_the_java_client(data: bytes, expected: int) -> None:
    assert murmur2(data) == expected


def test_partition_is_the_positive_hash_modulo_the_partition_count() -> None:
    assert java_partition(b"21", 7) == (-973932308 & 0x7FFFFFFF) % 7


def test_partition_is_stable_and_in_range() -> None:
    assert all(0 <= java_partition(f"user-{i}".encode(), 6) < 6 for i in range(100))
    assert java_partition(b"user-1", 6) == java_partition(b"user-1", 6)

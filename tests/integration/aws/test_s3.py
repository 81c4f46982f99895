"""S3 against the stack's moto server: every method, typed errors before I/O, multipart streaming."""

from __future__ import annotations

import base64
import hashlib
import os
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from verifiedfan.aws import (
    S3,
    AwsClients,
    AwsNotFoundError,
    AwsThrottledError,
    AwsValidationError,
    DeleteFailure,
)
from verifiedfan.testing.aws import FaultyClient

PNG = bytes.fromhex("89504e470d0a1a0a0000000d4948445200000001000000010806000000") + b"\x00" * 16
MiB = 1024 * 1024


@pytest.fixture
async def s3(aws_clients: AwsClients, vf_s3_bucket: str) -> S3:
    return S3(vf_s3_bucket, clients=aws_clients)


async def test_upload_data_and_read_back(s3: S3) -> None:
    result = await s3.upload_data("a/b.txt", "héllo", content_type="text/plain", metadata={"run": "1"})
    assert result.key == "a/b.txt"
    assert result.etag == '"' + hashlib.md5("héllo".encode()).hexdigest() + '"'  # noqa: S324 - S3's ETag
    assert result.url.endswith(f"/{s3.bucket}/a/b.txt")
    assert await s3.get_object("a/b.txt") == "héllo"
    assert await s3.get_object_bytes("a/b.txt") == "héllo".encode()
    info = await s3.head_object("a/b.txt")
    assert info is not None
    assert (info.size, info.content_type, dict(info.metadata)) == (6, "text/plain", {"run": "1"})


async def test_missing_objects(s3: S3) -> None:
    assert await s3.head_object("nope") is None
    with pytest.raises(AwsNotFoundError, match="NoSuchKey") as info:
        await s3.get_object("nope")
    assert info.value.__cause__ is not None
    assert info.value.status == 404


@pytest.mark.parametrize("key", ["", "k" * 1025, None])
async def test_bad_keys_are_refused_before_io(aws_clients: AwsClients, key: Any) -> None:
    raw = await aws_clients.s3()
    faulty = FaultyClient(raw)
    s3 = S3("some-bucket", clients=AwsClients(clients={"s3": faulty}))
    with pytest.raises(AwsValidationError, match="S3 key"):
        await s3.upload_data(key, b"x")
    with pytest.raises(AwsValidationError, match="S3 key"):
        await s3.get_object(key)
    with pytest.raises(AwsValidationError, match="S3 key"):
        await s3.delete_objects(["ok", key])
    assert faulty.calls == []


async def test_upload_file_guesses_the_type(s3: S3, tmp_path: Path) -> None:
    path = tmp_path / "report.csv"
    path.write_text("a,b\n1,2\n")
    await s3.upload_file("r.csv", path)
    info = await s3.head_object("r.csv")
    assert info is not None
    assert info.content_type == "text/csv"
    assert await s3.get_object("r.csv") == "a,b\n1,2\n"
    with pytest.raises(AwsValidationError, match="not a file"):
        await s3.upload_file("x", tmp_path / "missing")


async def test_base64_image(s3: S3) -> None:
    uri = "data:image/png;base64," + base64.b64encode(PNG).decode()
    await s3.upload_base64_image("img.png", uri)
    info = await s3.head_object("img.png")
    assert info is not None
    assert info.content_type == "image/png"
    assert await s3.get_object_bytes("img.png") == PNG
    with pytest.raises(AwsValidationError, match="does not match"):
        await s3.upload_base64_image("x.png", uri, content_type="image/jpeg")
    with pytest.raises(AwsValidationError, match="declares image/jpeg but holds image/png"):
        await s3.upload_base64_image("x.jpg", uri.replace("image/png", "image/jpeg"))
    with pytest.raises(AwsValidationError, match="base64 is invalid"):
        await s3.upload_base64_image("x.png", "data:image/png;base64,@@@")
    with pytest.raises(AwsValidationError, match="not an image"):
        await s3.upload_base64_image("x.txt", "data:text/plain;base64,aGk=")
    assert await s3.head_object("x.png") is None


async def test_copy_list_and_delete(s3: S3) -> None:
    for i in range(5):
        await s3.upload_data(f"p/{i}", str(i))
    copied = await s3.copy_object("p/0", "q/0")
    assert copied.key == "q/0"
    assert await s3.get_object("q/0") == "0"
    page = await s3.list_objects("p/", max_keys=2)
    assert [o.key for o in page.objects] == ["p/0", "p/1"]
    assert page.next_token is not None
    second = await s3.list_objects("p/", continuation_token=page.next_token, max_keys=2)
    assert [o.key for o in second.objects] == ["p/2", "p/3"]
    assert [o.key async for o in s3.aiter_objects("p/", page_size=2)] == [f"p/{i}" for i in range(5)]
    result = await s3.delete_objects([f"p/{i}" for i in range(5)])
    assert result.deleted == tuple(f"p/{i}" for i in range(5))
    assert result.failed == ()
    assert [o.key async for o in s3.aiter_objects("p/")] == []


async def test_delete_objects_chunks_at_1000_and_types_failures(
    aws_clients: AwsClients, vf_s3_bucket: str
) -> None:
    faulty = FaultyClient(await aws_clients.s3())

    def refuse_first(kwargs: dict[str, Any], answer: dict[str, Any]) -> dict[str, Any]:
        key = kwargs["Delete"]["Objects"][0]["Key"]
        return {**answer, "Errors": [{"Key": key, "Code": "AccessDenied", "Message": "Access Denied"}]}

    faulty.rewrite("delete_objects", refuse_first)
    s3 = S3(vf_s3_bucket, clients=AwsClients(clients={"s3": faulty}))
    keys = [f"k{i:04d}" for i in range(2500)]
    result = await s3.delete_objects(keys)
    sizes = [len(kwargs["Delete"]["Objects"]) for op, kwargs in faulty.calls if op == "delete_objects"]
    assert sizes == [1000, 1000, 500]
    assert result.failed == (DeleteFailure("k0000", "AccessDenied", "Access Denied"),)
    assert len(result.deleted) == 2499


async def test_signed_urls_get_and_put_over_plain_http(s3: S3) -> None:
    put_url = await s3.generate_signed_url(
        "up.bin", method="PUT", expires_in=600, content_type="application/x-vf"
    )
    async with httpx.AsyncClient() as http:
        answer = await http.put(
            put_url, content=b"\x00\x01payload", headers={"Content-Type": "application/x-vf"}
        )
        assert answer.status_code == 200
        get_url = await s3.generate_signed_url("up.bin", expires_in=60)
        assert "X-Amz-Expires=60" in get_url
        assert "X-Amz-Signature=" in get_url
        got = await http.get(get_url)
    assert got.content == b"\x00\x01payload"


@pytest.mark.parametrize("expires_in", [0, -1, 7 * 24 * 3600 + 1, 1.5, True])
async def test_signed_url_expiry_is_validated(s3: S3, expires_in: Any) -> None:
    with pytest.raises(AwsValidationError, match="expires_in"):
        await s3.generate_signed_url("k", expires_in=expires_in)


async def test_streamed_multipart_upload_and_streamed_read(s3: S3) -> None:
    s3_small = S3(s3.bucket, clients=s3._clients, part_size=5 * MiB)
    digest = hashlib.sha256()

    async def chunks() -> AsyncIterator[bytes]:
        for _ in range(12):  # 12 MiB in 1 MiB chunks: 3 parts (5, 5, 2)
            chunk = os.urandom(MiB)
            digest.update(chunk)
            yield chunk

    result = await s3_small.upload_from_stream("big.bin", chunks(), content_type="application/octet-stream")
    assert result.etag.endswith('-3"')  # a multipart ETag names its part count
    read = hashlib.sha256()
    sizes = []
    async for chunk in s3.aiter_object("big.bin", chunk_size=MiB):
        read.update(chunk)
        sizes.append(len(chunk))
    assert read.hexdigest() == digest.hexdigest()
    assert sum(sizes) == 12 * MiB
    assert max(sizes) <= MiB


async def test_small_stream_is_one_put(aws_clients: AwsClients, vf_s3_bucket: str) -> None:
    faulty = FaultyClient(await aws_clients.s3())
    s3 = S3(vf_s3_bucket, clients=AwsClients(clients={"s3": faulty}))

    async def chunks() -> AsyncIterator[bytes]:
        yield b"a,b\n"
        yield b"1,2\n"

    await s3.upload_from_stream("s.csv", chunks())
    assert [op for op, _ in faulty.calls] == ["put_object"]
    assert await s3.get_object("s.csv") == "a,b\n1,2\n"


async def test_failed_multipart_is_aborted(aws_clients: AwsClients, vf_s3_bucket: str) -> None:
    faulty = FaultyClient(await aws_clients.s3())
    faulty.fail("upload_part", "SlowDown", times=1, status=503)
    s3 = S3(vf_s3_bucket, clients=AwsClients(clients={"s3": faulty}), part_size=5 * MiB)

    async def chunks() -> AsyncIterator[bytes]:
        for _ in range(6):
            yield b"x" * MiB

    with pytest.raises(AwsThrottledError, match="SlowDown"):
        await s3.upload_from_stream("f.bin", chunks())
    assert [op for op, _ in faulty.calls] == [
        "create_multipart_upload",
        "upload_part",
        "abort_multipart_upload",
    ]
    raw = await aws_clients.s3()
    assert (await raw.list_multipart_uploads(Bucket=vf_s3_bucket)).get("Uploads", []) == []
    assert await s3.head_object("f.bin") is None

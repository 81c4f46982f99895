"""What S3 and SyncS3 share: the typed results, input checks done before any I/O, answer parsing."""

from __future__ import annotations

import base64
import binascii
import contextlib
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, Literal
from urllib.parse import quote

from verifiedfan.aws._errors import AwsError, AwsValidationError, translate
from verifiedfan.aws._limits import S3_MAX_PARTS, S3_MIN_PART_SIZE, S3_PRESIGN_MAX_SECONDS
from verifiedfan.errors import ResponseFormatError, VFError

__all__ = [
    "DeleteFailure",
    "DeleteResult",
    "ObjectInfo",
    "ObjectPage",
    "ObjectSummary",
    "UploadResult",
]

_MAX_KEY_BYTES = 1024
_DATA_URI = re.compile(r"^data:(?P<type>[\w.+-]+/[\w.+-]+);base64,(?P<data>.*)$", re.DOTALL)
#: magic bytes -> content type, to catch a data URI whose declared type is not what it holds
_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"GIF87a", "image/gif"),
    (b"GIF89a", "image/gif"),
)
SignedMethod = Literal["GET", "PUT"]


@dataclass(frozen=True, slots=True)
class UploadResult:
    """Where an upload went: ``url`` is built from the client's endpoint and region (path-style on
    a custom endpoint, virtual-hosted on AWS)."""

    bucket: str
    key: str
    etag: str
    url: str
    version_id: str | None = None


@dataclass(frozen=True, slots=True)
class ObjectInfo:
    """``head_object``: an object's metadata."""

    key: str
    size: int
    etag: str
    content_type: str | None
    last_modified: datetime | None
    cache_control: str | None = None
    metadata: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class ObjectSummary:
    """One entry of ``list_objects``."""

    key: str
    size: int
    etag: str
    last_modified: datetime | None


@dataclass(frozen=True, slots=True)
class ObjectPage:
    """One page of ``list_objects``; pass ``next_token`` back as ``continuation_token``."""

    objects: tuple[ObjectSummary, ...]
    next_token: str | None


@dataclass(frozen=True, slots=True)
class DeleteFailure:
    """A key S3 did not delete, with the service's error code and message."""

    key: str
    code: str
    message: str


@dataclass(frozen=True, slots=True)
class DeleteResult:
    """``delete_objects``: the keys deleted and, typed, those S3 refused."""

    deleted: tuple[str, ...]
    failed: tuple[DeleteFailure, ...]


def check_key(key: object, what: str = "key") -> str:
    """An S3 key: a non-empty string of at most 1,024 UTF-8 bytes."""
    if not isinstance(key, str) or not key:
        raise AwsValidationError(f"S3 {what} must be a non-empty string, got {key!r}")
    if len(key.encode("utf-8")) > _MAX_KEY_BYTES:
        raise AwsValidationError(f"S3 {what} is longer than {_MAX_KEY_BYTES} bytes: {key[:40]!r}...")
    return key


def check_bucket(bucket: object) -> str:
    if not isinstance(bucket, str) or not 3 <= len(bucket) <= 63:
        raise AwsValidationError(f"S3 bucket name must be 3-63 characters, got {bucket!r}")
    return bucket


def check_file(path: str | Path) -> Path:
    """A local file to upload (a stat, before any network I/O)."""
    file_path = Path(path)
    if not file_path.is_file():
        raise AwsValidationError(f"not a file: {file_path}")
    return file_path


def check_expiry(expires_in: object) -> int:
    """A presigned URL's lifetime: whole seconds, 1 to 7 days (SigV4's maximum)."""
    if isinstance(expires_in, bool) or not isinstance(expires_in, int):
        raise AwsValidationError(f"expires_in must be whole seconds, got {expires_in!r}")
    if not 1 <= expires_in <= S3_PRESIGN_MAX_SECONDS:
        raise AwsValidationError(
            f"expires_in must be between 1 and {S3_PRESIGN_MAX_SECONDS} seconds (7 days), got {expires_in}"
        )
    return expires_in


def check_part_size(part_size: int) -> int:
    if part_size < S3_MIN_PART_SIZE:
        raise AwsValidationError(f"part_size must be at least {S3_MIN_PART_SIZE} bytes (S3's minimum)")
    return part_size


def check_part_count(number: int) -> None:
    if number > S3_MAX_PARTS:
        raise AwsValidationError(f"the stream needs more than {S3_MAX_PARTS} parts: raise part_size")


def take(buffer: bytearray, size: int) -> bytes:
    """The first ``size`` bytes of ``buffer``, removed from it, copied once (a slice would copy twice)."""
    with memoryview(buffer) as view:
        part = bytes(view[:size])
    del buffer[:size]
    return part


def as_bytes(data: object) -> bytes:
    if isinstance(data, str):
        return data.encode("utf-8")
    if isinstance(data, bytes | bytearray | memoryview):
        return bytes(data)
    raise AwsValidationError(f"data must be bytes or str, got {type(data).__name__}")


def decode_data_uri(data_uri: object, content_type: str | None) -> tuple[bytes, str]:
    """The bytes and content type of a ``data:image/...;base64,...`` URI.

    Refused: not a base64 data URI, not an image, invalid base64, a ``content_type`` that differs
    from the URI's, or bytes whose signature says another image type than the URI declares.
    """
    if not isinstance(data_uri, str):
        raise AwsValidationError("the image must be a data URI string")
    match = _DATA_URI.match(data_uri.strip())
    if match is None:
        raise AwsValidationError("the image is not a base64 data URI (data:<type>;base64,<data>)")
    declared = match.group("type").lower()
    if not declared.startswith("image/"):
        raise AwsValidationError(f"the data URI holds {declared}, not an image")
    if content_type is not None and content_type.lower() != declared:
        raise AwsValidationError(f"content type {content_type!r} does not match the data URI's {declared!r}")
    try:
        raw = base64.b64decode(match.group("data"), validate=True)
    except (binascii.Error, ValueError) as exc:
        raise AwsValidationError("the data URI's base64 is invalid") from exc
    if not raw:
        raise AwsValidationError("the data URI holds no data")
    sniffed = next((kind for magic, kind in _MAGIC if raw.startswith(magic)), None)
    if raw[:4] == b"RIFF" and raw[8:12] == b"WEBP":
        sniffed = "image/webp"
    if sniffed is not None and sniffed != declared:
        raise AwsValidationError(f"the data URI declares {declared} but holds {sniffed}")
    return raw, declared


def object_url(client: Any, bucket: str, key: str) -> str:
    """The URL of an object, from the client's own endpoint and region."""
    endpoint = str(client.meta.endpoint_url).rstrip("/")
    quoted = quote(key, safe="/~")
    if endpoint.endswith(".amazonaws.com") and "." not in bucket:
        region = client.meta.region_name or "us-east-1"
        return f"https://{bucket}.s3.{region}.amazonaws.com/{quoted}"
    return f"{endpoint}/{bucket}/{quoted}"


def upload_args(
    *,
    content_type: str | None,
    cache_control: str | None,
    acl: str | None,
    metadata: Mapping[str, str] | None,
) -> dict[str, Any]:
    out: dict[str, Any] = {}
    if content_type:
        out["ContentType"] = content_type
    if cache_control:
        out["CacheControl"] = cache_control
    if acl:
        out["ACL"] = acl
    if metadata:
        out["Metadata"] = {str(k): str(v) for k, v in metadata.items()}
    return out


def object_info(key: str, answer: Mapping[str, Any]) -> ObjectInfo:
    try:
        return ObjectInfo(
            key=key,
            size=int(answer.get("ContentLength", 0)),
            etag=str(answer.get("ETag", "")),
            content_type=answer.get("ContentType"),
            last_modified=answer.get("LastModified"),
            cache_control=answer.get("CacheControl"),
            metadata=dict(answer.get("Metadata") or {}),
        )
    except (TypeError, ValueError) as exc:
        raise ResponseFormatError(f"S3 HeadObject answered an unexpected shape for {key!r}") from exc


def object_page(answer: Mapping[str, Any]) -> ObjectPage:
    objects = tuple(
        ObjectSummary(
            key=str(item["Key"]),
            size=int(item.get("Size", 0)),
            etag=str(item.get("ETag", "")),
            last_modified=item.get("LastModified"),
        )
        for item in answer.get("Contents", [])
    )
    token = answer.get("NextContinuationToken") if answer.get("IsTruncated") else None
    return ObjectPage(objects=objects, next_token=token)


@contextlib.contextmanager
def translating(service: str, operation: str) -> Iterator[None]:
    """Translate what escapes the block into the :class:`AwsError` tree, chained."""
    try:
        yield
    except VFError:
        raise
    except Exception as exc:
        raise translate(exc, service=service, operation=operation) from exc


def is_not_found(exc: AwsError) -> bool:
    return exc.status == 404 or exc.code in {"404", "NoSuchKey", "NotFound"}

# Generated from src/verifiedfan/aws/_async/s3.py by scripts/unasync.py: do not edit.
# Change the async source, then run `python scripts/unasync.py`.
"""``S3``: one bucket's objects (successor of ``@verifiedfan/aws`` S3)."""

from __future__ import annotations

import logging
import mimetypes
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from verifiedfan.aws._errors import AwsError, AwsValidationError
from verifiedfan.aws._limits import S3_DELETE
from verifiedfan.aws._s3_core import (
    DeleteFailure,
    DeleteResult,
    ObjectInfo,
    ObjectPage,
    ObjectSummary,
    SignedMethod,
    UploadResult,
    as_bytes,
    check_bucket,
    check_expiry,
    check_file,
    check_key,
    check_part_count,
    check_part_size,
    decode_data_uri,
    is_not_found,
    object_info,
    object_page,
    object_url,
    take,
    translating,
    upload_args,
)
from verifiedfan.aws._sync.clients import SyncAwsClients, SyncAwsService

if TYPE_CHECKING:
    from verifiedfan.aws._settings import AwsSettings

__all__ = ["SyncS3"]

logger = logging.getLogger(__name__)

DEFAULT_PART_SIZE = 8 * 1024 * 1024


class SyncS3(SyncAwsService):
    """The objects of one bucket, on aiobotocore.

    Keys are checked before any I/O (non-empty, at most 1,024 bytes): a bad one raises
    :class:`AwsValidationError`. A missing object raises :class:`AwsNotFoundError`, except in
    :meth:`head_object`, which returns ``None``. ``upload_from_stream`` holds at most about two parts
    in memory (``part_size``, 8 MiB by default, S3's minimum is 5 MiB).
    """

    def __init__(
        self,
        bucket: str,
        *,
        clients: SyncAwsClients | None = None,
        settings: AwsSettings | None = None,
        part_size: int = DEFAULT_PART_SIZE,
    ) -> None:
        self.bucket = check_bucket(bucket)
        super().__init__(clients=clients, settings=settings)
        self._part_size = check_part_size(part_size)

    @classmethod
    def from_settings(cls, bucket: str, settings: AwsSettings, **kwargs: Any) -> SyncS3:
        """An ``S3`` with its own clients built from ``settings``."""
        return cls(bucket, settings=settings, **kwargs)

    def _s3(self) -> Any:
        return self._clients.s3()

    def _upload(self, key: str, body: bytes, extra: Mapping[str, Any]) -> UploadResult:
        s3 = self._s3()
        with translating("s3", "PutObject"):
            answer = s3.put_object(Bucket=self.bucket, Key=key, Body=body, **extra)
        return UploadResult(
            bucket=self.bucket,
            key=key,
            etag=str(answer.get("ETag", "")),
            url=object_url(s3, self.bucket, key),
            version_id=answer.get("VersionId"),
        )

    def upload_data(
        self,
        key: str,
        data: bytes | str,
        *,
        content_type: str | None = None,
        cache_control: str | None = None,
        acl: str | None = None,
        metadata: Mapping[str, str] | None = None,
    ) -> UploadResult:
        """Write ``data`` (``str`` is encoded as UTF-8) at ``key`` in one ``PutObject``."""
        check_key(key)
        body = as_bytes(data)
        extra = upload_args(
            content_type=content_type, cache_control=cache_control, acl=acl, metadata=metadata
        )
        return self._upload(key, body, extra)

    def upload_base64_image(
        self,
        key: str,
        data_uri: str,
        *,
        content_type: str | None = None,
        cache_control: str | None = None,
        acl: str | None = None,
    ) -> UploadResult:
        """Write the image of a ``data:image/...;base64,...`` URI; its type becomes the content type.

        A ``content_type`` that differs from the URI's, or bytes that are another image type than the
        URI declares, raise :class:`AwsValidationError` before any I/O.
        """
        check_key(key)
        raw, kind = decode_data_uri(data_uri, content_type)
        extra = upload_args(content_type=kind, cache_control=cache_control, acl=acl, metadata=None)
        return self._upload(key, raw, extra)

    def upload_file(
        self,
        key: str,
        path: str | Path,
        *,
        content_type: str | None = None,
        cache_control: str | None = None,
        acl: str | None = None,
        metadata: Mapping[str, str] | None = None,
    ) -> UploadResult:
        """Write a local file, in parts when it is larger than ``part_size``; the content type is
        guessed from the file name when not given."""
        check_key(key)
        file_path = check_file(path)
        guessed = content_type or mimetypes.guess_type(file_path.name)[0]
        return self.upload_from_stream(
            key,
            self._file_chunks(file_path),
            content_type=guessed,
            cache_control=cache_control,
            acl=acl,
            metadata=metadata,
        )

    def _file_chunks(self, path: Path) -> Iterator[bytes]:
        with path.open("rb") as handle:
            while chunk := handle.read(self._part_size):
                yield chunk

    def upload_from_stream(
        self,
        key: str,
        stream: Iterable[bytes],
        *,
        content_type: str | None = None,
        cache_control: str | None = None,
        acl: str | None = None,
        metadata: Mapping[str, str] | None = None,
    ) -> UploadResult:
        """Write what ``stream`` yields: one ``PutObject`` when it fits in a part, else a multipart
        upload sending each part as soon as it is full (memory stays bounded by the part size).

        On any failure the multipart upload is aborted, so no parts are left behind.
        """
        check_key(key)
        extra = upload_args(
            content_type=content_type, cache_control=cache_control, acl=acl, metadata=metadata
        )
        size = self._part_size
        buffer = bytearray()
        upload_id: str | None = None
        parts: list[dict[str, Any]] = []
        s3 = self._s3()
        try:
            for chunk in stream:
                if not isinstance(chunk, bytes | bytearray | memoryview):
                    raise AwsValidationError(f"the stream yielded {type(chunk).__name__}, not bytes")
                buffer += chunk
                while len(buffer) >= size:
                    if upload_id is None:
                        with translating("s3", "CreateMultipartUpload"):
                            started = s3.create_multipart_upload(Bucket=self.bucket, Key=key, **extra)
                        upload_id = str(started["UploadId"])
                    # the part lives only during its upload: at most one part besides the buffer
                    parts.append(self._upload_part(s3, key, upload_id, len(parts) + 1, take(buffer, size)))
            if upload_id is None:
                return self._upload(key, bytes(buffer), extra)
            if buffer:
                parts.append(self._upload_part(s3, key, upload_id, len(parts) + 1, bytes(buffer)))
                buffer.clear()
            with translating("s3", "CompleteMultipartUpload"):
                done = s3.complete_multipart_upload(
                    Bucket=self.bucket, Key=key, UploadId=upload_id, MultipartUpload={"Parts": parts}
                )
        except BaseException:
            if upload_id is not None:
                self._abort(s3, key, upload_id)
            raise
        return UploadResult(
            bucket=self.bucket,
            key=key,
            etag=str(done.get("ETag", "")),
            url=object_url(s3, self.bucket, key),
            version_id=done.get("VersionId"),
        )

    def _upload_part(self, s3: Any, key: str, upload_id: str, number: int, body: bytes) -> dict[str, Any]:
        check_part_count(number)
        with translating("s3", "UploadPart"):
            answer = s3.upload_part(
                Bucket=self.bucket, Key=key, UploadId=upload_id, PartNumber=number, Body=body
            )
        return {"PartNumber": number, "ETag": answer["ETag"]}

    def _abort(self, s3: Any, key: str, upload_id: str) -> None:
        try:
            s3.abort_multipart_upload(Bucket=self.bucket, Key=key, UploadId=upload_id)
        except Exception:  # the original error matters more; the bucket's lifecycle rule is the backstop
            logger.warning("could not abort the multipart upload of %s/%s", self.bucket, key, exc_info=True)

    def get_object_bytes(self, key: str) -> bytes:
        """The object's bytes; :class:`AwsNotFoundError` when it does not exist."""
        check_key(key)
        s3 = self._s3()
        with translating("s3", "GetObject"):
            answer = s3.get_object(Bucket=self.bucket, Key=key)
            body = answer["Body"]
            try:
                data: bytes = body.read()
            finally:
                body.close()
        return data

    def get_object(self, key: str, *, encoding: str = "utf-8") -> str:
        """The object's text (decoded with ``encoding``)."""
        data = self.get_object_bytes(key)
        try:
            return data.decode(encoding)
        except UnicodeDecodeError as exc:
            raise AwsError(f"s3 object {key!r} is not {encoding} text", service="s3") from exc

    def iter_object(self, key: str, *, chunk_size: int = 64 * 1024) -> Iterator[bytes]:
        """The object's bytes in chunks of at most ``chunk_size``, read as they arrive."""
        check_key(key)
        if chunk_size < 1:
            raise AwsValidationError("chunk_size must be positive")
        s3 = self._s3()
        with translating("s3", "GetObject"):
            answer = s3.get_object(Bucket=self.bucket, Key=key)
        body = answer["Body"]
        try:
            while True:
                with translating("s3", "GetObject"):
                    chunk = body.read(chunk_size)
                if not chunk:
                    break
                yield chunk
        finally:
            body.close()

    def head_object(self, key: str) -> ObjectInfo | None:
        """The object's metadata, or ``None`` when it does not exist."""
        check_key(key)
        s3 = self._s3()
        try:
            with translating("s3", "HeadObject"):
                answer = s3.head_object(Bucket=self.bucket, Key=key)
        except AwsError as exc:
            if is_not_found(exc):
                return None
            raise
        return object_info(key, answer)

    def copy_object(
        self, source_key: str, dest_key: str, *, source_bucket: str | None = None
    ) -> UploadResult:
        """Copy ``source_key`` (of ``source_bucket``, by default this bucket) to ``dest_key`` here."""
        check_key(source_key, "source key")
        check_key(dest_key, "destination key")
        source = {"Bucket": check_bucket(source_bucket or self.bucket), "Key": source_key}
        s3 = self._s3()
        with translating("s3", "CopyObject"):
            answer = s3.copy_object(Bucket=self.bucket, Key=dest_key, CopySource=source)
        return UploadResult(
            bucket=self.bucket,
            key=dest_key,
            etag=str(answer.get("CopyObjectResult", {}).get("ETag", "")),
            url=object_url(s3, self.bucket, dest_key),
            version_id=answer.get("VersionId"),
        )

    def generate_signed_url(
        self,
        key: str,
        *,
        expires_in: int = 3600,
        method: SignedMethod = "GET",
        content_type: str | None = None,
    ) -> str:
        """A presigned URL to ``GET`` (download) or ``PUT`` (upload) ``key`` for ``expires_in``
        seconds (1 to 604,800: SigV4's 7 days). A ``PUT`` signed with ``content_type`` must be sent
        with that ``Content-Type``."""
        check_key(key)
        check_expiry(expires_in)
        if method not in ("GET", "PUT"):
            raise AwsValidationError(f"method must be 'GET' or 'PUT', got {method!r}")
        params: dict[str, Any] = {"Bucket": self.bucket, "Key": key}
        if method == "PUT" and content_type:
            params["ContentType"] = content_type
        s3 = self._s3()
        operation = "get_object" if method == "GET" else "put_object"
        with translating("s3", "GeneratePresignedUrl"):
            url: str = s3.generate_presigned_url(operation, Params=params, ExpiresIn=expires_in)
        return url

    def list_objects(
        self, prefix: str = "", *, continuation_token: str | None = None, max_keys: int = 1000
    ) -> ObjectPage:
        """One page of the keys under ``prefix`` (at most ``max_keys``, 1 to 1,000)."""
        if not 1 <= max_keys <= 1000:
            raise AwsValidationError(f"max_keys must be 1 to 1000, got {max_keys}")
        args: dict[str, Any] = {"Bucket": self.bucket, "Prefix": prefix, "MaxKeys": max_keys}
        if continuation_token:
            args["ContinuationToken"] = continuation_token
        s3 = self._s3()
        with translating("s3", "ListObjectsV2"):
            answer = s3.list_objects_v2(**args)
        return object_page(answer)

    def iter_objects(self, prefix: str = "", *, page_size: int = 1000) -> Iterator[ObjectSummary]:
        """Every object under ``prefix``, page after page."""
        token: str | None = None
        while True:
            page = self.list_objects(prefix, continuation_token=token, max_keys=page_size)
            for summary in page.objects:
                yield summary
            token = page.next_token
            if token is None:
                return

    def delete_objects(self, keys: Iterable[str]) -> DeleteResult:
        """Delete ``keys`` in calls of at most 1,000 (``S3_DELETE``); keys S3 refused come back in
        ``failed`` with their error code. Every key is checked before the first call."""
        checked = [check_key(key) for key in keys]
        deleted: list[str] = []
        failed: list[DeleteFailure] = []
        s3 = self._s3()
        for start in range(0, len(checked), S3_DELETE):
            chunk = checked[start : start + S3_DELETE]
            with translating("s3", "DeleteObjects"):
                answer = s3.delete_objects(
                    Bucket=self.bucket,
                    Delete={"Objects": [{"Key": key} for key in chunk], "Quiet": True},
                )
            errors = [
                DeleteFailure(
                    key=str(e.get("Key")), code=str(e.get("Code")), message=str(e.get("Message", ""))
                )
                for e in answer.get("Errors", [])
            ]
            refused = {e.key for e in errors}
            failed.extend(errors)
            deleted.extend(key for key in chunk if key not in refused)
        return DeleteResult(deleted=tuple(deleted), failed=tuple(failed))

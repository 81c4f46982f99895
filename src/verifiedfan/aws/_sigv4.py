"""``SigV4Auth``: AWS Signature Version 4 for :mod:`verifiedfan.http` clients (AppSync, API Gateway).

The successor of ``@verifiedfan/request``'s ``generateSignedRequest``. An ``httpx.Auth``, so it signs
each attempt as it is sent (a retry gets a fresh ``X-Amz-Date``), for ``HttpClient`` and
``SyncHttpClient`` alike::

    auth = SigV4Auth("appsync", region="us-east-1")                  # the default credential chain
    http = HttpClient(service_name="appsync", base_url=url, client=httpx.AsyncClient(auth=auth))

botocore's own signer computes the signature. Only ``host``, ``content-type`` and ``x-amz-*``
headers are signed (plus ``signed_headers=``): a proxy that rewrites ``Connection`` or
``User-Agent`` cannot break the signature.
"""

from __future__ import annotations

from collections.abc import Generator, Iterable
from typing import TYPE_CHECKING, Any

import httpx

from verifiedfan._optional import require
from verifiedfan.aws._errors import AwsCredentialsError
from verifiedfan.http import add_secret_header

if TYPE_CHECKING:
    from verifiedfan.aws._settings import AwsSettings

__all__ = ["SigV4Auth"]

_COPIED = ("authorization", "x-amz-date", "x-amz-security-token", "x-amz-content-sha256")


class SigV4Auth(httpx.Auth):
    """Signs requests for ``service`` (``"appsync"``, ``"execute-api"``...) in ``region``.

    Credentials: explicit keys, a botocore ``Credentials`` object (refreshable ones are re-read on
    every request), or botocore's default chain. ``x-amz-security-token`` is redacted from logs.
    """

    requires_request_body = True

    def __init__(
        self,
        service: str,
        *,
        region: str,
        access_key_id: str | None = None,
        secret_access_key: str | None = None,
        session_token: str | None = None,
        credentials: Any = None,
        signed_headers: Iterable[str] = (),
    ) -> None:
        if not service or not region:
            raise AwsCredentialsError("SigV4Auth needs a service name and a region")
        botocore_credentials = require("botocore.credentials", "aws")
        if credentials is None and access_key_id is not None and secret_access_key is not None:
            credentials = botocore_credentials.Credentials(access_key_id, secret_access_key, session_token)
        elif (access_key_id is None) != (secret_access_key is None):
            raise AwsCredentialsError("give both access_key_id and secret_access_key, or neither")
        if credentials is None:
            credentials = require("botocore.session", "aws").get_session().get_credentials()
        if credentials is None:
            raise AwsCredentialsError("no AWS credentials found for SigV4 signing")
        self.service = service
        self.region = region
        self._credentials = credentials
        self._signed = {"host", "content-type", *(h.lower() for h in signed_headers)}
        add_secret_header("x-amz-security-token")

    @classmethod
    def from_settings(cls, service: str, settings: AwsSettings, **kwargs: Any) -> SigV4Auth:
        """Region and credentials from :class:`AwsSettings` (the default chain when it has none)."""
        creds = settings.credentials()
        if not settings.region:
            raise AwsCredentialsError("SigV4Auth.from_settings needs AwsSettings.region")
        return cls(
            service,
            region=settings.region,
            access_key_id=creds.get("aws_access_key_id"),
            secret_access_key=creds.get("aws_secret_access_key"),
            session_token=creds.get("aws_session_token"),
            **kwargs,
        )

    def __repr__(self) -> str:
        return f"SigV4Auth(service={self.service!r}, region={self.region!r})"

    def sign(self, request: httpx.Request) -> None:
        """Add the SigV4 headers to ``request`` (its body must have been read)."""
        auth_module = require("botocore.auth", "aws")
        awsrequest = require("botocore.awsrequest", "aws")
        headers = {
            name: value
            for name, value in request.headers.items()
            if name.lower() in self._signed or name.lower().startswith("x-amz-")
        }
        for name in _COPIED:
            headers.pop(name, None)
        aws_request = awsrequest.AWSRequest(
            method=request.method, url=str(request.url), data=request.content, headers=headers
        )
        frozen = self._credentials.get_frozen_credentials()
        auth_module.SigV4Auth(frozen, self.service, self.region).add_auth(aws_request)
        for name in _COPIED:
            value = aws_request.headers.get(name)
            if value is not None:
                request.headers[name] = value

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        self.sign(request)
        yield request

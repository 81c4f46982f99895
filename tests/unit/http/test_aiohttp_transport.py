"""AiohttpTransport (the async HTTP core's fast transport) against scripted local servers."""

from __future__ import annotations

import asyncio
import datetime
import ssl
from collections.abc import AsyncIterator, Callable
from pathlib import Path

import httpx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from verifiedfan.errors import NetworkError
from verifiedfan.http import AiohttpTransport, HttpClient, RetryPolicy
from verifiedfan.http._aiohttp import build_target
from verifiedfan.testing.sandbox._http import Request, Response, serve

Reply = Callable[[bytes], bytes]


class Scripted:
    """A raw server: each request head gets ``reply(head)`` written back; counts connections."""

    def __init__(self, reply: Reply, *, close_after: bool = False) -> None:
        self.reply = reply
        self.close_after = close_after
        self.connections = 0
        self.port = 0

    async def handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.connections += 1
        try:
            while True:
                head = await reader.readuntil(b"\r\n\r\n")
                writer.write(self.reply(head))
                await writer.drain()
                if self.close_after:
                    break
        except (asyncio.IncompleteReadError, ConnectionError):
            pass
        finally:
            writer.close()


@pytest.fixture
async def scripted() -> AsyncIterator[Callable[..., asyncio.Future[Scripted]]]:
    servers: list[asyncio.Server] = []

    async def start(reply: Reply, *, close_after: bool = False) -> Scripted:
        script = Scripted(reply, close_after=close_after)
        server = await asyncio.start_server(script.handle, "127.0.0.1", 0)
        script.port = server.sockets[0].getsockname()[1]
        servers.append(server)
        return script

    yield start  # type: ignore[misc]
    for server in servers:
        server.close()
        await server.wait_closed()


def _fixed(body: bytes, extra: bytes = b"") -> Reply:
    return lambda head: b"HTTP/1.1 200 OK\r\nContent-Length: %d\r\n%s\r\n%s" % (len(body), extra, body)


async def test_keep_alive_reuses_one_connection(scripted: Callable[..., asyncio.Future[Scripted]]) -> None:
    server = await scripted(_fixed(b'{"ok":true}'))
    async with httpx.AsyncClient(transport=AiohttpTransport()) as client:
        for _ in range(3):
            response = await client.get(f"http://127.0.0.1:{server.port}/x")
            assert response.json() == {"ok": True}
    assert server.connections == 1


async def test_chunked_bodies(scripted: Callable[..., asyncio.Future[Scripted]]) -> None:
    chunked = b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n4\r\nabcd\r\n3;x=y\r\nefg\r\n0\r\n\r\n"
    server = await scripted(lambda head: chunked)
    async with httpx.AsyncClient(transport=AiohttpTransport()) as client:
        first = await client.get(f"http://127.0.0.1:{server.port}/")
        second = await client.get(f"http://127.0.0.1:{server.port}/")
    assert first.content == second.content == b"abcdefg"
    assert server.connections == 1


async def test_body_until_close(scripted: Callable[..., asyncio.Future[Scripted]]) -> None:
    server = await scripted(
        lambda head: b"HTTP/1.1 200 OK\r\nConnection: close\r\n\r\nall of it", close_after=True
    )
    async with httpx.AsyncClient(transport=AiohttpTransport()) as client:
        assert (await client.get(f"http://127.0.0.1:{server.port}/")).content == b"all of it"
        assert (await client.get(f"http://127.0.0.1:{server.port}/")).content == b"all of it"
    assert server.connections == 2


async def test_a_connection_closed_by_the_server_is_replaced(
    scripted: Callable[..., asyncio.Future[Scripted]],
) -> None:
    server = await scripted(_fixed(b"hi"), close_after=True)  # closes without saying so
    async with httpx.AsyncClient(transport=AiohttpTransport()) as client:
        for _ in range(3):
            assert (await client.get(f"http://127.0.0.1:{server.port}/")).content == b"hi"
            await asyncio.sleep(0.01)  # let the close arrive
    assert server.connections == 3


async def test_head_and_204_have_no_body(scripted: Callable[..., asyncio.Future[Scripted]]) -> None:
    server = await scripted(lambda head: b"HTTP/1.1 204 No Content\r\n\r\n")
    async with httpx.AsyncClient(transport=AiohttpTransport()) as client:
        response = await client.get(f"http://127.0.0.1:{server.port}/")
    assert response.status_code == 204
    assert response.content == b""


async def test_request_bodies_and_headers_are_sent() -> None:
    seen: list[Request] = []

    def handler(request: Request) -> Response:
        seen.append(request)
        return Response(200, b"{}")

    server = await serve(handler)
    port = server.sockets[0].getsockname()[1]
    try:
        async with httpx.AsyncClient(transport=AiohttpTransport()) as client:
            await client.post(
                f"http://127.0.0.1:{port}/api/token?a=b", data={"grant_type": "x"}, headers={"x-k": "v"}
            )
    finally:
        server.close()
    assert seen[0].method == "POST"
    assert seen[0].query == {"a": "b"}
    assert seen[0].body == b"grant_type=x"
    assert seen[0].headers["x-k"] == "v"


async def test_connection_refused_is_a_network_error() -> None:
    probe = await asyncio.start_server(lambda r, w: None, "127.0.0.1", 0)
    port = probe.sockets[0].getsockname()[1]
    probe.close()
    await probe.wait_closed()
    http = HttpClient(service_name="t", retry=RetryPolicy.never(), transport=AiohttpTransport())
    async with http:
        with pytest.raises(NetworkError):
            await http.get(f"http://127.0.0.1:{port}/")


def _self_signed(tmp: Path) -> tuple[Path, Path]:
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")])
    now = datetime.datetime.now(datetime.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(hours=1))
        .add_extension(x509.SubjectAlternativeName([x509.DNSName("localhost")]), critical=False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = tmp / "cert.pem", tmp / "key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
    )
    return cert_path, key_path


async def test_tls(tmp_path: Path) -> None:
    cert, key = _self_signed(tmp_path)
    server_ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    server_ctx.load_cert_chain(cert, key)
    client_ctx = ssl.create_default_context(cafile=str(cert))
    server = await serve(lambda request: Response(200, b'{"tls":true}'), host="127.0.0.1", ssl=server_ctx)
    port = server.sockets[0].getsockname()[1]
    try:
        async with httpx.AsyncClient(transport=AiohttpTransport(ssl_context=client_ctx)) as client:
            for _ in range(2):
                assert (await client.get(f"https://localhost:{port}/")).json() == {"tls": True}
            with pytest.raises(httpx.ConnectError):  # an untrusted certificate is refused
                async with httpx.AsyncClient(transport=AiohttpTransport()) as strict:
                    await strict.get(f"https://localhost:{port}/")
    finally:
        server.close()


_QUERY_VALUES = st.one_of(
    st.text(),
    st.integers(),
    st.booleans(),
    st.none(),
    st.lists(st.one_of(st.text(), st.integers()), max_size=3),
)


@settings(max_examples=300, deadline=None)
@given(st.dictionaries(st.text(min_size=1), _QUERY_VALUES, max_size=5))
def test_the_query_is_the_one_httpx_writes(params: dict[str, object]) -> None:
    # the fast path of plain keys and values must put on the wire what httpx itself would
    url = "http://h.test/p"
    assert build_target(url, params) == str(httpx.Request("GET", url, params=params).url)  # type: ignore[arg-type]

from __future__ import annotations

import importlib
import json
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization
from typer.testing import CliRunner

from tests.unit.jwt._jwtkeys import KeyPair, self_signed
from verifiedfan.cli._jwt import app
from verifiedfan.cli.main import SUBCOMMANDS
from verifiedfan.jwt import Signer

runner = CliRunner()


@pytest.fixture
def key_files(tmp_path: Path, rsa_keys: KeyPair) -> tuple[Path, Path]:
    private = tmp_path / "private.pem"
    public = tmp_path / "public.pem"
    private.write_bytes(rsa_keys.private_pem)
    public.write_bytes(rsa_keys.public_pem)
    return private, public


def test_registered_in_main() -> None:
    module, _help = SUBCOMMANDS["jwt"]
    assert importlib.import_module(module).app is app


def test_make_then_read(key_files: tuple[Path, Path]) -> None:
    private, public = key_files
    made = runner.invoke(app, ["make", "--key", str(private), "--claims", '{"userId": "u1"}', "--kid", "k1"])
    assert made.exit_code == 0, made.output
    token = made.stdout.strip()
    read = runner.invoke(app, ["read", token, "--key", str(public), "--json"])
    assert read.exit_code == 0, read.output
    out = json.loads(read.stdout)
    assert out["verified"] is True
    assert out["claims"]["userId"] == "u1"
    assert out["claims"]["iss"] == "titan-lib"


def test_read_table_output(key_files: tuple[Path, Path], rsa_keys: KeyPair) -> None:
    token = Signer(private_key=rsa_keys.private).make_token({"userId": "u1"})
    result = runner.invoke(app, ["read", token, "--key", str(key_files[1])])
    assert result.exit_code == 0
    assert "Verified claims" in result.stdout
    assert "userId" in result.stdout


def test_read_token_from_stdin(key_files: tuple[Path, Path], rsa_keys: KeyPair) -> None:
    token = Signer(private_key=rsa_keys.private).make_token({"n": 7})
    result = runner.invoke(app, ["read", "-", "--key", str(key_files[1]), "--json"], input=token + "\n")
    assert json.loads(result.stdout)["claims"]["n"] == 7


def test_read_rejects_bad_signature(key_files: tuple[Path, Path], other_rsa_keys: KeyPair) -> None:
    token = Signer(private_key=other_rsa_keys.private).make_token({})
    result = runner.invoke(app, ["read", token, "--key", str(key_files[1])])
    assert result.exit_code == 1
    assert "bad signature" in result.stderr


def test_insecure_decode_is_labelled_unverified(other_rsa_keys: KeyPair) -> None:
    token = Signer(private_key=other_rsa_keys.private, key_id="k9").make_token({"userId": "u1"})
    as_json = runner.invoke(app, ["read", token, "--insecure-decode", "--json"])
    out = json.loads(as_json.stdout)
    assert out["verified"] is False
    assert out["warning"] == "UNVERIFIED"
    assert out["header"]["kid"] == "k9"
    assert out["claims"]["userId"] == "u1"
    table = runner.invoke(app, ["read", token, "--insecure-decode"])
    assert table.exit_code == 0
    assert "UNVERIFIED" in table.stdout
    assert "UNVERIFIED" in table.stderr


def test_read_without_key_or_insecure_flag_fails() -> None:
    result = runner.invoke(app, ["read", "a.b.c"])
    assert result.exit_code == 2
    assert "--key" in result.stderr


@pytest.mark.parametrize("claims", ["not json", "[1, 2]"])
def test_make_rejects_bad_claims(key_files: tuple[Path, Path], claims: str) -> None:
    result = runner.invoke(app, ["make", "--key", str(key_files[0]), "--claims", claims])
    assert result.exit_code == 1


def test_make_with_missing_key_file(tmp_path: Path) -> None:
    result = runner.invoke(app, ["make", "--key", str(tmp_path / "nope.pem")])
    assert result.exit_code == 1
    assert "cannot read" in result.stderr


def test_make_hs256(tmp_path: Path, hmac_secret: bytes) -> None:
    secret = tmp_path / "secret"
    secret.write_bytes(hmac_secret)
    made = runner.invoke(app, ["make", "--key", str(secret), "-a", "HS256", "--expires-in", "15m"])
    token = made.stdout.strip()
    read = runner.invoke(app, ["read", token, "--key", str(secret), "-a", "HS256", "--json"])
    claims = json.loads(read.stdout)["claims"]
    assert claims["exp"] - claims["iat"] == 900


def test_cert_command(tmp_path: Path, rsa_keys: KeyPair) -> None:
    path = tmp_path / "cert.pem"
    path.write_bytes(self_signed(rsa_keys).public_bytes(serialization.Encoding.PEM))
    result = runner.invoke(app, ["cert", str(path), "--json"])
    assert result.exit_code == 0
    assert json.loads(result.stdout)["subject"] == "O=VF,CN=vf.example"

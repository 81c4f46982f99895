"""``vf jwt``: make, read and inspect tokens and certificates when debugging."""

from __future__ import annotations

import json
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated, Any

import typer

from verifiedfan.cli._output import print_json, print_table
from verifiedfan.errors import VFError

app = typer.Typer(help="Make and read JWTs (debugging), read X.509 certificates.", no_args_is_help=True)


def _fail(exc: VFError) -> typer.Exit:
    typer.echo(f"error: {exc.message}", err=True)
    return typer.Exit(code=1)


def _read_file(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as exc:
        typer.echo(f"error: cannot read {path}: {exc.strerror}", err=True)
        raise typer.Exit(code=1) from exc


def _token_arg(value: str) -> str:
    if value == "-":
        return sys.stdin.readline().strip()
    return value.strip()


def _claims_rows(claims: dict[str, Any]) -> list[tuple[str, str]]:
    rows = []
    for name, value in claims.items():
        text = json.dumps(value, ensure_ascii=False) if not isinstance(value, str) else value
        if name in ("iat", "exp", "nbf") and isinstance(value, int | float) and not isinstance(value, bool):
            text = f"{value} ({datetime.fromtimestamp(value, UTC).isoformat()})"
        rows.append((name, text))
    return rows


@app.command("make")
def make(
    key: Annotated[Path, typer.Option("--key", help="PEM private key file (or HMAC secret file for HS*).")],
    claims: Annotated[str, typer.Option("--claims", help="Claims as a JSON object.")] = "{}",
    algorithm: Annotated[str, typer.Option("--algorithm", "-a")] = "RS256",
    issuer: Annotated[str, typer.Option("--issuer")] = "titan-lib",
    expires_in: Annotated[
        str, typer.Option("--expires-in", help="Lifetime: 24h, 15m, 30s, 7d or seconds.")
    ] = "24h",
    key_id: Annotated[str | None, typer.Option("--kid", help="Key id written to the token header.")] = None,
) -> None:
    """Sign CLAIMS and print the token."""
    from verifiedfan.jwt import Signer

    try:
        payload = json.loads(claims)
    except ValueError as exc:
        typer.echo("error: --claims is not valid JSON", err=True)
        raise typer.Exit(code=1) from exc
    if not isinstance(payload, dict):
        typer.echo("error: --claims must be a JSON object", err=True)
        raise typer.Exit(code=1)
    try:
        signer = Signer(
            private_key=_read_file(key),
            issuer=issuer,
            algorithm=algorithm,
            expires_in=expires_in,
            key_id=key_id,
        )
        typer.echo(signer.make_token(payload))
    except VFError as exc:
        raise _fail(exc) from exc


@app.command("read")
def read(
    token: Annotated[str, typer.Argument(help="The token, or - to read it from stdin.")],
    key: Annotated[
        Path | None, typer.Option("--key", help="PEM public key or certificate (HMAC secret for HS*).")
    ] = None,
    algorithms: Annotated[
        list[str] | None, typer.Option("--algorithm", "-a", help="Allowed algorithm(s) (default RS256).")
    ] = None,
    issuer: Annotated[str, typer.Option("--issuer")] = "titan-lib",
    audience: Annotated[str | None, typer.Option("--audience")] = None,
    leeway: Annotated[float, typer.Option("--leeway", help="Clock skew allowed, in seconds.")] = 10.0,
    insecure_decode: Annotated[
        bool,
        typer.Option(
            "--insecure-decode", help="Decode WITHOUT verifying (debugging only; marked UNVERIFIED)."
        ),
    ] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Verify TOKEN with --key and print its claims (or decode it unverified with --insecure-decode)."""
    from verifiedfan.jwt import Verifier
    from verifiedfan.jwt._unverified import decode_unverified

    raw = _token_arg(token)
    try:
        if insecure_decode:
            header, claims = decode_unverified(raw)
            if as_json:
                print_json({"verified": False, "warning": "UNVERIFIED", "header": header, "claims": claims})
            else:
                typer.echo("UNVERIFIED: signature and claims were NOT checked", err=True)
                print_table("UNVERIFIED token header", ("field", "value"), _claims_rows(header))
                print_table("UNVERIFIED claims", ("claim", "value"), _claims_rows(claims))
            return
        if key is None:
            typer.echo(
                "error: --key is required (or --insecure-decode to decode without verifying)", err=True
            )
            raise typer.Exit(code=2)
        verifier = Verifier(
            public_keys=_read_file(key),
            issuer=issuer,
            audience=audience,
            algorithms=algorithms or ["RS256"],
            leeway=leeway,
        )
        verified = verifier.read_token(raw)
    except VFError as exc:
        raise _fail(exc) from exc
    if as_json:
        print_json({"verified": True, "claims": verified})
    else:
        print_table("Verified claims", ("claim", "value"), _claims_rows(verified))


@app.command("cert")
def cert(
    path: Annotated[Path, typer.Argument(help="A PEM or DER certificate file.")],
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Print a certificate's subject, issuer and validity."""
    from verifiedfan.jwt import read_certificate

    try:
        info = read_certificate(_read_file(path))
    except VFError as exc:
        raise _fail(exc) from exc
    fields: dict[str, Any] = {
        "subject": info.subject,
        "issuer": info.issuer,
        "not_before": info.not_before.isoformat(),
        "not_after": info.not_after.isoformat(),
        "serial_number": str(info.serial_number),
        "fingerprint_sha256": info.fingerprint_sha256,
        "subject_alt_names": list(info.subject_alt_names),
        "public_key_type": info.public_key_type,
        "valid_now": info.is_valid_at(),
    }
    if as_json:
        print_json(fields)
    else:
        print_table("Certificate", ("field", "value"), [(k, str(v)) for k, v in fields.items()])

"""Reading an X.509 certificate (the original's ``crypto.X509Certificate``): subject, issuer, validity."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from verifiedfan.errors import DependencyMissingError, ValidationError

try:
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import ec, ed25519, rsa
except ImportError as exc:  # pragma: no cover - only without the jwt extra
    raise DependencyMissingError("cryptography", "jwt") from exc

__all__ = ["CertificateInfo", "read_certificate"]


@dataclass(frozen=True, slots=True)
class CertificateInfo:
    """What a certificate says about itself. Times are timezone-aware UTC."""

    subject: str
    issuer: str
    not_before: datetime
    not_after: datetime
    serial_number: int
    fingerprint_sha256: str
    subject_alt_names: tuple[str, ...]
    public_key_type: str
    common_name: str | None = None

    @property
    def is_self_signed(self) -> bool:
        """Whether subject and issuer are the same name (the signature itself is not checked)."""
        return self.subject == self.issuer

    def is_valid_at(self, when: datetime | None = None) -> bool:
        """Whether ``when`` (default: now) lies within the validity period."""
        moment = when or datetime.now(UTC)
        return self.not_before <= moment <= self.not_after

    def seconds_remaining(self, when: datetime | None = None) -> float:
        """Seconds until ``not_after`` (negative once expired)."""
        return (self.not_after - (when or datetime.now(UTC))).total_seconds()


def _key_type(cert: x509.Certificate) -> str:
    key = cert.public_key()
    if isinstance(key, rsa.RSAPublicKey):
        return f"RSA-{key.key_size}"
    if isinstance(key, ec.EllipticCurvePublicKey):
        return f"EC-{key.curve.name}"
    if isinstance(key, ed25519.Ed25519PublicKey):
        return "Ed25519"
    return type(key).__name__


def _alt_names(cert: x509.Certificate) -> tuple[str, ...]:
    try:
        ext = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName)
    except x509.ExtensionNotFound:
        return ()
    return tuple(str(getattr(name, "value", name)) for name in ext.value)


def read_certificate(pem_or_der: str | bytes) -> CertificateInfo:
    """Parse a PEM (text or bytes) or DER certificate; raises ValidationError when it is not one."""
    if not isinstance(pem_or_der, str | bytes):
        raise ValidationError(f"a certificate is str or bytes, not {type(pem_or_der).__name__}")
    data = pem_or_der.encode("ascii", "replace") if isinstance(pem_or_der, str) else pem_or_der
    try:
        if b"-----BEGIN" in data:
            cert = x509.load_pem_x509_certificate(data)
        else:
            cert = x509.load_der_x509_certificate(data)
        cn = cert.subject.get_attributes_for_oid(x509.NameOID.COMMON_NAME)
        return CertificateInfo(
            subject=cert.subject.rfc4514_string(),
            issuer=cert.issuer.rfc4514_string(),
            not_before=cert.not_valid_before_utc,
            not_after=cert.not_valid_after_utc,
            serial_number=cert.serial_number,
            fingerprint_sha256=cert.fingerprint(hashes.SHA256()).hex(),
            subject_alt_names=_alt_names(cert),
            public_key_type=_key_type(cert),
            common_name=str(cn[0].value) if cn else None,
        )
    except ValueError as exc:
        raise ValidationError("not a valid X.509 certificate (PEM or DER)") from exc

"""What a certificate says about itself: its DNS names and when it expires (read with `cryptography`)."""

from __future__ import annotations

__all__ = ["read_certificate"]


def read_certificate(der: bytes) -> tuple[tuple[str, ...], str | None]:
    """(DNS names: subjectAltName, else the common name; not-after as ISO 8601 UTC). Unreadable: ((), None)."""
    from cryptography import x509
    from cryptography.x509.oid import NameOID

    try:
        cert = x509.load_der_x509_certificate(der)
    except ValueError:
        return (), None
    try:
        san = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName)
        names = tuple(str(n).lower() for n in san.value.get_values_for_type(x509.DNSName))
    except x509.ExtensionNotFound:
        names = tuple(str(a.value).lower() for a in cert.subject.get_attributes_for_oid(NameOID.COMMON_NAME))
    return names, cert.not_valid_after_utc.strftime("%Y-%m-%dT%H:%M:%SZ")

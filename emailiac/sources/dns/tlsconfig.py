"""TLS settings shared by the MTA-STS fetch and the SMTP probes; test-only overrides read from the environment.

`EMAILIAC_CA_BUNDLE` (else `SSL_CERT_FILE`, which OpenSSL reads itself) names the trusted CAs;
`EMAILIAC_SMTP_PORT_MAP=host=port,...` and `EMAILIAC_MTASTS_PORT` point probes at loopback test servers.
They are for tests and demos, never user-facing defaults.
"""

from __future__ import annotations

import ipaddress
import os
import socket
import ssl
import warnings

__all__ = ["connect", "legacy_context", "mtasts_port", "smtp_port", "unverified_context", "verifying_context"]

SMTP_PORT = 25
HTTPS_PORT = 443


def verifying_context() -> ssl.SSLContext:
    """Certificate chain and host name verified against the system CAs (or the test bundle)."""
    bundle = os.environ.get("EMAILIAC_CA_BUNDLE") or None
    context = ssl.create_default_context(cafile=bundle)
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    return context


def unverified_context(*, legacy: bool = False) -> ssl.SSLContext:
    """No verification (the certificate is read and judged afterwards); TLS 1.2+ unless `legacy`."""
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    if not legacy:
        context.minimum_version = ssl.TLSVersion.TLSv1_2
    return context


def legacy_context() -> ssl.SSLContext:
    """Only TLS 1.0 and 1.1 (with the security level lowered so OpenSSL will offer them): does the host still
    accept them?"""
    context = unverified_context(legacy=True)
    context.set_ciphers("DEFAULT:@SECLEVEL=0")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)  # naming the old versions is the point
        context.minimum_version = ssl.TLSVersion.TLSv1
        context.maximum_version = ssl.TLSVersion.TLSv1_1
    return context


def _port_map() -> dict[str, int]:
    mapped: dict[str, int] = {}
    for item in os.environ.get("EMAILIAC_SMTP_PORT_MAP", "").split(","):
        host, sep, port = item.strip().partition("=")
        if sep and port.strip().isdigit():
            mapped[host.strip().lower().rstrip(".")] = int(port)
    return mapped


def smtp_port(host: str) -> int:
    return _port_map().get(host.lower().rstrip("."), SMTP_PORT)


def mtasts_port() -> int:
    value = os.environ.get("EMAILIAC_MTASTS_PORT", "")
    return int(value) if value.isdigit() else HTTPS_PORT


def connect(address: str, port: int, timeout: float) -> socket.socket:
    """A TCP connection to an IP address (no name resolution at all: the address came from our resolver)."""
    family = socket.AF_INET6 if ipaddress.ip_address(address).version == 6 else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.settimeout(timeout)
    try:
        sock.connect((address, port))
    except BaseException:
        sock.close()
        raise
    return sock

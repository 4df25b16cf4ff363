"""Fetching an MTA-STS policy as a sending server does (RFC 8461 3.3).

`https://mta-sts.<domain>/.well-known/mta-sts.txt`: the connection goes to an address our resolver gave, the
certificate is verified for the host name (SNI and Host header carry the name), redirects are not followed,
the answer must be 200 with media type text/plain and at most 64 KiB.
"""

from __future__ import annotations

import http.client
import ssl
from dataclasses import dataclass

from emailiac.sources.dns.tlsconfig import connect, mtasts_port, verifying_context

__all__ = ["MAX_POLICY_BYTES", "PolicyFetch", "fetch_policy"]

MAX_POLICY_BYTES = 64 * 1024
_PATH = "/.well-known/mta-sts.txt"


@dataclass(frozen=True)
class PolicyFetch:
    """The policy text, or why senders cannot use it (`error`), or why it could not be told (`unknown`)."""

    url: str
    text: str | None = None
    error: str | None = None
    unknown: str | None = None


def fetch_policy(domain: str, addresses: list[str], timeout: float) -> PolicyFetch:
    host = f"mta-sts.{domain}"
    port = mtasts_port()
    url = f"https://{host}{_PATH}"
    last = PolicyFetch(url, unknown=f"{host} has no address")
    for address in addresses:
        last = _fetch(url, host, address, port, timeout)
        if last.unknown is None:
            return last
    return last


def _fetch(url: str, host: str, address: str, port: int, timeout: float) -> PolicyFetch:
    context = verifying_context()
    try:
        raw = connect(address, port, timeout)
    except OSError as exc:
        return PolicyFetch(url, unknown=f"cannot connect to {address} port {port}: {exc.strerror or exc}")
    connection = http.client.HTTPSConnection(host, port, timeout=timeout, context=context)
    try:
        try:
            connection.sock = context.wrap_socket(raw, server_hostname=host)
        except ssl.SSLCertVerificationError as exc:
            raw.close()
            return PolicyFetch(url, error=f"its certificate is not valid for {host}: {exc.verify_message}")
        except ssl.SSLError as exc:
            raw.close()
            return PolicyFetch(url, error=f"no TLS handshake with {host}: {exc.reason or exc}")
        connection.request("GET", _PATH, headers={"Accept": "text/plain", "Connection": "close"})
        response = connection.getresponse()
        if 300 <= response.status < 400:
            where = response.getheader("Location", "elsewhere")
            return PolicyFetch(url, error=f"{url} redirects to {where} (HTTP {response.status}); senders do not follow")
        if response.status != 200:
            return PolicyFetch(url, error=f"{url} answers HTTP {response.status} {response.reason}")
        media = (response.getheader("Content-Type") or "").split(";")[0].strip().lower()
        if media != "text/plain":
            return PolicyFetch(url, error=f"{url} is served as {media or 'no media type'}, not text/plain")
        body = response.read(MAX_POLICY_BYTES + 1)
        if len(body) > MAX_POLICY_BYTES:
            return PolicyFetch(url, error=f"{url} is larger than {MAX_POLICY_BYTES} bytes")
        return PolicyFetch(url, text=body.decode("utf-8", "replace"))
    except (OSError, http.client.HTTPException) as exc:
        return PolicyFetch(url, unknown=f"{url}: {exc.__class__.__name__}: {exc}")
    finally:
        connection.close()

"""SMTP STARTTLS probes of MX hosts: what a sending server sees on port 25.

Three short sessions per host, each bounded by the timeout: (1) EHLO, is STARTTLS offered, a handshake that
requires TLS 1.2 or later, the certificate read without verification; (2) the same with the chain and host
name verified; (3) a handshake offering only TLS 1.0/1.1. The client speaks just enough SMTP for that (EHLO,
STARTTLS, QUIT) and never sends mail.
"""

from __future__ import annotations

import datetime
import socket
import ssl
from dataclasses import dataclass, field

from emailiac.sources.dns.tlsconfig import connect, legacy_context, unverified_context, verifying_context

__all__ = ["Probe", "probe_smtp"]

_MAX_REPLY_LINES = 100


class SmtpError(Exception):
    """The server's SMTP conversation went wrong (closed early, an error reply, garbage)."""


@dataclass
class Probe:
    address: str
    error: str | None = None
    starttls: bool | None = None
    tls_version: str | None = None
    handshake_error: str | None = None
    legacy_versions: list[str] = field(default_factory=list)
    legacy_error: str | None = None  # the legacy check itself could not be made
    cert_der: bytes | None = None
    verify_error: str | None = None


class _Session:
    def __init__(self, address: str, port: int, timeout: float) -> None:
        self.sock: socket.socket = connect(address, port, timeout)
        self.file = self.sock.makefile("rb")
        literal = self.sock.getsockname()[0]
        self.helo = f"[IPv6:{literal}]" if ":" in literal else f"[{literal}]"

    def reply(self) -> tuple[int, list[str]]:
        lines: list[str] = []
        for _ in range(_MAX_REPLY_LINES):
            raw = self.file.readline(1024)
            if not raw:
                raise SmtpError("the server closed the connection")
            line = raw.decode("ascii", "replace").rstrip("\r\n")
            if len(line) < 3 or not line[:3].isdigit():
                raise SmtpError(f"not an SMTP reply: {line[:60]!r}")
            lines.append(line[4:])
            if line[3:4] != "-":
                return int(line[:3]), lines
        raise SmtpError("endless SMTP reply")

    def command(self, text: str) -> tuple[int, list[str]]:
        self.sock.sendall(text.encode("ascii") + b"\r\n")
        return self.reply()

    def start(self) -> bool:
        """Greeting and EHLO; whether STARTTLS is offered."""
        code, lines = self.reply()
        if code != 220:
            raise SmtpError(f"greeting {code} {' '.join(lines)[:80]}")
        code, lines = self.command(f"EHLO {self.helo}")
        if code != 250:
            raise SmtpError(f"EHLO answered {code} {' '.join(lines)[:80]}")
        return any(line.split(" ")[0].upper() == "STARTTLS" for line in lines[1:])

    def tls(self, context: ssl.SSLContext, host: str) -> ssl.SSLSocket:
        code, lines = self.command("STARTTLS")
        if code != 220:
            raise SmtpError(f"STARTTLS answered {code} {' '.join(lines)[:80]}")
        self.file.close()
        wrapped = context.wrap_socket(self.sock, server_hostname=host)
        self.sock = wrapped
        return wrapped

    def close(self) -> None:
        try:
            if not isinstance(self.sock, ssl.SSLSocket):
                self.sock.sendall(b"QUIT\r\n")
        except OSError:
            pass
        finally:
            self.file.close()
            self.sock.close()


def _describe(exc: BaseException) -> str:
    if isinstance(exc, ssl.SSLCertVerificationError):
        return exc.verify_message or str(exc)
    if isinstance(exc, ssl.SSLError):
        return exc.reason or str(exc)
    if isinstance(exc, (socket.timeout, TimeoutError)):
        return "timed out"
    if isinstance(exc, ConnectionRefusedError):
        return "connection refused"
    if isinstance(exc, OSError):
        return exc.strerror or str(exc)
    return str(exc)


def _handshake(address: str, port: int, host: str, timeout: float, context: ssl.SSLContext) -> ssl.SSLSocket:
    session = _Session(address, port, timeout)
    try:
        if not session.start():
            raise SmtpError("STARTTLS is no longer offered")
        return session.tls(context, host)
    except BaseException:
        session.close()
        raise


def probe_smtp(host: str, address: str, port: int, timeout: float) -> Probe:
    """Probe one MX host at one of its addresses."""
    probe = Probe(address)
    try:
        session = _Session(address, port, timeout)
    except OSError as exc:
        probe.error = f"cannot connect to {address} port {port}: {_describe(exc)}"
        return probe
    try:
        probe.starttls = session.start()
        if not probe.starttls:
            return probe
        wrapped = session.tls(unverified_context(), host)
        probe.tls_version = wrapped.version()
        probe.cert_der = wrapped.getpeercert(binary_form=True)
    except SmtpError as exc:
        if probe.starttls is None:
            probe.error = f"{address} port {port}: {exc}"
            return probe
        probe.handshake_error = str(exc)
    except (ssl.SSLError, OSError) as exc:
        if probe.starttls is None:
            probe.error = f"{address} port {port}: {_describe(exc)}"
            return probe
        probe.handshake_error = _describe(exc)
    finally:
        session.close()
    if probe.tls_version is not None:
        _verify(probe, host, port, timeout)
    _legacy(probe, host, port, timeout)
    return probe


def _verify(probe: Probe, host: str, port: int, timeout: float) -> None:
    try:
        _handshake(probe.address, port, host, timeout, verifying_context()).close()
    except ssl.SSLCertVerificationError as exc:
        probe.verify_error = _describe(exc)
    except (ssl.SSLError, OSError, SmtpError) as exc:
        probe.verify_error = f"could not check: {_describe(exc)}"


def _legacy(probe: Probe, host: str, port: int, timeout: float) -> None:
    try:
        wrapped = _handshake(probe.address, port, host, timeout, legacy_context())
    except ssl.SSLError:
        return  # refused: good
    except (OSError, SmtpError) as exc:
        probe.legacy_error = _describe(exc)
        return
    try:
        version = wrapped.version()
        if probe.cert_der is None:
            probe.cert_der = wrapped.getpeercert(binary_form=True)
    finally:
        wrapped.close()
    if version in ("TLSv1", "TLSv1.1"):
        probe.legacy_versions.append(version)


def now_utc() -> str:
    return datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")

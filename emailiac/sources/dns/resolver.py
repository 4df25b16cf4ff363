"""DNS look-ups for the live scan: dnspython, one resolver for every name, answers cached for the run.

An answer is one of: records (`ok`), the name does not exist (`nxdomain`), the name exists without records of
that type (`nodata`), or the look-up failed (`failed`: timeout, SERVFAIL, refused), which is never read as an
absence. Truncated UDP answers are retried over TCP (dnspython does so on the TC bit). CNAME chains are kept,
and followed by hand when an authoritative server answers with the alias alone.
"""

from __future__ import annotations

import ipaddress
import threading
from dataclasses import dataclass
from typing import Any

__all__ = ["Answer", "LiveResolver", "NameserverError", "parse_nameserver"]

_MAX_CHAIN = 8


class NameserverError(ValueError):
    """A --nameserver value that is not HOST[:PORT] with an IP address."""


def parse_nameserver(text: str) -> tuple[str, int]:
    """`192.0.2.53`, `192.0.2.53:5353`, `2001:db8::53`, `[2001:db8::53]:5353` -> (address, port)."""
    host, port = text.strip(), "53"
    if host.startswith("["):
        host, sep, rest = host[1:].partition("]")
        if not sep or (rest and not rest.startswith(":")):
            raise NameserverError(f"--nameserver {text!r}: write an IPv6 address with a port as [ADDRESS]:PORT")
        port = rest[1:] or port
    elif host.count(":") == 1:
        host, port = host.split(":")
    try:
        ipaddress.ip_address(host)
    except ValueError:
        raise NameserverError(f"--nameserver {text!r}: give the server's IP address (HOST[:PORT])") from None
    if not port.isdigit() or not 0 < int(port) < 65536:
        raise NameserverError(f"--nameserver {text!r}: port {port!r} is not a port number")
    return host, int(port)


@dataclass(frozen=True)
class Answer:
    """What a look-up of (name, type) gave. `values` are the records' texts (TXT: the character-strings
    joined with nothing, RFC 7208 3.3; `strings` keeps them apart); `chain` the CNAMEs followed, as
    (alias, target) pairs; `reason` says why a look-up failed."""

    name: str
    rtype: str
    status: str  # ok | nxdomain | nodata | failed
    values: tuple[str, ...] = ()
    strings: tuple[tuple[str, ...], ...] = ()
    chain: tuple[tuple[str, str], ...] = ()
    ttl: int | None = None
    reason: str = ""

    @property
    def exists(self) -> bool:
        return self.status == "ok"

    @property
    def void(self) -> bool:
        """No such name, or no records of the type (a void look-up in SPF's terms)."""
        return self.status in ("nxdomain", "nodata")


def _name(text: str) -> str:
    return text.lower().rstrip(".")


def _texts(rrset: Any, rtype: str) -> tuple[tuple[str, ...], tuple[tuple[str, ...], ...]]:
    values: list[str] = []
    strings: list[tuple[str, ...]] = []
    for rdata in sorted(rrset, key=lambda r: r.to_text()):
        if rtype == "TXT":
            parts = tuple(s.decode("utf-8", "replace") for s in rdata.strings)
            strings.append(parts)
            values.append("".join(parts))
        elif rtype == "MX":
            values.append(f"{rdata.preference} {_name(rdata.exchange.to_text())}")
        elif rtype == "CNAME":
            values.append(_name(rdata.target.to_text()))
        else:
            values.append(rdata.to_text())
    return tuple(values), tuple(strings)


class LiveResolver:
    """Look-ups through pinned name servers (`--nameserver`), else the system's; answers cached per run."""

    def __init__(self, nameservers: list[tuple[str, int]] | None = None, *, timeout: float = 2.0) -> None:
        import dns.nameserver
        import dns.resolver

        if nameservers:
            self._resolver = dns.resolver.Resolver(configure=False)
            self._resolver.nameservers = [dns.nameserver.Do53Nameserver(host, port) for host, port in nameservers]
        else:
            self._resolver = dns.resolver.Resolver()
        self._resolver.timeout = timeout
        self._resolver.lifetime = timeout * 2  # room for a TCP retry after truncation
        self._cache: dict[tuple[str, str], Answer] = {}
        self._lock = threading.Lock()
        self.queries = 0

    def describe(self) -> str:
        return ", ".join(str(ns) for ns in self._resolver.nameservers)

    def query(self, name: str, rtype: str) -> Answer:
        key = (_name(name), rtype.upper())
        with self._lock:
            cached = self._cache.get(key)
        if cached is not None:
            return cached
        answer = self._follow(*key)
        with self._lock:
            self._cache[key] = answer
        return answer

    def addresses(self, host: str) -> tuple[list[str], str]:
        """The IPv4 then IPv6 addresses of `host`, and why there are none (empty when there are)."""
        found: list[str] = []
        reasons: list[str] = []
        for rtype in ("A", "AAAA"):
            answer = self.query(host, rtype)
            found.extend(answer.values)
            if answer.status == "failed":
                reasons.append(answer.reason)
        if found:
            return found, ""
        return [], "; ".join(reasons) or f"{host} has no A or AAAA record"

    def _follow(self, name: str, rtype: str) -> Answer:
        chain: list[tuple[str, str]] = []
        current = name
        for _ in range(_MAX_CHAIN):
            answer, hops = self._ask(current, rtype)
            chain.extend(hops)
            target = hops[-1][1] if hops else None
            if answer.status != "nodata" or target is None or rtype == "CNAME":
                return Answer(
                    name, rtype, answer.status, answer.values, answer.strings, tuple(chain), answer.ttl, answer.reason
                )
            current = target  # an authoritative server answered with the alias only: ask for its target
        return Answer(name, rtype, "failed", chain=tuple(chain), reason=f"CNAME chain of {name} is too long")

    def _ask(self, name: str, rtype: str) -> tuple[Answer, list[tuple[str, str]]]:
        import dns.exception
        import dns.rdatatype
        import dns.resolver

        with self._lock:
            self.queries += 1
        try:
            result = self._resolver.resolve(name + ".", rtype, raise_on_no_answer=False, search=False)
        except dns.resolver.NXDOMAIN as exc:
            qnames = exc.qnames()  # type: ignore[no-untyped-call]
            hops = _hops(exc.response(qnames[0]) if qnames else None)  # type: ignore[no-untyped-call]
            return Answer(name, rtype, "nxdomain"), hops
        except dns.resolver.NoNameservers as exc:
            return Answer(name, rtype, "failed", reason=f"no server answered {name} {rtype}: {_first_error(exc)}"), []
        except dns.exception.Timeout:
            return Answer(name, rtype, "failed", reason=f"{name} {rtype} timed out"), []
        except dns.exception.DNSException as exc:
            return Answer(name, rtype, "failed", reason=f"{name} {rtype}: {exc}"), []
        hops = _hops(result.response)
        if result.rrset is None:
            return Answer(name, rtype, "nodata"), hops
        values, strings = _texts(result.rrset, rtype)
        return Answer(name, rtype, "ok", values, strings, ttl=result.rrset.ttl), hops


def _hops(response: object) -> list[tuple[str, str]]:
    import dns.rdatatype

    hops: list[tuple[str, str]] = []
    for rrset in getattr(response, "answer", None) or []:
        if rrset.rdtype == dns.rdatatype.CNAME:
            for rdata in rrset:
                hops.append((_name(rrset.name.to_text()), _name(rdata.target.to_text())))
    return hops


def _first_error(exc: Exception) -> str:
    errors = getattr(exc, "kwargs", {}).get("errors") or []
    for error in errors:
        # (server, tcp, port, exception or None, response)
        if error[3] is not None:
            return str(error[3])
        if error[4] is not None:
            import dns.rcode

            return dns.rcode.to_text(error[4].rcode())
    return "no answer"

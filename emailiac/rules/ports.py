"""Port ranges and address ranges of firewall rules: which ports a rule opens, to whom.

Ports are inclusive `(low, high)` ranges. Sources are CIDRs, provider words for "anywhere" (`*`,
`Internet`, `Any`) or references (`sg:...`, `pl:...`, Azure service tags) that are never the world.
"""

from __future__ import annotations

import functools
import ipaddress
import re
from collections.abc import Iterable

from emailiac.model import Unknown

__all__ = [
    "ALL_PORTS",
    "PORTLESS",
    "PortRanges",
    "invalid_address",
    "is_broad_private",
    "is_world",
    "parse_network",
    "port_text",
    "ports_in",
    "ranges_text",
    "subtract",
]

PortRanges = tuple[tuple[int, int], ...]
ALL_PORTS: PortRanges = ((0, 65535),)
# Protocols whose rules name no ports (ICMP types are not ports; ESP/AH/GRE have none).
PORTLESS = ("icmp", "icmpv6", "esp", "ah", "gre", "ipip")

# Provider words meaning "any address": AWS/GCP use CIDRs, Azure uses `*`, `Internet` and `Any`.
_WORLD_WORDS = frozenset({"*", "internet", "any"})
# RFC 1918 and IPv6 unique local addresses (RFC 4193).
_PRIVATE = (
    ipaddress.ip_network("10.0.0.0/8"),
    ipaddress.ip_network("172.16.0.0/12"),
    ipaddress.ip_network("192.168.0.0/16"),
    ipaddress.ip_network("fc00::/7"),
)
# Written like an IPv4/IPv6 address or range (starts with a digit or colon, has a dot or colon), as opposed
# to a name or tag (`VirtualNetwork`, `Storage.WestUS`, `sg-0abc`).
_ADDRESS_LIKE = re.compile(r"[0-9:][^\s]*")
_SERVICE_NAMES = {22: "SSH", 3389: "RDP", 110: "POP3", 143: "IMAP", 993: "IMAPS", 995: "POP3S"}


@functools.lru_cache(maxsize=8192)
def parse_network(source: str) -> ipaddress.IPv4Network | ipaddress.IPv6Network | None:
    """The network a CIDR (or bare address) names; None for anything else (tags, ids, typos).

    Cached: large trees repeat the same few CIDRs thousands of times."""
    try:
        return ipaddress.ip_network(source.strip(), strict=False)
    except ValueError:
        return None


def invalid_address(source: str) -> Unknown | None:
    """Why a source written like an address range is not one (`10.0.0.0/33`, `0.0.0.0/O`); None for valid
    ranges and for names. Providers reject such a source at plan or apply, so what the rule would open is
    not known: it must never be read as "not the world"."""
    text = source.strip()
    if not _ADDRESS_LIKE.fullmatch(text) or not ({".", ":"} & set(text)) or parse_network(text) is not None:
        return None
    return Unknown(
        f"source {text!r} is not a valid address range: the provider rejects it, so what the rule would open "
        "is not known"
    )


def is_world(source: str) -> bool:
    """`0.0.0.0/0`, `::/0` (any prefix-0 spelling), `*`, `Internet`, `Any`."""
    if source.strip().lower() in _WORLD_WORDS:
        return True
    net = parse_network(source)
    return net is not None and net.prefixlen == 0


def is_broad_private(source: str, max_prefix: int) -> bool:
    """A range that reaches into private address space and is broader than `/max_prefix`.

    Prefix 0 is the world, judged elsewhere. A broad range that only partly overlaps private space
    (`0.0.0.0/1`, `10.0.0.0/7`) counts: it still puts whole private networks in reach.
    """
    net = parse_network(source)
    if net is None or net.prefixlen == 0 or net.prefixlen >= max_prefix:
        return False
    return any(net.version == p.version and net.overlaps(p) for p in _PRIVATE)


def ranges_overlap(first: PortRanges, second: PortRanges) -> bool:
    """Whether some port lies in both."""
    return any(lo <= s_hi and s_lo <= hi for lo, hi in first for s_lo, s_hi in second)


def ports_in(ranges: PortRanges, ports: Iterable[int]) -> list[int]:
    """The given ports that fall inside the ranges, sorted."""
    return sorted({p for p in ports if any(lo <= p <= hi for lo, hi in ranges)})


def subtract(ranges: PortRanges, ports: Iterable[int]) -> PortRanges:
    """The ranges with the given ports cut out, merged and sorted."""
    holes = sorted(set(ports))
    out: list[tuple[int, int]] = []
    for lo, hi in _merge(ranges):
        start = lo
        for p in holes:
            if p < start or p > hi:
                continue
            if p > start:
                out.append((start, p - 1))
            start = p + 1
        if start <= hi:
            out.append((start, hi))
    return tuple(out)


def _merge(ranges: PortRanges) -> PortRanges:
    merged: list[tuple[int, int]] = []
    for lo, hi in sorted(ranges):
        if merged and lo <= merged[-1][1] + 1:
            merged[-1] = (merged[-1][0], max(hi, merged[-1][1]))
        else:
            merged.append((lo, hi))
    return tuple(merged)


def ranges_text(ranges: PortRanges, limit: int = 6) -> str:
    """`8000-8999, 10250`; long lists end with `and N more`."""
    if _merge(ranges) == ALL_PORTS:
        return "every port"
    parts = [str(lo) if lo == hi else f"{lo}-{hi}" for lo, hi in _merge(ranges)]
    if len(parts) > limit:
        return ", ".join(parts[:limit]) + f" and {len(parts) - limit} more"
    return ", ".join(parts)


def port_text(port: int, protocol: str) -> str:
    """`22/tcp (SSH)`; for a rule of every protocol, `22 (SSH)`; services are named on TCP only."""
    name = _SERVICE_NAMES.get(port) if protocol in ("tcp", "all") else None
    base = str(port) if protocol == "all" else f"{port}/{protocol}"
    return f"{base} ({name})" if name else base

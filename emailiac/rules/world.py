"""Sets of address ranges that together are the world, and source strings that are no address range at all.

`0.0.0.0/1` plus `128.0.0.0/1` is `0.0.0.0/0` written twice, and so is any set of ranges that leaves out
only address space nobody on the internet connects from (private, loopback, link-local, multicast...). A
rule, or the rules of one security group that open the same port, whose sources add up to every public IPv4
address (or every global unicast IPv6 address) open that port to the world.

A source written like an address that is not one is never "not the world": see `ports.invalid_address`.
"""

from __future__ import annotations

import functools
import ipaddress
import itertools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from emailiac.model import FirewallRule, Unknown
from emailiac.rules.exposure import is_judged, opened_ranges, protocols_overlap
from emailiac.rules.ports import PortRanges, parse_network

__all__ = ["WorldCover", "covers_internet", "reaches_internet", "rule_name", "world_cover"]

_Network = ipaddress.IPv4Network | ipaddress.IPv6Network
Interval = tuple[int, int]

# Address space that no internet host connects from (IANA special-purpose registries, RFC 6890).
_NOT_PUBLIC_V4 = (
    "0.0.0.0/8",
    "10.0.0.0/8",
    "100.64.0.0/10",
    "127.0.0.0/8",
    "169.254.0.0/16",
    "172.16.0.0/12",
    "192.0.0.0/24",
    "192.0.2.0/24",
    "192.168.0.0/16",
    "198.18.0.0/15",
    "198.51.100.0/24",
    "203.0.113.0/24",
    "224.0.0.0/4",
    "240.0.0.0/4",
)
# Global unicast: where every IPv6 internet address lives today (RFC 4291 2.4).
_PUBLIC_V6 = ("2000::/3",)


def _interval(net: _Network) -> Interval:
    return int(net.network_address), int(net.broadcast_address)


def _merge(intervals: Iterable[Interval]) -> list[Interval]:
    merged: list[Interval] = []
    for lo, hi in sorted(intervals):
        if merged and lo <= merged[-1][1] + 1:
            merged[-1] = (merged[-1][0], max(merged[-1][1], hi))
        else:
            merged.append((lo, hi))
    return merged


def _complement(within: Interval, holes: Sequence[Interval]) -> list[Interval]:
    out, at = [], within[0]
    for lo, hi in _merge(holes):
        if lo > at:
            out.append((at, lo - 1))
        at = max(at, hi + 1)
    if at <= within[1]:
        out.append((at, within[1]))
    return out


@functools.cache
def _public(version: int) -> tuple[Interval, ...]:
    if version == 4:
        holes = [_interval(ipaddress.ip_network(n)) for n in _NOT_PUBLIC_V4]
        return tuple(_complement((0, 2**32 - 1), holes))
    return tuple(_interval(ipaddress.ip_network(n)) for n in _PUBLIC_V6)


def _covered(public: Sequence[Interval], have: Sequence[Interval]) -> bool:
    merged = _merge(have)
    return all(any(lo <= p_lo and p_hi <= hi for lo, hi in merged) for p_lo, p_hi in public)


def covers_internet(networks: Iterable[_Network]) -> bool:
    """Whether the networks together hold every public IPv4 address, or every global IPv6 address."""
    nets = list(networks)
    return any(_covered(_public(version), [_interval(n) for n in nets if n.version == version]) for version in (4, 6))


def _reaches_internet(net: _Network) -> bool:
    lo, hi = _interval(net)
    return any(lo <= p_hi and p_lo <= hi for p_lo, p_hi in _public(net.version))


def _networks(rule: FirewallRule) -> list[_Network]:
    return [] if isinstance(rule.sources, Unknown) else list(_public_networks(rule.sources))


@functools.lru_cache(maxsize=16384)
def _public_networks(sources: tuple[str | Unknown, ...]) -> tuple[_Network, ...]:
    """The sources that reach some public address. Cached: each rule is weighed against many peers."""
    nets = (parse_network(s) for s in sources if isinstance(s, str))
    return tuple(n for n in nets if n is not None and _reaches_internet(n))


def reaches_internet(rule: FirewallRule) -> bool:
    """Whether some known source of the rule holds a public address."""
    return bool(_networks(rule))


def rule_name(rule: FirewallRule) -> str:
    """`aws_security_group.mail ingress[1]`, `aws_security_group_rule.ssh`."""
    return f"{rule.prov.address} {rule.rule_key}".strip()


def _contains(ranges: PortRanges, segment: Interval) -> bool:
    return any(lo <= segment[0] and segment[1] <= hi for lo, hi in ranges)


@dataclass(frozen=True)
class WorldCover:
    """Ports a rule opens to the world only together with its sources (and those of `peers`)."""

    ports: PortRanges
    sources: tuple[str, ...]
    peers: tuple[str, ...]

    @property
    def phrase(self) -> str:
        if not self.peers:
            return ", which together cover the whole internet"
        return f", which with {', '.join(self.peers)} covers the whole internet"


def _peers(rule: FirewallRule, rules: Sequence[FirewallRule]) -> list[FirewallRule]:
    """Inbound allow rules among `rules` (those of the rule's group) for a protocol that overlaps."""
    protocol = rule.protocol
    return [
        other
        for other in rules
        if other is not rule
        and is_judged(other)
        and isinstance(other.protocol, str)
        and protocols_overlap(other.protocol, protocol)
        and not isinstance(opened_ranges(other), Unknown)
    ]


def world_cover(rule: FirewallRule, selected: PortRanges, rules: Sequence[FirewallRule]) -> WorldCover | None:
    """The selected ports of `rule` that its sources, with those of the `rules` (of its group, or that may
    be) opening the same ports, open to every public address; None when there are none (or the rule's own
    sources reach no public address, so the rule adds nothing to the exposure)."""
    own = _networks(rule)
    if not own or not selected:
        return None
    peers = [(p, _networks(p), opened_ranges(p)) for p in _peers(rule, rules)]
    bounds = sorted(
        {b for lo, hi in selected for b in (lo, hi + 1)}
        | {b for _, _, ranges in peers if not isinstance(ranges, Unknown) for lo, hi in ranges for b in (lo, hi + 1)}
    )
    ports: list[Interval] = []
    used: set[str] = set()
    for lo, nxt in itertools.pairwise(bounds):
        segment = (lo, nxt - 1)
        if not _contains(selected, segment):
            continue
        helping = [
            (p, nets)
            for p, nets, ranges in peers
            if nets and not isinstance(ranges, Unknown) and _contains(ranges, segment)
        ]
        if covers_internet([*own, *(n for _, nets in helping for n in nets)]):
            ports.append(segment)
            if not covers_internet(own):
                used.update(f"{rule_name(p)} ({', '.join(str(n) for n in sorted(nets))})" for p, nets in helping)
    if not ports:
        return None
    listed = () if isinstance(rule.sources, Unknown) else rule.sources
    sources = tuple(sorted({s for s in listed if isinstance(s, str) and parse_network(s) in own}))
    return WorldCover(tuple(_merge(ports)), sources, tuple(sorted(used)))

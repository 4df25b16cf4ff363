"""Does a firewall rule open some ports to some sources? Three answers: yes, no, or cannot tell.

Only what is known is judged: a rule whose sources hold one known world CIDR and one unresolved value is
open to the world; a rule whose only unresolved part could not change the answer is judged as well.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from emailiac.model import FirewallRule, Unknown
from emailiac.rules.ports import PORTLESS, PortRanges, invalid_address

__all__ = ["Exposure", "exposure", "is_judged", "label", "opened_ranges", "protocol_of"]


@dataclass(frozen=True)
class Exposure:
    """`ports` and `sources` are what matched; `unknown` says why the answer is open when it is; `covering`
    says what else makes the sources the world when they are only together (", which together cover...")."""

    ports: PortRanges
    sources: tuple[str, ...]
    unknown: str | None = None
    covering: str = ""

    @property
    def open(self) -> bool:
        return bool(self.ports) and bool(self.sources)

    @property
    def closed(self) -> bool:
        return not self.open and self.unknown is None


def is_judged(rule: FirewallRule) -> bool:
    """Exposure rules judge inbound allows only: egress opens nothing to callers, and a deny is judged
    on its own (priorities between allow and deny rules are not weighed)."""
    return rule.direction == "ingress" and rule.action == "allow"


def protocol_of(rule: FirewallRule) -> str:
    return rule.protocol if isinstance(rule.protocol, str) else "?"


def protocols_overlap(first: str | Unknown, second: str | Unknown) -> bool:
    """Whether traffic of one protocol is known to match both (`all` matches every protocol; an unknown
    protocol matches only `all`)."""
    return first == second or "all" in (first, second)


def opened_ranges(rule: FirewallRule) -> PortRanges | Unknown:
    """The ports the rule opens; none for port-less protocols. A rule of every protocol opens the ports it
    names (Azure `*` on `110`); sources give AWS `-1` and port-less GCP `all` every port."""
    if isinstance(rule.protocol, Unknown):
        return rule.protocol
    if rule.protocol in PORTLESS:
        return ()
    return rule.ports


def exposure(
    rule: FirewallRule,
    select_ports: Callable[[PortRanges], PortRanges],
    is_source: Callable[[str], bool],
) -> Exposure:
    """Which of the rule's ports (`select_ports` of what it opens) it opens to which sources (`is_source`)."""
    opened = opened_ranges(rule)
    ports = () if isinstance(opened, Unknown) else select_ports(opened)
    listed = (rule.sources,) if isinstance(rule.sources, Unknown) else rule.sources
    # A source written like an address that is none is not known to be anything: never "not the world".
    listed = tuple(_checked(s) for s in listed)
    sources = tuple(s for s in listed if isinstance(s, str) and is_source(s))
    unknowns = [u for u in (opened, *listed) if isinstance(u, Unknown)]
    ports_known = not isinstance(opened, Unknown)
    sources_known = not any(isinstance(s, Unknown) for s in listed)
    # A known "no" on either side settles it, and so does a known "yes" on both.
    if (ports_known and not ports) or (sources_known and not sources) or (ports and sources):
        return Exposure(ports, sources)
    return Exposure(ports, sources, unknowns[0].reason)


def _checked(source: str | Unknown) -> str | Unknown:
    if isinstance(source, Unknown):
        return source
    invalid = invalid_address(source)
    return source if invalid is None else invalid


def label(rule: FirewallRule) -> str:
    """How messages name a rule: `aws_security_group.mail ingress[1]`, `aws_security_group_rule.ssh`."""
    name = f"{rule.prov.address} {rule.rule_key}".strip()
    if rule.group_unknown is not None:
        known = f" {rule.group}," if rule.group else ""
        name += f" (group{known} not known)" if known else f" (group not known: {rule.group_unknown.reason})"
    elif rule.group and rule.group != rule.prov.address:
        name += f" (group {rule.group})"
    return name

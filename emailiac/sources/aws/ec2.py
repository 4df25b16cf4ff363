"""EC2 security groups as facts: one `FirewallRule` per permission and per source (CIDR, IPv6 CIDR, prefix
list, group reference), because each source carries its own description.

Conventions are those of the Terraform adapters: protocol `-1` is `all` with every port, IANA numbers of
common protocols become names, a port-less protocol (ICMP) opens no ports, prefix lists are `pl:<id>` and
group references `sg:<id>` (neither stands for the world), a reference to the group itself is `self_ref`.
"""

from __future__ import annotations

from typing import Any

from emailiac.model import FirewallRule
from emailiac.sources.aws.errors import CallFailed
from emailiac.sources.aws.unit import Unit, live_prov

__all__ = ["collect_security_groups"]

_ALL_PORTS = ((0, 65535),)
_PROTOCOL_NUMBERS = {"-1": "all", "6": "tcp", "17": "udp", "1": "icmp", "58": "icmpv6", "132": "sctp"}
_PORTED = ("tcp", "udp", "sctp")


def _protocol(value: Any) -> str:
    text = str(value).strip().lower()
    return _PROTOCOL_NUMBERS.get(text, text)


def _ports(protocol: str, permission: dict[str, Any]) -> tuple[tuple[int, int], ...]:
    if protocol == "all":
        return _ALL_PORTS
    if protocol not in _PORTED:
        return ()
    low, high = permission.get("FromPort"), permission.get("ToPort")
    if not isinstance(low, int) or not isinstance(high, int) or low < 0 or high < 0:
        return _ALL_PORTS  # -1 (or no range) is every port in the EC2 API
    return ((min(low, high), max(low, high)),)


def _ports_text(protocol: str, ports: tuple[tuple[int, int], ...]) -> str:
    if protocol == "all" or not ports:
        return protocol
    if ports == _ALL_PORTS:
        return f"{protocol} all ports"
    low, high = ports[0]
    return f"{protocol} {low}" if low == high else f"{protocol} {low}-{high}"


def _sources(group_id: str, permission: dict[str, Any]) -> list[tuple[str | None, str | None, bool]]:
    """(source, description, self reference) for every source of a permission."""
    out: list[tuple[str | None, str | None, bool]] = []
    for item in permission.get("IpRanges", []):
        out.append((item.get("CidrIp"), item.get("Description"), False))
    for item in permission.get("Ipv6Ranges", []):
        out.append((item.get("CidrIpv6"), item.get("Description"), False))
    for item in permission.get("PrefixListIds", []):
        out.append((f"pl:{item.get('PrefixListId')}", item.get("Description"), False))
    for item in permission.get("UserIdGroupPairs", []):
        ref = item.get("GroupId") or item.get("GroupName") or "unknown"
        if ref == group_id:
            out.append((None, item.get("Description"), True))
        else:
            out.append((f"sg:{ref}", item.get("Description"), False))
    return out


def _group_rules(unit: Unit, group: dict[str, Any]) -> None:
    group_id = str(group.get("GroupId", ""))
    prov = live_prov(unit.region, "ec2", "security-group", group_id, import_id=group_id)
    name = str(group.get("GroupName") or group_id)
    for direction, key in (("ingress", "IpPermissions"), ("egress", "IpPermissionsEgress")):
        preposition = "from" if direction == "ingress" else "to"
        for permission in group.get(key, []):
            protocol = _protocol(permission.get("IpProtocol", "-1"))
            ports = _ports(protocol, permission)
            what = f"{direction} {_ports_text(protocol, ports)}"
            for source, description, self_ref in _sources(group_id, permission):
                unit.facts.append(
                    FirewallRule(
                        prov=prov,
                        group=name,
                        direction=direction,
                        action="allow",
                        protocol=protocol,
                        ports=ports,
                        sources=() if source is None else (source,),
                        description=description or None,
                        self_ref=self_ref,
                        rule_key=f"{what} {preposition} {'self' if source is None else source}",
                    )
                )


def collect_security_groups(unit: Unit) -> None:
    try:
        groups = [g for page in unit.pages("DescribeSecurityGroups") for g in page.get("SecurityGroups", [])]
    except CallFailed as failure:
        unit.missed(failure)
        return
    for group in sorted(groups, key=lambda g: str(g.get("GroupId", ""))):
        _group_rules(unit, group)

"""Terraform resources of the network family as facts: firewall rules and threat detection.

One `FirewallRule` per rule: per `ingress`/`egress` block of an `aws_security_group` (its provenance is the
group, at the block's line), per standalone rule resource, per `security_rule` of an Azure NSG, and per
`allow`/`deny` block of a GCP firewall (the firewall is the rule: its sources, direction and description
are the resource's). `sources` holds the remote side: sources of inbound rules, destinations of outbound.
References to other groups, prefix lists and tags become `sg:`, `pl:`, `tag:`, `sa:` and `asg:` entries,
which never stand for the world.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterable, Iterator
from typing import Any

from emailiac.model import Fact, FirewallRule, Provenance, ThreatDetection, Unknown
from emailiac.sources.terraform.adapters.coerce import as_bool, as_int, as_str, as_str_list, ref_target
from emailiac.sources.terraform.adapters.firewall_groups import azure_nsg_group, group_of
from emailiac.sources.terraform.adapters.references import referenced_resource
from emailiac.sources.terraform.adapters.types import Adapter
from emailiac.sources.terraform.resource import Body, ResourceIndex, TfResource

__all__ = ["ADAPTERS"]

Ports = tuple[tuple[int, int], ...]
Sources = tuple[str | Unknown, ...]

_ALL_PORTS: Ports = ((0, 65535),)
_PROTOCOL_NUMBERS = {"-1": "all", "6": "tcp", "17": "udp", "1": "icmp", "58": "icmpv6", "132": "sctp"}
# Protocol names each provider accepts (compared case-insensitively), and whether it takes IANA numbers too:
# the EC2 API (tcp, udp, icmp, icmpv6, -1/all or a number), Azure's SecurityRuleProtocol enum (Tcp, Udp,
# Icmp, Esp, Ah, *), Compute Engine's IPProtocol (tcp, udp, icmp, esp, ah, ipip, sctp, all or a number) and
# Hetzner Cloud's firewall rule protocols.
_ACCEPTED_PROTOCOLS: dict[str, tuple[frozenset[str], bool]] = {
    "aws": (frozenset({"tcp", "udp", "icmp", "icmpv6", "all", "-1"}), True),
    "azure": (frozenset({"tcp", "udp", "icmp", "esp", "ah", "*"}), False),
    "google": (frozenset({"tcp", "udp", "icmp", "esp", "ah", "ipip", "sctp", "all"}), True),
    "hcloud": (frozenset({"tcp", "udp", "icmp", "gre", "esp"}), False),
}
_PORT_RANGE = re.compile(r"^\s*(\d{1,5})\s*(?:-\s*(\d{1,5})\s*)?$")


# ---------------------------------------------------------------- shared pieces


@dataclasses.dataclass(frozen=True, slots=True)
class _RejectedProtocol(Unknown):
    """A protocol the provider rejects (`ssh`, `http`): known to be wrong, not merely not known."""


def _protocol(value: Any, where: str = "protocol", provider: str = "aws") -> str | Unknown:
    """tcp | udp | icmp | all | <number>: AWS `-1`/`all`, Azure `*`, GCP `all` and IANA numbers of the
    common protocols are normalised. A value the provider rejects is an Unknown that says so (see
    `_rejected`): the rule is never created, so what it would open is not known."""
    text = as_str(value, where)
    if text is None:
        return Unknown(f"{where} is not set")
    if isinstance(text, Unknown):
        return text
    written = text
    text = text.strip().lower()
    names, numbers = _ACCEPTED_PROTOCOLS[provider]
    if text not in names and not (numbers and text.isascii() and text.isdigit() and int(text) <= 255):
        accepted = ", ".join(sorted(names)) + (" or a protocol number" if numbers else "")
        return _RejectedProtocol(
            f"{where} {written!r} is not a protocol the provider accepts ({accepted}): it rejects the rule, so "
            "what the rule would open is not known"
        )
    if text in ("*", "all"):
        return "all"
    return _PROTOCOL_NUMBERS.get(text, text)


def _rejected(rule: FirewallRule) -> FirewallRule:
    """A rule whose protocol the provider rejects opens nothing that can be judged, whatever its sources:
    every exposure rule says not assessed, never pass (as for a source that is no address range)."""
    if isinstance(rule.protocol, _RejectedProtocol):
        return dataclasses.replace(rule, sources=Unknown(rule.protocol.reason))
    return rule


def _from_to(body: Body, protocol: str | Unknown) -> Ports | Unknown:
    """AWS `from_port`/`to_port`: required for TCP, UDP and SCTP; port-less and all-protocol rules ignore
    them."""
    if protocol == "all":
        return _ALL_PORTS
    if isinstance(protocol, str) and protocol not in ("tcp", "udp", "sctp"):
        return ()
    low, high = as_int(body.get("from_port"), "from_port"), as_int(body.get("to_port"), "to_port")
    if isinstance(low, Unknown):
        return Unknown(f"from_port is not known ({low.reason})", low.refs)
    if isinstance(high, Unknown):
        return Unknown(f"to_port is not known ({high.reason})", high.refs)
    if low is None or high is None:
        return Unknown("from_port/to_port are not set")
    if low < 0 or high < 0:  # -1 is "every port" in the EC2 API
        return _ALL_PORTS
    return ((min(low, high), max(low, high)),)


def _port_list(values: Iterable[Any], where: str) -> Ports | Unknown:
    """`"22"`, `"1000-2000"` and `"*"` entries (Azure, GCP)."""
    ranges: list[tuple[int, int]] = []
    for value in values:
        text = as_str(value, where)
        if text is None:
            continue
        if isinstance(text, Unknown):
            return Unknown(f"{where} is not known ({text.reason})", text.refs)
        if text.strip() == "*":
            return _ALL_PORTS
        match = _PORT_RANGE.match(text)
        if not match:
            return Unknown(f"{where} {text!r} is not a port or port range")
        low = int(match.group(1))
        high = int(match.group(2) or low)
        ranges.append((min(low, high), max(low, high)))
    return tuple(ranges)


def _list(value: Any, where: str) -> Sources:
    """A list of strings; a list that is unknown as a whole stays in place as one unknown entry."""
    items = as_str_list(value, where)
    if items is None:
        return ()
    if isinstance(items, Unknown):
        return (items,)
    return items


def _single(value: Any, where: str) -> Sources:
    text = as_str(value, where)
    return () if text is None or text == "" else (text,)


def _refs(values: Sources, prefix: str) -> tuple[str, ...]:
    """References (group ids, tags, service accounts): unresolved ones are named by what they point at."""
    out = []
    for value in values:
        if isinstance(value, Unknown):
            target = ref_target(value) or (value.refs[0] if value.refs else "unresolved")
            out.append(f"{prefix}{target}")
        else:
            out.append(f"{prefix}{value}")
    return tuple(out)


def _prefix_lists(value: Any, res: TfResource, index: ResourceIndex) -> Sources:
    """Prefix lists; one declared here as `aws_ec2_managed_prefix_list` is replaced by its CIDRs."""
    out: list[str | Unknown] = []
    raw = value if isinstance(value, list) else [value] if value is not None else []
    for item in raw:
        target = referenced_resource(item, res, index)
        if target is not None and target.type == "aws_ec2_managed_prefix_list":
            out.extend(c for e in target.body.blocks_of("entry") for c in _single(e.get("cidr"), "cidr"))
        else:
            out.extend(_refs(_single(item, "prefix_list_id"), "pl:"))
    return tuple(out)


def _block_prov(res: TfResource, block: Body) -> Provenance:
    if block.span is None:
        return res.prov
    return dataclasses.replace(res.prov, line=block.span.line, end_line=block.span.end_line)


def _undecided(rule: FirewallRule, what: str, value: Unknown) -> FirewallRule:
    """A rule that may not apply at all (unknown direction, access, or `disabled`): nothing is judged."""
    return dataclasses.replace(rule, sources=Unknown(f"{what} is not known ({value.reason})", value.refs))


def _unexpanded(res: TfResource, group: str, name: str, value: Unknown) -> FirewallRule:
    """Stands for `dynamic "<name>"` blocks (or a rule list) that could not be expanded."""
    reason = Unknown(value.reason, value.refs)
    direction = "egress" if name == "egress" else "ingress"
    return FirewallRule(res.prov, group, direction, "allow", reason, reason, reason, reason, rule_key=f"{name}[*]")


# ---------------------------------------------------------------- AWS


def _aws_rule(
    res: TfResource, index: ResourceIndex, body: Body, prov: Provenance, group: str, direction: str, key: str
) -> FirewallRule:
    """One rule of the `aws_security_group` inline / `aws_security_group_rule` shape."""
    protocol = _protocol(body.get("protocol"))
    sources: Sources = (
        *_list(body.get("cidr_blocks"), "cidr_blocks"),
        *_list(body.get("ipv6_cidr_blocks"), "ipv6_cidr_blocks"),
        *_prefix_lists(body.get("prefix_list_ids"), res, index),
        *_refs(_list(body.get("security_groups"), "security_groups"), "sg:"),
        *_refs(_single(body.get("source_security_group_id"), "source_security_group_id"), "sg:"),
    )
    rule = FirewallRule(
        prov=prov,
        group=group,
        direction=direction,
        action="allow",
        protocol=protocol,
        ports=_from_to(body, protocol),
        sources=sources,
        description=as_str(body.get("description"), "description"),
        self_ref=as_bool(body.get("self"), "self") is True,
        rule_key=key,
    )
    return _rejected(rule)


def _aws_security_group(res: TfResource, index: ResourceIndex) -> Iterator[Fact]:
    for direction in ("ingress", "egress"):
        for i, block in enumerate(res.body.blocks_of(direction)):
            key = f"{direction}[{i}]"
            yield _aws_rule(res, index, block, _block_prov(res, block), res.address, direction, key)
        # Written blocks are judged even when a dynamic block beside them cannot be expanded.
        pending = res.body.unknown_blocks(direction)
        if pending is not None:
            yield _unexpanded(res, res.address, direction, pending)


def _aws_security_group_rule(res: TfResource, index: ResourceIndex) -> Iterator[Fact]:
    group, group_unknown = group_of(res.body.get("security_group_id"), "security_group_id")
    kind = as_str(res.body.get("type"), "type")
    direction = kind.lower() if isinstance(kind, str) else "ingress"
    rule = _aws_rule(res, index, res.body, res.prov, group, direction, "")
    rule = dataclasses.replace(rule, group_unknown=group_unknown)
    if isinstance(kind, Unknown):
        rule = _undecided(rule, "type", kind)
    yield rule


def _aws_vpc_rule(direction: str) -> Adapter:
    def adapt(res: TfResource, index: ResourceIndex) -> Iterator[Fact]:
        body = res.body
        protocol = _protocol(body.get("ip_protocol"), "ip_protocol")
        sources: Sources = (
            *_single(body.get("cidr_ipv4"), "cidr_ipv4"),
            *_single(body.get("cidr_ipv6"), "cidr_ipv6"),
            *_prefix_lists(body.get("prefix_list_id"), res, index),
            *_refs(_single(body.get("referenced_security_group_id"), "referenced_security_group_id"), "sg:"),
        )
        group, group_unknown = group_of(body.get("security_group_id"), "security_group_id")
        rule = FirewallRule(
            prov=res.prov,
            group=group,
            group_unknown=group_unknown,
            direction=direction,
            action="allow",
            protocol=protocol,
            ports=_from_to(body, protocol),
            sources=sources,
            description=as_str(body.get("description"), "description"),
        )
        yield _rejected(rule)

    return adapt


# ---------------------------------------------------------------- Azure


def _azure_rule(res: TfResource, body: Body, prov: Provenance, group: str, key: str) -> FirewallRule:
    direction_text = as_str(body.get("direction"), "direction")
    access = as_str(body.get("access"), "access")
    outbound = isinstance(direction_text, str) and direction_text.lower() == "outbound"
    direction = "egress" if outbound else "ingress"
    remote = "destination" if direction == "egress" else "source"
    ports = _port_list(
        [body.get("destination_port_range"), *_list(body.get("destination_port_ranges"), "port ranges")],
        "destination_port_range",
    )
    sources: Sources = (
        *_single(body.get(f"{remote}_address_prefix"), f"{remote}_address_prefix"),
        *_list(body.get(f"{remote}_address_prefixes"), f"{remote}_address_prefixes"),
        *_refs(_list(body.get(f"{remote}_application_security_group_ids"), "application groups"), "asg:"),
    )
    priority = as_int(body.get("priority"), "priority")
    rule = FirewallRule(
        prov=prov,
        group=group,
        direction=direction,
        action="deny" if isinstance(access, str) and access.lower() == "deny" else "allow",
        protocol=_protocol(body.get("protocol"), provider="azure"),
        ports=Unknown("destination_port_range is not set") if ports == () else ports,
        sources=sources,
        description=as_str(body.get("description"), "description"),
        priority=priority if isinstance(priority, int) else None,
        rule_key=key,
    )
    for name, value in (("direction", direction_text), ("access", access)):
        if isinstance(value, Unknown):
            rule = _undecided(rule, name, value)
    return _rejected(rule)


def _azure_nsg(res: TfResource, index: ResourceIndex) -> Iterator[Fact]:
    for i, block in enumerate(res.body.blocks_of("security_rule")):
        yield _azure_rule(res, block, _block_prov(res, block), res.address, f"security_rule[{i}]")
    pending = res.body.unknown_blocks("security_rule")
    if pending is not None:
        yield _unexpanded(res, res.address, "security_rule", pending)


def _azure_security_rule(res: TfResource, index: ResourceIndex) -> Iterator[Fact]:
    group, group_unknown = azure_nsg_group(res, index)
    yield dataclasses.replace(_azure_rule(res, res.body, res.prov, group, ""), group_unknown=group_unknown)


# ---------------------------------------------------------------- Google


def _google_firewall(res: TfResource, index: ResourceIndex) -> Iterator[Fact]:
    body = res.body
    disabled = as_bool(body.get("disabled"), "disabled")
    if disabled is True:
        return
    direction_text = as_str(body.get("direction"), "direction")
    egress = isinstance(direction_text, str) and direction_text.upper() == "EGRESS"
    direction = "egress" if egress else "ingress"
    if direction == "ingress":
        sources: Sources = (
            *_list(body.get("source_ranges"), "source_ranges"),
            *_refs(_list(body.get("source_tags"), "source_tags"), "tag:"),
            *_refs(_list(body.get("source_service_accounts"), "source_service_accounts"), "sa:"),
        )
    else:
        sources = _list(body.get("destination_ranges"), "destination_ranges")
    if not sources:
        # GCP applies a rule with no source (or destination) to 0.0.0.0/0.
        sources = ("0.0.0.0/0",)
    priority = as_int(body.get("priority"), "priority")
    for action in ("allow", "deny"):
        pending = body.unknown_blocks(action)
        blocks: list[Body | None] = [*body.blocks_of(action), *([None] if pending is not None else [])]
        for block in blocks:
            if block is None:
                assert pending is not None
                protocol: str | Unknown = pending
                ports: Ports | Unknown = pending
            else:
                protocol = _protocol(block.get("protocol"), provider="google")
                listed = _list(block.get("ports"), "ports")
                ports = _port_list(listed, "ports") if listed else _ALL_PORTS
            rule = FirewallRule(
                prov=res.prov,
                group=res.address,
                direction=direction,
                action=action,
                protocol=protocol,
                ports=ports,
                sources=sources,
                description=as_str(body.get("description"), "description"),
                priority=priority if isinstance(priority, int) else 1000,
            )
            for name, value in (("direction", direction_text), ("disabled", disabled)):
                if isinstance(value, Unknown):
                    rule = _undecided(rule, name, value)
            yield _rejected(rule)


# ---------------------------------------------------------------- threat detection


def _guardduty_detector(res: TfResource, index: ResourceIndex) -> Iterator[Fact]:
    enabled = as_bool(res.body.get("enable"), "enable")
    region = as_str(res.body.get("region"), "region")
    yield ThreatDetection(
        prov=res.prov,
        service="guardduty",
        enabled=True if enabled is None else enabled,  # the provider's default
        region=region if isinstance(region, str) else None,
    )


# ---------------------------------------------------------------- Hetzner Cloud


def _hcloud_firewall(res: TfResource, index: ResourceIndex) -> Iterator[Fact]:
    """`rule` blocks: direction `in`/`out`, `port` a port, a range or `any`, peers in `source_ips` (in) or
    `destination_ips` (out); every rule allows."""
    for i, block in enumerate(res.body.blocks_of("rule")):
        direction_text = as_str(block.get("direction"), "direction")
        direction = "egress" if direction_text == "out" else "ingress"
        protocol = _protocol(block.get("protocol"), provider="hcloud")
        port = as_str(block.get("port"), "port")
        ports: Ports | Unknown
        if protocol == "all" or (isinstance(port, str) and port.strip().lower() == "any"):
            ports = _ALL_PORTS
        elif isinstance(protocol, str) and protocol not in ("tcp", "udp"):
            ports = ()  # icmp, gre, esp: no ports
        elif port is None:
            ports = Unknown("port is not set")
        else:
            ports = _port_list([port], "port")
        peers = "destination_ips" if direction == "egress" else "source_ips"
        rule = FirewallRule(
            prov=_block_prov(res, block),
            group=res.address,
            direction=direction,
            action="allow",
            protocol=protocol,
            ports=ports,
            sources=_list(block.get(peers), peers),
            description=as_str(block.get("description"), "description"),
            rule_key=f"rule[{i}]",
        )
        yield _rejected(_undecided(rule, "direction", direction_text) if isinstance(direction_text, Unknown) else rule)
    pending = res.body.unknown_blocks("rule")
    if pending is not None:
        yield _unexpanded(res, res.address, "rule", pending)


ADAPTERS: dict[str, Adapter] = {
    "aws_security_group": _aws_security_group,
    # The VPC's default group takes the same inline rules; whatever they allow applies to every instance
    # launched without a group.
    "aws_default_security_group": _aws_security_group,
    "hcloud_firewall": _hcloud_firewall,
    "aws_security_group_rule": _aws_security_group_rule,
    "aws_vpc_security_group_ingress_rule": _aws_vpc_rule("ingress"),
    "aws_vpc_security_group_egress_rule": _aws_vpc_rule("egress"),
    "azurerm_network_security_group": _azure_nsg,
    "azurerm_network_security_rule": _azure_security_rule,
    "google_compute_firewall": _google_firewall,
    "aws_guardduty_detector": _guardduty_detector,
}

"""Security groups, NSGs, GCP firewalls and GuardDuty detectors as facts."""

from __future__ import annotations

from typing import Any

import pytest

from emailiac.model import FirewallRule, Provenance, ThreatDetection, Unknown
from emailiac.sources.terraform.adapters.network import ADAPTERS
from tests.adapters.tf import adapt, block, ref, resource

ALL = ((0, 65535),)


def rules(subject: Any, *others: Any) -> list[FirewallRule]:
    found = adapt(ADAPTERS, subject, *others)
    assert all(isinstance(f, FirewallRule) for f in found)
    return found


# ---------------------------------------------------------------- aws_security_group


def test_inline_rules_are_the_groups_at_their_block_lines() -> None:
    ingress = block(14, description="SMTP", from_port=25, to_port=25, protocol="tcp", cidr_blocks=["0.0.0.0/0"])
    egress = block(22, from_port=0, to_port=0, protocol="-1", cidr_blocks=["0.0.0.0/0"])
    sg = resource("aws_security_group", "mail", {"description": "Mail"}, {"ingress": [ingress], "egress": [egress]})
    first, second = rules(sg)
    assert first.prov == Provenance("terraform", "aws_security_group.mail", "main.tf", 14, 17)
    assert (first.rule_key, first.group, first.direction, first.action) == (
        "ingress[0]",
        "aws_security_group.mail",
        "ingress",
        "allow",
    )
    assert (first.protocol, first.ports, first.sources, first.description) == (
        "tcp",
        ((25, 25),),
        ("0.0.0.0/0",),
        "SMTP",
    )
    assert second.rule_key == "egress[0]" and second.prov.line == 22
    assert (second.protocol, second.ports, second.description) == ("all", ALL, None)


@pytest.mark.parametrize(
    ("protocol", "want"), [("-1", "all"), ("all", "all"), ("6", "tcp"), ("17", "udp"), ("TCP", "tcp"), ("58", "icmpv6")]
)
def test_protocol_spellings(protocol: str, want: str) -> None:
    sg = resource("aws_security_group", "s", blocks={"ingress": [block(from_port=1, to_port=2, protocol=protocol)]})
    [rule] = rules(sg)
    assert rule.protocol == want


def test_portless_protocols_have_no_ports() -> None:
    icmp = block(from_port=-1, to_port=-1, protocol="icmp", cidr_blocks=["0.0.0.0/0"])
    [rule] = rules(resource("aws_security_group", "s", blocks={"ingress": [icmp]}))
    assert rule.ports == ()


def test_every_kind_of_source() -> None:
    ingress = block(
        from_port=22,
        to_port=22,
        protocol="tcp",
        cidr_blocks=["10.0.0.0/8"],
        ipv6_cidr_blocks=["fd00::/8"],
        prefix_list_ids=["pl-123"],
        security_groups=[ref("aws_security_group.lb.id"), "sg-9"],
        self=True,
    )
    [rule] = rules(resource("aws_security_group", "s", blocks={"ingress": [ingress]}))
    assert rule.sources == ("10.0.0.0/8", "fd00::/8", "pl:pl-123", "sg:aws_security_group.lb", "sg:sg-9")
    assert rule.self_ref is True


def test_managed_prefix_list_declared_here_becomes_its_cidrs() -> None:
    plist = resource(
        "aws_ec2_managed_prefix_list",
        "office",
        blocks={"entry": [block(cidr="203.0.113.0/24"), block(cidr="0.0.0.0/0")]},
    )
    ingress = block(
        from_port=22, to_port=22, protocol="tcp", prefix_list_ids=[ref("aws_ec2_managed_prefix_list.office.id")]
    )
    [rule] = rules(resource("aws_security_group", "s", blocks={"ingress": [ingress]}), plist)
    assert rule.sources == ("203.0.113.0/24", "0.0.0.0/0")


def test_unknown_cidr_list_stays_in_place() -> None:
    unknown = Unknown("var.cidrs has no value")
    ingress = block(from_port=22, to_port=22, protocol="tcp", cidr_blocks=unknown, ipv6_cidr_blocks=["::/0"])
    [rule] = rules(resource("aws_security_group", "s", blocks={"ingress": [ingress]}))
    assert rule.sources == (unknown, "::/0")


def test_unknown_ports() -> None:
    ingress = block(from_port=Unknown("var.p has no value"), to_port=22, protocol="tcp")
    [rule] = rules(resource("aws_security_group", "s", blocks={"ingress": [ingress]}))
    assert isinstance(rule.ports, Unknown) and "var.p has no value" in rule.ports.reason


def test_plan_json_rule_lists() -> None:
    listed = {"from_port": 443, "to_port": 443, "protocol": "tcp", "cidr_blocks": ["0.0.0.0/0"], "description": ""}
    sg = resource("aws_security_group", "s", {"ingress": [listed], "egress": []}, line=None)
    [rule] = rules(sg)
    assert rule.rule_key == "ingress[0]" and rule.prov.line is None and rule.description == ""


def test_unexpandable_dynamic_block_beside_written_ones() -> None:
    pending = Unknown("dynamic 'ingress' blocks are not known (var.rules has no value)")
    written = block(12, from_port=22, to_port=22, protocol="tcp", cidr_blocks=["10.0.0.0/24"])
    sg = resource("aws_security_group", "s", blocks={"ingress": [written]})
    sg.body.attrs["ingress"] = pending
    known, placeholder = rules(sg)
    assert known.rule_key == "ingress[0]"
    assert placeholder.rule_key == "ingress[*]" and placeholder.prov.line == 10
    for value in (placeholder.protocol, placeholder.ports, placeholder.sources, placeholder.description):
        assert isinstance(value, Unknown) and value.reason == pending.reason


# ---------------------------------------------------------------- standalone AWS rules


def test_security_group_rule() -> None:
    attrs = {
        "type": "egress",
        "security_group_id": ref("aws_security_group.mail.id"),
        "protocol": "tcp",
        "from_port": 443,
        "to_port": 443,
        "source_security_group_id": ref("aws_security_group.lb.id"),
        "description": "to the LB",
    }
    [rule] = rules(resource("aws_security_group_rule", "out", attrs))
    assert (rule.group, rule.direction, rule.rule_key) == ("aws_security_group.mail", "egress", "")
    assert rule.sources == ("sg:aws_security_group.lb",)
    assert rule.prov.address == "aws_security_group_rule.out"


def test_security_group_rule_of_unknown_type_judges_nothing() -> None:
    attrs = {"type": Unknown("var.t has no value"), "security_group_id": "sg-1", "protocol": "tcp"}
    attrs |= {"from_port": 22, "to_port": 22, "cidr_blocks": ["0.0.0.0/0"]}
    [rule] = rules(resource("aws_security_group_rule", "r", attrs))
    assert rule.group == "sg-1"
    assert isinstance(rule.sources, Unknown) and "type is not known" in rule.sources.reason


@pytest.mark.parametrize(
    ("attrs", "ports"),
    [
        ({"ip_protocol": "-1"}, ALL),
        ({"ip_protocol": "tcp", "from_port": 993, "to_port": 995}, ((993, 995),)),
        ({"ip_protocol": "icmpv6"}, ()),
    ],
)
def test_vpc_ingress_rule_ports(attrs: dict[str, Any], ports: Any) -> None:
    base = {"security_group_id": "sg-1", "cidr_ipv4": "0.0.0.0/0", "cidr_ipv6": "::/0"}
    [rule] = rules(resource("aws_vpc_security_group_ingress_rule", "r", base | attrs))
    assert rule.ports == ports and rule.sources == ("0.0.0.0/0", "::/0") and rule.direction == "ingress"


def test_vpc_rule_tcp_without_ports_is_unknown() -> None:
    [rule] = rules(
        resource("aws_vpc_security_group_ingress_rule", "r", {"ip_protocol": "tcp", "cidr_ipv4": "1.2.3.4/32"})
    )
    assert isinstance(rule.ports, Unknown)


def test_vpc_egress_rule_references() -> None:
    attrs = {"security_group_id": "sg-1", "ip_protocol": "-1", "referenced_security_group_id": "sg-2"}
    attrs["prefix_list_id"] = "pl-1"
    [rule] = rules(resource("aws_vpc_security_group_egress_rule", "r", attrs))
    assert rule.direction == "egress" and rule.sources == ("pl:pl-1", "sg:sg-2")


# ---------------------------------------------------------------- Azure


def azure_rule(**attrs: Any) -> dict[str, Any]:
    base = {
        "name": "r",
        "priority": 100,
        "direction": "Inbound",
        "access": "Allow",
        "protocol": "Tcp",
        "source_port_range": "*",
        "destination_port_range": "22",
        "source_address_prefix": "Internet",
        "destination_address_prefix": "*",
    }
    return base | attrs


@pytest.mark.parametrize(
    ("attrs", "ports"),
    [
        ({}, ((22, 22),)),
        ({"destination_port_range": "*"}, ALL),
        ({"destination_port_range": "1000-2000"}, ((1000, 2000),)),
        ({"destination_port_range": None, "destination_port_ranges": ["25", "465-587"]}, ((25, 25), (465, 587))),
    ],
)
def test_azure_ports(attrs: dict[str, Any], ports: Any) -> None:
    [rule] = rules(resource("azurerm_network_security_rule", "r", azure_rule(**attrs)))
    assert rule.ports == ports


@pytest.mark.parametrize("attrs", [{"destination_port_range": "ssh"}, {"destination_port_range": None}])
def test_azure_unreadable_ports_are_unknown(attrs: dict[str, Any]) -> None:
    [rule] = rules(resource("azurerm_network_security_rule", "r", azure_rule(**attrs)))
    assert isinstance(rule.ports, Unknown)


def test_azure_rule_fields() -> None:
    attrs = azure_rule(protocol="*", access="Deny", network_security_group_name="mail-nsg", priority="200")
    attrs["source_address_prefixes"] = ["10.0.0.0/8"]
    attrs["source_application_security_group_ids"] = ["/subscriptions/x/asg/web"]
    [rule] = rules(resource("azurerm_network_security_rule", "r", attrs))
    assert (rule.protocol, rule.action, rule.group, rule.priority) == ("all", "deny", "mail-nsg", 200)
    assert rule.sources == ("Internet", "10.0.0.0/8", "asg:/subscriptions/x/asg/web")


def test_azure_nsg_is_its_name_in_its_resource_group() -> None:
    attrs = azure_rule(network_security_group_name="mail-nsg", resource_group_name="east")
    [rule] = rules(resource("azurerm_network_security_rule", "r", attrs))
    assert (rule.group, rule.group_unknown) == ("mail-nsg in resource group east", None)
    unknown_rg = azure_rule(network_security_group_name="mail-nsg", resource_group_name=Unknown("var.rg has no value"))
    [rule] = rules(resource("azurerm_network_security_rule", "r", unknown_rg))
    assert rule.group == "mail-nsg in resource group (not known)"
    assert rule.group_unknown == Unknown("var.rg has no value", (), "mail-nsg in resource group *")


@pytest.mark.parametrize(
    ("kind", "attrs"),
    [
        ("aws_security_group_rule", {"type": "ingress", "protocol": "ssh", "from_port": 22, "to_port": 22}),
        ("aws_vpc_security_group_ingress_rule", {"ip_protocol": "https", "from_port": 443, "to_port": 443}),
        ("aws_vpc_security_group_ingress_rule", {"ip_protocol": "\u00b2", "from_port": 443, "to_port": 443}),
        ("azurerm_network_security_rule", azure_rule(protocol="Ssh")),
        ("azurerm_network_security_rule", azure_rule(protocol="6")),
    ],
)
def test_rejected_protocols_leave_nothing_to_judge(kind: str, attrs: dict[str, Any]) -> None:
    [rule] = rules(resource(kind, "r", {"security_group_id": "sg-1", "cidr_ipv4": "0.0.0.0/0"} | attrs))
    assert isinstance(rule.protocol, Unknown) and "is not a protocol the provider accepts" in rule.protocol.reason
    assert rule.sources == Unknown(rule.protocol.reason)


def test_unknown_group_ids_are_named_not_identified() -> None:
    attrs = {"type": "ingress", "protocol": "tcp", "from_port": 22, "to_port": 22}
    by_var = attrs | {"security_group_id": Unknown("var.sg has no value", ("var.sg",))}
    [rule] = rules(resource("aws_security_group_rule", "r", by_var))
    assert (rule.group, rule.group_unknown) == ("var.sg", by_var["security_group_id"])
    by_data = attrs | {"security_group_id": ref("data.aws_security_group.shared.id")}
    [rule] = rules(resource("aws_security_group_rule", "r", by_data))
    assert rule.group == "data.aws_security_group.shared.id" and rule.group_unknown is not None
    by_resource = attrs | {"security_group_id": ref("aws_security_group.web.id")}
    [rule] = rules(resource("aws_security_group_rule", "r", by_resource))
    assert (rule.group, rule.group_unknown) == ("aws_security_group.web", None)


def test_azure_outbound_uses_destinations() -> None:
    attrs = azure_rule(direction="Outbound", destination_address_prefix="Internet", source_address_prefix="*")
    [rule] = rules(resource("azurerm_network_security_rule", "r", attrs))
    assert rule.direction == "egress" and rule.sources == ("Internet",)


def test_azure_unknown_access_judges_nothing() -> None:
    [rule] = rules(resource("azurerm_network_security_rule", "r", azure_rule(access=Unknown("var.a has no value"))))
    assert isinstance(rule.sources, Unknown) and "access is not known" in rule.sources.reason


def test_azure_nsg_inline_rules() -> None:
    nsg = resource(
        "azurerm_network_security_group",
        "mail",
        blocks={"security_rule": [block(20, **azure_rule()), block(32, **azure_rule(description="d"))]},
    )
    first, second = rules(nsg)
    assert (first.rule_key, first.prov.line, first.group) == (
        "security_rule[0]",
        20,
        "azurerm_network_security_group.mail",
    )
    assert second.rule_key == "security_rule[1]" and second.description == "d"


# ---------------------------------------------------------------- Google


def gcp(attrs: dict[str, Any], **blocks: list[Any]) -> Any:
    return resource("google_compute_firewall", "fw", {"name": "fw", "network": "n"} | attrs, blocks)


def test_gcp_allow_blocks_share_the_firewall() -> None:
    fw = gcp(
        {"source_ranges": ["0.0.0.0/0"], "description": "web"},
        allow=[block(14, protocol="tcp", ports=["443", "8000-8080"]), block(19, protocol="udp")],
    )
    first, second = rules(fw)
    assert first.prov == second.prov == fw.prov  # the firewall is the rule
    assert (first.protocol, first.ports, first.priority, first.rule_key) == (
        "tcp",
        ((443, 443), (8000, 8080)),
        1000,
        "",
    )
    assert (second.protocol, second.ports) == ("udp", ALL)
    assert first.description == "web"


def test_gcp_without_sources_is_open_to_the_world() -> None:
    [rule] = rules(gcp({}, allow=[block(protocol="tcp", ports=["22"])]))
    assert rule.sources == ("0.0.0.0/0",) and rule.direction == "ingress"


def test_gcp_tags_and_service_accounts_are_sources() -> None:
    attrs = {"source_tags": ["bastion"], "source_service_accounts": ["ops@p.iam.gserviceaccount.com"]}
    [rule] = rules(gcp(attrs, allow=[block(protocol="tcp", ports=["22"])]))
    assert rule.sources == ("tag:bastion", "sa:ops@p.iam.gserviceaccount.com")


def test_gcp_disabled_firewall_is_no_rule() -> None:
    assert rules(gcp({"disabled": True}, allow=[block(protocol="all")])) == []


def test_gcp_unknown_disabled_judges_nothing() -> None:
    [rule] = rules(gcp({"disabled": Unknown("var.off has no value")}, allow=[block(protocol="all")]))
    assert isinstance(rule.sources, Unknown) and "disabled is not known" in rule.sources.reason


def test_gcp_egress_deny_and_priority() -> None:
    attrs = {"direction": "EGRESS", "destination_ranges": ["10.0.0.0/8"], "priority": 900}
    [rule] = rules(gcp(attrs, deny=[block(protocol="all")]))
    assert (rule.direction, rule.action, rule.priority, rule.protocol) == ("egress", "deny", 900, "all")
    assert rule.sources == ("10.0.0.0/8",) and rule.ports == ALL


def test_gcp_unexpandable_allow_blocks() -> None:
    pending = Unknown("dynamic 'allow' blocks are not known (var.allow has no value)")
    fw = gcp({"source_ranges": ["0.0.0.0/0"]})
    fw.body.attrs["allow"] = pending
    [rule] = rules(fw)
    assert rule.protocol is pending and rule.ports is pending


# ---------------------------------------------------------------- GuardDuty


@pytest.mark.parametrize(("attrs", "enabled"), [({}, True), ({"enable": False}, False), ({"enable": "true"}, True)])
def test_guardduty_detector(attrs: dict[str, Any], enabled: bool) -> None:
    [fact] = adapt(ADAPTERS, resource("aws_guardduty_detector", "main", attrs))
    assert isinstance(fact, ThreatDetection)
    assert (fact.service, fact.enabled, fact.region) == ("guardduty", enabled, None)


def test_guardduty_detector_unknown_and_region() -> None:
    unknown = Unknown("var.on has no value")
    [fact] = adapt(ADAPTERS, resource("aws_guardduty_detector", "main", {"enable": unknown, "region": "us-east-1"}))
    assert isinstance(fact, ThreatDetection) and fact.enabled is unknown and fact.region == "us-east-1"

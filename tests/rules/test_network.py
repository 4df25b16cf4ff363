"""NET001-NET005 and IDS001, judged on facts built by hand."""

from __future__ import annotations

from typing import Any

import pytest

from emailiac.baseline import Baseline, NetworkBaseline, TerraformBaseline
from emailiac.model import FirewallRule, Gap, Inventory, Provenance, ThreatDetection, Unknown
from emailiac.result import Status
from emailiac.rules.base import Rule, Verdict
from emailiac.rules.firewall_descriptions import NET004
from emailiac.rules.network import NET001, NET002, NET003, NET005
from emailiac.rules.threat_detection import IDS001

WORLD = "0.0.0.0/0"
ALL = ((0, 65535),)


def fw(
    ports: Any = ((22, 22),),
    sources: Any = (WORLD,),
    *,
    protocol: Any = "tcp",
    direction: str = "ingress",
    action: str = "allow",
    description: Any = "described",
    key: str = "",
    address: str = "aws_security_group_rule.r",
    line: int = 1,
    self_ref: bool = False,
    group: str = "sg-1",
) -> FirewallRule:
    prov = Provenance("terraform", address, "main.tf", line, line + 5)
    return FirewallRule(
        prov, group, direction, action, protocol, ports, sources, description, self_ref=self_ref, rule_key=key
    )


def run(rule: Rule, *facts: Any, baseline: Baseline | None = None, **inventory: Any) -> list[Verdict]:
    inv = Inventory(facts=list(facts), sources={"terraform"}, **inventory)
    return list(rule.run(inv, baseline or Baseline()))


def status(rule: Rule, *facts: Any, baseline: Baseline | None = None) -> list[Status]:
    return [v.status for v in run(rule, *facts, baseline=baseline)]


FAIL, PASS, NA = Status.FAIL, Status.PASS, Status.NOT_ASSESSED


# ---------------------------------------------------------------- NET001


@pytest.mark.parametrize("source", ["0.0.0.0/0", "::/0", "::0/0", "*", "Internet", "internet", "Any"])
def test_net001_every_spelling_of_the_world_fails(source: str) -> None:
    [verdict] = run(NET001, fw(sources=(source,)))
    assert verdict.status is FAIL
    assert "22/tcp (SSH)" in verdict.message and source in verdict.message


def test_net001_finding_names_the_rule_and_carries_fix_data() -> None:
    baseline = Baseline(network=NetworkBaseline(admin_cidrs=("10.20.0.0/24",)))
    group = "aws_security_group.mail"
    rule = fw(ports=((3389, 3389),), sources=(WORLD, "::/0"), key="ingress[2]", address=group, group=group)
    [verdict] = run(NET001, rule, baseline=baseline)
    assert verdict.message == "aws_security_group.mail ingress[2] opens 3389/tcp (RDP) to 0.0.0.0/0, ::/0"
    assert verdict.evidence == "ingress[2] tcp 3389 from 0.0.0.0/0,::/0"
    assert verdict.data["ports"] == [3389]
    assert verdict.data["replacement_sources"] == ["10.20.0.0/24"]
    assert "10.20.0.0/24" in verdict.fix_hint


@pytest.mark.parametrize(
    ("ports", "expected"),
    [(((20, 25),), FAIL), (((23, 3388),), PASS), (ALL, FAIL), (((3389, 3390),), FAIL), ((), PASS)],
)
def test_net001_ranges_cover_every_port_inside(ports: Any, expected: Status) -> None:
    assert status(NET001, fw(ports=ports)) == [expected]


def test_net001_all_protocols_with_every_port_fails_naming_both_admin_ports() -> None:
    [verdict] = run(NET001, fw(protocol="all", ports=ALL))
    assert verdict.status is FAIL
    assert verdict.data["ports"] == [22, 3389]
    assert "all traffic" in verdict.message


def test_net001_all_protocols_keeps_named_ports() -> None:
    # Azure protocol "*" on destination port 110 opens 110 only.
    assert status(NET001, fw(protocol="all", ports=((110, 110),))) == [PASS]


@pytest.mark.parametrize("protocol", ["icmp", "icmpv6", "esp"])
def test_net001_portless_protocols_open_no_port(protocol: str) -> None:
    assert status(NET001, fw(protocol=protocol, ports=ALL)) == [PASS]


def test_net001_judges_inbound_allows_only() -> None:
    assert run(NET001, fw(direction="egress"), fw(action="deny")) == []


def test_net001_self_reference_never_excuses_a_world_source() -> None:
    assert status(NET001, fw(self_ref=True)) == [FAIL]
    assert status(NET001, fw(sources=(), self_ref=True, protocol="all", ports=ALL)) == [PASS]


def test_net001_references_are_not_the_world() -> None:
    assert status(NET001, fw(sources=("sg:aws_security_group.lb", "pl:pl-123", "VirtualNetwork"))) == [PASS]


def test_net001_a_known_world_source_fails_beside_an_unknown_one() -> None:
    assert status(NET001, fw(sources=(WORLD, Unknown("var.extra has no value")))) == [FAIL]


def test_net001_unknown_source_that_could_be_the_world_is_not_assessed() -> None:
    [verdict] = run(NET001, fw(sources=("10.0.0.0/8", Unknown("var.admin_cidr has no value"))))
    assert verdict.status is NA
    assert "var.admin_cidr has no value" in verdict.message


def test_net001_unknown_source_cannot_matter_when_no_admin_port_is_open() -> None:
    assert status(NET001, fw(ports=((443, 443),), sources=Unknown("var.x has no value"))) == [PASS]


def test_net001_unknown_ports_matter_only_with_a_world_source() -> None:
    unknown = Unknown("from_port is not known (var.p has no value)")
    assert status(NET001, fw(ports=unknown)) == [NA]
    assert status(NET001, fw(ports=unknown, sources=("10.1.0.0/16",))) == [PASS]


def test_net001_unknown_protocol_is_not_assessed() -> None:
    [verdict] = run(NET001, fw(protocol=Unknown("var.proto has no value")))
    assert verdict.status is NA and "var.proto has no value" in verdict.message


def test_net001_baseline_admin_ports() -> None:
    baseline = Baseline(network=NetworkBaseline(admin_ports=(22, 3389, 5985)))
    assert status(NET001, fw(ports=((5985, 5986),)), baseline=baseline) == [FAIL]
    assert status(NET001, fw(ports=((5985, 5986),))) == [PASS]


def test_net001_collection_gap_is_not_assessed() -> None:
    gap = Gap("FirewallRule", "eu-west-1", "AccessDenied: ec2:DescribeSecurityGroupRules")
    [verdict] = run(NET001, gaps=[gap])
    assert verdict.status is NA
    assert verdict.subject.address == "aws://eu-west-1/security-groups"
    assert verdict.message == gap.reason


def test_net001_passes_carry_the_rule_key_as_evidence() -> None:
    [verdict] = run(NET001, fw(sources=("10.0.0.0/24",), key="ingress[3]"))
    assert verdict.status is PASS and verdict.evidence == "ingress[3]"


# ---------------------------------------------------------------- NET002


def test_net002_plaintext_retrieval_ports_fail_with_tls_replacements() -> None:
    [verdict] = run(NET002, fw(ports=((100, 200),)))
    assert verdict.status is FAIL
    assert verdict.data["ports"] == [110, 143]
    assert verdict.data["replacement_ports"] == {"110": 995, "143": 993}
    assert "995 instead of 110" in verdict.fix_hint


def test_net002_tls_ports_and_private_sources_pass() -> None:
    assert status(NET002, fw(ports=((993, 995),)), fw(ports=((143, 143),), sources=("10.0.0.0/8",))) == [PASS, PASS]


# ---------------------------------------------------------------- NET003


def test_net003_port_outside_the_allow_list_fails() -> None:
    [verdict] = run(NET003, fw(ports=((8080, 8081),)))
    assert verdict.status is FAIL
    assert "tcp ports 8080-8081" in verdict.message
    assert verdict.data["port_ranges"] == [[8080, 8081]]


@pytest.mark.parametrize("port", [25, 465, 587, 993, 995, 443, 22, 3389, 110, 143])
def test_net003_leaves_allowed_admin_and_plaintext_mail_ports_alone(port: int) -> None:
    assert status(NET003, fw(ports=((port, port),))) == [PASS]


def test_net003_an_all_ports_rule_fails_once_with_the_rules_own_range_as_evidence() -> None:
    [verdict] = run(NET003, fw(protocol="all", ports=ALL))
    assert verdict.status is FAIL
    assert "all traffic (every protocol and port)" in verdict.message
    assert verdict.evidence == "all 0-65535 from 0.0.0.0/0"
    assert [0, 21] in verdict.data["port_ranges"] and [23, 24] in verdict.data["port_ranges"]


def test_net003_every_tcp_port() -> None:
    [verdict] = run(NET003, fw(ports=ALL))
    assert "every tcp port" in verdict.message


def test_net003_baseline_allow_list() -> None:
    baseline = Baseline(network=NetworkBaseline(allowed_world_ports=(25,)))
    assert status(NET003, fw(ports=((443, 443),)), baseline=baseline) == [FAIL]


def test_all_ports_rule_is_one_finding_per_rule_id() -> None:
    rule = fw(protocol="all", ports=ALL)
    for check in (NET001, NET002, NET003):
        assert status(check, rule) == [FAIL]
    assert status(NET005, rule) == [PASS]


# ---------------------------------------------------------------- NET004


@pytest.mark.parametrize("description", [None, "", "   "])
def test_net004_missing_or_blank_description_fails(description: Any) -> None:
    [verdict] = run(NET004, fw(description=description, key="ingress[0]"))
    assert verdict.status is FAIL
    assert verdict.data["attribute"] == "description"
    assert verdict.data["value"] == "TODO: say who needs 22/tcp and why"


def test_net004_judges_egress_and_deny_rules_too() -> None:
    rules = (fw(direction="egress", description=None), fw(action="deny", description=None, address="x.y"))
    assert status(NET004, *rules) == [FAIL, FAIL]


def test_net004_unknown_description_is_not_assessed() -> None:
    assert status(NET004, fw(description=Unknown("var.d has no value"))) == [NA]


def test_net004_one_verdict_per_described_thing() -> None:
    # A GCP firewall's allow blocks share subject and description; inline blocks differ by key.
    gcp = [
        fw(description=None, address="google_compute_firewall.web"),
        fw(protocol="udp", description=None, address="google_compute_firewall.web"),
    ]
    inline = [fw(description=None, key="ingress[0]"), fw(description=None, key="ingress[1]")]
    assert status(NET004, *gcp) == [FAIL]
    assert status(NET004, *inline) == [FAIL, FAIL]


def test_net004_placeholder_for_all_traffic() -> None:
    [verdict] = run(NET004, fw(protocol="all", ports=ALL, description=None))
    assert verdict.data["value"] == "TODO: say who needs all traffic and why"


# ---------------------------------------------------------------- NET005


@pytest.mark.parametrize(
    ("source", "ports", "expected"),
    [
        ("10.0.0.0/8", ((22, 22),), FAIL),
        ("10.1.0.0/16", ((22, 22),), PASS),
        ("172.16.0.0/12", ((993, 993),), FAIL),
        ("192.168.0.0/17", ((995, 995),), PASS),
        ("fd00::/8", ((3389, 3389),), FAIL),
        ("0.0.0.0/1", ((22, 22),), FAIL),  # reaches into 10.0.0.0/8
        ("8.0.0.0/8", ((22, 22),), PASS),  # public: not segmentation's business
        (WORLD, ((22, 22),), PASS),  # NET001's
        ("10.0.0.0/8", ((443, 443),), PASS),
    ],
)
def test_net005_private_range_breadth(source: str, ports: Any, expected: Status) -> None:
    assert status(NET005, fw(ports=ports, sources=(source,))) == [expected]


def test_net005_finding_data() -> None:
    [verdict] = run(NET005, fw(ports=((22, 22),), sources=("10.0.0.0/8", "10.1.0.0/16")))
    assert verdict.data["broad_sources"] == ["10.0.0.0/8"]
    assert verdict.data["max_prefix"] == 16
    assert "broader than /16" in verdict.message


def test_net005_baseline_prefix() -> None:
    baseline = Baseline(network=NetworkBaseline(max_private_prefix=8))
    assert status(NET005, fw(sources=("10.0.0.0/8",)), baseline=baseline) == [PASS]


# ---------------------------------------------------------------- IDS001


def detector(enabled: Any, address: str = "aws_guardduty_detector.main") -> ThreatDetection:
    return ThreatDetection(Provenance("terraform", address, "main.tf", 3, 5), "guardduty", enabled)


def test_ids001_judges_each_detector() -> None:
    verdicts = run(IDS001, detector(True), detector(False, "aws_guardduty_detector.us"), detector(Unknown("var.x")))
    assert [v.status for v in verdicts] == [PASS, FAIL, NA]
    assert verdicts[1].message == "GuardDuty detector aws_guardduty_detector.us is disabled"
    assert verdicts[1].data == {"attribute": "enable", "value": True}


def test_ids001_absence_is_out_of_scope_unless_authoritative() -> None:
    [verdict] = run(IDS001)
    assert verdict.status is NA and verdict.out_of_scope
    assert verdict.subject == Provenance("terraform", "aws_account")


def test_ids001_absence_fails_where_the_baseline_makes_terraform_authoritative() -> None:
    baseline = Baseline(terraform=TerraformBaseline(authoritative=("aws_account",)))
    [verdict] = run(IDS001, baseline=baseline)
    assert verdict.status is FAIL
    assert verdict.subject.address == "aws_account"
    assert verdict.data["resource"] == "aws_guardduty_detector"


def test_ids001_absence_in_a_live_scan() -> None:
    inv = Inventory(sources={"aws"}, authoritative={"aws_account"})
    [verdict] = IDS001.run(inv, Baseline())
    assert verdict.status is FAIL
    assert verdict.subject == Provenance("aws", "aws://guardduty")


def test_ids001_gap_replaces_the_absence_verdict() -> None:
    gap = Gap("ThreatDetection", "us-east-1", "AccessDenied: guardduty:ListDetectors")
    inv = Inventory(sources={"aws"}, authoritative={"aws_account"}, gaps=[gap])
    [verdict] = IDS001.run(inv, Baseline())
    assert verdict.status is NA and verdict.message == gap.reason


# ---------------------------------------------------------------- ranges that together are the world


@pytest.mark.parametrize(
    ("sources", "world"),
    [
        (("0.0.0.0/1", "128.0.0.0/1"), True),
        (("0.0.0.0/1",), False),
        (("::/1", "8000::/1"), True),
        (("2000::/3",), True),  # every global unicast IPv6 address
        (("2000::/4",), False),
        # Everything but private and reserved space is the public internet.
        (("0.0.0.0/5", "8.0.0.0/7", "11.0.0.0/8", "12.0.0.0/6", "16.0.0.0/4", "32.0.0.0/3", "64.0.0.0/2"), False),
        (
            (
                "0.0.0.0/5",
                "8.0.0.0/7",
                "11.0.0.0/8",
                "12.0.0.0/6",
                "16.0.0.0/4",
                "32.0.0.0/3",
                "64.0.0.0/2",
                "128.0.0.0/1",
            ),
            True,
        ),
        (("0.0.0.0/1", "10.0.0.0/8"), False),
    ],
)
def test_net001_ranges_that_together_cover_the_internet_are_the_world(sources: tuple[str, ...], world: bool) -> None:
    [verdict] = run(NET001, fw(sources=sources))
    assert verdict.status is (FAIL if world else PASS), verdict.message
    if world:
        assert verdict.message.endswith(", which together cover the whole internet")


def test_net001_halves_in_two_rules_of_one_group_are_the_world_for_the_ports_both_open() -> None:
    low = fw(ports=((22, 22),), sources=("0.0.0.0/1",), address="aws_security_group_rule.low")
    high = fw(ports=((20, 3389),), sources=("128.0.0.0/1",), address="aws_security_group_rule.high")
    verdicts = {v.subject.address: v for v in run(NET001, low, high)}
    assert verdicts["aws_security_group_rule.low"].message == (
        "aws_security_group_rule.low (group sg-1) opens 22/tcp (SSH) to 0.0.0.0/1, which with "
        "aws_security_group_rule.high (128.0.0.0/1) covers the whole internet"
    )
    # The upper half opens 3389 too, but only half of the internet reaches it there.
    assert verdicts["aws_security_group_rule.high"].data["ports"] == [22]
    # Another group's rule, or another protocol, does not add up.
    other = fw(ports=((22, 22),), sources=("128.0.0.0/1",), address="aws_security_group_rule.other", group="sg-2")
    udp = fw(ports=((22, 22),), sources=("128.0.0.0/1",), address="aws_security_group_rule.udp", protocol="udp")
    assert status(NET001, low, other, udp) == [PASS, PASS, PASS]


def test_net003_counts_ports_opened_together_only() -> None:
    low = fw(ports=((8000, 8100),), sources=("0.0.0.0/1",), address="aws_security_group_rule.low")
    high = fw(ports=((8080, 8080),), sources=("128.0.0.0/1",), address="aws_security_group_rule.high")
    verdicts = {v.subject.address: v for v in run(NET003, low, high)}
    assert verdicts["aws_security_group_rule.low"].data["port_ranges"] == [[8080, 8080]]


@pytest.mark.parametrize("source", ["10.0.0.0/33", "0.0.0.0/O", "300.1.1.1/32", "::g/0", "1.2.3/24"])
def test_an_invalid_cidr_is_never_a_pass(source: str) -> None:
    for rule in (NET001, NET002, NET003, NET005):
        [verdict] = run(rule, fw(ports=ALL, sources=(source,)))
        assert verdict.status is NA, (rule.id, source)
        assert f"source {source!r} is not a valid address range" in verdict.message


def test_an_invalid_cidr_beside_a_world_source_still_fails_and_names_are_not_addresses() -> None:
    assert status(NET001, fw(sources=("0.0.0.0/0", "10.0.0.0/33"))) == [FAIL]
    assert status(NET001, fw(sources=("VirtualNetwork", "sg-0abc", "pl-12345"))) == [PASS]

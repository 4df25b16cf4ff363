"""Rules of the network family: what firewalls open to whom (NET004, descriptions, and IDS001, threat
detection, have modules of their own).

Every inbound allow rule is judged on its own (NET001-NET003, NET005): a `self = true` rule or a deny rule
elsewhere never excuses it; the rules of one group count together only where their sources add up to the
world (`rules/world.py`). A rule that opens every port answers to each rule ID once: NET001 for the
admin ports inside it, NET002 for the plaintext mail ports, NET003 for the rest.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

from emailiac.baseline import Baseline
from emailiac.model import FirewallRule, Inventory, Unknown
from emailiac.result import Severity
from emailiac.rules.base import Rule, Verdict, fail, not_assessed, passed
from emailiac.rules.exposure import Exposure, exposure, is_judged, label, opened_ranges, protocol_of
from emailiac.rules.fw_groups import GroupIndex
from emailiac.rules.gaps import gap_verdicts
from emailiac.rules.ports import (
    ALL_PORTS,
    PortRanges,
    is_broad_private,
    is_world,
    port_text,
    ports_in,
    ranges_text,
    subtract,
)
from emailiac.rules.together import world_perhaps, world_together

__all__ = ["FIREWALL_REFERENCES", "NET001", "NET002", "NET003", "NET005", "firewall_gaps", "protocol_of"]

# The TLS counterparts of POP3 and IMAP: still mail retrieval, so still segmented (NET005).
MAIL_RETRIEVAL_TLS_PORTS = (993, 995)
_TLS_INSTEAD = {110: 995, 143: 993}
FIREWALL_REFERENCES = (
    "https://docs.aws.amazon.com/vpc/latest/userguide/vpc-security-groups.html",
    "https://learn.microsoft.com/en-us/azure/virtual-network/network-security-groups-overview",
    "https://cloud.google.com/vpc/docs/firewalls",
)


def _single_ports(wanted: tuple[int, ...]) -> Callable[[PortRanges], PortRanges]:
    return lambda opened: tuple((p, p) for p in ports_in(opened, wanted))


def _ports_phrase(rule: FirewallRule, ports: PortRanges) -> str:
    names = [port_text(lo, protocol_of(rule)) for lo, _ in ports]
    listed = names[0] if len(names) == 1 else ", ".join(names[:-1]) + f" and {names[-1]}"
    every = protocol_of(rule) == "all" and opened_ranges(rule) == ALL_PORTS
    return f"all traffic, {listed} included," if every else listed


def _sources_phrase(found: Exposure) -> str:
    return ", ".join(sorted(set(found.sources))) + found.covering


def firewall_gaps(inventory: Inventory) -> Iterator[Verdict]:
    """Not-assessed verdicts where a scan could not read the security groups."""
    return gap_verdicts(inventory, FirewallRule, "aws", "security-groups")


def _judge_exposures(
    inventory: Inventory,
    select_ports: Callable[[PortRanges], PortRanges],
    is_source: Callable[[str], bool],
    on_open: Callable[[FirewallRule, Exposure], Verdict],
    closed_text: str,
) -> Iterator[Verdict]:
    yield from firewall_gaps(inventory)
    groups = GroupIndex(inventory.of(FirewallRule))
    for rule in inventory.of(FirewallRule):
        if not is_judged(rule):
            continue
        found = exposure(rule, select_ports, is_source)
        undecided = None
        if not found.open and is_source is is_world:
            found = world_together(rule, select_ports, groups.same(rule)) or found
            undecided = None if found.open else world_perhaps(rule, select_ports, groups)
        if found.open:
            yield on_open(rule, found)
        elif found.closed and undecided is None:
            yield passed(rule.prov, f"{label(rule)} {closed_text}", evidence=rule.rule_key)
        else:
            yield not_assessed(rule.prov, f"{label(rule)}: {found.unknown or undecided}", evidence=rule.rule_key)


def _evidence(rule: FirewallRule, ports: PortRanges, sources: tuple[str, ...]) -> str:
    text = ",".join(str(lo) if lo == hi else f"{lo}-{hi}" for lo, hi in ports)
    return f"{rule.rule_key} {protocol_of(rule)} {text} from {','.join(sorted(set(sources)))}".strip()


# ---------------------------------------------------------------- NET001


def _check_admin_world(inventory: Inventory, baseline: Baseline) -> Iterator[Verdict]:
    admin = baseline.network.admin_ports
    narrowed = list(baseline.network.admin_cidrs)

    def on_open(rule: FirewallRule, found: Exposure) -> Verdict:
        hint = (
            f"Allow {', '.join(str(p) for p, _ in found.ports)} only from {', '.join(narrowed)}"
            if narrowed
            else "Allow admin ports only from a bastion or VPN range, never from the internet"
        )
        return fail(
            rule.prov,
            f"{label(rule)} opens {_ports_phrase(rule, found.ports)} to {_sources_phrase(found)}",
            evidence=_evidence(rule, found.ports, found.sources),
            fix_hint=hint,
            rule_key=rule.rule_key,
            ports=[p for p, _ in found.ports],
            world_sources=sorted(set(found.sources)),
            replacement_sources=narrowed,
        )

    admin_text = " or ".join(str(p) for p in admin)
    yield from _judge_exposures(
        inventory, _single_ports(admin), is_world, on_open, f"does not open {admin_text} to the world"
    )


NET001 = Rule(
    id="NET001",
    slug="admin-port-open-to-world",
    title="Admin port open to the world",
    severity=Severity.CRITICAL,
    family="network",
    sources=("terraform", "aws"),
    summary=(
        "Flags every inbound allow rule (security group, NSG, GCP firewall) that opens an admin port of the "
        "baseline (default 22 and 3389) to 0.0.0.0/0, ::/0, `*`, `Internet` or `Any`, or to ranges that "
        "together hold every public address (`0.0.0.0/1` + `128.0.0.0/1`, in one rule or spread over the rules "
        "of one group that open the port; groups not known to be one, such as two variables with no value, "
        "leave such halves not assessed). Port ranges, `-1`/`all`/`*` protocols and all-port rules count for "
        "every port inside them; IPv4 and IPv6 alike. A source written like an address that is not one "
        "(`10.0.0.0/33`) or a protocol the provider does not take (`ssh`, `http`) is not assessed: the "
        "provider rejects the rule, and it is never a pass."
    ),
    rationale=(
        "SSH and RDP reachable from the whole internet are brute-forced within minutes of going live and "
        "are a first foothold for mailbox theft. Each rule is judged on its own: a `self = true` rule in the "
        "same group narrows nothing, and an Azure or GCP deny rule of higher priority is not weighed against "
        "an allow (remove the allow instead of relying on rule order)."
    ),
    bad_example=(
        'resource "aws_security_group" "mail" {\n'
        "  ingress {\n"
        "    from_port   = 22\n"
        "    to_port     = 22\n"
        '    protocol    = "tcp"\n'
        '    cidr_blocks = ["0.0.0.0/0"]\n'
        "  }\n"
        "}\n"
    ),
    good_example=(
        'resource "aws_security_group" "mail" {\n'
        "  ingress {\n"
        '    description = "SSH from the bastion subnet"\n'
        "    from_port   = 22\n"
        "    to_port     = 22\n"
        '    protocol    = "tcp"\n'
        '    cidr_blocks = ["10.20.0.0/24"]\n'
        "  }\n"
        "}\n"
    ),
    check=_check_admin_world,
    controls=("CIS AWS 5.2", "CIS AWS 5.3"),
    references=FIREWALL_REFERENCES,
    fix="unsafe",
    fix_title="Narrow the rule to the baseline admin CIDRs",
)


# ---------------------------------------------------------------- NET002


def _check_plaintext_mail_world(inventory: Inventory, baseline: Baseline) -> Iterator[Verdict]:
    plaintext = baseline.network.plaintext_mail_ports

    def on_open(rule: FirewallRule, found: Exposure) -> Verdict:
        ports = [p for p, _ in found.ports]
        instead = {p: _TLS_INSTEAD[p] for p in ports if p in _TLS_INSTEAD}
        swaps = ", ".join(f"{new} instead of {old}" for old, new in instead.items())
        return fail(
            rule.prov,
            f"{label(rule)} opens {_ports_phrase(rule, found.ports)} to {_sources_phrase(found)}: "
            "plaintext mail retrieval",
            evidence=_evidence(rule, found.ports, found.sources),
            fix_hint=f"Serve mail retrieval over implicit TLS only ({swaps})"
            if swaps
            else "Close plaintext mail retrieval ports to the world",
            rule_key=rule.rule_key,
            ports=ports,
            world_sources=sorted(set(found.sources)),
            replacement_ports={str(k): v for k, v in instead.items()},
        )

    text = " or ".join(str(p) for p in plaintext)
    yield from _judge_exposures(
        inventory, _single_ports(plaintext), is_world, on_open, f"does not open {text} to the world"
    )


NET002 = Rule(
    id="NET002",
    slug="plaintext-mail-retrieval-open-to-world",
    title="Plaintext mail retrieval port open to the world",
    severity=Severity.HIGH,
    family="network",
    sources=("terraform", "aws"),
    summary=(
        "Flags inbound allow rules that open POP3 (110) or IMAP (143), the plaintext mail retrieval ports of "
        "the baseline, to the world."
    ),
    rationale=(
        "POP3 and IMAP on 110/143 start in plaintext; unless every client upgrades with STARTTLS, passwords "
        "and mail cross the internet readable, and a downgrade attacker can strip the upgrade. RFC 8314 "
        "asks for implicit TLS on 995 and 993 instead."
    ),
    bad_example=(
        'resource "aws_vpc_security_group_ingress_rule" "imap" {\n'
        "  security_group_id = aws_security_group.mail.id\n"
        '  ip_protocol       = "tcp"\n'
        "  from_port         = 143\n"
        "  to_port           = 143\n"
        '  cidr_ipv4         = "0.0.0.0/0"\n'
        "}\n"
    ),
    good_example=(
        'resource "aws_vpc_security_group_ingress_rule" "imaps" {\n'
        "  security_group_id = aws_security_group.mail.id\n"
        '  description       = "IMAP over TLS for mail clients"\n'
        '  ip_protocol       = "tcp"\n'
        "  from_port         = 993\n"
        "  to_port           = 993\n"
        '  cidr_ipv4         = "0.0.0.0/0"\n'
        "}\n"
    ),
    check=_check_plaintext_mail_world,
    references=("https://www.rfc-editor.org/rfc/rfc8314", *FIREWALL_REFERENCES),
    fix="unsafe",
    fix_title="Open the TLS port (993/995) instead of the plaintext one",
)


# ---------------------------------------------------------------- NET003


def _check_other_world_ports(inventory: Inventory, baseline: Baseline) -> Iterator[Verdict]:
    net = baseline.network
    exempt = (*net.allowed_world_ports, *net.admin_ports, *net.plaintext_mail_ports)
    allowed_text = ", ".join(str(p) for p in net.allowed_world_ports)

    def on_open(rule: FirewallRule, found: Exposure) -> Verdict:
        opened = opened_ranges(rule)
        assert not isinstance(opened, Unknown)  # an open rule's ports are known
        protocol = protocol_of(rule)
        if opened == ALL_PORTS:
            what = "all traffic (every protocol and port)" if protocol == "all" else f"every {protocol} port"
        else:
            kind = "ports" if protocol == "all" else f"{protocol} ports"
            what = f"{kind} {ranges_text(found.ports)}"
        return fail(
            rule.prov,
            f"{label(rule)} opens {what} to {_sources_phrase(found)}; only {allowed_text} may be open to the world",
            # The rule's own ranges: the evidence stays put when the baseline's allow-list changes.
            evidence=_evidence(rule, opened, found.sources),
            fix_hint="Remove the rule or narrow it to the ports and sources the service needs",
            rule_key=rule.rule_key,
            port_ranges=[list(r) for r in found.ports],
            world_sources=sorted(set(found.sources)),
            allowed_ports=list(net.allowed_world_ports),
        )

    yield from _judge_exposures(
        inventory,
        lambda opened: subtract(opened, exempt),
        is_world,
        on_open,
        f"opens no port outside {allowed_text} to the world",
    )


NET003 = Rule(
    id="NET003",
    slug="unexpected-port-open-to-world",
    title="Port outside the allow-list open to the world",
    severity=Severity.HIGH,
    family="network",
    sources=("terraform", "aws"),
    summary=(
        "Flags inbound allow rules that open a port to the world which is not on the baseline's allow-list "
        "(default 25, 465, 587, 993, 995, 443) and is not an admin or plaintext mail port (those are NET001 "
        "and NET002). A rule of every port or every protocol fails here once, beside its NET001 and NET002 "
        "findings."
    ),
    rationale=(
        "A mail host needs SMTP, submission, IMAPS/POP3S and HTTPS from the internet, nothing else. Anything "
        "more (databases, dashboards, debug ports, all traffic) is attack surface nobody reviewed."
    ),
    bad_example=(
        'resource "google_compute_firewall" "mail" {\n'
        '  name          = "mail"\n'
        '  network       = "default"\n'
        '  source_ranges = ["0.0.0.0/0"]\n'
        "  allow {\n"
        '    protocol = "tcp"\n'
        "  }\n"
        "}\n"
    ),
    good_example=(
        'resource "google_compute_firewall" "mail" {\n'
        '  name          = "mail"\n'
        '  network       = "default"\n'
        '  description   = "SMTP and submission from anywhere"\n'
        '  source_ranges = ["0.0.0.0/0"]\n'
        "  allow {\n"
        '    protocol = "tcp"\n'
        '    ports    = ["25", "465", "587"]\n'
        "  }\n"
        "}\n"
    ),
    check=_check_other_world_ports,
    references=FIREWALL_REFERENCES,
    fix="unsafe",
    fix_title="Remove the rule or narrow it to the allowed ports",
)


# ---------------------------------------------------------------- NET005


def _check_segmentation(inventory: Inventory, baseline: Baseline) -> Iterator[Verdict]:
    net = baseline.network
    sensitive = tuple(sorted({*net.admin_ports, *net.plaintext_mail_ports, *MAIL_RETRIEVAL_TLS_PORTS}))
    limit = net.max_private_prefix

    def on_open(rule: FirewallRule, found: Exposure) -> Verdict:
        return fail(
            rule.prov,
            f"{label(rule)} opens {_ports_phrase(rule, found.ports)} to {_sources_phrase(found)}, "
            f"broader than /{limit}",
            evidence=_evidence(rule, found.ports, found.sources),
            fix_hint=f"Narrow the source to the subnets that need it (/{limit} or smaller)",
            rule_key=rule.rule_key,
            ports=[p for p, _ in found.ports],
            broad_sources=sorted(set(found.sources)),
            max_prefix=limit,
        )

    yield from _judge_exposures(
        inventory,
        _single_ports(sensitive),
        lambda source: is_broad_private(source, limit),
        on_open,
        f"opens no admin or mail retrieval port to a private range broader than /{limit}",
    )


NET005 = Rule(
    id="NET005",
    slug="admin-port-open-to-broad-private-range",
    title="Admin or mail retrieval port open to a broad private range",
    severity=Severity.MEDIUM,
    family="network",
    sources=("terraform", "aws"),
    summary=(
        "Flags inbound allow rules that open an admin port (22, 3389) or a mail retrieval port (110, 143, "
        "993, 995) to a range reaching into private address space (RFC 1918, IPv6 ULA) that is broader than "
        "the baseline's prefix (default /16): 10.0.0.0/8 fails, 10.1.0.0/16 passes. The world itself is "
        "NET001's."
    ),
    rationale=(
        "Opening admin and mailbox ports to a whole /8 is no segmentation: one compromised laptop or "
        "container anywhere in the network reaches every mail server. Ranges are judged by size only; Azure "
        "service tags such as VirtualNetwork are not expanded."
    ),
    bad_example=(
        'resource "azurerm_network_security_rule" "ssh" {\n'
        '  name                        = "ssh"\n'
        "  priority                    = 100\n"
        '  direction                   = "Inbound"\n'
        '  access                      = "Allow"\n'
        '  protocol                    = "Tcp"\n'
        '  source_port_range           = "*"\n'
        '  destination_port_range      = "22"\n'
        '  source_address_prefix       = "10.0.0.0/8"\n'
        '  destination_address_prefix  = "*"\n'
        '  resource_group_name         = "mail"\n'
        '  network_security_group_name = "mail"\n'
        "}\n"
    ),
    good_example=(
        'resource "azurerm_network_security_rule" "ssh" {\n'
        '  name                        = "ssh"\n'
        '  description                 = "SSH from the admin subnet"\n'
        "  priority                    = 100\n"
        '  direction                   = "Inbound"\n'
        '  access                      = "Allow"\n'
        '  protocol                    = "Tcp"\n'
        '  source_port_range           = "*"\n'
        '  destination_port_range      = "22"\n'
        '  source_address_prefix       = "10.1.0.0/16"\n'
        '  destination_address_prefix  = "*"\n'
        '  resource_group_name         = "mail"\n'
        '  network_security_group_name = "mail"\n'
        "}\n"
    ),
    check=_check_segmentation,
    references=FIREWALL_REFERENCES,
    fix="display-only",  # which ranges or identities to allow is not in the configuration
    fix_title="Narrow the source range",
)

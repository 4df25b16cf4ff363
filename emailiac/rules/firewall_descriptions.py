"""NET004 (network family): every inbound firewall rule says why it exists, in a description a reviewer can
check, rather than an empty or placeholder one.
"""

from __future__ import annotations

from collections.abc import Iterator

from emailiac.baseline import Baseline
from emailiac.model import FirewallRule, Inventory, Unknown
from emailiac.result import Severity
from emailiac.rules.base import Rule, Verdict, fail, not_assessed, passed
from emailiac.rules.exposure import label, opened_ranges
from emailiac.rules.network import FIREWALL_REFERENCES, firewall_gaps, protocol_of
from emailiac.rules.ports import (
    ALL_PORTS,
    ranges_text,
)

__all__ = ["RULES"]


# ---------------------------------------------------------------- NET004


def _check_description(inventory: Inventory, baseline: Baseline) -> Iterator[Verdict]:
    yield from firewall_gaps(inventory)
    seen: set[tuple[str, str | None, int | None, str]] = set()
    for rule in inventory.of(FirewallRule):
        # A GCP firewall's allow blocks share the resource's one description: judge it once.
        key = (rule.prov.address, rule.prov.file, rule.prov.line, rule.rule_key)
        if key in seen:
            continue
        seen.add(key)
        text = rule.description
        if isinstance(text, Unknown) and _has_known_text(text):
            # `"${var.env} bastion SSH"` is never empty: a null var.env is an error, not an empty description.
            yield passed(
                rule.prov,
                f"{label(rule)} is described: {text.pattern!r} (* not known: {text.reason})",
                evidence=rule.rule_key,
            )
        elif isinstance(text, Unknown):
            yield not_assessed(rule.prov, f"{label(rule)}: description is not known ({text.reason})")
        elif text is None or not text.strip():
            yield fail(
                rule.prov,
                f"{label(rule)} has no description"
                + ("" if rule.rule_key else f" ({rule.direction} {rule.action} rule)"),
                evidence=rule.rule_key,
                fix_hint="Add a description saying who needs this rule and why",
                rule_key=rule.rule_key,
                attribute="description",
                value=_placeholder(rule),
            )
        else:
            yield passed(rule.prov, f"{label(rule)} is described: {text.strip()!r}", evidence=rule.rule_key)


def _has_known_text(value: Unknown) -> bool:
    """Whether the known parts of a partly known string hold more than white space: then it is not empty,
    whatever the unknown parts turn out to be."""
    return value.pattern is not None and value.pattern.replace("*", "").strip() != ""


def _placeholder(rule: FirewallRule) -> str:
    """A description to fill in, naming what the rule lets through."""
    opened = opened_ranges(rule)
    protocol = protocol_of(rule)
    if isinstance(opened, Unknown) or not opened:
        what = "all traffic" if protocol == "all" else protocol
    elif opened == ALL_PORTS:
        what = "all traffic" if protocol == "all" else f"every {protocol} port"
    else:
        what = f"ports {ranges_text(opened)}" if protocol == "all" else f"{ranges_text(opened)}/{protocol}"
    return f"TODO: say who needs {what} and why"


NET004 = Rule(
    id="NET004",
    slug="firewall-rule-without-description",
    title="Firewall rule without a description",
    severity=Severity.LOW,
    family="network",
    sources=("terraform", "aws"),
    summary=(
        "Flags firewall rules, inbound and outbound, allow and deny, that carry no description. For inline "
        "security group rules the `description` of the `ingress`/`egress` block counts, not the group's; a "
        "GCP firewall's own description covers its allow and deny blocks."
    ),
    rationale=(
        "A rule nobody can explain is a rule nobody dares remove: undocumented openings pile up until a "
        "review cannot tell the needed from the forgotten."
    ),
    bad_example=(
        'resource "aws_security_group_rule" "smtp" {\n'
        '  type              = "ingress"\n'
        "  security_group_id = aws_security_group.mail.id\n"
        '  protocol          = "tcp"\n'
        "  from_port         = 25\n"
        "  to_port           = 25\n"
        '  cidr_blocks       = ["0.0.0.0/0"]\n'
        "}\n"
    ),
    good_example=(
        'resource "aws_security_group_rule" "smtp" {\n'
        '  type              = "ingress"\n'
        '  description       = "Inbound SMTP from the internet (MX)"\n'
        "  security_group_id = aws_security_group.mail.id\n"
        '  protocol          = "tcp"\n'
        "  from_port         = 25\n"
        "  to_port           = 25\n"
        '  cidr_blocks       = ["0.0.0.0/0"]\n'
        "}\n"
    ),
    check=_check_description,
    references=FIREWALL_REFERENCES,
    fix="safe",
    fix_title="Add a description placeholder to the rule",
)


RULES: tuple[Rule, ...] = (NET004,)

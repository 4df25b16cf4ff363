"""Rules of the tls family: TLS required where SES sends and receives, and strong listener policies."""

from __future__ import annotations

from collections.abc import Iterator

from emailiac.baseline import Baseline
from emailiac.model import Inventory, ListenerTls, ReceiptRule, SesConfigSet, Unknown
from emailiac.result import Severity
from emailiac.rules.base import Rule, Verdict, fail, not_assessed, passed
from emailiac.rules.gaps import gap_verdicts
from emailiac.rules.ses import receipt_rule_label
from emailiac.rules.tfaddress import resource_type

__all__ = ["RULES"]

_HIPAA_TRANSMISSION = ("HIPAA 164.312(e)(1)",)
# What AWS applies to an HTTPS or TLS listener created without an ssl_policy.
PROVIDER_DEFAULT_POLICY = "ELBSecurityPolicy-2016-08"
_TLS_PROTOCOLS = ("HTTPS", "TLS")


# ---------------------------------------------------------------- TLS001


def _check_config_sets(inventory: Inventory, baseline: Baseline) -> Iterator[Verdict]:
    yield from gap_verdicts(inventory, SesConfigSet, "aws", "ses/configuration-sets")
    for cs in inventory.of(SesConfigSet):
        name = cs.name if isinstance(cs.name, str) else cs.prov.address
        label = f"SES configuration set {name}"
        policy = cs.tls_policy
        if isinstance(policy, Unknown):
            yield not_assessed(cs.prov, f"{label}: tls_policy is not known ({policy.reason})")
        elif policy == "REQUIRE":
            yield passed(cs.prov, f"{label} requires TLS", evidence=name)
        else:
            v1 = resource_type(cs.prov) == "aws_ses_configuration_set"
            value = "Require" if v1 else "REQUIRE"
            seen = f"tls_policy is {policy}" if policy else "no delivery_options tls_policy (defaults to Optional)"
            yield fail(
                cs.prov,
                f"{label} delivers mail in plaintext when the receiver offers no TLS: {seen}",
                evidence=f"{name} tls_policy={policy or 'default'}",
                fix_hint=f'Set delivery_options {{ tls_policy = "{value}" }}',
                block="delivery_options",
                attribute="tls_policy",
                value=value,
            )


TLS001 = Rule(
    id="TLS001",
    slug="ses-configuration-set-tls",
    title="SES configuration set does not require TLS",
    severity=Severity.HIGH,
    family="tls",
    sources=("terraform", "aws"),
    summary=(
        "Fails for an SES configuration set whose delivery options do not require TLS: `tls_policy` Optional, "
        "or no `delivery_options` at all (the API default is Optional)."
    ),
    rationale=(
        "With Optional, SES falls back to plaintext SMTP whenever the receiving server does not offer "
        "STARTTLS, or an attacker on the path strips it: message contents cross the internet readable."
    ),
    bad_example='resource "aws_sesv2_configuration_set" "main" {\n  configuration_set_name = "main"\n}\n',
    good_example=(
        'resource "aws_sesv2_configuration_set" "main" {\n'
        '  configuration_set_name = "main"\n\n'
        "  delivery_options {\n"
        '    tls_policy = "REQUIRE"\n'
        "  }\n"
        "}\n"
    ),
    check=_check_config_sets,
    controls=_HIPAA_TRANSMISSION,
    references=("https://docs.aws.amazon.com/ses/latest/APIReference-V2/API_DeliveryOptions.html",),
    fix="safe",
    fix_title="Require TLS on the configuration set",
)


# ---------------------------------------------------------------- TLS002


def _check_receipt_rules(inventory: Inventory, baseline: Baseline) -> Iterator[Verdict]:
    yield from gap_verdicts(inventory, ReceiptRule, "aws", "ses/receipt-rules")
    for rule in inventory.of(ReceiptRule):
        name, label = receipt_rule_label(rule)
        policy = rule.tls_policy
        if isinstance(policy, Unknown):
            yield not_assessed(rule.prov, f"{label}: tls_policy is not known ({policy.reason})")
        elif policy == "REQUIRE":
            yield passed(rule.prov, f"{label} requires TLS", evidence=name)
        else:
            seen = f"tls_policy is {policy.capitalize()}" if policy else "tls_policy is not set (Optional)"
            yield fail(
                rule.prov,
                f"{label} accepts mail over plaintext SMTP: {seen}",
                evidence=f"{name} tls_policy={policy or 'default'}",
                fix_hint='Set tls_policy = "Require"',
                attribute="tls_policy",
                value="Require",
            )


TLS002 = Rule(
    id="TLS002",
    slug="ses-receipt-rule-tls",
    title="SES receipt rule does not require TLS",
    severity=Severity.HIGH,
    family="tls",
    sources=("terraform", "aws"),
    summary="Fails for an SES receipt rule whose `tls_policy` is not Require (Optional, or not set).",
    rationale=(
        "A receipt rule that accepts plaintext SMTP lets inbound mail, often with personal or health data, "
        "cross the internet unencrypted whenever a sender or an attacker on the path skips STARTTLS."
    ),
    bad_example=(
        'resource "aws_ses_receipt_rule" "inbound" {\n'
        '  name          = "inbound"\n'
        '  rule_set_name = "main"\n'
        "  scan_enabled  = true\n"
        "}\n"
    ),
    good_example=(
        'resource "aws_ses_receipt_rule" "inbound" {\n'
        '  name          = "inbound"\n'
        '  rule_set_name = "main"\n'
        "  scan_enabled  = true\n"
        '  tls_policy    = "Require"\n'
        "}\n"
    ),
    check=_check_receipt_rules,
    controls=_HIPAA_TRANSMISSION,
    references=("https://docs.aws.amazon.com/ses/latest/APIReference/API_ReceiptRule.html",),
    fix="unsafe",
    fix_title="Require TLS on the receipt rule",
)


# ---------------------------------------------------------------- TLS003


def _judge_listener(listener: ListenerTls, port: int, baseline: Baseline) -> Verdict:
    lb = listener.load_balancer if isinstance(listener.load_balancer, str) else listener.prov.address
    label = f"listener {listener.prov.address} of load balancer {lb} on port {port}"
    protocol = listener.protocol
    policies = baseline.tls.ssl_policies
    wanted = policies[0] if policies else ""
    if isinstance(protocol, Unknown):
        return not_assessed(listener.prov, f"{label}: protocol is not known ({protocol.reason})")
    if protocol not in _TLS_PROTOCOLS:
        redirect = listener.redirects_to_https
        if isinstance(redirect, Unknown):
            return not_assessed(listener.prov, f"{label}: default action is not known ({redirect.reason})")
        if redirect:
            return passed(listener.prov, f"{label} only redirects {protocol} to HTTPS", evidence=f"{port} redirect")
        secure = "TLS" if protocol.startswith("TCP") or protocol == "UDP" else "HTTPS"
        return fail(
            listener.prov,
            f"{label} uses plaintext {protocol} on a mail port: the load balancer neither terminates TLS nor "
            "enforces a TLS policy",
            evidence=f"{port} {protocol}",
            fix_hint=f'Listen with protocol = "{secure}" and ssl_policy = "{wanted}" (needs a certificate)',
            attribute="protocol",
            value=secure,
            ssl_policy=wanted,
            needs_certificate=True,
        )
    policy = listener.ssl_policy
    if isinstance(policy, Unknown):
        return not_assessed(listener.prov, f"{label}: ssl_policy is not known ({policy.reason})")
    if policy in policies:
        return passed(listener.prov, f"{label} uses {protocol} with {policy}", evidence=f"{port} {policy}")
    seen = f"ssl_policy {policy}" if policy else f"no ssl_policy (AWS applies {PROVIDER_DEFAULT_POLICY}, TLS 1.0+)"
    return fail(
        listener.prov,
        f"{label} uses {seen}, outside the baseline's policies",
        evidence=f"{port} {policy or 'default'}",
        fix_hint=f'Set ssl_policy = "{wanted}"',
        attribute="ssl_policy",
        value=wanted,
    )


def _check_listeners(inventory: Inventory, baseline: Baseline) -> Iterator[Verdict]:
    yield from gap_verdicts(inventory, ListenerTls, "aws", "elbv2/listeners")
    mail_ports = baseline.tls.mail_ports
    for listener in inventory.of(ListenerTls):
        port = listener.port
        if isinstance(port, Unknown):
            yield not_assessed(listener.prov, f"listener {listener.prov.address}: port is not known ({port.reason})")
        elif port in mail_ports:
            yield _judge_listener(listener, port, baseline)


TLS003 = Rule(
    id="TLS003",
    slug="mail-listener-weak-tls",
    title="Mail or webmail listener with a weak or missing TLS policy",
    severity=Severity.MEDIUM,
    family="tls",
    sources=("terraform", "aws"),
    summary=(
        "Judges load balancer listeners on the baseline's mail and webmail ports (default 25, 465, 587, 993, "
        "995, 110, 143, 443, 80). HTTPS and TLS listeners fail when their `ssl_policy` is not on the "
        "baseline list (default: the ELBSecurityPolicy-TLS13 policies, TLS 1.2+); a missing `ssl_policy` is "
        f"AWS's default {PROVIDER_DEFAULT_POLICY}, which fails. HTTP, TCP and UDP listeners fail as plaintext, "
        "except an HTTP listener that only redirects to HTTPS."
    ),
    rationale=(
        "Older ELB policies still negotiate TLS 1.0 and 1.1 with CBC ciphers, which browsers and compliance "
        "regimes have retired. A TCP pass-through listener on a mail port cannot be shown to use TLS at all: "
        "terminate TLS on the load balancer (a TLS listener) so the policy is enforced and visible."
    ),
    bad_example=(
        'resource "aws_lb_listener" "webmail" {\n'
        "  load_balancer_arn = aws_lb.mail.arn\n"
        "  port              = 443\n"
        '  protocol          = "HTTPS"\n'
        '  ssl_policy        = "ELBSecurityPolicy-2016-08"\n'
        "  certificate_arn   = aws_acm_certificate.mail.arn\n"
        "}\n"
    ),
    good_example=(
        'resource "aws_lb_listener" "webmail" {\n'
        "  load_balancer_arn = aws_lb.mail.arn\n"
        "  port              = 443\n"
        '  protocol          = "HTTPS"\n'
        '  ssl_policy        = "ELBSecurityPolicy-TLS13-1-2-2021-06"\n'
        "  certificate_arn   = aws_acm_certificate.mail.arn\n"
        "}\n"
    ),
    check=_check_listeners,
    references=(
        "https://docs.aws.amazon.com/elasticloadbalancing/latest/application/describe-ssl-policies.html",
        "https://docs.aws.amazon.com/elasticloadbalancing/latest/network/describe-ssl-policies.html",
    ),
    fix="unsafe",
    fix_title="Use a baseline TLS policy on the listener",
)


RULES: tuple[Rule, ...] = (TLS001, TLS002, TLS003)

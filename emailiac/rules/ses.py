"""Rules of the ses family: MAIL FROM alignment, open sending policies, inbound scanning."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from emailiac.baseline import Baseline
from emailiac.model import Inventory, ReceiptRule, SesIdentity, SesIdentityPolicy, SesMailFrom, Unknown
from emailiac.result import Severity
from emailiac.rules.base import Rule, Verdict, fail, not_assessed, passed
from emailiac.rules.gaps import gap_verdicts
from emailiac.rules.tfaddress import resource_type

__all__ = ["RULES"]

_SES_GUIDE = "https://docs.aws.amazon.com/ses/latest/dg"


def _is_v1(subject_type: str | None) -> bool:
    return subject_type is not None and subject_type.startswith("aws_ses_")


# ---------------------------------------------------------------- SES001


def _judge_mail_from(mail_from: SesMailFrom, identity: str) -> Verdict:
    subject = mail_from.prov
    v1 = _is_v1(resource_type(subject))
    reject = "RejectMessage" if v1 else "REJECT_MESSAGE"
    if mail_from.domain is None:
        return fail(
            subject,
            f"SES identity {identity} sets MAIL FROM attributes without a mail_from_domain",
            evidence=f"{identity} mail_from_domain absent",
            fix_hint=f'Set mail_from_domain = "mail.{identity}"',
            attribute="mail_from_domain",
            value=f"mail.{identity}",
        )
    behavior = mail_from.behavior_on_mx_failure
    domain = mail_from.domain if isinstance(mail_from.domain, str) else "(unresolved)"
    if isinstance(behavior, Unknown):
        return not_assessed(
            subject, f"MAIL FROM of {identity}: behavior_on_mx_failure is not known ({behavior.reason})"
        )
    if behavior == "RejectMessage":
        return passed(subject, f"SES identity {identity} sends with MAIL FROM {domain} and rejects on MX failure")
    seen = f"is {behavior}" if behavior else "is not set (default UseDefaultValue)"
    return fail(
        subject,
        f"MAIL FROM {domain} of SES identity {identity}: behavior_on_mx_failure {seen}, so mail falls "
        "back to an amazonses.com MAIL FROM whose SPF does not align with the domain",
        evidence=f"{identity} behavior_on_mx_failure={behavior or 'default'}",
        fix_hint=f'Set behavior_on_mx_failure = "{reject}"',
        attribute="behavior_on_mx_failure",
        value=reject,
    )


def _check_mail_from(inventory: Inventory, baseline: Baseline) -> Iterator[Verdict]:
    yield from gap_verdicts(inventory, SesIdentity, "aws", "ses/identities")
    mail_froms = list(inventory.of(SesMailFrom))
    judged: set[int] = set()
    for ident in inventory.of(SesIdentity):
        if ident.kind == "email":
            continue  # an address sends with its domain's MAIL FROM
        name = ident.identity
        if isinstance(name, Unknown):
            yield not_assessed(
                ident.prov, f"SES identity {ident.prov.address}: the identity is not known ({name.reason})"
            )
            continue
        matches = [m for m in mail_froms if m.identity == name]
        if matches:
            for mail_from in matches:
                judged.add(id(mail_from))
                yield _judge_mail_from(mail_from, name)
            continue
        unresolved = [m for m in mail_froms if isinstance(m.identity, Unknown)]
        if unresolved:
            reason = unresolved[0].identity.reason if isinstance(unresolved[0].identity, Unknown) else ""
            yield not_assessed(
                ident.prov,
                f"SES identity {name}: a MAIL FROM of an unknown identity may be its own ({reason})",
            )
            continue
        v1 = _is_v1(resource_type(ident.prov))
        yield fail(
            ident.prov,
            f"SES domain identity {name} has no custom MAIL FROM domain: mail leaves with an amazonses.com "
            "Return-Path, so SPF does not align for DMARC",
            evidence=f"{name} mail-from absent",
            fix_hint=f"Add a custom MAIL FROM domain (e.g. mail.{name}) that rejects on MX failure",
            resource="aws_ses_domain_mail_from" if v1 else "aws_sesv2_email_identity_mail_from_attributes",
            identity=name,
            identity_address=ident.prov.address,
            mail_from_domain=f"mail.{name}",
            behavior_on_mx_failure="RejectMessage" if v1 else "REJECT_MESSAGE",
        )
    for mail_from in mail_froms:
        if id(mail_from) in judged:
            continue
        target = mail_from.identity
        if isinstance(target, Unknown):
            yield not_assessed(
                mail_from.prov,
                f"MAIL FROM {mail_from.prov.address}: the identity is not known ({target.reason})",
            )
        elif "@" not in target:
            yield _judge_mail_from(mail_from, target)


SES001 = Rule(
    id="SES001",
    slug="ses-mail-from-not-aligned",
    title="SES domain identity without an enforced custom MAIL FROM",
    severity=Severity.MEDIUM,
    family="ses",
    sources=("terraform", "aws"),
    summary=(
        "Fails for an SES domain identity with no custom MAIL FROM domain, and for a MAIL FROM whose "
        "`behavior_on_mx_failure` is not RejectMessage (not set means UseDefaultValue). Email-address "
        "identities are not judged: they send with their domain's settings."
    ),
    rationale=(
        "Without a custom MAIL FROM, SES uses a subdomain of amazonses.com as the envelope sender, so SPF "
        "passes for Amazon's domain, not yours, and DMARC can only align through DKIM. With UseDefaultValue "
        "a missing MX record silently reverts to that amazonses.com MAIL FROM instead of stopping the send."
    ),
    bad_example='resource "aws_ses_domain_identity" "main" {\n  domain = "example.com"\n}\n',
    good_example=(
        'resource "aws_ses_domain_identity" "main" {\n'
        '  domain = "example.com"\n'
        "}\n\n"
        'resource "aws_ses_domain_mail_from" "main" {\n'
        "  domain                 = aws_ses_domain_identity.main.domain\n"
        '  mail_from_domain       = "mail.example.com"\n'
        '  behavior_on_mx_failure = "RejectMessage"\n'
        "}\n"
    ),
    check=_check_mail_from,
    references=(f"{_SES_GUIDE}/mail-from.html", "https://www.rfc-editor.org/rfc/rfc7489#section-3.1.2"),
    fix="unsafe",
    fix_title="Add a custom MAIL FROM domain that rejects on MX failure",
    presence=True,
)


# ---------------------------------------------------------------- SES002


def _statements(document: Mapping[str, Any]) -> list[Any]:
    raw = document.get("Statement")
    if isinstance(raw, list):
        return raw
    return [raw] if raw is not None else []


def _is_everyone(principal: Any) -> bool | Unknown:
    """`"*"`, `{"AWS": "*"}` or `{"AWS": [..., "*"]}`."""
    if isinstance(principal, Unknown):
        return principal
    if principal == "*":
        return True
    if isinstance(principal, Mapping):
        aws = principal.get("AWS")
        if isinstance(aws, Unknown):
            return aws
        values = aws if isinstance(aws, list) else [aws]
        for value in values:
            if isinstance(value, Unknown):
                return value
            if value == "*":
                return True
    return False


def _open_statement(statement: Any) -> bool | Unknown:
    """Allows everyone, with no condition narrowing who or what."""
    if isinstance(statement, Unknown):
        return statement
    if not isinstance(statement, Mapping):
        return False
    effect = statement.get("Effect")
    if isinstance(effect, Unknown):
        return effect
    if effect != "Allow":
        return False
    everyone = _is_everyone(statement.get("Principal"))
    if "NotPrincipal" in statement:  # Allow to everyone but the listed principals
        everyone = True
    if everyone is not True:
        return everyone
    condition = statement.get("Condition")
    if isinstance(condition, Unknown):
        return condition
    return not condition


def _check_open_policy(inventory: Inventory, baseline: Baseline) -> Iterator[Verdict]:
    yield from gap_verdicts(inventory, SesIdentityPolicy, "aws", "ses/identity-policies")
    for policy in inventory.of(SesIdentityPolicy):
        who = policy.identity if isinstance(policy.identity, str) else policy.prov.address
        name = policy.name if isinstance(policy.name, str) else "(unresolved name)"
        label = f"sending policy {name} of SES identity {who}"
        if isinstance(policy.document, Unknown):
            yield not_assessed(policy.prov, f"{label}: the policy is not known ({policy.document.reason})")
            continue
        open_ids: list[str] = []
        unknown: Unknown | None = None
        for i, statement in enumerate(_statements(policy.document)):
            verdict = _open_statement(statement)
            if isinstance(verdict, Unknown):
                unknown = unknown or verdict
            elif verdict:
                sid = statement.get("Sid") if isinstance(statement, Mapping) else None
                open_ids.append(str(sid) if isinstance(sid, str) and sid else f"Statement[{i}]")
        if open_ids:
            yield fail(
                policy.prov,
                f"{label} lets any AWS principal send as the identity ({', '.join(open_ids)}: "
                'Principal "*" without a Condition)',
                evidence=f"{who} {name} {','.join(open_ids)}",
                fix_hint="Name the accounts or roles allowed to send, or add a Condition (aws:SourceAccount)",
                statements=open_ids,
            )
        elif unknown is not None:
            yield not_assessed(policy.prov, f"{label}: {unknown.reason}")
        else:
            yield passed(policy.prov, f"{label} names its principals or conditions", evidence=f"{who} {name}")


SES002 = Rule(
    id="SES002",
    slug="ses-policy-open-to-everyone",
    title="SES sending policy allows any principal",
    severity=Severity.CRITICAL,
    family="ses",
    sources=("terraform", "aws"),
    summary=(
        "Fails for an SES identity (sending authorization) policy with an Allow statement whose Principal is "
        '`"*"` or `{"AWS": "*"}` (or that uses NotPrincipal) and that has no Condition.'
    ),
    rationale=(
        "Such a statement lets every AWS account in the world send mail as your domain through SES: spoofed "
        "mail that passes SPF, DKIM and DMARC because SES signs it for you."
    ),
    bad_example=(
        'resource "aws_ses_identity_policy" "send" {\n'
        "  identity = aws_ses_domain_identity.main.arn\n"
        '  name     = "send"\n'
        "  policy = jsonencode({\n"
        '    Version = "2012-10-17"\n'
        "    Statement = [{\n"
        '      Effect    = "Allow"\n'
        '      Principal = "*"\n'
        '      Action    = ["ses:SendEmail", "ses:SendRawEmail"]\n'
        "      Resource  = aws_ses_domain_identity.main.arn\n"
        "    }]\n"
        "  })\n"
        "}\n"
    ),
    good_example=(
        'resource "aws_ses_identity_policy" "send" {\n'
        "  identity = aws_ses_domain_identity.main.arn\n"
        '  name     = "send"\n'
        "  policy = jsonencode({\n"
        '    Version = "2012-10-17"\n'
        "    Statement = [{\n"
        '      Effect    = "Allow"\n'
        '      Principal = { AWS = "arn:aws:iam::123456789012:role/newsletter" }\n'
        '      Action    = ["ses:SendEmail", "ses:SendRawEmail"]\n'
        "      Resource  = aws_ses_domain_identity.main.arn\n"
        "    }]\n"
        "  })\n"
        "}\n"
    ),
    check=_check_open_policy,
    references=(f"{_SES_GUIDE}/sending-authorization-policies.html",),
    fix="display-only",
    fix_title="Name the principals allowed to send",
)


# ---------------------------------------------------------------- SES003


def receipt_rule_label(rule: ReceiptRule) -> tuple[str, str]:
    """A receipt rule's name (its address when unresolved) and how messages name it:
    "SES receipt rule store (rule set inbound)"."""
    name = rule.name if isinstance(rule.name, str) else rule.prov.address
    rule_set = rule.rule_set if isinstance(rule.rule_set, str) else "(unresolved)"
    return name, f"SES receipt rule {name} (rule set {rule_set})"


def _check_scanning(inventory: Inventory, baseline: Baseline) -> Iterator[Verdict]:
    yield from gap_verdicts(inventory, ReceiptRule, "aws", "ses/receipt-rules")
    for rule in inventory.of(ReceiptRule):
        name, label = receipt_rule_label(rule)
        scan = rule.scan_enabled
        if isinstance(scan, Unknown):
            yield not_assessed(rule.prov, f"{label}: scan_enabled is not known ({scan.reason})")
        elif scan:
            yield passed(rule.prov, f"{label} scans for spam and viruses", evidence=name)
        else:
            seen = "false" if scan is False else "not set"
            yield fail(
                rule.prov,
                f"{label} does not scan for spam and viruses (scan_enabled is {seen})",
                evidence=f"{name} scan_enabled {seen}",
                fix_hint="Set scan_enabled = true",
                attribute="scan_enabled",
                value=True,
            )


SES003 = Rule(
    id="SES003",
    slug="ses-receipt-rule-without-scanning",
    title="SES receipt rule does not scan for spam and viruses",
    severity=Severity.MEDIUM,
    family="ses",
    sources=("terraform", "aws"),
    summary="Fails for an SES receipt rule whose `scan_enabled` is false or not set.",
    rationale=(
        "Without scanning, SES hands inbound mail to S3, Lambda or WorkMail without spam and virus verdicts, "
        "so nothing downstream can drop or quarantine malware."
    ),
    bad_example=(
        'resource "aws_ses_receipt_rule" "inbound" {\n'
        '  name          = "inbound"\n'
        '  rule_set_name = "main"\n'
        "  enabled       = true\n"
        '  recipients    = ["support@example.com"]\n'
        "}\n"
    ),
    good_example=(
        'resource "aws_ses_receipt_rule" "inbound" {\n'
        '  name          = "inbound"\n'
        '  rule_set_name = "main"\n'
        "  enabled       = true\n"
        "  scan_enabled  = true\n"
        '  tls_policy    = "Require"\n'
        '  recipients    = ["support@example.com"]\n'
        "}\n"
    ),
    check=_check_scanning,
    references=("https://docs.aws.amazon.com/ses/latest/APIReference/API_ReceiptRule.html",),
    fix="safe",
    fix_title="Enable spam and virus scanning on the receipt rule",
)


RULES: tuple[Rule, ...] = (SES001, SES002, SES003)

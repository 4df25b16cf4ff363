"""Fixes that add resources: a GuardDuty detector, the account password policy, a CloudTrail trail, an SES
event destination, the Entra ID diagnostic setting, an SES MAIL FROM domain with its records, Easy DKIM.

What only the operator knows (the trail's bucket, the Log Analytics workspace) becomes a variable without a
default, so `terraform plan` asks for it instead of the fix guessing.
"""

from __future__ import annotations

import re

from emailiac.fixes.context import FixContext
from emailiac.fixes.declare import data_source, variable
from emailiac.fixes.dns_new import dkim_cname_blocks, record_block, zone_style
from emailiac.fixes.model import Edit, Fix, NewBlock
from emailiac.fixes.render import Expr, render
from emailiac.fixes.tree import ModuleDir
from emailiac.fixes.txt_sets import add_to_txt_set
from emailiac.mailauth import is_spf
from emailiac.model import DnsRecord, SesConfigSet
from emailiac.result import Finding
from emailiac.rules.maildomains import DnsView
from emailiac.sources.terraform.resource import TfResource

__all__ = [
    "cloudtrail",
    "domain_dkim",
    "entra_diagnostics",
    "event_destination",
    "guardduty",
    "mail_from",
    "password_policy",
]

_EVENT_TYPES = ["SEND", "DELIVERY", "BOUNCE", "COMPLAINT", "REJECT"]
_V1_EVENT_TYPES = ["send", "delivery", "bounce", "complaint", "reject"]


def _root_block(
    ctx: FixContext, finding: Finding, template: str, rtype: str, names: list[str], **values: object
) -> tuple[ModuleDir, NewBlock] | None:
    module = ctx.root()
    if module is None:
        return None
    label = ctx.unique_name(module, rtype, names)
    return module, NewBlock(ctx.fixes_file(module), render(template, name=label, **values), module.address)


def guardduty(ctx: FixContext, finding: Finding) -> Fix | None:
    made = _root_block(ctx, finding, "guardduty_detector.tf.j2", "aws_guardduty_detector", ["main"])
    return ctx.fix(finding, new_blocks=[made[1]]) if made else None


def password_policy(ctx: FixContext, finding: Finding) -> Fix | None:
    made = _root_block(
        ctx,
        finding,
        "iam_account_password_policy.tf.j2",
        "aws_iam_account_password_policy",
        ["main"],
        policy=ctx.baseline.passwords.aws,
    )
    return ctx.fix(finding, new_blocks=[made[1]]) if made else None


def cloudtrail(ctx: FixContext, finding: Finding) -> Fix | None:
    module = ctx.root()
    if module is None:
        return None
    declared = variable(
        ctx,
        module,
        "cloudtrail_bucket_name",
        "string",
        "S3 bucket that receives CloudTrail logs (its bucket policy must let CloudTrail write).",
    )
    made = _root_block(
        ctx,
        finding,
        "cloudtrail.tf.j2",
        "aws_cloudtrail",
        ["main", "account"],
        trail_name="account-trail",
        bucket=Expr("var.cloudtrail_bucket_name"),
    )
    if made is None:
        return None
    note = "set var.cloudtrail_bucket_name to a bucket whose policy lets cloudtrail.amazonaws.com write"
    return ctx.fix(finding, new_blocks=[*declared, made[1]], notes=[note])


def entra_diagnostics(ctx: FixContext, finding: Finding) -> Fix | None:
    module = ctx.root()
    if module is None:
        return None
    categories = [str(c) for c in finding.evaluation.data.get("categories") or ctx.baseline.logging.entra_categories]
    declared = variable(
        ctx,
        module,
        "log_analytics_workspace_id",
        "string",
        "Log Analytics workspace (resource ID) that keeps Entra ID sign-in and audit logs.",
    )
    made = _root_block(
        ctx,
        finding,
        "aad_diagnostic_setting.tf.j2",
        "azurerm_monitor_aad_diagnostic_setting",
        ["entra"],
        setting_name="entra-to-siem",
        workspace=Expr("var.log_analytics_workspace_id"),
        categories=categories,
    )
    if made is None:
        return None
    return ctx.fix(finding, new_blocks=[*declared, made[1]])


def event_destination(ctx: FixContext, finding: Finding) -> Fix | None:
    """LOG002: publish the configuration set's events to CloudWatch (needs nothing else to exist)."""
    res = ctx.resource(finding.evaluation.subject.address)
    module = ctx.module_of(res) if res is not None else None
    if res is None or module is None:
        return None
    fact = ctx.fact_at(SesConfigSet, res.address)
    name = fact.name if fact is not None and isinstance(fact.name, str) else res.name
    v1 = res.type == "aws_ses_configuration_set"
    rel = ctx.relative_address(res)
    config_set = Expr(f"{rel}.name" if v1 else f"{rel}.configuration_set_name")
    rtype = "aws_ses_event_destination" if v1 else "aws_sesv2_configuration_set_event_destination"
    label = ctx.unique_name(module, rtype, [res.name, f"{res.name}_events"])
    text = render(
        "ses_event_destination.tf.j2" if v1 else "sesv2_event_destination.tf.j2",
        name=label,
        config_set=config_set,
        destination_name="cloudwatch",
        event_types=_V1_EVENT_TYPES if v1 else _EVENT_TYPES,
        default_dimension=name,
    )
    return ctx.fix(finding, new_blocks=[NewBlock(ctx.fixes_file(module), text, module.address)])


def _identity(ctx: FixContext, finding: Finding) -> tuple[TfResource, ModuleDir, str] | None:
    data = finding.evaluation.data
    res = ctx.resource(str(data.get("identity_address") or finding.evaluation.subject.address))
    identity = data.get("identity")
    module = ctx.module_of(res) if res is not None else None
    if res is None or module is None or not isinstance(identity, str):
        return None
    return res, module, identity


def _identity_domain(ctx: FixContext, res: TfResource) -> Expr:
    attr = "email_identity" if res.type == "aws_sesv2_email_identity" else "domain"
    return Expr(f"{ctx.relative_address(res)}.{attr}")


_SES_MX = re.compile(r"(?:inbound|feedback)-smtp\.([a-z0-9-]+)\.amazon(?:aws|ses)\.com")


def _ses_region(ctx: FixContext) -> str | None:
    """The SES region the domain's mail already goes through (its inbound or feedback MX), if one."""
    regions = {
        match.group(1)
        for record in ctx.inventory.of(DnsRecord)
        if record.type == "MX" and isinstance(record.values, tuple)
        for value in record.values
        if isinstance(value, str) and (match := _SES_MX.search(value))
    }
    return regions.pop() if len(regions) == 1 else None


def mail_from(ctx: FixContext, finding: Finding) -> Fix | None:
    """SES001: a MAIL FROM subdomain that rejects on MX failure, with its MX and SPF records."""
    found = _identity(ctx, finding)
    if found is None:
        return None
    res, module, domain = found
    v1 = res.type == "aws_ses_domain_identity"
    rtype = "aws_ses_domain_mail_from" if v1 else "aws_sesv2_email_identity_mail_from_attributes"
    label = ctx.unique_name(module, rtype, [res.name])
    identity = _identity_domain(ctx, res)
    mail_from_domain = str(finding.evaluation.data.get("mail_from_domain") or f"mail.{domain}")
    prefix = mail_from_domain.removesuffix(f".{domain}")
    text = render(
        "ses_mail_from.tf.j2",
        v1=v1,
        name=label,
        identity=identity,
        mail_from_domain=Expr(f'"{prefix}.${{{identity}}}"'),
    )
    blocks = [NewBlock(ctx.fixes_file(module), text, module.address)]
    notes: list[str] = []
    scope = DnsView(ctx.inventory).scope(mail_from_domain)
    style = zone_style(ctx, scope.zone, module) if scope.zone is not None else None
    if style is None:
        notes.append(
            f'publish MX 10 feedback-smtp.<region>.amazonses.com and TXT "v=spf1 include:amazonses.com -all" '
            f"at {mail_from_domain}: its zone is not declared where this module can name it"
        )
        return ctx.fix(finding, new_blocks=blocks, notes=notes)
    name = Expr(f"{rtype}.{label}.mail_from_domain")
    region = _ses_region(ctx)
    if region is not None:
        feedback: object = f"feedback-smtp.{region}.amazonses.com"
    else:
        feedback = Expr('"feedback-smtp.${data.aws_region.current.name}.amazonses.com"')
        blocks += data_source(ctx, module, "aws_region")
    # One identity: mail_from_mx reads best; several: name the records after their identity.
    one = len(ctx.of_type(res.type)) == 1
    mx_names = ["mail_from_mx"] if one else [f"{label}_mail_from_mx"]
    spf_names = ["mail_from_spf"] if one else [f"{label}_mail_from_spf"]
    blocks.append(
        record_block(ctx, style, "mail_from_mx", "MX", mail_from_domain, [(10, feedback)], name=name, labels=mx_names)
    )
    spf = "v=spf1 include:amazonses.com -all"
    edits: list[Edit] = []
    addition = add_to_txt_set(ctx, scope.zone, mail_from_domain, spf) if scope.zone is not None else None
    if any(isinstance(v.text, str) and is_spf(v.text) for v in DnsView(ctx.inventory).txt(mail_from_domain)):
        notes.append(f"{mail_from_domain} already publishes an SPF record: make sure it includes amazonses.com")
    elif addition is not None:
        edits.extend(addition.edits)
        notes.extend([addition.why] if addition.why else [])
    else:
        blocks.append(
            record_block(ctx, style, "mail_from_spf", "TXT", mail_from_domain, [spf], name=name, labels=spf_names)
        )
    return ctx.fix(finding, edits=edits, new_blocks=blocks, notes=notes)


def domain_dkim(ctx: FixContext, finding: Finding) -> Fix | None:
    """DKIM001: Easy DKIM for the identity, and its three CNAMEs where the zone is declared."""
    found = _identity(ctx, finding)
    if found is None:
        return None
    res, module, domain = found
    label = ctx.unique_name(module, "aws_ses_domain_dkim", [res.name])
    text = render("ses_domain_dkim.tf.j2", name=label, domain=_identity_domain(ctx, res))
    blocks = [NewBlock(ctx.fixes_file(module), text, module.address)]
    dkim = TfResource(
        "managed",
        "aws_ses_domain_dkim",
        label,
        f"{res.module + '.' if res.module else ''}aws_ses_domain_dkim.{label}",
        res.module,
        res.file,
        None,
        None,
        res.body,
    )
    scope = DnsView(ctx.inventory).scope(f"_domainkey.{domain}")
    notes: list[str] = []
    if scope.zone is not None:
        cnames, notes = dkim_cname_blocks(ctx, dkim, scope.zone, domain)
        blocks += cnames
    else:
        notes.append(f"publish the three Easy DKIM CNAMEs of {domain} where its zone is managed")
    return ctx.fix(finding, new_blocks=blocks, notes=notes)

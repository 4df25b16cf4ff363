"""Fixes for live objects that Terraform does not manage yet: the resource as it should be, with an
`import {}` block (Terraform >= 1.5) that adopts the live object into it, so that `terraform plan` shows
exactly what changes. Live findings without such a block keep their hint as display-only advice."""

from __future__ import annotations

from typing import Any

from emailiac.fixes import resources
from emailiac.fixes.context import FixContext
from emailiac.fixes.model import DISPLAY_ONLY, Fix, Import, NewBlock
from emailiac.fixes.render import render
from emailiac.model import PasswordPolicy, SesConfigSet, ThreatDetection
from emailiac.result import Finding

__all__ = ["plan"]

_REVIEW = "after the import, `terraform plan` shows settings of the live object this block does not declare yet"


def _block(
    ctx: FixContext, template: str, rtype: str, names: list[str], **values: object
) -> tuple[str, NewBlock] | None:
    module = ctx.root()
    if module is None:
        return None
    label = ctx.unique_name(module, rtype, names)
    return f"{rtype}.{label}", NewBlock(ctx.fixes_file(module), render(template, name=label, **values))


def _fact(ctx: FixContext, finding: Finding, kind: type[Any]) -> object | None:
    address = finding.evaluation.subject.address
    for fact in ctx.inventory.of(kind):
        found: object = fact
        if getattr(getattr(found, "prov", None), "address", None) == address:
            return found
    return None


def _config_set(ctx: FixContext, finding: Finding) -> Fix | None:
    fact = _fact(ctx, finding, SesConfigSet)
    if not isinstance(fact, SesConfigSet) or not isinstance(fact.name, str):
        return None
    made = _block(
        ctx, "sesv2_configuration_set.tf.j2", "aws_sesv2_configuration_set", [fact.name], config_set=fact.name
    )
    if made is None:
        return None
    to, block = made
    ident = finding.evaluation.subject.import_id or fact.name
    return ctx.fix(finding, new_blocks=[block], imports=[Import(to, ident)], notes=[_REVIEW])


def _detector(ctx: FixContext, finding: Finding) -> Fix | None:
    fact = _fact(ctx, finding, ThreatDetection)
    ident = finding.evaluation.subject.import_id
    if fact is None:
        return resources.guardduty(ctx, finding)
    if ident is None:
        return None
    region = finding.evaluation.subject.region
    made = _block(ctx, "guardduty_detector.tf.j2", "aws_guardduty_detector", [f"main_{region}" if region else "main"])
    if made is None:
        return None
    to, block = made
    return ctx.fix(finding, new_blocks=[block], imports=[Import(to, ident)], notes=[_REVIEW])


def _password_policy(ctx: FixContext, finding: Finding) -> Fix | None:
    made = _block(
        ctx,
        "iam_account_password_policy.tf.j2",
        "aws_iam_account_password_policy",
        ["main"],
        policy=ctx.baseline.passwords.aws,
    )
    if made is None:
        return None
    to, block = made
    if _fact(ctx, finding, PasswordPolicy) is None:
        return ctx.fix(finding, new_blocks=[block])  # no policy yet: nothing to import
    ident = finding.evaluation.subject.import_id or "iam-account-password-policy"
    return ctx.fix(finding, new_blocks=[block], imports=[Import(to, ident)], notes=[_REVIEW])


_PLANNERS = {
    "TLS001": _config_set,
    "IDS001": _detector,
    "PWD001": _password_policy,
    "LOG001": resources.cloudtrail,
}


def plan(ctx: FixContext, finding: Finding) -> Fix | None:
    planner = _PLANNERS.get(finding.rule_id)
    fix = planner(ctx, finding) if planner is not None else None
    if fix is not None:
        return fix
    rule = ctx.rule(finding.rule_id)
    if rule is None or rule.fix == "none" or not finding.evaluation.fix_hint:
        return None
    return ctx.fix(finding, notes=[finding.evaluation.fix_hint], applicability=DISPLAY_ONLY)

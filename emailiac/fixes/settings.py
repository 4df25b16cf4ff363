"""Fixes that set attributes of the resource a finding is about: TLS requirements, scanning, listener
policies, a disabled detector, a report-only policy, key lengths, MAIL FROM behaviour, descriptions, a weak
password policy, a weak trail."""

from __future__ import annotations

import dataclasses
import re
from typing import Any

from emailiac.fixes.attributes import nested_body, set_attribute, set_attributes
from emailiac.fixes.context import FixContext
from emailiac.fixes.model import DISPLAY_ONLY, Fix
from emailiac.fixes.values import Changes
from emailiac.model import AuditTrail, ConditionalAccessPolicy
from emailiac.result import Finding
from emailiac.rules.conditional_access import judge_all_users
from emailiac.sources.terraform.resource import TfResource

__all__ = ["PLANNERS", "enable_policy", "enables_mfa_policy", "strengthen_trail", "weak_password_policy"]


def _resource(ctx: FixContext, finding: Finding) -> TfResource | None:
    return ctx.resource(finding.evaluation.subject.address)


def _one_attribute(ctx: FixContext, finding: Finding) -> Fix | None:
    """Findings whose data names `attribute` and `value` (and for a nested block, `block`)."""
    data = finding.evaluation.data
    res = _resource(ctx, finding)
    if res is None or "attribute" not in data:
        return None
    path = [data["block"]] if data.get("block") else []
    name = str(data["attribute"])
    if "." in name:
        *parents, name = name.split(".")
        path = [*path, *parents]
    changes = set_attribute(ctx, res, name, data["value"], path=path)
    return ctx.fix(finding, changes) if changes is not None else None


def _listener(ctx: FixContext, finding: Finding) -> Fix | None:
    data = finding.evaluation.data
    res = _resource(ctx, finding)
    if res is None:
        return None
    if data.get("needs_certificate"):
        # A plaintext listener needs a certificate to terminate TLS: nothing in the finding names one.
        changes = set_attributes(ctx, res, [("protocol", data["value"]), ("ssl_policy", data["ssl_policy"])])
        note = "the listener also needs certificate_arn (an ACM certificate for the mail host name)"
        return ctx.fix(finding, changes, notes=[note], applicability=DISPLAY_ONLY)
    return _one_attribute(ctx, finding)


def _description(ctx: FixContext, finding: Finding) -> Fix | None:
    data = finding.evaluation.data
    res = _resource(ctx, finding)
    if res is None:
        return None
    key = str(data.get("rule_key") or "")
    at = None
    if key:
        body = nested_body(res, key)
        if body is None or body.span is None:
            return None
        at = body.span.start
    changes = set_attribute(ctx, res, "description", _after_port_swap(ctx, finding, str(data["value"])), at=at)
    return ctx.fix(finding, changes) if changes is not None else None


def _after_port_swap(ctx: FixContext, finding: Finding, text: str) -> str:
    """The placeholder names the ports the rule will open once NET002 moves it to the TLS ports."""
    subject, key = finding.evaluation.subject.address, finding.evaluation.data.get("rule_key")
    for other in ctx.findings_of("NET002", subject):
        data = other.evaluation.data
        if data.get("rule_key") == key:
            for old, new in (data.get("replacement_ports") or {}).items():
                text = re.sub(rf"\b{re.escape(str(old))}\b", str(new), text)
    return text


def enable_policy(ctx: FixContext, policy: ConditionalAccessPolicy) -> Changes | None:
    res = ctx.resource(policy.prov.address)
    return set_attribute(ctx, res, "state", "enabled") if res is not None else None


def _policy_state(ctx: FixContext, finding: Finding) -> Fix | None:
    """MFA004: enable the policy; exclusions outside the break-glass list are left to a person."""
    problems = [str(p) for p in finding.evaluation.data.get("problems", [])]
    policy = ctx.fact_at(ConditionalAccessPolicy, finding.evaluation.subject.address)
    if policy is None:
        return None
    notes = []
    changes = Changes()
    if isinstance(policy.state, str) and policy.state != "enabled":
        enabled = enable_policy(ctx, policy)
        if enabled is None:
            return None
        changes = enabled
    exclusions = [p for p in problems if p.startswith("excludes")]
    if exclusions:
        notes.append(f"the policy {'; '.join(exclusions)}: limit its exclusions to the break-glass accounts by hand")
    if not changes.edits and not changes.new_blocks:
        return ctx.fix(finding, notes=notes, applicability=DISPLAY_ONLY)
    return ctx.fix(finding, changes, notes=notes)


def _password_values(ctx: FixContext) -> dict[str, Any]:
    want = ctx.baseline.passwords.aws
    return {
        "minimum_password_length": want.min_length,
        "require_uppercase_characters": want.require_uppercase,
        "require_lowercase_characters": want.require_lowercase,
        "require_numbers": want.require_numbers,
        "require_symbols": want.require_symbols,
        "password_reuse_prevention": want.reuse_prevention,
        "max_password_age": want.max_age_days,
    }


def weak_password_policy(ctx: FixContext, finding: Finding) -> Fix | None:
    res = _resource(ctx, finding)
    settings = [str(s) for s in finding.evaluation.data.get("settings", [])]
    if res is None or not settings:
        return None
    values = _password_values(ctx)
    changes = set_attributes(ctx, res, [(s, values[s]) for s in values if s in settings])
    return ctx.fix(finding, changes) if changes is not None else None


def strengthen_trail(ctx: FixContext, finding: Finding) -> Fix | None:
    """LOG001 with trails declared: make the first trail multi-region, validated and logging."""
    addresses = [str(a) for a in finding.evaluation.data.get("trails", [])]
    trails = {t.prov.address: t for t in ctx.inventory.of(AuditTrail)}
    for address in addresses:
        trail = trails.get(address)
        res = ctx.resource(address)
        if trail is None or res is None:
            continue
        values = [
            (name, True)
            for name, value in (
                ("enable_logging", trail.logging),
                ("is_multi_region_trail", trail.multi_region),
                ("enable_log_file_validation", trail.log_validation),
            )
            if value is not True
        ]
        changes = set_attributes(ctx, res, values)
        if changes is not None:
            return ctx.fix(finding, changes)
    return None


def enables_mfa_policy(ctx: FixContext) -> list[ConditionalAccessPolicy]:
    """Report-only or disabled policies that would require MFA of all users once enabled."""
    out = []
    for policy in ctx.inventory.of(ConditionalAccessPolicy):
        if policy.state == "enabled" or not isinstance(policy.state, str):
            continue
        if judge_all_users(dataclasses.replace(policy, state="enabled"), ctx.baseline, "mfa").outcome is True:
            out.append(policy)
    return sorted(out, key=lambda p: p.prov.address)


PLANNERS = {
    "IDS001": _one_attribute,
    "SES001": _one_attribute,
    "TLS001": _one_attribute,
    "TLS002": _one_attribute,
    "TLS003": _listener,
    "SES003": _one_attribute,
    "DKIM002": _one_attribute,
    "NET004": _description,
    "MFA004": _policy_state,
    "PWD001": weak_password_policy,
    "LOG001": strengthen_trail,
}

"""Rules of the identity family: MFA (MFA001-MFA005, MFA002 from `privileged_mfa`) and, from `rbac`, privileged
roles (RBAC001-RBAC004)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from emailiac.baseline import Baseline
from emailiac.model import ConditionalAccessPolicy, Inventory, RootAccount, SecurityDefaults, Unknown
from emailiac.result import Severity
from emailiac.rules import privileged_mfa, rbac
from emailiac.rules.account_scope import is_authoritative, not_authoritative, scope_subject
from emailiac.rules.base import Rule, Verdict, fail, not_assessed, passed
from emailiac.rules.conditional_access import (
    Grant,
    judge_all_users,
    judge_exclusions,
    judge_state,
    policy_label,
)
from emailiac.rules.policy_words import SCUBA_AAD, TENANT, aims_at, explain, joined, policies_of

__all__ = ["RULES"]


def _tenant_wide(
    inventory: Inventory, baseline: Baseline, grant: Grant, wanted: str, fix_hint: str
) -> Iterator[Verdict]:
    """One verdict for the tenant: does some policy enforce `grant` for all users and all apps?"""
    subject = scope_subject(inventory, TENANT, "m365", "m365://tenant/identity/conditionalAccess")
    judged = [(p, judge_all_users(p, baseline, grant)) for p in policies_of(inventory)]
    for policy, j in judged:
        if j.outcome is True:
            yield passed(
                policy.prov,
                f"policy {policy_label(policy)} {wanted}",
                evidence=f"policy:{policy_label(policy)}",
            )
            return
    gap = inventory.gap(ConditionalAccessPolicy)
    if gap is not None:
        yield not_assessed(subject, gap.reason)
        return
    if grant == "mfa":
        for defaults in inventory.of(SecurityDefaults):
            if isinstance(defaults.enabled, Unknown):
                yield not_assessed(defaults.prov, defaults.enabled.reason)
                return
            if defaults.enabled:
                yield passed(defaults.prov, "security defaults are on: every user must register and use MFA")
                return
    for policy, j in judged:
        outcome = j.outcome
        if isinstance(outcome, Unknown):
            yield not_assessed(policy.prov, f"policy {policy_label(policy)} may enforce this: {outcome.reason}")
            return
    relevant = [(p, j) for p, j in judged if aims_at(p, grant)]
    summary = f"no enabled policy {wanted}"
    if relevant:
        summary += ": " + explain(relevant)
    if not is_authoritative(inventory, baseline, TENANT):
        yield not_authoritative(subject, TENANT, summary)
        return
    policies = [policy_label(p) for p, _ in relevant]
    yield fail(subject, summary, evidence=f"{grant}:no-policy", fix_hint=fix_hint, policies=policies)


# ---------------------------------------------------------------- MFA001


def _check_mfa_all_users(inventory: Inventory, baseline: Baseline) -> Iterable[Verdict]:
    return _tenant_wide(
        inventory,
        baseline,
        "mfa",
        "requires MFA for all users and all apps",
        "Add an enabled conditional access policy requiring MFA for All users and All apps",
    )


_MFA_GOOD = """\
resource "azuread_conditional_access_policy" "mfa" {
  display_name = "Require MFA for all users"
  state        = "enabled"

  conditions {
    client_app_types = ["all"]
    applications {
      included_applications = ["All"]
    }
    users {
      included_users = ["All"]
    }
  }

  grant_controls {
    operator          = "OR"
    built_in_controls = ["mfa"]
  }
}
"""

MFA001 = Rule(
    id="MFA001",
    slug="mfa-for-all-users",
    title="No conditional access policy requires MFA for all users",
    severity=Severity.CRITICAL,
    family="identity",
    sources=("terraform", "m365"),
    summary=(
        "Looks for an enabled conditional access policy that covers All users and All apps, excludes only "
        "the baseline's break-glass accounts and no roles, and grants access only with the `mfa` control or "
        "an authentication strength whose every combination is multi-factor, and is not narrowed by user or "
        "sign-in risk, locations, device platforms or a device filter (unless the baseline sets "
        "`identity.strict_scope: false`). Security defaults also satisfy it. In Terraform it judges the "
        "tenant only when the baseline declares the configuration authoritative for `m365_tenant`."
    ),
    rationale=(
        "Mailboxes are the first target of password spraying and credential phishing. A policy that leaves "
        "out some users, some apps, or lets users pick a weaker control (OR with compliantDevice) leaves a "
        "way in with a password alone."
    ),
    bad_example=_MFA_GOOD.replace('"enabled"', '"enabledForReportingButNotEnforced"'),
    good_example=_MFA_GOOD,
    check=_check_mfa_all_users,
    controls=("MS.AAD.3.2v2",),
    references=(SCUBA_AAD,),
    fix="unsafe",
    fix_title="Require MFA for all users and all apps with a conditional access policy",
    presence=True,
)


# ---------------------------------------------------------------- MFA003


def _check_legacy_auth_blocked(inventory: Inventory, baseline: Baseline) -> Iterable[Verdict]:
    return _tenant_wide(
        inventory,
        baseline,
        "block",
        "blocks legacy authentication (exchangeActiveSync and other clients) for all users and all apps",
        "Add an enabled policy blocking exchangeActiveSync and other clients for All users and All apps",
    )


_LEGACY_GOOD = """\
resource "azuread_conditional_access_policy" "block_legacy" {
  display_name = "Block legacy authentication"
  state        = "enabled"

  conditions {
    client_app_types = ["exchangeActiveSync", "other"]
    applications {
      included_applications = ["All"]
    }
    users {
      included_users = ["All"]
    }
  }

  grant_controls {
    operator          = "OR"
    built_in_controls = ["block"]
  }
}
"""

MFA003 = Rule(
    id="MFA003",
    slug="legacy-authentication-blocked",
    title="Legacy authentication is not blocked",
    severity=Severity.HIGH,
    family="identity",
    sources=("terraform", "m365"),
    summary=(
        "Looks for one enabled conditional access policy covering All users and All apps whose client app "
        "types include both `exchangeActiveSync` and `other` and whose grant is `block`, with exclusions "
        "limited to the break-glass accounts. Absence-style: in Terraform it judges the tenant only when the "
        "configuration is authoritative for `m365_tenant`."
    ),
    rationale=(
        "POP, IMAP, SMTP AUTH and old Exchange ActiveSync clients send a bare password and cannot do MFA, so "
        "every MFA policy is bypassed through them; they are the usual path of password spraying on mail."
    ),
    bad_example=_LEGACY_GOOD.replace('["exchangeActiveSync", "other"]', '["exchangeActiveSync"]'),
    good_example=_LEGACY_GOOD,
    check=_check_legacy_auth_blocked,
    controls=("MS.AAD.1.1v1",),
    references=(SCUBA_AAD,),
    fix="unsafe",
    fix_title="Block legacy authentication with a conditional access policy",
    presence=True,
)


# ---------------------------------------------------------------- MFA004


def _check_policy_enforced(inventory: Inventory, baseline: Baseline) -> Iterable[Verdict]:
    gap = inventory.gap(ConditionalAccessPolicy)
    if gap is not None:
        subject = scope_subject(inventory, TENANT, "m365", "m365://tenant/identity/conditionalAccess")
        yield not_assessed(subject, gap.reason)
    for policy in policies_of(inventory):
        j = judge_state(policy)
        j.extend(judge_exclusions(policy, baseline, roles=False))
        label = policy_label(policy)
        outcome = j.outcome
        if outcome is True:
            yield passed(policy.prov, f"policy {label} is enabled and {_exclusions_judged(policy)}")
        elif isinstance(outcome, Unknown):
            yield not_assessed(policy.prov, outcome.reason)
        else:
            state = policy.state if isinstance(policy.state, str) else "unknown"
            exclusions = sorted(p for p in j.problems if p.startswith("excludes"))
            hints = [
                *(['Set state = "enabled"'] if state != "enabled" else []),
                *([_exclusion_hint(exclusions)] if exclusions else []),
            ]
            yield fail(
                policy.prov,
                f"policy {label} {joined(j.problems)}",
                evidence=f"state={state};" + ";".join(exclusions),
                fix_hint=" and ".join(hints[:1] + [h[0].lower() + h[1:] for h in hints[1:]]),
                policy=label,
                problems=list(j.problems),
            )


def _exclusions_judged(policy: ConditionalAccessPolicy) -> str:
    """What an MFA004 pass vouches for: the users, groups and guests it excludes, never the roles (MFA001 and
    MFA002 judge those where they matter), which the message then names so that it does not claim more."""
    said = "excludes no users, groups or guests beyond the break-glass accounts"
    roles = policy.exclude_roles
    if isinstance(roles, Unknown) or not roles:
        return said
    count = f"{len(roles)} role{'s' if len(roles) > 1 else ''}"
    return f"{said} (it also excludes {count}, which MFA004 does not judge)"


def _exclusion_hint(exclusions: list[str]) -> str:
    undeclared = [kind for kind in ("user", "group") if any(f"lists no break-glass {kind}s" in p for p in exclusions)]
    if not undeclared:
        return "Exclude only the break-glass accounts"
    where = " and ".join(f"identity.break_glass_{kind}s" for kind in undeclared)
    return (
        f"If the excluded accounts are emergency-access (break-glass) accounts, declare them in the baseline under "
        f"{where} (object IDs, user principal names or group names); remove any other exclusion"
    )


MFA004 = Rule(
    id="MFA004",
    slug="conditional-access-policy-not-enforced",
    title="Conditional access policy is not enforced or has unapproved exclusions",
    severity=Severity.MEDIUM,
    family="identity",
    sources=("terraform", "m365"),
    summary=(
        "Judges every conditional access policy: it fails when the policy is report-only "
        "(`enabledForReportingButNotEnforced`) or disabled, or when it excludes users or groups that are not "
        "on the baseline's break-glass lists. One finding per policy, naming it and what is wrong."
    ),
    rationale=(
        "A report-only policy protects nothing, and every excluded account is a sign-in the policy never "
        "sees. Exclusions should be the two or so monitored emergency accounts, nothing else."
    ),
    bad_example=_MFA_GOOD.replace('"enabled"', '"enabledForReportingButNotEnforced"'),
    good_example=_MFA_GOOD,
    check=_check_policy_enforced,
    references=(SCUBA_AAD,),
    fix="unsafe",
    fix_title="Enable the policy and limit its exclusions to the break-glass accounts",
)


# ---------------------------------------------------------------- MFA005


def _check_root_mfa(inventory: Inventory, baseline: Baseline) -> Iterable[Verdict]:
    gap = inventory.gap(RootAccount)
    roots = sorted(inventory.of(RootAccount), key=lambda r: r.prov.address)
    if gap is not None and not roots:
        yield not_assessed(scope_subject(inventory, "aws_account", "aws", "aws://global/iam/root"), gap.reason)
    for root in roots:
        if isinstance(root.mfa_enabled, Unknown):
            yield not_assessed(root.prov, root.mfa_enabled.reason)
        elif root.mfa_enabled:
            yield passed(root.prov, "the root account has MFA enabled", evidence="root-mfa:on")
        else:
            yield fail(
                root.prov,
                "the AWS root account has no MFA device",
                evidence="root-mfa:off",
                fix_hint="Enable a hardware or virtual MFA device on the root account",
            )


MFA005 = Rule(
    id="MFA005",
    slug="aws-root-account-mfa",
    title="AWS root account has no MFA",
    severity=Severity.CRITICAL,
    family="identity",
    sources=("aws",),
    summary="Reads the account summary of a live AWS account and fails when the root user has no MFA device.",
    rationale=(
        "The root user can change SES sending authorisation, delete trails and close the account; a password "
        "alone should never be enough to act as it."
    ),
    bad_example="# Root MFA is not managed in Terraform; the live scan reads AccountMFAEnabled = 0.",
    good_example="# Root MFA is not managed in Terraform; the live scan reads AccountMFAEnabled = 1.",
    check=_check_root_mfa,
    controls=("CIS AWS 1.5",),
    references=("https://docs.aws.amazon.com/IAM/latest/UserGuide/enable-virt-mfa-for-root.html",),
    fix="display-only",
    fix_title="Enable MFA on the AWS root account",
)


RULES: tuple[Rule, ...] = (MFA001, *privileged_mfa.RULES, MFA003, MFA004, MFA005, *rbac.RULES)

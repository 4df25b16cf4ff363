"""Rules of the identity family: MFA (MFA001-MFA005) and, from `rbac`, privileged roles (RBAC001-RBAC004)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence

from emailiac.baseline import Baseline
from emailiac.model import ConditionalAccessPolicy, Inventory, RootAccount, SecurityDefaults, Unknown
from emailiac.result import Severity
from emailiac.rules import rbac
from emailiac.rules.account_scope import is_authoritative, not_authoritative, scope_subject
from emailiac.rules.base import Rule, Verdict, fail, not_assessed, passed
from emailiac.rules.conditional_access import (
    Grant,
    Judgement,
    covers_role,
    judge_all_users,
    judge_exclusions,
    judge_state,
    policy_label,
)
from emailiac.rules.directory_roles import role_label

__all__ = ["RULES"]

SCUBA_AAD = "https://github.com/cisagov/ScubaGear/blob/main/PowerShell/ScubaGear/baselines/aad.md"
_TENANT = "m365_tenant"
_LIST_LIMIT = 5


def _policies(inventory: Inventory) -> list[ConditionalAccessPolicy]:
    return sorted(inventory.of(ConditionalAccessPolicy), key=lambda p: p.prov.address)


def _explain(judged: Sequence[tuple[ConditionalAccessPolicy, Judgement]]) -> str:
    parts = [f"{policy_label(p)} {_and(j.problems)}" for p, j in judged if j.problems]
    if len(parts) > _LIST_LIMIT:
        parts = [*parts[:_LIST_LIMIT], f"and {len(parts) - _LIST_LIMIT} more"]
    return "; ".join(parts)


def _and(items: Sequence[str]) -> str:
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def _controls(policy: ConditionalAccessPolicy) -> tuple[str, ...]:
    controls = policy.built_in_controls
    return tuple(c.lower() for c in controls) if not isinstance(controls, Unknown) else ()


def _aims_at(policy: ConditionalAccessPolicy, grant: Grant) -> bool:
    """Whether a policy is meant to enforce `grant` (so a failure message should say why it does not)."""
    if grant == "block":
        types = policy.client_app_types
        legacy = not isinstance(types, Unknown) and any(t.lower() in ("exchangeactivesync", "other") for t in types)
        return "block" in _controls(policy) or legacy
    return "mfa" in _controls(policy) or policy.strength_id is not None or policy.strength_combinations is not None


def _tenant_wide(
    inventory: Inventory, baseline: Baseline, grant: Grant, wanted: str, fix_hint: str
) -> Iterator[Verdict]:
    """One verdict for the tenant: does some policy enforce `grant` for all users and all apps?"""
    subject = scope_subject(inventory, _TENANT, "m365", "m365://tenant/identity/conditionalAccess")
    judged = [(p, judge_all_users(p, baseline, grant)) for p in _policies(inventory)]
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
    relevant = [(p, j) for p, j in judged if _aims_at(p, grant)]
    summary = f"no enabled policy {wanted}"
    if relevant:
        summary += ": " + _explain(relevant)
    if not is_authoritative(inventory, baseline, _TENANT):
        yield not_authoritative(subject, _TENANT, summary)
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
)


# ---------------------------------------------------------------- MFA002


def _check_privileged_phishing_resistant(inventory: Inventory, baseline: Baseline) -> Iterable[Verdict]:
    subject = scope_subject(inventory, _TENANT, "m365", "m365://tenant/identity/conditionalAccess")
    policies = _policies(inventory)
    roles = tuple(r.lower() for r in baseline.identity.privileged_roles)
    if not roles:
        return
    uncovered: list[str] = []
    unknown: list[tuple[str, ConditionalAccessPolicy, Unknown]] = []
    covering: set[str] = set()
    for role in roles:
        outcomes = [(p, covers_role(p, baseline, role).outcome) for p in policies]
        cover = [p for p, outcome in outcomes if outcome is True]
        if cover:
            covering.add(cover[0].prov.address)
            continue
        open_ = [(role, p, outcome) for p, outcome in outcomes if isinstance(outcome, Unknown)]
        if open_:
            unknown.append(open_[0])
        else:
            uncovered.append(role)
    if not uncovered and not unknown:
        only = [p for p in policies if p.prov.address in covering]
        where = only[0].prov if len(only) == 1 else subject
        names = _and([policy_label(p) for p in only])
        message = f"phishing-resistant MFA is required for all {len(roles)} privileged roles by {names}"
        yield passed(where, message, evidence="privileged-roles:covered")
        return
    gap = inventory.gap(ConditionalAccessPolicy)
    if gap is not None:
        yield not_assessed(subject, gap.reason)
        return
    if not uncovered:
        role, policy, why = unknown[0]
        yield not_assessed(policy.prov, f"policy {policy_label(policy)} may cover {role_label(role)}: {why.reason}")
        return
    names = _and([role_label(r) for r in uncovered])
    first = uncovered[0]
    relevant = [(p, covers_role(p, baseline, first)) for p in policies if _aims_at(p, "phishing_resistant")]
    if len(uncovered) == len(roles):
        summary = f"none of the {len(roles)} privileged roles is covered by an enabled policy requiring "
        summary += "phishing-resistant MFA"
    else:
        summary = (
            f"{len(uncovered)} of {len(roles)} privileged roles are not covered by an enabled policy "
            f"requiring phishing-resistant MFA ({names})"
        )
    if relevant:
        summary += f"; for {role_label(first)}: " + _explain(relevant)
    if not is_authoritative(inventory, baseline, _TENANT):
        yield not_authoritative(subject, _TENANT, summary)
        return
    yield fail(
        subject,
        summary,
        evidence="uncovered:" + ",".join(sorted(uncovered)),
        fix_hint="Require the phishing-resistant MFA authentication strength for the privileged roles",
        roles=list(uncovered),
    )


_PR_GOOD = """\
locals {
  strengths = "/policies/authenticationStrengthPolicies/"
}

resource "azuread_conditional_access_policy" "admins" {
  display_name = "Phishing-resistant MFA for admins"
  state        = "enabled"

  conditions {
    client_app_types = ["all"]
    applications {
      included_applications = ["All"]
    }
    users {
      included_roles = [
        "62e90394-69f5-4237-9190-012177145e10", # Global Administrator
        "e8611ab8-c189-46e8-94e1-60213ab1f814", # Privileged Role Administrator
        "fe930be7-5e62-47db-91af-98c3a49a38b1", # User Administrator
        "f28a1f50-f6e7-4571-818b-6a12f2af6b6c", # SharePoint Administrator
        "29232cdf-9323-42fd-ade2-1d097af3e4de", # Exchange Administrator
        "8ac3fc64-6eca-42ea-9e69-59f4c7b60eb2", # Hybrid Identity Administrator
        "9b895d92-2cd3-44c7-9d02-a6ac2d5ea5c3", # Application Administrator
        "158c047a-c907-4556-b7ef-446551a6b5f7", # Cloud Application Administrator
      ]
    }
  }

  grant_controls {
    operator                          = "OR"
    authentication_strength_policy_id = "${local.strengths}00000000-0000-0000-0000-000000000004"
  }
}
"""

MFA002 = Rule(
    id="MFA002",
    slug="phishing-resistant-mfa-for-admins",
    title="Privileged roles are not all covered by phishing-resistant MFA",
    severity=Severity.HIGH,
    family="identity",
    sources=("terraform", "m365"),
    summary=(
        "For each highly privileged role of the baseline (the eight SCuBA role templates by default), looks "
        "for an enabled conditional access policy that includes the role (or All users), does not exclude "
        "it, covers All apps and requires an authentication strength whose combinations are only Windows "
        "Hello for Business, FIDO2 or certificate-based MFA. Absence-style: in Terraform it judges the "
        "tenant only when the configuration is authoritative for `m365_tenant`."
    ),
    rationale=(
        "Push, SMS and one-time codes can be relayed by an adversary-in-the-middle phishing kit; an "
        "administrator session stolen that way hands over mail flow rules, transport settings and every "
        "mailbox. Phishing-resistant methods bind the sign-in to the real site."
    ),
    bad_example=_PR_GOOD.replace("000000000004", "000000000002"),
    good_example=_PR_GOOD,
    check=_check_privileged_phishing_resistant,
    controls=("MS.AAD.3.6v1",),
    references=(SCUBA_AAD,),
    fix="unsafe",
    fix_title="Require phishing-resistant MFA for the highly privileged roles",
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
)


# ---------------------------------------------------------------- MFA004


def _check_policy_enforced(inventory: Inventory, baseline: Baseline) -> Iterable[Verdict]:
    gap = inventory.gap(ConditionalAccessPolicy)
    if gap is not None:
        subject = scope_subject(inventory, _TENANT, "m365", "m365://tenant/identity/conditionalAccess")
        yield not_assessed(subject, gap.reason)
    for policy in _policies(inventory):
        j = judge_state(policy)
        j.extend(judge_exclusions(policy, baseline, roles=False))
        label = policy_label(policy)
        outcome = j.outcome
        if outcome is True:
            yield passed(policy.prov, f"policy {label} is enabled and excludes only break-glass accounts")
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
                f"policy {label} {_and(j.problems)}",
                evidence=f"state={state};" + ";".join(exclusions),
                fix_hint=" and ".join(hints[:1] + [h[0].lower() + h[1:] for h in hints[1:]]),
                policy=label,
                problems=list(j.problems),
            )


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


RULES: tuple[Rule, ...] = (MFA001, MFA002, MFA003, MFA004, MFA005, *rbac.RULES)

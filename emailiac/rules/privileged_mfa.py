"""MFA002: every highly privileged role is covered by an enabled policy requiring phishing-resistant MFA."""

from __future__ import annotations

from collections.abc import Iterable

from emailiac.baseline import Baseline
from emailiac.model import ConditionalAccessPolicy, Inventory, Unknown
from emailiac.result import Severity
from emailiac.rules.account_scope import is_authoritative, not_authoritative, scope_subject
from emailiac.rules.base import Rule, Verdict, fail, not_assessed, passed
from emailiac.rules.conditional_access import covers_role, policy_label
from emailiac.rules.directory_roles import role_label
from emailiac.rules.policy_words import SCUBA_AAD, TENANT, aims_at, explain, joined, policies_of

__all__ = ["RULES"]


def _check_privileged_phishing_resistant(inventory: Inventory, baseline: Baseline) -> Iterable[Verdict]:
    subject = scope_subject(inventory, TENANT, "m365", "m365://tenant/identity/conditionalAccess")
    policies = policies_of(inventory)
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
        names = joined([policy_label(p) for p in only])
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
    names = joined([role_label(r) for r in uncovered])
    first = uncovered[0]
    relevant = [(p, covers_role(p, baseline, first)) for p in policies if aims_at(p, "phishing_resistant")]
    if len(uncovered) == len(roles):
        summary = f"none of the {len(roles)} privileged roles is covered by an enabled policy requiring "
        summary += "phishing-resistant MFA"
    else:
        summary = (
            f"{len(uncovered)} of {len(roles)} privileged roles are not covered by an enabled policy "
            f"requiring phishing-resistant MFA ({names})"
        )
    if relevant:
        summary += f"; for {role_label(first)}: " + explain(relevant)
    if not is_authoritative(inventory, baseline, TENANT):
        yield not_authoritative(subject, TENANT, summary)
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
    presence=True,
)


RULES: tuple[Rule, ...] = (MFA002,)

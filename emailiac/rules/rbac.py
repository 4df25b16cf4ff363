"""Privileged roles (RBAC001-RBAC004) of the identity family: Entra ID directory roles, IAM policies."""

from __future__ import annotations

from collections.abc import Iterator

from emailiac.baseline import GLOBAL_ADMINISTRATOR, Baseline
from emailiac.model import IamPolicy, Inventory, RoleAssignment, Unknown
from emailiac.result import Severity
from emailiac.rules.account_scope import scope_subject
from emailiac.rules.base import Rule, Verdict, fail, not_assessed, passed
from emailiac.rules.conditional_access import break_glass_listed, is_object_id
from emailiac.rules.directory_roles import is_privileged, role_label
from emailiac.rules.gaps import gap_verdicts
from emailiac.rules.iam import broad_send_grants

__all__ = ["RULES"]

SCUBA_AAD = "https://github.com/cisagov/ScubaGear/blob/main/PowerShell/ScubaGear/baselines/aad.md"


def _assignments(inventory: Inventory) -> list[RoleAssignment]:
    return sorted(inventory.of(RoleAssignment), key=lambda a: (a.prov.file or "", a.prov.line or 0, a.prov.address))


def _principal_label(assignment: RoleAssignment) -> str:
    principal = assignment.principal
    if isinstance(principal, str):
        return principal
    if principal.refs:
        return principal.refs[0].rsplit(".", 1)[0]
    return "a principal known only after apply"


def _principal_key(assignment: RoleAssignment) -> str:
    """Identity of the holder: the object ID, or the reference that will produce it."""
    principal = assignment.principal
    if isinstance(principal, str):
        return principal.lower()
    if principal.refs:
        return "ref:" + ",".join(principal.refs)
    return "address:" + assignment.prov.address


def _role(assignment: RoleAssignment) -> str:
    return role_label(assignment.role_template_id, assignment.role_name)


def _role_key(assignment: RoleAssignment) -> str:
    template = assignment.role_template_id
    return template.lower() if isinstance(template, str) else _role(assignment)


# ---------------------------------------------------------------- RBAC001


def _check_global_admin_count(inventory: Inventory, baseline: Baseline) -> Iterator[Verdict]:
    # Only a live Microsoft 365 inventory holds every assignment; an AWS-only scan holds none of them.
    live = "m365" in inventory.sources
    tenant = scope_subject(inventory, "m365_tenant", "m365", f"m365://tenant/directoryRoles/{GLOBAL_ADMINISTRATOR}")
    gap = inventory.gap(RoleAssignment)
    if gap is not None:
        yield not_assessed(tenant, gap.reason)
        return
    holders: dict[str, RoleAssignment] = {}
    open_: list[tuple[RoleAssignment, Unknown]] = []
    for assignment in _assignments(inventory):
        held = is_privileged(assignment, (GLOBAL_ADMINISTRATOR,))
        if isinstance(held, Unknown):
            open_.append((assignment, held))
        elif held:
            holders.setdefault(_principal_key(assignment), assignment)
    low, high = baseline.identity.global_admin_min, baseline.identity.global_admin_max
    if not live and not holders and not open_:
        return  # nothing declared here: the tenant's holders are elsewhere
    # An assignment whose count or for_each is not known may stand for no holder or for many.
    uncounted = [a for a in holders.values() if a.prov.maybe_absent is not None]
    if uncounted:
        holders = {k: a for k, a in holders.items() if a.prov.maybe_absent is None}
        if len(holders) <= high:
            first = uncounted[0].prov
            yield not_assessed(
                first, f"cannot tell how many principals hold Global Administrator: {first.maybe_absent}"
            )
            return
    count = len(holders)
    # Terraform declares some of the holders, never provably all: only "too many" can be judged there.
    subject = tenant if live or not holders else next(iter(holders.values())).prov
    where = "hold" if live else "are declared to hold"
    evidence = "global-administrators"
    if count > high:
        listed = sorted(a.prov.address if not live else _principal_label(a) for a in holders.values())
        names = ", ".join(listed[:4]) + (f" and {len(listed) - 4} more" if len(listed) > 4 else "")
        yield fail(
            subject,
            f"{count} principals {where} Global Administrator ({names}); the baseline allows at most {high}",
            evidence=evidence,
            count=count,
        )
    elif open_ and count + len(open_) > high:
        assignment, why = open_[0]
        yield not_assessed(
            assignment.prov,
            f"cannot tell whether {assignment.prov.address} is Global Administrator: {why.reason}",
        )
    elif live and count < low:
        yield fail(
            subject,
            f"only {count} principals hold Global Administrator; the baseline wants at least {low} "
            "so that one lost account does not lock the tenant",
            evidence=evidence,
            count=count,
        )
    else:
        bound = f"between {low} and {high}" if live else f"at most {high}"
        unsure = f" (with {len(open_)} more assignments of roles not known yet)" if open_ else ""
        message = f"{count} principals {where} Global Administrator{unsure}, {bound}"
        yield passed(subject, message, evidence=evidence)


_GA_TEMPLATE = """\
locals {
  # name => object ID of everyone who may hold Global Administrator
  global_admins = {
%s
  }
}

resource "azuread_directory_role_eligibility_schedule_request" "ga" {
  for_each           = local.global_admins
  role_definition_id = "62e90394-69f5-4237-9190-012177145e10"
  principal_id       = each.value
  directory_scope_id = "/"
  justification      = "Global Administrator (${each.key})"
}
"""
_GA_NAMES = ("break_glass_1", "break_glass_2", "alice", "bob", "carol", "dave", "erin", "frank", "grace", "heidi")
_GA_ENTRIES = [f'    {name:<13} = "0a1b2c3d-0000-4000-8000-{n:012d}"' for n, name in enumerate(_GA_NAMES, start=1)]
_GA_GOOD = _GA_TEMPLATE % "\n".join(_GA_ENTRIES[:3])
_GA_BAD = _GA_TEMPLATE % "\n".join(_GA_ENTRIES)

RBAC001 = Rule(
    id="RBAC001",
    slug="global-administrator-count",
    title="Number of Global Administrators is outside the baseline's range",
    severity=Severity.HIGH,
    family="identity",
    sources=("terraform", "m365"),
    summary=(
        "Counts the distinct principals holding Global Administrator, active or eligible. Live, the count "
        "must lie within the baseline's range (2 to 8 by default). A Terraform configuration declares only "
        "some of the holders, so there only a count above the maximum fails."
    ),
    rationale=(
        "Every Global Administrator can read every mailbox and rewrite mail flow; more than a handful is "
        "standing exposure, fewer than two risks a lock-out when one account is lost."
    ),
    bad_example=_GA_BAD,
    good_example=_GA_GOOD,
    check=_check_global_admin_count,
    controls=("MS.AAD.7.1v1",),
    references=(SCUBA_AAD,),
    fix="none",
)


# ---------------------------------------------------------------- RBAC002


def _is_break_glass(assignment: RoleAssignment, baseline: Baseline) -> bool | Unknown:
    allowed = (*baseline.identity.break_glass_users, *baseline.identity.break_glass_groups)
    principal = assignment.principal
    if isinstance(principal, Unknown):
        return principal if allowed else False
    listed = break_glass_listed(principal, allowed)
    if listed is None:
        form = "an object ID" if is_object_id(principal) else "a name"
        return Unknown(f"the principal {principal} is {form}, and the break-glass lists name their accounts otherwise")
    return listed


def _check_permanent_privileged(inventory: Inventory, baseline: Baseline) -> Iterator[Verdict]:
    yield from gap_verdicts(inventory, RoleAssignment, "m365", "roleManagement")
    privileged = baseline.identity.privileged_roles
    for assignment in _assignments(inventory):
        held = is_privileged(assignment, privileged)
        permanent = assignment.permanent
        if held is False or permanent is False:
            if held is True:
                yield passed(assignment.prov, f"{_role(assignment)} is assigned as eligible, not permanent")
            continue
        who = f"{_role(assignment)} to {_principal_label(assignment)}"
        if isinstance(held, Unknown):
            yield not_assessed(assignment.prov, f"cannot tell whether the role is highly privileged: {held.reason}")
            continue
        if isinstance(permanent, Unknown):
            yield not_assessed(assignment.prov, permanent.reason)
            continue
        exempt = _is_break_glass(assignment, baseline)
        if isinstance(exempt, Unknown):
            yield not_assessed(
                assignment.prov,
                f"cannot tell whether the principal is a break-glass account: {exempt.reason}",
            )
        elif exempt:
            yield passed(
                assignment.prov,
                f"{_principal_label(assignment)} is a break-glass account the baseline lists; its permanent "
                f"{_role(assignment)} is expected",
            )
        else:
            yield fail(
                assignment.prov,
                f"{assignment.prov.address} assigns {who} permanently and active",
                evidence=f"{_role_key(assignment)}:{_principal_key(assignment)}",
                fix_hint="Make the assignment eligible (azuread_directory_role_eligibility_schedule_request)",
                role=_role(assignment),
            )


_PIM_GOOD = """\
resource "azuread_directory_role_eligibility_schedule_request" "exchange_admin" {
  role_definition_id = "29232cdf-9323-42fd-ade2-1d097af3e4de" # Exchange Administrator
  principal_id       = azuread_user.mail_admin.object_id
  directory_scope_id = "/"
  justification      = "Mail administration through PIM activation"
}
"""

_PIM_BAD = """\
resource "azuread_directory_role_assignment" "exchange_admin" {
  role_id             = "29232cdf-9323-42fd-ade2-1d097af3e4de" # Exchange Administrator
  principal_object_id = azuread_user.mail_admin.object_id
}
"""

RBAC002 = Rule(
    id="RBAC002",
    slug="permanent-privileged-role-assignment",
    title="Highly privileged role is assigned permanently",
    severity=Severity.HIGH,
    family="identity",
    sources=("terraform", "m365"),
    summary=(
        "Fails each permanent active assignment of a highly privileged role: "
        "`azuread_directory_role_assignment` and `azuread_directory_role_member` in Terraform, a role "
        "schedule instance with no end live. Roles are read from their template ID or from the "
        "`azuread_directory_role` they reference. Eligible assignments (PIM) pass, as do the break-glass "
        "accounts the baseline lists."
    ),
    rationale=(
        "A standing assignment makes the account an administrator every minute of every day, so a stolen "
        "session is immediately an admin session. Eligible assignments are activated on demand, with MFA, "
        "justification and an end."
    ),
    bad_example=_PIM_BAD,
    good_example=_PIM_GOOD,
    check=_check_permanent_privileged,
    controls=("MS.AAD.7.4v1",),
    references=(SCUBA_AAD,),
    fix="unsafe",
    fix_title="Replace the permanent assignment with a PIM eligibility",
)


# ---------------------------------------------------------------- RBAC003


def _check_guest_or_synced_admin(inventory: Inventory, baseline: Baseline) -> Iterator[Verdict]:
    yield from gap_verdicts(inventory, RoleAssignment, "m365", "roleManagement")
    for assignment in _assignments(inventory):
        if assignment.user_type is None and assignment.on_premises_synced is None:
            continue  # not collected (Terraform): nothing to judge
        held = is_privileged(assignment, baseline.identity.privileged_roles)
        if held is False:
            continue
        who = f"{_role(assignment)} held by {_principal_label(assignment)}"
        if isinstance(held, Unknown):
            yield not_assessed(assignment.prov, held.reason)
            continue
        problems: list[str] = []
        unknown: Unknown | None = None
        if isinstance(assignment.user_type, Unknown):
            unknown = assignment.user_type
        elif isinstance(assignment.user_type, str) and assignment.user_type.lower() == "guest":
            problems.append("a guest account")
        if isinstance(assignment.on_premises_synced, Unknown):
            unknown = assignment.on_premises_synced if unknown is None else unknown
        elif assignment.on_premises_synced:
            problems.append("synced from on-premises Active Directory")
        if problems:
            yield fail(
                assignment.prov,
                f"{who}: the account is {' and '.join(problems)}",
                evidence=f"{_principal_key(assignment)}:{'+'.join(problems)}",
                fix_hint="Give the role to a cloud-only member account instead",
            )
        elif unknown is not None:
            yield not_assessed(assignment.prov, unknown.reason)
        else:
            yield passed(assignment.prov, f"{who}: a cloud-only member account")


RBAC003 = Rule(
    id="RBAC003",
    slug="privileged-role-guest-or-synced",
    title="Privileged role held by a guest or an on-premises-synced account",
    severity=Severity.HIGH,
    family="identity",
    sources=("m365",),
    summary=(
        "Reads live role assignments with their principals and fails each highly privileged role held by a "
        "guest (`userType` Guest) or by an account synchronised from on-premises Active Directory."
    ),
    rationale=(
        "A guest's credentials are governed by another tenant; a synced account falls with the on-premises "
        "domain. Either way the cloud tenant, and every mailbox in it, inherits a compromise it cannot see."
    ),
    bad_example="# Live only: a Global Administrator whose onPremisesSyncEnabled is true.",
    good_example="# Live only: Global Administrators are cloud-only member accounts.",
    check=_check_guest_or_synced_admin,
    controls=("MS.AAD.7.3v1",),
    references=(SCUBA_AAD,),
    fix="none",
)


# ---------------------------------------------------------------- RBAC004


def _policy_label(policy: IamPolicy) -> str:
    return f"'{policy.name}'" if isinstance(policy.name, str) else policy.prov.address


def _check_broad_ses_send(inventory: Inventory, baseline: Baseline) -> Iterator[Verdict]:
    yield from gap_verdicts(inventory, IamPolicy, "aws", "iam")
    for policy in sorted(inventory.of(IamPolicy), key=lambda p: p.prov.address):
        attached = policy.attached
        if attached is False:
            continue  # a policy nobody holds grants nothing
        scan = broad_send_grants(policy.document)
        label = _policy_label(policy)
        if scan.grants:
            grant = scan.grants[0]
            message = (
                f"IAM policy {label}: {grant.statement} allows {', '.join(grant.actions)} on * without a "
                "condition, so its holders can send as any SES identity"
            )
            if isinstance(attached, Unknown):
                yield not_assessed(
                    policy.prov, f"{message}, but whether it is attached is not known: {attached.reason}"
                )
                continue
            yield fail(
                policy.prov,
                message,
                evidence=";".join(f"{g.statement}:{','.join(g.actions)}" for g in scan.grants),
                fix_hint="Scope ses:Send* to the identity ARNs it needs or add a condition (ses:FromAddress)",
                statements=[g.statement for g in scan.grants],
            )
        elif scan.unknowns:
            yield not_assessed(policy.prov, f"IAM policy {label}: {scan.unknowns[0]}")
        else:
            yield passed(policy.prov, f"IAM policy {label} allows no unconditioned SES sending on *")


_IAM_GOOD = """\
data "aws_iam_policy_document" "send" {
  statement {
    actions   = ["ses:SendEmail", "ses:SendRawEmail"]
    resources = [aws_ses_domain_identity.main.arn]

    condition {
      test     = "StringEquals"
      variable = "ses:FromAddress"
      values   = ["noreply@example.com"]
    }
  }
}

resource "aws_iam_role_policy" "send" {
  role   = aws_iam_role.app.id
  policy = data.aws_iam_policy_document.send.json
}
"""

_IAM_BAD = """\
resource "aws_iam_role_policy" "send" {
  role = aws_iam_role.app.id
  policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = "ses:*", Resource = "*" }]
  })
}
"""

RBAC004 = Rule(
    id="RBAC004",
    slug="iam-broad-ses-send",
    title="IAM policy allows sending as any SES identity",
    severity=Severity.MEDIUM,
    family="identity",
    sources=("terraform", "aws"),
    summary=(
        "Fails each IAM policy attached to a user, group or role (inline policies always are; a managed "
        "policy when an attachment references it) with an Allow statement whose actions match an SES send "
        "action (`ses:*`, `ses:Send*`, `*`..., matched as IAM does) on Resource `*` (or through NotAction / "
        "NotResource) without a Condition. Documents from `jsonencode`, heredocs and "
        "`aws_iam_policy_document` are read alike."
    ),
    rationale=(
        "Whoever holds such a policy can send mail from every verified domain of the account, including the "
        "ones DMARC protects: a leaked application key becomes a phishing campaign that passes SPF, DKIM and "
        "DMARC."
    ),
    bad_example=_IAM_BAD,
    good_example=_IAM_GOOD,
    check=_check_broad_ses_send,
    references=("https://docs.aws.amazon.com/ses/latest/dg/control-user-access.html",),
    fix="display-only",  # which ranges or identities to allow is not in the configuration
    fix_title="Scope SES sending to named identities or add a condition",
)


RULES: tuple[Rule, ...] = (RBAC001, RBAC002, RBAC003, RBAC004)

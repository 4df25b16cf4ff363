"""Identity rules (MFA001-MFA005, RBAC001-RBAC004) judged on facts built directly."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

import pytest

from emailiac.baseline import Baseline, IdentityBaseline, TerraformBaseline, load_baseline
from emailiac.lint import LintOptions, lint
from emailiac.model import (
    ConditionalAccessPolicy,
    Fact,
    Gap,
    IamPolicy,
    Inventory,
    Provenance,
    RoleAssignment,
    RootAccount,
    SecurityDefaults,
    Unknown,
)
from emailiac.result import Result, Status
from emailiac.rules import rule_by_id
from emailiac.rules.base import Verdict
from emailiac.rules.iam import action_matches

GA = "62e90394-69f5-4237-9190-012177145e10"
PRA = "e8611ab8-c189-46e8-94e1-60213ab1f814"
EXCHANGE = "29232cdf-9323-42fd-ade2-1d097af3e4de"
DIRECTORY_READERS = "88d8e3e3-8f55-4a1e-953a-9b9898b8876b"
PRIVILEGED = Baseline().identity.privileged_roles
STRENGTH = "/policies/authenticationStrengthPolicies/00000000-0000-0000-0000-00000000000"
BREAK_GLASS = "0f1e2d3c-0000-4000-8000-00000000b001"


def baseline(*, authoritative: tuple[str, ...] = ("m365_tenant",), strict: bool = True, **identity: Any) -> Baseline:
    return dataclasses.replace(
        Baseline(),
        identity=IdentityBaseline(strict_scope=strict, **identity),
        terraform=TerraformBaseline(authoritative=authoritative),
    )


def policy(name: str = "Require MFA", **fields: Any) -> ConditionalAccessPolicy:
    values: dict[str, Any] = {
        "prov": Provenance("terraform", f"azuread_conditional_access_policy.{name.lower().replace(' ', '_')}"),
        "policy_id": None,
        "display_name": name,
        "state": "enabled",
        "include_users": ("All",),
        "include_apps": ("All",),
        "client_app_types": ("all",),
        "built_in_controls": ("mfa",),
        "operator": "OR",
    }
    values.update(fields)
    return ConditionalAccessPolicy(**values)


def phishing_resistant(name: str = "Admins", **fields: Any) -> ConditionalAccessPolicy:
    values: dict[str, Any] = {
        "include_users": (),
        "include_roles": PRIVILEGED,
        "built_in_controls": (),
        "strength_id": STRENGTH + "4",
    }
    values.update(fields)
    return policy(name, **values)


def block_legacy(name: str = "Block legacy", **fields: Any) -> ConditionalAccessPolicy:
    values: dict[str, Any] = {"client_app_types": ("exchangeActiveSync", "other"), "built_in_controls": ("block",)}
    values.update(fields)
    return policy(name, **values)


def run(
    rule_id: str,
    facts: list[Fact],
    base: Baseline | None = None,
    *,
    sources: tuple[str, ...] = ("terraform",),
    gaps: tuple[Gap, ...] = (),
    authoritative: tuple[str, ...] = (),
) -> list[Verdict]:
    rule = rule_by_id(rule_id)
    assert rule is not None
    inventory = Inventory(facts=list(facts), sources=set(sources), gaps=list(gaps), authoritative=set(authoritative))
    return list(rule.check(inventory, base or baseline()))


def one(verdicts: list[Verdict]) -> Verdict:
    assert len(verdicts) == 1, verdicts
    return verdicts[0]


# ---------------------------------------------------------------- MFA001


def test_mfa_for_all_users_passes() -> None:
    v = one(run("MFA001", [policy()]))
    assert v.status is Status.PASS
    assert v.subject.address == "azuread_conditional_access_policy.require_mfa"


def test_report_only_policy_fails_naming_it_and_the_narrow_one() -> None:
    facts = [
        policy(state="enabledForReportingButNotEnforced"),
        policy("MFA admins", include_users=(), include_roles=(GA, PRA, EXCHANGE)),
    ]
    v = one(run("MFA001", facts))
    assert v.status is Status.FAIL
    assert v.subject.address == "m365_tenant"
    assert v.message == (
        "no enabled policy requires MFA for all users and all apps: 'MFA admins' covers only 3 roles; "
        "'Require MFA' is report-only"
    )


def test_absence_is_out_of_scope_unless_authoritative() -> None:
    v = one(run("MFA001", [policy(state="disabled")], baseline(authoritative=())))
    assert v.status is Status.NOT_ASSESSED and v.out_of_scope
    assert "'Require MFA' is disabled" in v.message and "m365_tenant" in v.message


def test_authoritative_inventory_counts_as_well() -> None:
    v = one(run("MFA001", [], baseline(authoritative=()), authoritative=("m365_tenant",)))
    assert v.status is Status.FAIL and v.message == "no enabled policy requires MFA for all users and all apps"


def test_exclusion_outside_the_break_glass_list_disqualifies() -> None:
    facts = [policy(exclude_users=(BREAK_GLASS, "1a2b3c4d-0000-4000-8000-000000000001"))]
    v = one(run("MFA001", facts, baseline(break_glass_users=(BREAK_GLASS,))))
    assert v.status is Status.FAIL
    assert "excludes user 1a2b3c4d-0000-4000-8000-000000000001 which is not on the break-glass list" in v.message


def test_break_glass_exclusions_are_accepted_whatever_their_case() -> None:
    facts = [policy(exclude_users=(BREAK_GLASS.upper(),), exclude_groups=("BG-Group",))]
    base = baseline(break_glass_users=(BREAK_GLASS,), break_glass_groups=("bg-group",))
    assert one(run("MFA001", facts, base)).status is Status.PASS


def test_excluded_roles_and_guests_disqualify() -> None:
    v = one(run("MFA001", [policy(exclude_roles=(GA,), exclude_guests=True)]))
    assert v.status is Status.FAIL
    assert "excludes guests and external users and excludes role Global Administrator" in v.message


def test_or_with_a_weaker_control_is_not_mfa_but_and_is() -> None:
    weak = one(run("MFA001", [policy(built_in_controls=("mfa", "compliantDevice"))]))
    assert weak.status is Status.FAIL
    assert "lets users sign in without MFA (any of mfa, compliantDevice)" in weak.message
    strong = one(run("MFA001", [policy(built_in_controls=("mfa", "compliantDevice"), operator="AND")]))
    assert strong.status is Status.PASS


def test_unknown_operator_matters_only_when_it_changes_the_outcome() -> None:
    unknown = Unknown("var.operator has no value")
    v = one(run("MFA001", [policy(built_in_controls=("mfa", "compliantDevice"), operator=unknown)]))
    assert v.status is Status.NOT_ASSESSED and "var.operator has no value" in v.message
    assert one(run("MFA001", [policy(built_in_controls=("mfa",), operator=unknown)])).status is Status.PASS


@pytest.mark.parametrize("suffix", ["2", "3", "4"])
def test_builtin_mfa_strengths_count(suffix: str) -> None:
    facts = [policy(built_in_controls=(), strength_id=STRENGTH + suffix)]
    assert one(run("MFA001", facts)).status is Status.PASS


def test_custom_strength_with_a_single_factor_combination_is_not_mfa() -> None:
    facts = [policy(built_in_controls=(), strength_combinations=("fido2", "password", "password,sms"))]
    v = one(run("MFA001", facts))
    assert v.status is Status.FAIL
    assert "uses a custom authentication strength, which allows single-factor password" in v.message


def test_strength_not_declared_here_is_not_assessed() -> None:
    facts = [policy(built_in_controls=(), strength_id=STRENGTH.replace("000000000000", "00000000abcd") + "9")]
    v = one(run("MFA001", facts))
    assert v.status is Status.NOT_ASSESSED and "is not declared here" in v.message


def test_unresolved_state_is_not_assessed_with_its_reason() -> None:
    v = one(run("MFA001", [policy(state=Unknown("var.cap_state has no value", ("var.cap_state",)))]))
    assert v.status is Status.NOT_ASSESSED and not v.out_of_scope
    assert v.subject.address == "azuread_conditional_access_policy.require_mfa"
    assert v.message.endswith("var.cap_state has no value")


def test_known_problem_beats_unknown_elsewhere_in_the_policy() -> None:
    facts = [policy(state="disabled", include_apps=Unknown("var.apps has no value"))]
    assert one(run("MFA001", facts)).status is Status.FAIL


def test_narrowing_conditions_pass_only_when_strict_scope_is_off() -> None:
    facts = [policy(has_locations=True, has_device_filter=True)]
    assert one(run("MFA001", facts, baseline(strict=False))).status is Status.PASS
    v = one(run("MFA001", facts))
    assert v.status is Status.FAIL
    assert "is narrowed by locations and is narrowed by a device filter" in v.message


def test_client_app_types_must_include_all_for_mfa() -> None:
    v = one(run("MFA001", [policy(client_app_types=("browser", "mobileAppsAndDesktopClients"))]))
    assert v.status is Status.FAIL
    assert "applies only to client app types browser, mobileAppsAndDesktopClients" in v.message


def test_excluded_applications_disqualify() -> None:
    v = one(run("MFA001", [policy(exclude_apps=("00000002-0000-0ff1-ce00-000000000000",))]))
    assert v.status is Status.FAIL and "excludes 1 application" in v.message


def test_security_defaults_satisfy_mfa001_live() -> None:
    on = SecurityDefaults(Provenance("m365", "m365://tenant/policies/identitySecurityDefaultsEnforcementPolicy"), True)
    v = one(run("MFA001", [on], sources=("m365",), authoritative=("m365_tenant",)))
    assert v.status is Status.PASS and "security defaults" in v.message
    off = dataclasses.replace(on, enabled=False)
    v = one(run("MFA001", [off], sources=("m365",), authoritative=("m365_tenant",)))
    assert v.status is Status.FAIL and v.subject.source == "m365"


def test_gap_makes_tenant_rules_not_assessed() -> None:
    gap = Gap("ConditionalAccessPolicy", "", "403: missing Policy.Read.All")
    for rule_id in ("MFA001", "MFA002", "MFA003"):
        v = one(run(rule_id, [], sources=("m365",), gaps=(gap,), authoritative=("m365_tenant",)))
        assert v.status is Status.NOT_ASSESSED and "Policy.Read.All" in v.message


# ---------------------------------------------------------------- MFA002


def test_phishing_resistant_strength_for_all_privileged_roles_passes() -> None:
    v = one(run("MFA002", [phishing_resistant()]))
    assert v.status is Status.PASS
    assert v.subject.address == "azuread_conditional_access_policy.admins"


def test_mfa_strength_is_not_phishing_resistant() -> None:
    v = one(run("MFA002", [phishing_resistant(strength_id=STRENGTH + "2")]))
    assert v.status is Status.FAIL
    assert v.message.startswith("none of the 8 privileged roles is covered by an enabled policy requiring")
    assert v.message.endswith(
        "'Admins' uses authentication strength 'Multifactor authentication', which allows deviceBasedPush, "
        "temporaryAccessPassOneTime, temporaryAccessPassMultiUse and 11 more"
    )


def test_roles_left_out_are_named() -> None:
    v = one(run("MFA002", [phishing_resistant(include_roles=(GA, PRA, EXCHANGE))]))
    assert v.status is Status.FAIL
    assert v.message.startswith("5 of 8 privileged roles are not covered by an enabled policy requiring")
    assert "User Administrator" in v.message and "Global Administrator" not in v.message.split(";")[0]
    assert v.data["roles"][0] == "fe930be7-5e62-47db-91af-98c3a49a38b1"


def test_all_users_policy_excluding_a_role_leaves_it_uncovered() -> None:
    facts = [phishing_resistant(include_users=("All",), include_roles=(), exclude_roles=(GA,))]
    v = one(run("MFA002", facts))
    assert v.status is Status.FAIL
    assert "1 of 8 privileged roles" in v.message and "'Admins' excludes Global Administrator" in v.message


def test_custom_phishing_resistant_only_strength_counts() -> None:
    good = phishing_resistant(
        strength_id=Unknown("id known after apply"), strength_combinations=("fido2", "windowsHelloForBusiness")
    )
    assert one(run("MFA002", [good])).status is Status.PASS
    weak = dataclasses.replace(good, strength_combinations=("fido2", "x509CertificateSingleFactor"))
    v = one(run("MFA002", [weak]))
    assert v.status is Status.FAIL and "allows x509CertificateSingleFactor" in v.message


def test_roles_split_over_two_policies_are_covered() -> None:
    facts = [
        phishing_resistant("First", include_roles=PRIVILEGED[:4]),
        phishing_resistant("Second", include_roles=PRIVILEGED[4:]),
    ]
    v = one(run("MFA002", facts))
    assert v.status is Status.PASS and v.subject.address == "m365_tenant"


def test_mfa002_unknown_strength_is_not_assessed_and_absence_out_of_scope() -> None:
    unknown = phishing_resistant(
        strength_id=Unknown("azuread_authentication_strength_policy.x.id is known only after apply")
    )
    v = one(run("MFA002", [unknown]))
    assert v.status is Status.NOT_ASSESSED and "known only after apply" in v.message
    v = one(run("MFA002", [], baseline(authoritative=())))
    assert v.out_of_scope


# ---------------------------------------------------------------- MFA003


def test_legacy_authentication_block_passes() -> None:
    assert one(run("MFA003", [block_legacy()])).status is Status.PASS
    assert one(run("MFA003", [block_legacy(client_app_types=("all",))])).status is Status.PASS


def test_block_missing_other_clients_fails() -> None:
    facts = [block_legacy(client_app_types=("exchangeActiveSync",)), policy()]
    v = one(run("MFA003", facts))
    assert v.status is Status.FAIL
    assert v.message.endswith("'Block legacy' does not cover client app types other")


def test_report_only_block_fails_and_mfa_policy_is_not_a_block() -> None:
    v = one(run("MFA003", [block_legacy(state="enabledForReportingButNotEnforced")]))
    assert v.status is Status.FAIL and "'Block legacy' is report-only" in v.message
    assert one(run("MFA003", [block_legacy(built_in_controls=("mfa",))])).status is Status.FAIL


# ---------------------------------------------------------------- MFA004


def test_each_policy_is_judged_for_state_and_exclusions() -> None:
    facts = [
        policy(),
        policy("Draft", state="enabledForReportingButNotEnforced"),
        policy("Off", state="disabled", exclude_groups=("contractors",)),
        policy("Exempt", exclude_users=("1a2b",)),
    ]
    verdicts = {v.subject.address.rsplit(".", 1)[1]: v for v in run("MFA004", facts)}
    assert verdicts["require_mfa"].status is Status.PASS
    assert verdicts["draft"].message == "policy 'Draft' is report-only"
    assert (
        verdicts["off"].message
        == "policy 'Off' is disabled and excludes group contractors while the baseline lists no break-glass groups"
    )
    assert (
        verdicts["exempt"].message == "policy 'Exempt' excludes user 1a2b while the baseline lists no break-glass users"
    )
    assert all(v.status is Status.FAIL for k, v in verdicts.items() if k != "require_mfa")


def test_mfa004_known_bad_exclusion_fails_beside_unknown_ones() -> None:
    unknown = Unknown("var.break_glass has no value", ("var.break_glass",))
    v = one(run("MFA004", [policy(exclude_users=(unknown, "1a2b"))]))
    assert v.status is Status.FAIL
    v = one(run("MFA004", [policy(exclude_users=(unknown, BREAK_GLASS))], baseline(break_glass_users=(BREAK_GLASS,))))
    assert v.status is Status.NOT_ASSESSED
    assert v.message == "an excluded user cannot be compared with the break-glass list: var.break_glass has no value"


BG_UPN = "breakglass@contoso.example"


@pytest.mark.parametrize(
    ("excluded", "listed", "status", "message"),
    [
        # Same form on both sides: compared.
        ((BREAK_GLASS,), (BREAK_GLASS,), Status.PASS, "excludes no users, groups or guests beyond the break-glass"),
        ((BG_UPN.upper(),), (BG_UPN,), Status.PASS, "excludes no users, groups or guests beyond the break-glass"),
        (("ops@contoso.example",), (BG_UPN,), Status.FAIL, "excludes user ops@contoso.example which is not on"),
        (("1a2b3c4d-0000-4000-8000-000000000001",), (BREAK_GLASS,), Status.FAIL, "which is not on the break-glass"),
        # An object ID against a list of names (or the reverse) may be the same account: not assessed.
        ((BREAK_GLASS,), (BG_UPN,), Status.NOT_ASSESSED, f"excluded user {BREAK_GLASS} is an object ID, and the"),
        ((BG_UPN,), (BREAK_GLASS,), Status.NOT_ASSESSED, f"excluded user {BG_UPN} is a name, and the break-glass"),
        # Both forms listed: a name not listed may still be the account behind a listed ID.
        (("ops@contoso.example",), (BG_UPN, BREAK_GLASS), Status.NOT_ASSESSED, "cannot be compared"),
        # A keyword is never an account on the list.
        (("GuestsOrExternalUsers",), (BG_UPN,), Status.FAIL, "excludes user GuestsOrExternalUsers which is not"),
    ],
)
def test_break_glass_lists_hold_object_ids_and_names(
    excluded: tuple[str, ...], listed: tuple[str, ...], status: Status, message: str
) -> None:
    v = one(run("MFA004", [policy(exclude_users=excluded)], baseline(break_glass_users=listed)))
    assert v.status is status
    assert message in v.message


def test_an_exclusion_known_only_after_apply_leaves_mfa001_and_mfa004_open() -> None:
    after_apply = Unknown("data.azuread_user.ops.object_id is known only after apply")
    facts = [policy(exclude_users=(after_apply,))]
    base = baseline(break_glass_users=(BREAK_GLASS,))
    for rule in ("MFA001", "MFA004"):
        v = one(run(rule, facts, base))
        assert v.status is Status.NOT_ASSESSED, rule
        assert v.message.endswith(
            "an excluded user cannot be compared with the break-glass list: data.azuread_user.ops.object_id is "
            "known only after apply"
        )


def test_mfa004_role_exclusions_are_not_its_business() -> None:
    # The pass says what it vouches for: it does not claim the excluded role is a break-glass account.
    v = one(run("MFA004", [policy(exclude_roles=(GA,))]))
    assert v.status is Status.PASS
    assert v.message == (
        "policy 'Require MFA' is enabled and excludes no users, groups or guests beyond the break-glass accounts "
        "(it also excludes 1 role, which MFA004 does not judge)"
    )
    v = one(run("MFA004", [policy()]))
    assert v.message == (
        "policy 'Require MFA' is enabled and excludes no users, groups or guests beyond the break-glass accounts"
    )


# ---------------------------------------------------------------- MFA005


def test_root_mfa() -> None:
    prov = Provenance("aws", "aws://global/iam/root")
    assert one(run("MFA005", [RootAccount(prov, True)], sources=("aws",))).status is Status.PASS
    v = one(run("MFA005", [RootAccount(prov, False)], sources=("aws",)))
    assert v.status is Status.FAIL and "no MFA" in v.message
    v = one(run("MFA005", [RootAccount(prov, Unknown("AccessDenied: iam:GetAccountSummary"))], sources=("aws",)))
    assert v.status is Status.NOT_ASSESSED
    gap = Gap("RootAccount", "", "AccessDenied: iam:GetAccountSummary")
    v = one(run("MFA005", [], sources=("aws",), gaps=(gap,)))
    assert v.status is Status.NOT_ASSESSED and v.subject.address == "aws://global/iam/root"
    assert run("MFA005", []) == []


# ---------------------------------------------------------------- RBAC001-RBAC003


def assignment(n: int | str, role: str | Unknown = GA, **fields: Any) -> RoleAssignment:
    values: dict[str, Any] = {
        "prov": Provenance("terraform", f'azuread_directory_role_assignment.admins["{n}"]', "roles.tf", 10),
        "role_template_id": role,
        "principal": f"00000000-0000-4000-8000-{int(str(n), 16) if str(n).isdigit() else 0:012d}",
        "principal_kind": "user",
        "permanent": True,
    }
    values.update(fields)
    return RoleAssignment(**values)


def test_global_admin_count_above_maximum_fails_in_terraform() -> None:
    facts = [assignment(i) for i in range(9)]
    v = one(run("RBAC001", facts))
    assert v.status is Status.FAIL
    assert v.message.startswith("9 principals are declared to hold Global Administrator (")
    assert v.message.endswith("the baseline allows at most 8")
    assert v.subject.address == 'azuread_directory_role_assignment.admins["0"]'


def test_global_admin_count_within_range_passes_and_same_principal_counts_once() -> None:
    eligible = assignment(0, permanent=False)
    v = one(run("RBAC001", [assignment(0), eligible, assignment(1), assignment(2, role=EXCHANGE)]))
    assert v.status is Status.PASS and v.message.startswith("2 principals")


def test_terraform_cannot_judge_too_few_but_live_can() -> None:
    assert run("RBAC001", []) == []
    assert one(run("RBAC001", [assignment(0)])).status is Status.PASS
    live = dataclasses.replace(assignment(0), prov=Provenance("m365", "m365://tenant/roleAssignments/1"))
    v = one(run("RBAC001", [live], sources=("m365",), authoritative=("m365_tenant",)))
    assert v.status is Status.FAIL and "only 1 principals hold Global Administrator" in v.message


def test_global_admin_by_name_and_unknown_roles() -> None:
    named = assignment(0, role=Unknown("template known after apply"), role_name="Global Administrator")
    assert one(run("RBAC001", [named])).status is Status.PASS
    facts = [assignment(i) for i in range(8)] + [assignment(9, role=Unknown("var.role has no value"))]
    v = one(run("RBAC001", facts))
    assert v.status is Status.NOT_ASSESSED and "var.role has no value" in v.message


def test_permanent_privileged_assignment_fails_and_eligible_passes() -> None:
    verdicts = run("RBAC002", [assignment(0), assignment(1, permanent=False), assignment(2, role=DIRECTORY_READERS)])
    assert [v.status for v in verdicts] == [Status.FAIL, Status.PASS]
    assert verdicts[0].message == (
        'azuread_directory_role_assignment.admins["0"] assigns Global Administrator to '
        "00000000-0000-4000-8000-000000000000 permanently and active"
    )


def test_permanent_assignment_of_an_unprivileged_named_role_is_not_judged() -> None:
    reader = assignment(0, role=Unknown("template known after apply"), role_name="Directory Readers")
    assert run("RBAC002", [reader]) == []
    unknown = assignment(1, role=Unknown("var.role has no value"))
    v = one(run("RBAC002", [unknown]))
    assert v.status is Status.NOT_ASSESSED and "var.role has no value" in v.message


def test_named_role_under_a_baseline_listing_unnamed_templates_is_not_assessed() -> None:
    reader = assignment(0, role=Unknown("template known after apply"), role_name="Directory Readers")
    base = baseline(privileged_roles=(*PRIVILEGED, "194ae4cb-b126-40b2-bd5b-6091b380977d"))
    assert one(run("RBAC002", [reader], base)).status is Status.NOT_ASSESSED


def test_break_glass_accounts_may_hold_permanent_global_admin() -> None:
    bg = assignment(0, principal="BreakGlass1@contoso.com")
    base = baseline(break_glass_users=("breakglass1@contoso.com",))
    assert one(run("RBAC002", [bg], base)).status is Status.PASS
    unknown = assignment(1, principal=Unknown("data.azuread_user.x.object_id is known only after apply"))
    assert one(run("RBAC002", [unknown], base)).status is Status.NOT_ASSESSED
    assert one(run("RBAC002", [unknown])).status is Status.FAIL


def test_a_permanent_assignment_by_object_id_beside_a_list_of_names_is_not_assessed() -> None:
    held = assignment(0)  # principal 00000000-0000-4000-8000-000000000000
    v = one(run("RBAC002", [held], baseline(break_glass_users=("breakglass1@contoso.com",))))
    assert v.status is Status.NOT_ASSESSED
    assert v.message == (
        "cannot tell whether the principal is a break-glass account: the principal "
        "00000000-0000-4000-8000-000000000000 is an object ID, and the break-glass lists name their accounts "
        "otherwise"
    )
    listed = baseline(break_glass_users=("00000000-0000-4000-8000-000000000009",))
    assert one(run("RBAC002", [held], listed)).status is Status.FAIL


def test_guest_or_synced_privileged_holder() -> None:
    live = {"prov": Provenance("m365", "m365://tenant/roleAssignments/a")}
    facts = [
        assignment(0, user_type="Guest", on_premises_synced=False, **live),
        assignment(1, user_type="Member", on_premises_synced=True, **live),
        assignment(2, user_type="Member", on_premises_synced=False, **live),
        assignment(3, role=DIRECTORY_READERS, user_type="Guest", on_premises_synced=False, **live),
        assignment(4),
    ]
    verdicts = run("RBAC003", facts, sources=("m365",))
    assert [v.status for v in verdicts] == [Status.FAIL, Status.FAIL, Status.PASS]
    assert verdicts[0].message.endswith("the account is a guest account")
    assert verdicts[1].message.endswith("synced from on-premises Active Directory")


# ---------------------------------------------------------------- RBAC004


def iam(statement: Any, attached: bool | Unknown = True, name: str = "send") -> IamPolicy:
    doc = statement if isinstance(statement, Unknown) else {"Version": "2012-10-17", "Statement": statement}
    return IamPolicy(Provenance("terraform", f"aws_iam_policy.{name}"), name, doc, attached)


@pytest.mark.parametrize(
    "action",
    ["ses:*", "ses:Send*", "*", "SES:SENDEMAIL", "ses:SendRawEmail", "ses:SendE?ail", ["s3:GetObject", "ses:Send*"]],
)
def test_broad_send_actions_on_star_fail(action: Any) -> None:
    v = one(run("RBAC004", [iam({"Effect": "Allow", "Action": action, "Resource": "*"})]))
    assert v.status is Status.FAIL
    assert v.message.startswith("IAM policy 'send': statement 1 allows")


@pytest.mark.parametrize(
    "statement",
    [
        {
            "Effect": "Allow",
            "Action": "ses:SendEmail",
            "Resource": "arn:aws:ses:eu-west-1:111122223333:identity/example.com",
        },
        {
            "Effect": "Allow",
            "Action": "ses:*",
            "Resource": "*",
            "Condition": {"StringEquals": {"ses:FromAddress": "a@example.com"}},
        },
        {"Effect": "Allow", "Action": ["ses:GetSendQuota", "ses:ListIdentities"], "Resource": "*"},
        {"Effect": "Deny", "Action": "ses:*", "Resource": "*"},
        {"Effect": "Allow", "NotAction": ["ses:*"], "Resource": "*"},
    ],
)
def test_scoped_or_unrelated_statements_pass(statement: dict[str, Any]) -> None:
    assert one(run("RBAC004", [iam([statement])])).status is Status.PASS


def test_not_action_and_not_resource_are_broad() -> None:
    v = one(run("RBAC004", [iam({"Sid": "AllButIam", "Effect": "Allow", "NotAction": "iam:*", "Resource": "*"})]))
    assert v.status is Status.FAIL and "statement 'AllButIam' allows NotAction [iam:*]" in v.message
    statement = {"Effect": "Allow", "Action": "ses:SendEmail", "NotResource": "arn:aws:ses:*:*:identity/x"}
    assert one(run("RBAC004", [iam([statement])])).status is Status.FAIL


def test_unattached_policies_are_not_judged_and_unknown_attachment_is_not_assessed() -> None:
    bad = {"Effect": "Allow", "Action": "ses:*", "Resource": "*"}
    assert run("RBAC004", [iam(bad, attached=False)]) == []
    v = one(run("RBAC004", [iam(bad, attached=Unknown("var.policy_arn has no value"))]))
    assert v.status is Status.NOT_ASSESSED and "var.policy_arn has no value" in v.message


def test_unknown_resources_and_documents() -> None:
    arn = Unknown("aws_ses_domain_identity.main.arn is known only after apply", ("aws_ses_domain_identity.main.arn",))
    ok = {"Effect": "Allow", "Action": "ses:SendEmail", "Resource": [arn]}
    assert one(run("RBAC004", [iam(ok)])).status is Status.PASS
    var = {
        "Effect": "Allow",
        "Action": "ses:SendEmail",
        "Resource": [Unknown("var.resource has no value", ("var.resource",))],
    }
    v = one(run("RBAC004", [iam(var)]))
    assert v.status is Status.NOT_ASSESSED and "var.resource has no value" in v.message
    v = one(run("RBAC004", [iam(Unknown("aws_s3_bucket.x.arn is known only after apply"))]))
    assert v.status is Status.NOT_ASSESSED


def test_iam_wildcards_match_like_iam() -> None:
    assert action_matches("ses:Send*", "ses:SendRawEmail")
    assert action_matches("SES:send?mail", "ses:SendEmail")
    assert action_matches("*", "ses:SendEmail")
    assert not action_matches("ses:Send", "ses:SendEmail")
    assert not action_matches("ses:[S]endEmail", "ses:SendEmail")


# ---------------------------------------------------------------- the rules' own examples


def _lint_example(directory: Path, rule_id: str, kind: str) -> Result:
    """Lint a rule's example HCL where the configuration speaks for the whole account and tenant."""
    rule = rule_by_id(rule_id)
    assert rule is not None
    directory.mkdir()
    (directory / "main.tf").write_text(getattr(rule, kind), encoding="utf-8")
    authoritative = dataclasses.replace(
        Baseline(), terraform=TerraformBaseline(authoritative=("aws_account", "m365_tenant"))
    )
    return lint([directory], authoritative, LintOptions(only=(rule_id,), cache=False, jobs=1))


@pytest.mark.parametrize("rule_id", ("MFA001", "MFA002", "MFA003", "MFA004", "RBAC001", "RBAC002", "RBAC004"))
def test_bad_example_fails_and_good_example_passes(tmp_path: Path, rule_id: str) -> None:
    bad = _lint_example(tmp_path / "bad", rule_id, "bad_example")
    good = _lint_example(tmp_path / "good", rule_id, "good_example")
    assert bad.active_findings and not bad.passes and not bad.not_assessed
    assert good.passes and not good.findings and not good.not_assessed


def test_mfa004_says_how_to_declare_break_glass_accounts_when_none_are() -> None:
    v = one(run("MFA004", [policy(exclude_users=("ops@contoso.example",))]))
    assert v.fix_hint == (
        "If the excluded accounts are emergency-access (break-glass) accounts, declare them in the baseline under "
        "identity.break_glass_users (object IDs, user principal names or group names); remove any other exclusion"
    )
    v = one(
        run("MFA004", [policy(exclude_users=("ops@contoso.example",))], baseline(break_glass_users=("bg@x.example",)))
    )
    assert v.fix_hint == "Exclude only the break-glass accounts"


@pytest.mark.parametrize("profile", ["default", "scuba", "hipaa"])
def test_built_in_profiles_do_not_count_narrowed_policies(profile: str) -> None:
    base = dataclasses.replace(load_baseline(profile), terraform=TerraformBaseline(authoritative=("m365_tenant",)))
    v = one(run("MFA001", [policy(has_risk_levels=True)], base))
    assert v.status is Status.FAIL and "is narrowed by risk levels" in v.message

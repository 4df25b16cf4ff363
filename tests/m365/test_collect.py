"""The real msgraph-sdk client against the Graph stand-in: the weak tenant fails exactly what it should, with
Graph object IDs and import IDs; the compliant tenant, break-glass accounts excluded, fails nothing."""

from __future__ import annotations

from collections import Counter
from typing import Any

from emailiac.model import ConditionalAccessPolicy, DirectoryDomain, MailDomain, RoleAssignment, SecurityDefaults
from tests.m365.support import COMPLIANT_TENANT, WEAK_TENANT, baseline, failing, judge, scan

GA = "62e90394-69f5-4237-9190-012177145e10"


def test_weak_tenant_fails_the_expected_rules(graph: Any) -> None:
    result = judge(scan(graph.url), baseline("weak"))
    assert failing(result) == Counter(
        {"MFA001": 1, "MFA002": 1, "MFA003": 1, "MFA004": 2, "RBAC001": 1, "RBAC002": 4, "RBAC003": 2, "PWD002": 1}
    )
    messages = sorted(f"{f.rule_id} {f.evaluation.message}" for f in result.active_findings)
    assert "RBAC001 5 principals hold Global Administrator (" in "\n".join(messages)
    assert any("'Require MFA for all users' is report-only" in m for m in messages)
    assert any(
        m.startswith(
            "RBAC003 Global Administrator held by a1000000-0000-4000-8000-000000000003: the account is a guest"
        )
        for m in messages
    )
    assert any("a1000000-0000-4000-8000-000000000004: the account is synced from on-premises" in m for m in messages)
    assert any("passwords of weak.example expire after 90 days" in m for m in messages)
    # DKIM of the tenant's mail domains is a DNS question: not assessed, naming each domain.
    dkim = sorted(e.message for e in result.not_assessed if e.rule_id == "DKIM001")
    assert dkim == [
        "DKIM selectors of legacy.weak.example: Microsoft Graph holds no DKIM data for legacy.weak.example; scan with "
        "--dns as well to look up selector1/selector2._domainkey.legacy.weak.example",
        "DKIM selectors of weak.example: Microsoft Graph holds no DKIM data for weak.example; scan with --dns as "
        "well to look up selector1/selector2._domainkey.weak.example",
    ]
    assert [e.rule_id for e in result.not_assessed if not e.out_of_scope] == ["DKIM001", "DKIM001"]


def test_findings_carry_graph_object_ids_and_import_ids(graph: Any) -> None:
    result = judge(scan(graph.url), baseline("weak"))
    by_rule = {(f.rule_id, f.evaluation.subject.address): f.evaluation.subject for f in result.active_findings}
    report_only = by_rule[
        ("MFA004", f"m365://{WEAK_TENANT}/identity/conditionalAccess/policies/c0ffee00-0000-4000-8000-000000000001")
    ]
    assert report_only.import_id == "c0ffee00-0000-4000-8000-000000000001"  # azuread_conditional_access_policy
    permanent = by_rule[
        ("RBAC002", f"m365://{WEAK_TENANT}/roleManagement/directory/roleAssignments/lAPpYvVpN0KRkAEhdxReEAlice-1")
    ]
    assert permanent.import_id == "lAPpYvVpN0KRkAEhdxReEAlice-1"  # azuread_directory_role_assignment
    assert all(f.evaluation.subject.source == "m365" for f in result.active_findings)


def test_facts_are_the_ones_terraform_adapters_make(graph: Any) -> None:
    inventory = scan(graph.url)
    assert inventory.sources == {"m365"} and inventory.authoritative == {"m365_tenant"}
    policies = {p.display_name: p for p in inventory.of(ConditionalAccessPolicy)}
    legacy = policies["Block legacy authentication"]
    assert legacy.client_app_types == ("exchangeActiveSync", "other")
    assert legacy.built_in_controls == ("block",) and legacy.operator == "OR"
    assert legacy.exclude_users == ("a1000000-0000-4000-8000-000000000007",)
    admins = policies["MFA for administrators"]
    assert admins.include_roles == (GA, "29232cdf-9323-42fd-ade2-1d097af3e4de")
    assert [d.enabled for d in inventory.of(SecurityDefaults)] == [False]
    domains = {d.name: d for d in inventory.of(DirectoryDomain)}
    assert domains["weak.example"].password_validity_days == 90
    assert domains["legacy.weak.example"].authentication == "Federated"
    # The initial onmicrosoft.com domain is Microsoft's to sign for: not a mail domain of the tenant.
    assert sorted(d.name for d in inventory.of(MailDomain)) == ["legacy.weak.example", "weak.example"]
    holders = {(a.principal, a.permanent) for a in inventory.of(RoleAssignment) if a.role_template_id == GA}
    assert holders == {
        ("a1000000-0000-4000-8000-000000000001", True),
        ("a1000000-0000-4000-8000-000000000002", True),
        ("a1000000-0000-4000-8000-000000000003", True),
        ("a1000000-0000-4000-8000-000000000004", False),  # eligible
        ("a1000000-0000-4000-8000-000000000005", False),
    }


def test_compliant_tenant_with_break_glass_exclusions_fails_nothing(graph: Any) -> None:
    graph.reset("compliant")
    inventory = scan(graph.url)
    result = judge(inventory, baseline("compliant"))
    assert failing(result) == Counter()
    passed = Counter(e.rule_id for e in result.passes)
    assert {"MFA001", "MFA002", "MFA003", "MFA004", "RBAC001", "RBAC002", "RBAC003", "PWD002"} <= set(passed)
    assert passed["MFA004"] == 3
    ga = next(e for e in result.passes if e.rule_id == "RBAC001")
    assert ga.message == "4 principals hold Global Administrator, between 2 and 8"
    # The group holding Global Administrator as eligible is expanded to its two users.
    via_group = sorted(a.principal for a in inventory.of(RoleAssignment) if "/members/" in a.prov.address)
    assert via_group == ["b2000000-0000-4000-8000-000000000003", "b2000000-0000-4000-8000-000000000004"]
    assert all(a.prov.address.startswith(f"m365://{COMPLIANT_TENANT}/") for a in inventory.of(RoleAssignment))


def test_break_glass_exclusions_fail_without_the_baseline_naming_them(graph: Any) -> None:
    graph.reset("compliant")
    result = judge(scan(graph.url), baseline("weak"))
    assert failing(result)["MFA004"] == 3  # every policy excludes two accounts the baseline does not list
    assert failing(result)["RBAC002"] == 2  # and their permanent Global Administrator is not expected

"""When Graph says no: a denied call makes exactly the rules that need it not assessed, naming the least
privileged permission; 429 and 503 are retried after Retry-After; a tenant without P2 says so for RBAC002."""

from __future__ import annotations

import json
from collections import Counter
from typing import Any

from typer.testing import CliRunner

from tests.m365.support import baseline, cli, failing, judge, scan

POLICIES = r"^identity/conditionalAccess/policies$"


def _unassessed(result: Any) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for e in result.not_assessed:
        if not e.out_of_scope and e.rule_id != "DKIM001":
            out.setdefault(e.rule_id, []).append(e.message)
    return out


def test_denied_policies_leave_mfa_rules_unassessed_naming_policy_read_all(graph: Any) -> None:
    graph.fail(POLICIES, 403)
    result = judge(scan(graph.url), baseline("weak"))
    unassessed = _unassessed(result)
    assert sorted(unassessed) == ["MFA001", "MFA002", "MFA003", "MFA004"]
    assert all(
        "Authorization_RequestDenied: missing Policy.Read.All (reading policies)" in m[0] for m in unassessed.values()
    )
    # The rest of the scan went on.
    assert failing(result) == Counter({"RBAC001": 1, "RBAC002": 4, "RBAC003": 2, "PWD002": 1})


def test_denied_schedule_instances_leave_only_rbac002_unassessed(graph: Any) -> None:
    graph.fail(r"roleAssignmentScheduleInstances", 403)
    result = judge(scan(graph.url), baseline("weak"))
    unassessed = _unassessed(result)
    assert sorted(unassessed) == ["RBAC002"]
    assert unassessed["RBAC002"][0] == (
        "Authorization_RequestDenied: missing RoleAssignmentSchedule.Read.Directory "
        "(reading role assignment schedule instances)"
    )
    assert len(unassessed["RBAC002"]) == 4  # each active privileged assignment, no more
    assert failing(result)["RBAC001"] == 1 and failing(result)["RBAC003"] == 2


def test_denied_users_leave_only_rbac003_unassessed(graph: Any) -> None:
    graph.fail(r"^users$", 403)
    result = judge(scan(graph.url), baseline("weak"))
    unassessed = _unassessed(result)
    assert sorted(unassessed) == ["RBAC003"]
    assert "missing User.Read.All" in unassessed["RBAC003"][0]
    assert failing(result)["RBAC002"] == 4


def test_denied_role_assignments_leave_every_rbac_rule_unassessed(graph: Any) -> None:
    graph.fail(r"^roleManagement/directory/roleAssignments$", 403)
    result = judge(scan(graph.url), baseline("weak"))
    unassessed = _unassessed(result)
    assert sorted(unassessed) == ["RBAC001", "RBAC002", "RBAC003"]
    assert all("missing RoleManagement.Read.Directory" in m[0] for m in unassessed.values())


def test_denied_tenant_exits_2_naming_each_missing_permission(graph: Any) -> None:
    graph.fail(r".*", 403)
    run = CliRunner().invoke(cli(), ["scan", "--m365", "--graph-url", graph.url, "-f", "json"])
    assert run.exit_code == 2
    report = json.loads(run.stdout)
    reasons = {e["reason"] for e in report["not_assessed"]}
    for permission in ("Policy.Read.All", "RoleManagement.Read.Directory", "Domain.Read.All"):
        assert any(f"missing {permission}" in r for r in reasons), permission
    assert report["findings"] == []
    assert any(e["message"].startswith("Microsoft 365: nothing could be read: ") for e in report["errors"])


def test_throttling_is_retried_after_retry_after(graph: Any) -> None:
    graph.fail(POLICIES, 429, times=2, retry_after="1")
    graph.fail(r"^domains$", 503, times=1)
    result = judge(scan(graph.url), baseline("weak"))
    assert failing(result)["MFA004"] == 2 and failing(result)["PWD002"] == 1
    tries = [entry for entry in graph.log if entry.path == "identity/conditionalAccess/policies"]
    assert [t.status for t in tries][:3] == [429, 429, 200]
    assert tries[1].at - tries[0].at >= 0.95 and tries[2].at - tries[1].at >= 0.95


def test_throttling_that_outlasts_the_retries_is_not_assessed(graph: Any) -> None:
    graph.fail(r"^domains$", 503)
    result = judge(scan(graph.url), baseline("weak"))
    assert _unassessed(result)["PWD002"] == ["503 ServiceUnavailable: reading domains still failed after the retries"]
    first_page = [e for e in graph.log if e.path == "domains" and "$skiptoken" not in e.query]
    assert len(first_page) == 4  # the first try and three retries


def test_tenant_without_p2_says_so_instead_of_failing_rbac002(graph: Any) -> None:
    graph.override("subscribedSkus", {"value": []})
    result = judge(scan(graph.url), baseline("weak"))
    assert "RBAC002" not in failing(result)
    messages = set(_unassessed(result)["RBAC002"])
    assert len(messages) == 1 and next(iter(messages)).startswith("the tenant has no Microsoft Entra ID P2 licence")
    assert not [e for e in graph.log if "Schedule" in e.path]  # PIM is not asked at all
    assert failing(result)["RBAC003"] == 1  # the guest; the synced account was eligible, which needs P2


def test_pim_refusing_for_want_of_a_licence_means_no_p2(graph: Any) -> None:
    graph.fail(r"^subscribedSkus$", 403)
    license = {"code": "AadPremiumLicenseRequired", "message": "The tenant needs an AAD Premium 2 license."}
    graph.fail(r"ScheduleInstances$", 400, body=license)
    result = judge(scan(graph.url), baseline("weak"))
    assert next(iter(_unassessed(result)["RBAC002"])).startswith("the tenant has no Microsoft Entra ID P2")

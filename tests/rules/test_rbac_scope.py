"""RBAC001 judges the Global Administrator count only where the inventory holds the tenant's assignments."""

from __future__ import annotations

from emailiac.baseline import load_baseline
from emailiac.engine import evaluate
from emailiac.model import Inventory, Provenance, RootAccount


def test_an_aws_only_scan_says_nothing_about_global_administrators() -> None:
    inventory = Inventory(
        facts=[RootAccount(Provenance("aws", "aws://global/iam/root"), True)],
        sources={"aws"},
        authoritative={"aws_account"},
    )
    result = evaluate(inventory, load_baseline("default"), only=["RBAC001"])
    assert (result.findings, result.passes, result.not_assessed) == ([], [], [])


def test_a_live_tenant_with_no_global_administrator_fails() -> None:
    inventory = Inventory(sources={"m365"}, authoritative={"m365_tenant"})
    result = evaluate(inventory, load_baseline("default"), only=["RBAC001"])
    assert [f.rule_id for f in result.findings] == ["RBAC001"]

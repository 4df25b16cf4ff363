"""Parity: the weak test tenant, scanned live through msgraph-sdk, fails the same rules the same number of
times as its Terraform twin (fixtures/terraform/m365_parity) under lint."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from emailiac.baseline import load_baseline
from emailiac.lint import LintOptions, lint
from tests.m365.support import ROOT, failing, judge, scan

CASE = ROOT / "fixtures" / "terraform" / "m365_parity"


def test_live_tenant_fails_the_same_rules_as_its_terraform_twin(graph: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    case = yaml.safe_load((CASE / "expected.yaml").read_text(encoding="utf-8"))
    rules = tuple(case["rules"])
    chosen = load_baseline(str(CASE / "baseline.yaml"))
    live = judge(scan(graph.url), chosen, rules)
    monkeypatch.chdir(ROOT)
    terraform = lint([Path("fixtures/terraform/m365_parity")], chosen, LintOptions(only=rules, cache=False, jobs=1))
    assert sum(failing(terraform).values()) == 10, "the twin must fail for the comparison to mean anything"
    assert failing(live) == failing(terraform)
    assert not [e for e in live.not_assessed if not e.out_of_scope]
    # The same verdicts say the same things on both sides, live naming Graph objects instead of addresses.
    live_mfa002 = next(f for f in live.active_findings if f.rule_id == "MFA002").evaluation.message
    tf_mfa002 = next(f for f in terraform.active_findings if f.rule_id == "MFA002").evaluation.message
    assert live_mfa002.split("; for")[0] == tf_mfa002.split("; for")[0]

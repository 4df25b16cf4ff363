"""Parity: the seeded weak account, scanned live, fails the same rules as its Terraform twin under lint.

fixtures/aws/weak_mail.json (seeded into moto) and fixtures/terraform/aws_parity describe the same account.
What moto cannot serve (Easy-DKIM tokens, key lengths, MAIL FROM attributes, SES v2 event destinations) comes
from Stubber responses, see support.stub_weak_mail_gaps.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

import yaml

from emailiac.baseline import load_baseline
from emailiac.engine import evaluate
from emailiac.lint import LintOptions, lint
from emailiac.result import Result
from tests.aws.support import ROOT, Twins, scan, scan_session, stub_weak_mail_gaps

CASE = ROOT / "fixtures" / "terraform" / "aws_parity"


def _case() -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load((CASE / "expected.yaml").read_text(encoding="utf-8"))
    return data


def _failing(result: Result) -> Counter[str]:
    return Counter(f.rule_id for f in result.active_findings)


def live_result(weak_mail: Any) -> Result:
    session = scan_session()
    twins = Twins(session)
    stub_weak_mail_gaps(twins, weak_mail.data)
    twins.install()
    inventory = scan(session)
    twins.assert_used()
    case = _case()
    return evaluate(inventory, load_baseline(str(CASE / "baseline.yaml")), only=case["rules"])


def test_live_scan_fails_the_same_rules_as_the_terraform_twin(weak_mail: Any, monkeypatch: Any) -> None:
    live = live_result(weak_mail)
    case = _case()
    monkeypatch.chdir(ROOT)
    terraform = lint(
        [Path("fixtures/terraform/aws_parity")],
        load_baseline(str(CASE / "baseline.yaml")),
        LintOptions(only=tuple(case["rules"]), cache=False, jobs=1),
    )
    assert _failing(terraform), "the Terraform twin must fail something for the comparison to mean anything"
    assert _failing(live) == _failing(terraform)
    assert not live.not_assessed or all(e.out_of_scope for e in live.not_assessed), [
        (e.rule_id, e.message) for e in live.not_assessed
    ]


def test_the_live_inventory_survives_a_save_and_load(weak_mail: Any) -> None:
    from emailiac.inventory_io import dump_inventory, read_inventory

    session = scan_session()
    twins = Twins(session)
    stub_weak_mail_gaps(twins, weak_mail.data)
    twins.install()
    inventory = scan(session)
    again = read_inventory(dump_inventory(inventory))
    assert again.facts == inventory.facts
    assert again.sources == inventory.sources and again.authoritative == inventory.authoritative
    assert again.gaps == inventory.gaps

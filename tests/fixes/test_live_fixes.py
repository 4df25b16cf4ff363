"""Findings about live objects (a saved scan) become new blocks with `import {}` blocks beside them."""

from __future__ import annotations

from pathlib import Path

import hcl2
import pytest

from emailiac.baseline import Baseline
from emailiac.fixes.run import run_fix
from emailiac.inventory_io import dump_inventory
from emailiac.lint import LintOptions
from emailiac.model import Inventory, PasswordPolicy, Provenance, SesConfigSet, ThreatDetection


def _inventory() -> Inventory:
    region = "eu-west-1"
    return Inventory(
        facts=[
            SesConfigSet(
                Provenance(
                    "aws", f"aws://{region}/ses/configuration-set/outbound", import_id="outbound", region=region
                ),
                "outbound",
                "OPTIONAL",
            ),
            ThreatDetection(
                Provenance("aws", f"aws://{region}/guardduty/detector/abc123", import_id="abc123", region=region),
                "guardduty",
                False,
                region,
            ),
            PasswordPolicy(
                Provenance("aws", "aws://global/iam/account-password-policy", import_id="iam-account-password-policy"),
                8, True, True, True, False, None, None,
            ),
        ],
        sources={"aws"},
        authoritative={"aws_account"},
    )  # fmt: skip


@pytest.fixture
def saved(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "scan.json"
    path.write_text(dump_inventory(_inventory()))
    monkeypatch.chdir(tmp_path)
    return path


def test_live_findings_become_blocks_with_imports(saved: Path) -> None:
    run = run_fix([saved], Baseline(), LintOptions(cache=False, jobs=1, only=("TLS001", "IDS001", "PWD001")))
    by_rule = {f.rule_id: f for f in run.fixes}
    assert [(i.to, i.id) for i in by_rule["TLS001"].imports] == [("aws_sesv2_configuration_set.outbound", "outbound")]
    assert [(i.to, i.id) for i in by_rule["IDS001"].imports] == [("aws_guardduty_detector.main_eu_west_1", "abc123")]
    assert [i.id for i in by_rule["PWD001"].imports] == ["iam-account-password-policy"]
    text = run.changes.new[str(saved.parent / "emailiac_fixes.tf")]
    hcl2.loads(text)
    # Each import sits right before the block it adopts the live object into.
    assert (
        'import {\n  to = aws_sesv2_configuration_set.outbound\n  id = "outbound"\n}\n\n'
        'resource "aws_sesv2_configuration_set" "outbound" {'
    ) in text
    assert '    tls_policy = "REQUIRE"' in text
    assert "  minimum_password_length        = 14" in text


def test_live_findings_without_a_block_keep_their_hint_as_advice(saved: Path) -> None:
    inventory = _inventory()
    inventory.facts = [f for f in inventory.facts if isinstance(f, SesConfigSet)]
    saved.write_text(dump_inventory(inventory))
    run = run_fix([saved], Baseline(), LintOptions(cache=False, jobs=1, only=("LOG002",)))
    assert [(f.rule_id, f.applicability) for f in run.fixes] == [("LOG002", "display-only")]
    assert run.fixes[0].notes

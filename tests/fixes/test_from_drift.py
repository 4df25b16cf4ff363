"""`emailiac fix --from-drift`: import blocks and resource bodies for unmanaged objects, corrected
declarations where the live value is stronger; the output is `terraform fmt`-clean, and once applied to
the demo tree the next drift report finds those objects managed."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from emailiac.cli import app

LIVE = "fixtures/drift/live.json"
BASELINE = "fixtures/drift/terraform/baseline.yaml"
TERRAFORM = shutil.which("terraform")
runner = CliRunner()


def _drift(tree: Path, out: Path) -> dict[str, Any]:
    result = runner.invoke(app, ["drift", str(tree), "--live", LIVE, "-b", BASELINE, "-f", "json", "-o", str(out)])
    assert result.exit_code in (0, 1), result.stderr
    data: dict[str, Any] = json.loads(out.read_text())
    return data


def _status(report: dict[str, Any]) -> dict[tuple[str, str], str]:
    return {(d["kind"], d["identity"]): d["status"] for d in report["drift"]}


@pytest.fixture
def tree(tmp_path: Path, in_repo: Path) -> Path:
    target = tmp_path / "terraform"
    shutil.copytree("fixtures/drift/terraform", target)
    return target


def test_fix_from_drift_adopts_unmanaged_objects_and_corrects_weaker_code(tree: Path, tmp_path: Path) -> None:
    before = _drift(tree, tmp_path / "drift.json")
    assert _status(before)[("ses_configuration_set", "us-east-1/marketing")] == "unmanaged"

    preview = runner.invoke(app, ["fix", "--from-drift", str(tmp_path / "drift.json"), "-b", BASELINE])
    assert preview.exit_code == 1, preview.stderr
    assert "+import {" in preview.stdout and "(nothing written)" not in preview.stdout
    assert not (tree / "emailiac_drift.tf").exists()

    result = runner.invoke(app, ["fix", "--from-drift", str(tmp_path / "drift.json"), "-b", BASELINE, "--write"])
    assert result.exit_code == 0, result.stderr
    written = (tree / "emailiac_drift.tf").read_text()
    assert 'resource "aws_sesv2_configuration_set" "us_east_1_marketing" {' in written
    assert 'to = aws_sesv2_configuration_set.us_east_1_marketing\n  id = "marketing"' in written
    assert 'resource "azuread_conditional_access_policy" "ca003_block_legacy_authentication" {' in written
    assert 'resource "azuread_directory_role_assignment"' in written
    assert "scan_enabled  = true" in (tree / "ses.tf").read_text()  # the live rule scans: the code follows
    assert "declares its rules inline" in result.stderr  # the world-open SSH rule is not adopted
    assert "seen in public DNS" in result.stderr

    after = _drift(tree, tmp_path / "after.json")
    status = _status(after)
    for key in (
        ("ses_configuration_set", "us-east-1/marketing"),
        ("conditional_access_policy", "CA003: Block legacy authentication"),
        ("role_assignment", "62e90394-69f5-4237-9190-012177145e10 7d3c0b6e-2f4a-4b8c-9d1e-3f5a7b9c1d23"),
        ("ses_receipt_rule", "us-east-1/inbound support"),
    ):
        assert status[key] == "managed", key
    # What only `terraform apply` resolves is still there.
    assert status[("ses_configuration_set", "us-east-1/outbound")] == "changed"


@pytest.mark.skipif(TERRAFORM is None, reason="terraform is not installed: fmt -check not run")
def test_the_written_terraform_is_fmt_clean(tree: Path, tmp_path: Path) -> None:
    _drift(tree, tmp_path / "drift.json")
    result = runner.invoke(app, ["fix", "--from-drift", str(tmp_path / "drift.json"), "-b", BASELINE, "--write"])
    assert result.exit_code == 0, result.stderr
    assert TERRAFORM is not None
    check = subprocess.run([TERRAFORM, "fmt", "-check", "-diff", str(tree)], capture_output=True, text=True, timeout=60)
    assert check.returncode == 0, check.stdout + check.stderr


def test_a_report_that_is_not_drift_is_one_line_exit_2(tmp_path: Path, in_repo: Path) -> None:
    other = tmp_path / "lint.json"
    other.write_text('{"findings": []}')
    result = runner.invoke(app, ["fix", "--from-drift", str(other)])
    assert result.exit_code == 2
    assert "not an emailiac drift report" in result.stderr and len(result.stderr.strip().splitlines()) == 1

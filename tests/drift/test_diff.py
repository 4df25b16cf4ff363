"""`emailiac diff` over real report pairs (lint before and after `fix --write`, drift before and after
`fix --from-drift`), and `lint --baseline-report` failing only on new findings."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from emailiac.cli import app

runner = CliRunner()


def _run(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, list(args), env={"NO_COLOR": "1"})
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture
def demo(tmp_path: Path, in_repo: Path) -> Path:
    target = tmp_path / "demo"
    shutil.copytree("fixtures/terraform/demo", target)
    return target


def _lint_json(tree: Path, out: Path) -> dict[str, object]:
    code, _, err = _run("lint", str(tree), "--no-cache", "-f", "json", "-o", str(out))
    assert code in (0, 1), err
    data: dict[str, object] = json.loads(out.read_text())
    return data


def test_fixed_new_and_still_open_between_two_lint_reports(demo: Path, tmp_path: Path) -> None:
    old = tmp_path / "old.json"
    before = _lint_json(demo, old)
    code, _, err = _run("fix", str(demo), "--write", "--unsafe-fixes")
    assert code in (0, 1), err
    new = tmp_path / "new.json"
    after = _lint_json(demo, new)
    assert isinstance(before["findings"], list) and isinstance(after["findings"], list)

    code, out, _ = _run("diff", str(old), str(new), "-f", "json")
    assert code == 0  # nothing new
    data = json.loads(out)
    assert data["counts"]["new"]["total"] == 0
    assert data["counts"]["fixed"]["total"] == len(before["findings"]) - len(after["findings"]) > 0
    assert data["counts"]["open"]["total"] == len(after["findings"])
    assert (
        sum(data["counts"]["fixed"][s] for s in ("critical", "high", "medium", "low"))
        == data["counts"]["fixed"]["total"]
    )

    code, out, _ = _run("diff", str(new), str(old))  # the other way round, the fixed ones are new
    assert code == 1
    assert out.rstrip().splitlines()[-1].startswith(f"{data['counts']['fixed']['total']} new (")


def test_lint_baseline_report_fails_only_on_new_findings(demo: Path, tmp_path: Path) -> None:
    old = tmp_path / "old.json"
    _lint_json(demo, old)
    code, out, err = _run("lint", str(demo), "--no-cache", "--baseline-report", str(old))
    assert code == 0, out + err
    assert "already in" in err
    with (demo / "main.tf").open("a") as fh:
        fh.write('\nresource "aws_sesv2_configuration_set" "extra" {\n  configuration_set_name = "extra"\n}\n')
    code, out, _ = _run("lint", str(demo), "--no-cache", "--baseline-report", str(old))
    assert code == 1
    assert "TLS001" in out and "'extra'" in out and out.rstrip().endswith("1 warning")


def test_drift_report_pairs(tmp_path: Path, in_repo: Path) -> None:
    tree = tmp_path / "terraform"
    shutil.copytree("fixtures/drift/terraform", tree)
    args = ["--live", "fixtures/drift/live.json", "-b", "fixtures/drift/terraform/baseline.yaml", "-f", "json"]
    _run("drift", str(tree), *args, "-o", str(tmp_path / "before.json"))
    code, _, err = _run("fix", "--from-drift", str(tmp_path / "before.json"), "-b", args[3], "--write")
    assert code == 0, err
    _run("drift", str(tree), *args, "-o", str(tmp_path / "after.json"))
    code, out, _ = _run("diff", str(tmp_path / "before.json"), str(tmp_path / "after.json"), "-f", "json")
    data = json.loads(out)
    fixed = {e["label"] for e in data["fixed"]}
    assert "unmanaged ses_configuration_set us-east-1/marketing" in fixed
    assert "changed ses_receipt_rule us-east-1/inbound support" in fixed
    # Adopted objects are Terraform's now: their weaknesses are findings on the new addresses, so they are new.
    assert code == 1
    assert {e["label"] for e in data["new"]} == {
        "TLS001 aws_sesv2_configuration_set.us_east_1_marketing",
        "LOG002 aws_sesv2_configuration_set.us_east_1_marketing",
        "RBAC002 azuread_directory_role_assignment.role_assignment_62e90394",
    }


@pytest.mark.parametrize(
    ("content", "message"),
    [("{", "invalid JSON"), ("[]", "not an emailiac JSON report"), ('{"findings": [{}]}', "has no fingerprint")],
)
def test_unreadable_reports_are_one_line_exit_2(tmp_path: Path, content: str, message: str) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text(content)
    code, _, err = _run("diff", str(bad), str(bad))
    assert code == 2 and message in err and len(err.strip().splitlines()) == 1

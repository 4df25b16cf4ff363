"""`emailiac scan --aws` end to end: the same reporters and exit codes as lint, a saved inventory that lint
judges again offline, usage errors as one line."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from emailiac.cli import app as emailiac_app
from emailiac.commands import scan_aws as scan_module
from emailiac.rules import ALL_RULES
from tests.aws.support import ROOT, cli

runner = CliRunner()


def run(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(cli(), ["scan", *args], env={"NO_COLOR": "1"})
    return result.exit_code, result.stdout, result.stderr


def test_scan_needs_a_target() -> None:
    code, _, err = run()
    assert code == 2 and "name what to scan: --aws" in err


def test_external_id_needs_a_role(aws: str) -> None:
    code, _, err = run("--aws", "--external-id", "x")
    assert code == 2 and "--external-id needs --role-arn" in err


def test_unknown_retry_mode_and_rule_are_usage_errors(aws: str) -> None:
    assert run("--aws", "--retry-mode", "legacy")[0] == 2
    code, _, err = run("--aws", "--region", "us-east-1", "--rule", "NOPE001")
    assert code == 2 and "unknown rule 'NOPE001'" in err and "Traceback" not in err


def test_scan_reports_live_findings_and_saves_an_inventory_lint_reads_again(
    weak_mail: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    saved = tmp_path / "inventory.json"
    code, out, err = run("--aws", "--region", "us-east-1", "-f", "json", "--save-inventory", str(saved))
    # moto does not implement GetConfigurationSetEventDestinations: that check is not assessed -> exit 2.
    assert code == 2, err
    report = json.loads(out)
    aws_rules = {r.id for r in ALL_RULES if "aws" in r.sources}
    assert report["findings"]
    assert all(f["source"] == "aws" for f in report["findings"] if f["rule_id"] in aws_rules)
    by_rule = {f["rule_id"]: f for f in report["findings"]}
    assert by_rule["TLS001"]["resource"] == "aws://us-east-1/ses/configuration-set/outbound"
    assert by_rule["TLS001"]["import_id"] == "outbound" and by_rule["TLS001"]["region"] == "us-east-1"
    assert by_rule["MFA005"]["resource"] == "aws://global/iam/root"  # live only: root has no MFA in moto
    assert any("ses:GetConfigurationSetEventDestinations" in n["reason"] for n in report["not_assessed"])

    code, _, _ = run("--aws", "--region", "us-east-1", "--allow-partial", "-f", "json")
    assert code == 1  # findings, and the gap no longer fails the run

    # Offline, without any way to reach AWS: the saved facts give the same findings.
    for name in ("AWS_ENDPOINT_URL", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"):
        monkeypatch.delenv(name)
    offline = runner.invoke(emailiac_app, ["lint", str(saved), "-f", "json"], env={"NO_COLOR": "1"})
    again = json.loads(offline.stdout)
    assert offline.exit_code == 2
    key = lambda f: (f["rule_id"], f["resource"], f["fingerprint"])  # noqa: E731
    assert sorted(map(key, again["findings"])) == sorted(map(key, report["findings"]))
    assert json.loads(saved.read_text())["emailiac_inventory"] == 1


def test_baseline_rule_selection_and_fail_on(weak_mail: Any) -> None:
    baseline = str(ROOT / "fixtures" / "terraform" / "aws_parity" / "baseline.yaml")
    code, out, _ = run("--aws", "--region", "us-east-1", "-b", baseline, "--rule", "NET001", "-f", "json")
    report = json.loads(out)
    assert code == 1 and {f["rule_id"] for f in report["findings"]} == {"NET001"}
    assert report["baseline"] == "aws-parity"
    code, _, _ = run("--aws", "--region", "us-east-1", "--rule", "NET004", "--fail-on", "high")
    assert code == 0  # NET004 is low


def test_text_report_and_no_progress_bar_when_stderr_is_not_a_terminal(weak_mail: Any) -> None:
    code, out, err = run("--aws", "--region", "us-east-1", "--rule", "TLS001")
    assert code == 1
    assert "aws://us-east-1/ses/configuration-set/outbound" in out
    assert err == ""


def test_progress_bar_only_on_a_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    with scan_module._progress() as bar:
        assert bar is None
    monkeypatch.setattr(sys.stderr, "isatty", lambda: True, raising=False)
    with scan_module._progress() as bar:
        assert isinstance(bar, scan_module._Bar)
        bar.start(2)
        bar.advance("iam global")
        bar.advance("route53 global")

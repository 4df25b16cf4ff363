"""Drift between fixture Terraform and moto's server: the parity tree against the seeded account agrees
everywhere; changes made in the account after that show as changed, unmanaged and missing, paired by natural
keys or by the IDs of a state file; `emailiac drift --aws` scans moto itself."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from typer.testing import CliRunner

from emailiac.baseline import load_baseline
from emailiac.drift.model import DriftReport
from emailiac.drift.run import drift
from emailiac.drift.state import read_state
from emailiac.lint import LintOptions
from tests.aws.support import REGION, ROOT, Twins, plain_client, scan, scan_session, stub_weak_mail_gaps

TREE = ROOT / "fixtures" / "terraform" / "aws_parity"


def _live(weak_mail: Any) -> Any:
    session = scan_session()
    twins = Twins(session)
    stub_weak_mail_gaps(twins, weak_mail.data)
    twins.install()
    return scan(session)


def _drift(inventory: Any, **kw: Any) -> DriftReport:
    options = LintOptions(cache=False, jobs=1)
    return drift([TREE], inventory, load_baseline(str(TREE / "baseline.yaml")), options, **kw)


def _drifted(report: DriftReport) -> list[tuple[str, str, str]]:
    return sorted((i.status, i.kind, i.identity) for i in report.drifted)


def test_the_parity_tree_and_the_seeded_account_agree(weak_mail: Any, in_repo: Path) -> None:
    report = _drift(_live(weak_mail))
    assert _drifted(report) == []
    assert report.counts()["managed"] == 27
    assert all(c.managed == c.live for c in report.coverage)


def test_changes_in_the_account_are_changed_unmanaged_and_missing(weak_mail: Any, in_repo: Path) -> None:
    ec2 = plain_client("ec2")
    group = weak_mail.ids["security_group"]
    ec2.authorize_security_group_ingress(
        GroupId=group,
        IpPermissions=[{"IpProtocol": "tcp", "FromPort": 3306, "ToPort": 3306, "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}],
    )
    ec2.revoke_security_group_ingress(
        GroupId=group,
        IpPermissions=[{"IpProtocol": "tcp", "FromPort": 25, "ToPort": 25, "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}],
    )
    plain_client("route53").change_resource_record_sets(
        HostedZoneId=weak_mail.ids["zone"],
        ChangeBatch={
            "Changes": [
                {
                    "Action": "UPSERT",
                    "ResourceRecordSet": {
                        "Name": "_dmarc.example.com",
                        "Type": "TXT",
                        "TTL": 300,
                        "ResourceRecords": [{"Value": '"v=DMARC1; p=reject; rua=mailto:dmarc@example.com"'}],
                    },
                }
            ]
        },
    )
    plain_client("iam").update_account_password_policy(MinimumPasswordLength=6)
    report = _drift(_live(weak_mail))
    assert _drifted(report) == [
        ("changed", "dns_record", "example.com/_dmarc.example.com TXT"),
        ("changed", "password_policy", "account"),
        ("missing", "security_group_rule", "mail ingress tcp 25 0.0.0.0/0"),
        ("unmanaged", "security_group_rule", f"{REGION}/mail ingress tcp 3306 0.0.0.0/0"),
    ]
    by_kind = {i.kind: i for i in report.drifted}
    dmarc = by_kind["dns_record"]
    assert dmarc.strengthens == ("DMARC002",)  # someone fixed it in the console before the code
    assert by_kind["password_policy"].changes[0].attribute == "min_length"
    opened = next(i for i in report.drifted if i.status == "unmanaged")
    assert opened.live_verdicts["NET003"] == "fail" and opened.severity is not None


def test_a_state_file_pairs_by_the_live_ids(weak_mail: Any, in_repo: Path, tmp_path: Path) -> None:
    group = weak_mail.ids["security_group"]
    state = {
        "format_version": "1.0",
        "values": {
            "root_module": {
                "resources": [
                    {
                        "address": "aws_security_group.mail",
                        "mode": "managed",
                        "type": "aws_security_group",
                        "name": "mail",
                        "values": {"id": group, "name": "mail"},
                    },
                    {
                        "address": "aws_sesv2_configuration_set.outbound",
                        "mode": "managed",
                        "type": "aws_sesv2_configuration_set",
                        "name": "outbound",
                        "values": {"id": "outbound"},
                    },
                ]
            }
        },
    }
    report = _drift(_live(weak_mail), state=read_state(json.dumps(state)))
    assert _drifted(report) == []
    matched = {
        (i.kind, i.matched_by) for i in report.items if i.kind in ("security_group_rule", "ses_configuration_set")
    }
    assert ("security_group_rule", "state") in matched and ("ses_configuration_set", "state") in matched
    assert ("ses_configuration_set", "natural key") in matched  # alerts is not in this state


def test_drift_aws_scans_the_account_itself(weak_mail: Any, in_repo: Path) -> None:
    from emailiac.cli import app

    result = CliRunner().invoke(app, ["drift", str(TREE), "--aws", "--region", REGION, "-f", "json"])
    assert result.exit_code in (0, 1), result.stderr
    report = json.loads(result.stdout)
    items = {(d["kind"], d["identity"]): d["status"] for d in report["drift"]}
    assert items[("ses_configuration_set", f"{REGION}/outbound")] == "managed"
    assert items[("security_group_rule", f"{REGION}/mail ingress tcp 22 0.0.0.0/0")] == "managed"


def test_scan_writes_the_same_html_page(weak_mail: Any, in_repo: Path) -> None:
    from emailiac.cli import app

    result = CliRunner().invoke(app, ["scan", "--aws", "--region", REGION, "-f", "html", "--allow-partial"])
    assert result.exit_code == 1, result.stderr
    page = result.stdout
    assert page.startswith("<!DOCTYPE html>") and "default-src 'none'" in page
    assert "aws://us-east-1/ec2/security-group/" in page and "NET001" in page

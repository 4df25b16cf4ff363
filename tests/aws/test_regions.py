"""Two regions at once: regional services per region, global ones once, multi-region trails once."""

from __future__ import annotations

from typing import Any

from emailiac.baseline import load_baseline
from emailiac.engine import evaluate
from emailiac.inventory_io import dump_inventory, read_inventory
from emailiac.model import AuditTrail, DnsZone, FirewallRule, Inventory, ReceiptRule, RootAccount, ThreatDetection
from emailiac.result import Status
from emailiac.sources.aws.collector import collect
from tests.aws.support import plain_client, record_operations, scan_session


class Steps:
    def __init__(self) -> None:
        self.total = 0
        self.labels: list[str] = []

    def start(self, total: int) -> None:
        self.total = total

    def advance(self, label: str) -> None:
        self.labels.append(label)


def _seed_two_regions() -> dict[str, Any]:
    ids: dict[str, Any] = {}
    for region, enable in (("us-east-1", False), ("eu-west-1", True)):
        ids[region] = plain_client("guardduty", region).create_detector(Enable=enable)["DetectorId"]
        ec2 = plain_client("ec2", region)
        group = ec2.create_security_group(GroupName=f"mail-{region}", Description="mail")["GroupId"]
        ec2.authorize_security_group_ingress(
            GroupId=group,
            IpPermissions=[{"IpProtocol": "tcp", "FromPort": 22, "ToPort": 22, "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}],
        )
    plain_client("s3", "us-east-1").create_bucket(Bucket="org-trail-logs")
    trail = plain_client("cloudtrail", "us-east-1").create_trail(
        Name="org-trail", S3BucketName="org-trail-logs", IsMultiRegionTrail=True, EnableLogFileValidation=True
    )
    ids["trail"] = trail["TrailARN"]
    plain_client("route53", "us-east-1").create_hosted_zone(Name="example.com", CallerReference="two")
    ses = plain_client("ses", "eu-west-1")
    ses.create_receipt_rule_set(RuleSetName="eu")
    ses.create_receipt_rule(RuleSetName="eu", Rule={"Name": "eu-in", "Enabled": True, "ScanEnabled": True})
    ses.set_active_receipt_rule_set(RuleSetName="eu")
    return ids


def test_two_regions_scanned_concurrently(aws: str) -> None:
    ids = _seed_two_regions()
    session = scan_session()
    seen = record_operations(session)
    steps = Steps()
    inventory = collect(session, ["eu-west-1", "us-east-1", "eu-west-1"], workers=8, progress=steps)

    detectors = {d.region: d for d in inventory.of(ThreatDetection)}
    assert detectors["us-east-1"].enabled is False and detectors["eu-west-1"].enabled is True
    assert detectors["eu-west-1"].prov.address == f"aws://eu-west-1/guardduty/detector/{ids['eu-west-1']}"
    groups = {r.group: r.prov.region for r in inventory.of(FirewallRule) if r.direction == "ingress"}
    assert groups == {"mail-us-east-1": "us-east-1", "mail-eu-west-1": "eu-west-1"}

    [trail] = inventory.of(AuditTrail)  # listed in both regions, read once
    assert trail.prov.import_id == ids["trail"] and trail.multi_region and trail.prov.region == "us-east-1"
    assert seen.count(("cloudtrail", "GetTrailStatus")) == 1

    # Global services once, whatever the number of regions.
    assert len(list(inventory.of(RootAccount))) == 1 and len(list(inventory.of(DnsZone))) == 1
    assert seen.count(("iam", "GetAccountSummary")) == 1 and seen.count(("route53", "ListHostedZones")) == 1

    [rule] = inventory.of(ReceiptRule)
    assert rule.prov.region == "eu-west-1" and rule.tls_policy is None

    assert steps.total == len(steps.labels) == 2 + 2 * 6  # iam, route53; six services per region
    assert not inventory.gaps


def test_the_inventory_does_not_depend_on_the_finishing_order(aws: str) -> None:
    _seed_two_regions()
    one = collect(scan_session(), ["us-east-1", "eu-west-1"], workers=1)
    many = collect(scan_session(), ["eu-west-1", "us-east-1"], workers=12)
    assert one.facts == many.facts


def _ids001(inventory: Inventory) -> dict[str, tuple[Status, str]]:
    result = evaluate(inventory, load_baseline("default"), only=("IDS001",))
    evaluations = [f.evaluation for f in result.findings] + result.passes + result.not_assessed
    return {e.subject.address: (e.status, e.message) for e in evaluations}


def test_guardduty_is_judged_per_scanned_region(aws: str) -> None:
    """A detector in us-east-1 does not cover eu-west-1: each scanned region needs its own."""
    detector = plain_client("guardduty", "us-east-1").create_detector(Enable=True)["DetectorId"]
    inventory = collect(scan_session(), ["us-east-1", "eu-west-1"], workers=2)
    verdicts = _ids001(inventory)
    assert verdicts == {
        f"aws://us-east-1/guardduty/detector/{detector}": (
            Status.PASS,
            f"GuardDuty detector aws://us-east-1/guardduty/detector/{detector} in us-east-1 is enabled",
        ),
        "aws://eu-west-1/guardduty": (
            Status.FAIL,
            "no threat detection in eu-west-1: the region has no GuardDuty detector (a detector watches only its "
            "own region)",
        ),
    }
    # The region list survives a saved inventory, so `lint inv.json` judges the same.
    assert _ids001(read_inventory(dump_inventory(inventory))) == verdicts


def test_every_scanned_region_without_a_detector_fails(aws: str) -> None:
    inventory = collect(scan_session(), ["us-east-1", "eu-west-1"], workers=2)
    failed = sorted(a for a, (status, _) in _ids001(inventory).items() if status is Status.FAIL)
    assert failed == ["aws://eu-west-1/guardduty", "aws://us-east-1/guardduty"]

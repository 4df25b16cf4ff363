"""Two regions at once: regional services per region, global ones once, multi-region trails once."""

from __future__ import annotations

from typing import Any

from emailiac.model import AuditTrail, DnsZone, FirewallRule, ReceiptRule, RootAccount, ThreatDetection
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

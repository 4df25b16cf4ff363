"""IDS001 (network family): a threat-detection service (GuardDuty) watches every region the tree or the scan
speaks for.
"""

from __future__ import annotations

from collections.abc import Iterator

from emailiac.baseline import Baseline
from emailiac.model import Inventory, Provenance, ThreatDetection, Unknown
from emailiac.result import Severity
from emailiac.rules.account_scope import is_authoritative, not_authoritative, scanned_regions, scope_subject
from emailiac.rules.base import Rule, Verdict, fail, not_assessed, passed
from emailiac.rules.gaps import gap_verdicts

__all__ = ["RULES"]


# ---------------------------------------------------------------- IDS001


_SERVICES = {"guardduty": "GuardDuty"}


def _check_threat_detection(inventory: Inventory, baseline: Baseline) -> Iterator[Verdict]:
    yield from gap_verdicts(inventory, ThreatDetection, "aws", "guardduty")
    detectors = list(inventory.of(ThreatDetection))
    for det in detectors:
        where = f" in {det.region}" if det.region else ""
        name = f"{_SERVICES.get(det.service, det.service)} detector {det.prov.address}{where}"
        if isinstance(det.enabled, Unknown):
            yield not_assessed(det.prov, f"{name}: enable is not known ({det.enabled.reason})")
        elif det.enabled:
            yield passed(det.prov, f"{name} is enabled", evidence=det.service)
        else:
            yield fail(
                det.prov,
                f"{name} is disabled",
                evidence=det.service,
                fix_hint="Set enable = true on the GuardDuty detector",
                attribute="enable",
                value=True,
            )
    regions = scanned_regions(inventory)
    if regions:
        yield from _regions_without_detector(inventory, regions, detectors)
        return
    if detectors or inventory.gap(ThreatDetection):
        return
    subject = scope_subject(inventory, "aws_account", "aws", "aws://guardduty")
    if not is_authoritative(inventory, baseline, "aws_account"):
        yield not_authoritative(subject, "aws_account", "no aws_guardduty_detector is declared")
        return
    yield fail(
        subject,
        "no threat detection: the AWS account has no GuardDuty detector",
        evidence="guardduty absent",
        fix_hint='Add resource "aws_guardduty_detector" with enable = true',
        resource="aws_guardduty_detector",
        attributes={"enable": True},
    )


def _regions_without_detector(
    inventory: Inventory, regions: list[str], detectors: list[ThreatDetection]
) -> Iterator[Verdict]:
    """GuardDuty is regional: each scanned region needs its own detector (one region's covers no other)."""
    covered = {d.region for d in detectors}
    for region in regions:
        if region in covered or inventory.gap(ThreatDetection, region) is not None:
            continue  # judged by its detectors above, or not assessed through the gap
        yield fail(
            Provenance("aws", f"aws://{region}/guardduty", region=region),
            f"no threat detection in {region}: the region has no GuardDuty detector (a detector watches only "
            "its own region)",
            evidence=f"guardduty absent {region}",
            fix_hint=f'Add resource "aws_guardduty_detector" with enable = true for {region}',
            resource="aws_guardduty_detector",
            attributes={"enable": True},
            region=region,
        )


IDS001 = Rule(
    id="IDS001",
    slug="threat-detection-disabled",
    title="No enabled threat detection",
    severity=Severity.MEDIUM,
    family="network",
    sources=("terraform", "aws"),
    summary=(
        "Fails when a GuardDuty detector is declared with `enable = false`, or when the account has none. An "
        "absence counts only where the input speaks for the whole AWS account (a live scan, or "
        "`terraform.authoritative: [aws_account]` in the baseline); elsewhere it is out of scope. GuardDuty is "
        "regional: a live scan fails each scanned region without a detector of its own."
    ),
    rationale=(
        "Credential stuffing against SES SMTP users, compromised instances sending spam and calls from "
        "known-bad addresses go unnoticed without an intrusion detection service reading the account's logs."
    ),
    bad_example='resource "aws_guardduty_detector" "main" {\n  enable = false\n}\n',
    good_example='resource "aws_guardduty_detector" "main" {\n  enable = true\n}\n',
    check=_check_threat_detection,
    references=("https://docs.aws.amazon.com/guardduty/latest/ug/what-is-guardduty.html",),
    fix="safe",
    fix_title="Enable a GuardDuty detector",
    presence=True,
)


RULES: tuple[Rule, ...] = (IDS001,)

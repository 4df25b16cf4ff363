"""GuardDuty detectors as facts, one per detector and region."""

from __future__ import annotations

from emailiac.model import ThreatDetection, Unknown
from emailiac.sources.aws.errors import CallFailed
from emailiac.sources.aws.unit import Unit, live_prov

__all__ = ["collect_detectors"]


def collect_detectors(unit: Unit) -> None:
    try:
        ids = [str(d) for page in unit.pages("ListDetectors") for d in page.get("DetectorIds", [])]
    except CallFailed as failure:
        unit.missed(failure)
        return
    for detector_id in sorted(ids):
        enabled: bool | Unknown
        try:
            status = unit.call("GetDetector", DetectorId=detector_id).get("Status")
        except CallFailed as failure:
            unit.missed(failure)
            enabled = Unknown(failure.reason)
        else:
            enabled = str(status).upper() == "ENABLED"
        unit.facts.append(
            ThreatDetection(
                prov=live_prov(unit.region, "guardduty", "detector", detector_id, import_id=detector_id),
                service="guardduty",
                enabled=enabled,
                region=unit.region,
            )
        )

"""CloudTrail trails as facts, with whether each is logging.

DescribeTrails is regional but lists multi-region trails in every region (as shadow trails). Each trail is
read once: by the unit of its home region when that region is scanned, otherwise by the first scanned region
(in sorted order) that lists it. The collector also drops duplicates by ARN.
"""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from emailiac.model import AuditTrail, Unknown
from emailiac.sources.aws.errors import CallFailed
from emailiac.sources.aws.unit import Unit, live_prov

__all__ = ["collect_trails"]


def _mine(trail: dict[str, Any], region: str, scanned: Collection[str]) -> bool:
    home = str(trail.get("HomeRegion", region))
    return home == region or (home not in scanned and region == min(scanned))


def collect_trails(unit: Unit, scanned: Collection[str]) -> None:
    try:
        trails = unit.call("DescribeTrails", includeShadowTrails=True).get("trailList", [])
    except CallFailed as failure:
        unit.missed(failure)
        return
    for trail in sorted(trails, key=lambda t: str(t.get("TrailARN", ""))):
        if not _mine(trail, unit.region, scanned):
            continue
        arn = str(trail.get("TrailARN", ""))
        name = str(trail.get("Name", ""))
        home = str(trail.get("HomeRegion", unit.region))
        logging: bool | Unknown
        try:
            logging = bool(unit.call("GetTrailStatus", Name=arn or name).get("IsLogging", False))
        except CallFailed as failure:
            unit.missed(failure)
            logging = Unknown(failure.reason)
        unit.facts.append(
            AuditTrail(
                prov=live_prov(home, "cloudtrail", "trail", name, import_id=arn or name),
                name=name,
                multi_region=bool(trail.get("IsMultiRegionTrail", False)),
                log_validation=bool(trail.get("LogFileValidationEnabled", False)),
                logging=logging,
            )
        )

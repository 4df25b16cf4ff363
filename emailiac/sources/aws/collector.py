"""A live AWS account as an inventory of facts: the same facts the Terraform adapters produce, so the same
rules judge them.

Regions are scanned concurrently (one unit of work per service and region); IAM and Route 53 are global
and read once. A live scan speaks for the whole account (`aws_account` is authoritative): what is absent
is missing. What could not be read is a gap, and the rules that need it are not assessed.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import partial
from typing import Protocol

from emailiac.model import AWS_REGION_CATEGORY, AuditTrail, Fact, Gap, Inventory
from emailiac.sources.aws import cloudtrail, ec2, elbv2, guardduty, iam, route53, ses
from emailiac.sources.aws.calls import CALLS, fact_types
from emailiac.sources.aws.errors import AwsSetupError, CallFailed
from emailiac.sources.aws.session import AwsSession
from emailiac.sources.aws.unit import GLOBAL, Unit
from emailiac.sources.deadline import Deadline, run_until

__all__ = ["Progress", "collect", "enabled_regions"]

DEFAULT_WORKERS = 8

Collect = Callable[[Unit], None]


class Progress(Protocol):
    def start(self, total: int) -> None: ...

    def advance(self, label: str) -> None: ...


@dataclass(frozen=True)
class _Work:
    service: str
    region: str
    steps: tuple[Collect, ...]


def _plan(session: AwsSession, regions: Sequence[str]) -> list[_Work]:
    work = [_Work("iam", GLOBAL, (iam.collect_iam,)), _Work("route53", GLOBAL, (route53.collect_zones,))]
    for region in regions:
        regional = [
            _Work("sesv2", region, (ses.collect_identities, ses.collect_config_sets)),
            _Work("ec2", region, (ec2.collect_security_groups,)),
            _Work("elbv2", region, (elbv2.collect_listeners,)),
            _Work("cloudtrail", region, (partial(cloudtrail.collect_trails, scanned=regions),)),
            _Work("guardduty", region, (guardduty.collect_detectors,)),
        ]
        if region in ses.RECEIVING_REGIONS:
            regional.insert(1, _Work("ses", region, (ses.collect_receipt_rules,)))
        # A service the region does not offer is not called at all (botocore's endpoint data says so).
        work += [w for w in regional if session.offers(w.service, region)]
    return work


def enabled_regions(session: AwsSession) -> tuple[list[str], list[Gap]]:
    """The regions enabled for the account; when they cannot be listed, the home region alone, and gaps
    saying that every other region went unseen."""
    unit = Unit(session, "ec2", GLOBAL)
    try:
        regions = unit.call("DescribeRegions", AllRegions=False).get("Regions", [])
    except CallFailed as failure:
        home = session.home_region
        reason = f"{failure.reason}; only {home} was scanned (name the regions with --region)"
        return [home], [Gap(t, "", reason) for t in fact_types("regional")]
    return sorted(str(r["RegionName"]) for r in regions if r.get("RegionName")), []


def _feeds(service: str) -> list[str]:
    return sorted({t for c in CALLS if c.service == service for t in c.feeds})


def _run(session: AwsSession, work: _Work, progress: Progress | None) -> Unit:
    unit = Unit(session, work.service, work.region)
    try:
        for step in work.steps:
            step(unit)
    except AwsSetupError:
        raise
    except Exception as exc:  # a response of a shape not foreseen: the unit's facts are not to be trusted
        reason = f"{type(exc).__name__}: reading {work.service} in {work.region} failed ({exc})"
        unit.facts.clear()
        unit.gaps = [Gap(t, unit.scope, reason) for t in _feeds(work.service)]
    if progress is not None:
        progress.advance(unit.label)
    return unit


def _unfinished(session: AwsSession, work: _Work, deadline: Deadline) -> Unit:
    """The unit of work the deadline cut short: everything it feeds is a gap."""
    unit = Unit(session, work.service, work.region)
    reason = deadline.reason(f"{work.service} in {work.region}")
    unit.gaps = [Gap(t, unit.scope, reason) for t in _feeds(work.service)]
    return unit


def _dedupe_trails(facts: list[Fact]) -> list[Fact]:
    seen: set[str] = set()
    out: list[Fact] = []
    for fact in facts:
        if isinstance(fact, AuditTrail):
            key = fact.prov.import_id or fact.prov.address
            if key in seen:
                continue
            seen.add(key)
        out.append(fact)
    return out


def collect(
    session: AwsSession,
    regions: Sequence[str] = (),
    *,
    workers: int = DEFAULT_WORKERS,
    progress: Progress | None = None,
    deadline: Deadline | None = None,
) -> Inventory:
    """Scan `regions` (default: every region enabled for the account) and the global services; what is not
    read before `deadline` is a gap."""
    deadline = deadline or session.deadline
    inventory = Inventory(sources={"aws"}, authoritative={"aws_account"})
    chosen = sorted(dict.fromkeys(regions))
    if not chosen:
        chosen, gaps = enabled_regions(session)
        inventory.gaps.extend(gaps)
    # Each scanned region is spoken for as a whole: a regional service missing there is missing (IDS001).
    inventory.authoritative |= {f"{AWS_REGION_CATEGORY}{region}" for region in chosen}
    work = _plan(session, chosen)
    if progress is not None:
        progress.start(len(work))
    jobs = [partial(_run, session, w, progress) for w in work]
    finished = run_until(deadline, jobs, workers, "emailiac-aws")
    units = [
        _unfinished(session, w, deadline) if done is None else done.result()
        for w, done in zip(work, finished, strict=True)
    ]
    for unit in units:  # plan order, whatever the finishing order: deterministic
        inventory.facts.extend(unit.facts)
        inventory.gaps.extend(g for g in unit.gaps if g not in inventory.gaps)
        inventory.notes.extend(unit.notes)
    inventory.facts = _dedupe_trails(inventory.facts)
    return inventory

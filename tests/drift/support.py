"""Drift test plumbing: sides built straight from facts, judged by the real engine."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from emailiac.baseline import load_baseline
from emailiac.drift.compare import Side, compare
from emailiac.drift.model import DriftItem, DriftReport
from emailiac.drift.state import StateIds
from emailiac.engine import evaluate
from emailiac.model import Fact, Inventory, Provenance

TENANT = "m365://contoso.onmicrosoft.com"


def tf(address: str, line: int = 1) -> Provenance:
    return Provenance("terraform", address, "main.tf", line, line + 3)


def aws(uri: str, import_id: str, region: str | None = "us-east-1") -> Provenance:
    return Provenance("aws", f"aws://{region or 'global'}/{uri}", import_id=import_id, region=region)


def m365(path: str, import_id: str) -> Provenance:
    return Provenance("m365", f"{TENANT}/{path}", import_id=import_id)


def dns(name: str, rtype: str) -> Provenance:
    return Provenance("dns", f"dns://{name}/{rtype}")


def side(facts: Iterable[Fact], sources: set[str], groups: Mapping[str, Any] | None = None) -> Side:
    inventory = Inventory(facts=list(facts), sources=sources)
    return Side(inventory, evaluate(inventory, load_baseline("default")), groups)


def drift(
    declared: Iterable[Fact],
    live: Iterable[Fact],
    live_sources: set[str],
    *,
    groups: Mapping[str, Any] | None = None,
    state: StateIds | None = None,
) -> DriftReport:
    return compare(side(declared, {"terraform"}, groups), side(live, live_sources), state=state)


def by_status(report: DriftReport) -> dict[str, list[tuple[str, str]]]:
    out: dict[str, list[tuple[str, str]]] = {}
    for item in report.items:
        out.setdefault(item.status, []).append((item.kind, item.identity))
    return out


def only(report: DriftReport, kind: str) -> list[DriftItem]:
    return [i for i in report.items if i.kind == kind]

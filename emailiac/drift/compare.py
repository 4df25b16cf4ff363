"""Compare what Terraform declares with what runs: identity, attributes, verdicts on both sides."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, fields
from typing import Any

from emailiac.drift.kinds import KINDS, Kind, SideNames
from emailiac.drift.match import explode, match
from emailiac.drift.model import Change, Coverage, DriftItem, DriftReport, NotCompared
from emailiac.drift.state import StateIds
from emailiac.drift.verdicts import VerdictIndex, Verdicts
from emailiac.model import DnsRecord, DnsZone, FirewallRule, Inventory, Unknown, is_known
from emailiac.result import Result, Severity

__all__ = ["Side", "compare", "encode_values", "resource_type"]

_INDEX = re.compile(r"\[[^\]]*\]")


@dataclass
class Side:
    inventory: Inventory
    result: Result
    # Terraform security groups by address: their name (or Unknown), for natural keys
    group_names: Mapping[str, Any] | None = None


def resource_type(address: str) -> str:
    """`aws_route53_record` for `module.dns.aws_route53_record.spf["a"]`."""
    parts = _INDEX.sub("", address).split(".")
    return parts[-2] if len(parts) >= 2 else ""


def encode_values(fact: object) -> dict[str, Any]:
    """The fact's fields as JSON values (Unknown as {"$unknown": reason}), provenance left out."""

    def enc(value: Any) -> Any:
        if isinstance(value, Unknown):
            return {"$unknown": value.reason}
        if isinstance(value, (tuple, list)):
            return [enc(v) for v in value]
        if isinstance(value, Mapping):
            return {str(k): enc(v) for k, v in value.items()}
        return value

    return {f.name: enc(getattr(fact, f.name)) for f in fields(fact) if f.name != "prov"}  # type: ignore[arg-type]


def _zone_names(inventory: Inventory) -> dict[str, str]:
    return {z.key: z.name.lower().rstrip(".") for z in inventory.of(DnsZone) if isinstance(z.name, str)}


def _apex_housekeeping(record: DnsRecord, zones: Mapping[str, str]) -> bool:
    """NS and SOA at a zone's apex: the DNS provider creates them with the zone; Terraform never sets them."""
    zone = zones.get(record.zone or "")
    return record.type.upper() in ("NS", "SOA") and isinstance(record.name, str) and record.name == zone


def _out_of_reach(
    kind: Kind, fact: Any, live: Inventory, live_zones: set[str], declared_zones: Mapping[str, str]
) -> str | None:
    """Why a live scan could not have seen this declared object (so it is not `missing`), or None."""
    rtype = resource_type(fact.prov.address)
    if not rtype.startswith(kind.providers):
        return f"{rtype} objects are not read by any live source"
    scanned = [s for s in kind.live_sources if s in live.sources]
    if not scanned:
        return f"no live {' or '.join(kind.live_sources)} scan in the inputs"
    gap = live.gap(kind.fact_type)
    if gap is not None:
        return f"the live scan could not read them: {gap.reason}"
    if isinstance(fact, DnsRecord):
        zone = declared_zones.get(fact.zone or "")
        if "aws" in scanned and rtype.startswith("aws_route53_") and zone in live_zones:
            return None
        names = {r.name for r in live.of(DnsRecord) if r.prov.source == "dns"}
        if "dns" in scanned and fact.name in names:
            return None
        return "neither its zone nor its name was among what the live scan read"
    return None


def _severity(rule_ids: Iterable[str], verdicts: Verdicts) -> Severity | None:
    found = [verdicts.severity[r] for r in rule_ids if r in verdicts.severity]
    return max(found) if found else None


def _hints(verdicts: Verdicts, rule_ids: Iterable[str] | None = None) -> tuple[str, ...]:
    """The fix hints of the failing rules (of `rule_ids` only, when given)."""
    wanted = set(rule_ids) if rule_ids is not None else None
    return tuple(
        verdicts.hints[r]
        for r in sorted(verdicts.hints)
        if verdicts.status.get(r) == "fail" and (wanted is None or r in wanted)
    )


def _changes(kind: Kind, declared: Any, live: Any) -> tuple[tuple[Change, ...], tuple[str, ...]]:
    changes: list[Change] = []
    unresolved: list[str] = []
    for attribute, normalize in kind.compared.items():
        want = normalize(getattr(declared, attribute), declared)
        have = normalize(getattr(live, attribute), live)
        if want is None:
            continue  # Terraform does not set it: whatever runs is not drift
        if not is_known(want) or not is_known(have):
            unresolved.append(attribute)
            continue
        if want != have:
            changes.append(Change(attribute, _plain(want), _plain(have)))
    return tuple(changes), tuple(unresolved)


def _plain(value: Any) -> Any:
    if isinstance(value, tuple):
        return [_plain(v) for v in value]
    return value


def _identity_text(kind: Kind, fact: Any, names: SideNames) -> str:
    scope, key = kind.identity(fact, names)

    def part(value: Any) -> str:
        if isinstance(value, tuple):
            if all(isinstance(v, tuple) and len(v) == 2 and all(isinstance(x, int) for x in v) for v in value):
                return ",".join(str(a) if a == b else f"{a}-{b}" for a, b in value)
            return "/".join(part(v) for v in value)
        return str(value)

    text = " ".join(part(k) for k in key)
    return f"{scope}/{text}" if scope else text


def _live_id(fact: Any) -> str:
    return str(fact.prov.import_id or fact.prov.address)


def _item(
    kind: Kind,
    status: str,
    *,
    declared: Any | None,
    live: Any | None,
    identity: str,
    source: str,
    dv: Verdicts,
    lv: Verdicts,
    matched_by: str | None = None,
    changes: tuple[Change, ...] = (),
    unresolved: tuple[str, ...] = (),
) -> DriftItem:
    weakens = tuple(sorted(r for r, s in lv.status.items() if s == "fail" and dv.status.get(r) == "pass"))
    strengthens = tuple(sorted(r for r, s in dv.status.items() if s == "fail" and lv.status.get(r) == "pass"))
    if status == "unmanaged":
        severity = _severity([r for r, s in lv.status.items() if s == "fail"], lv)
    elif status == "missing":
        severity = None
    else:
        severity = _severity(weakens, lv)
    where: Any = declared if declared is not None else live
    return DriftItem(
        status=status,
        kind=kind.name,
        source=source,
        identity=identity,
        address=declared.prov.address if declared is not None else None,
        live_id=_live_id(live) if live is not None else None,
        live_uri=live.prov.address if live is not None else None,
        file=declared.prov.file if declared is not None else None,
        line=declared.prov.line if declared is not None else None,
        region=(live.prov.region if live is not None else None) or where.prov.region,
        matched_by=matched_by,
        changes=changes,
        unresolved=unresolved,
        declared_verdicts=dict(sorted(dv.status.items())),
        live_verdicts=dict(sorted(lv.status.items())),
        weakens=weakens,
        strengthens=strengthens,
        severity=severity,
        declared_values=encode_values(declared) if declared is not None else None,
        live_values=encode_values(live) if live is not None else None,
        fix_hints=_hints(lv, weakens if declared is not None else None) if live is not None else _hints(dv),
    )


def _facts(inventory: Inventory, kind: Kind) -> list[Any]:
    return explode(inventory.of(kind.fact_type))


def compare(
    declared: Side,
    live: Side,
    *,
    state: StateIds | None = None,
    terraform_paths: Sequence[str] = (),
    state_file: str | None = None,
) -> DriftReport:
    d_zones = _zone_names(declared.inventory)
    l_zones = _zone_names(live.inventory)
    # A rule resource may name its group by ID (`security_group_id = "sg-..."`): the live scan knows its name.
    live_groups = {f.prov.import_id: f.group for f in live.inventory.of(FirewallRule) if f.prov.import_id}
    d_names = SideNames(zones=d_zones, groups={**live_groups, **(declared.group_names or {})})
    l_names = SideNames(zones=l_zones)
    d_index, l_index = VerdictIndex(declared.result), VerdictIndex(live.result)
    live_sources = set(live.inventory.sources) - {"terraform"}
    items: list[DriftItem] = []
    coverage: list[Coverage] = []
    skipped: list[NotCompared] = []
    for kind in KINDS:
        in_reach: list[Any] = []
        for fact in _facts(declared.inventory, kind):
            why = _out_of_reach(kind, fact, live.inventory, set(l_zones.values()), d_zones)
            if why is None:
                in_reach.append(fact)
            else:
                skipped.append(NotCompared(kind.name, "declared", fact.prov.address, why))
        seen = [
            f
            for f in _facts(live.inventory, kind)
            if f.prov.source in live_sources and not (isinstance(f, DnsRecord) and _apex_housekeeping(f, l_zones))
        ]
        found = match(kind, in_reach, seen, d_names, l_names, state)
        for side, fact, reason in found.unkeyed:
            name = fact.prov.address if side == "declared" else _live_id(fact)
            skipped.append(NotCompared(kind.name, side, name, reason))
        for d, lf, how in found.pairs:
            changes, unresolved = _changes(kind, d, lf)
            items.append(
                _item(
                    kind,
                    "changed" if changes else "managed",
                    declared=d,
                    live=lf,
                    identity=_identity_text(kind, lf, l_names),
                    source=lf.prov.source,
                    dv=d_index.of(d),
                    lv=l_index.of(lf),
                    matched_by=how,
                    changes=changes,
                    unresolved=unresolved,
                )
            )
        for lf in found.live_only:
            items.append(
                _item(
                    kind,
                    "unmanaged",
                    declared=None,
                    live=lf,
                    identity=_identity_text(kind, lf, l_names),
                    source=lf.prov.source,
                    dv=Verdicts(),
                    lv=l_index.of(lf),
                )
            )
        for d in found.declared_only:
            source = next(s for s in kind.live_sources if s in live_sources)
            items.append(
                _item(
                    kind,
                    "missing",
                    declared=d,
                    live=None,
                    identity=_identity_text(kind, d, d_names),
                    source=source,
                    dv=d_index.of(d),
                    lv=Verdicts(),
                )
            )
        live_count = len(found.pairs) + len(found.live_only)
        if live_count or in_reach:
            coverage.append(Coverage(kind.name, live_count, len(found.pairs), len(in_reach)))
    items.sort(key=lambda i: (*i.rank, i.address or "", i.live_id or ""))
    skipped.sort(key=lambda n: (n.kind, n.side, n.name))
    return DriftReport(
        terraform_paths=tuple(terraform_paths),
        live_sources=tuple(sorted(live_sources)),
        items=items,
        coverage=coverage,
        not_compared=skipped,
        declared=declared.result,
        live=live.result,
        state_file=state_file,
    )

"""Pairing declared facts with live ones: by the IDs a state file gives, then by natural keys."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from emailiac.drift.kinds import Identity, Kind, SideNames
from emailiac.drift.state import StateIds
from emailiac.model import FirewallRule, is_known

__all__ = ["Matched", "explode", "match"]


@dataclass
class Matched:
    pairs: list[tuple[Any, Any, str]] = field(default_factory=list)  # (declared, live, matched_by)
    declared_only: list[Any] = field(default_factory=list)
    live_only: list[Any] = field(default_factory=list)
    unkeyed: list[tuple[str, Any, str]] = field(default_factory=list)  # (side, fact, reason)


def explode(facts: Iterable[Any]) -> list[Any]:
    """One firewall rule per peer: an inline rule with two CIDRs is two live EC2 permissions."""
    out: list[Any] = []
    for fact in facts:
        if isinstance(fact, FirewallRule) and isinstance(fact.sources, tuple) and len(fact.sources) > 1:
            out.extend(dataclasses.replace(fact, sources=(peer,)) for peer in fact.sources)
        else:
            out.append(fact)
    return out


def _state_keys(fact: Any, state: StateIds, declared: bool) -> set[Any]:
    if isinstance(fact, FirewallRule):
        rest = (fact.direction, fact.protocol, fact.ports, fact.sources)
        groups = state.ids(fact.group) if declared else {fact.prov.import_id} - {None}
        return {(g, *rest) for g in groups}
    if declared:
        return set(state.ids(fact.prov.address))
    return {i for i in (fact.prov.import_id, fact.prov.address) if i}


def _scopes_meet(a: str | None, b: str | None) -> bool:
    return a is None or b is None or a == b


def match(
    kind: Kind,
    declared: Sequence[Any],
    live: Sequence[Any],
    declared_names: SideNames,
    live_names: SideNames,
    state: StateIds | None,
) -> Matched:
    out = Matched()
    used: set[int] = set()
    rest: list[Any] = list(declared)
    if state is not None:
        by_id: dict[Any, list[int]] = {}
        for i, fact in enumerate(live):
            for key in _state_keys(fact, state, declared=False):
                by_id.setdefault(key, []).append(i)
        rest = []
        for fact in declared:
            hit = next(
                (
                    i
                    for key in sorted(_state_keys(fact, state, True), key=repr)
                    for i in by_id.get(key, ())
                    if i not in used
                ),
                None,
            )
            if hit is None:
                rest.append(fact)
            else:
                used.add(hit)
                out.pairs.append((fact, live[hit], "state"))
    live_keys: dict[tuple[Any, ...], list[tuple[str | None, int]]] = {}
    for i, fact in enumerate(live):
        if i in used:
            continue
        scope, key = kind.identity(fact, live_names)
        if not is_known(key):
            out.unkeyed.append(("live", fact, "its identity is not known"))
            used.add(i)
            continue
        live_keys.setdefault(key, []).append((scope, i))
    for fact in rest:
        ident: Identity = kind.identity(fact, declared_names)
        scope, key = ident
        if not is_known(key) or not is_known(scope):
            out.unkeyed.append(("declared", fact, "its identity is not known until apply"))
            continue
        candidates = sorted(live_keys.get(key, ()), key=lambda c: (c[0] or "", c[1]))
        hit = next((i for s, i in candidates if i not in used and _scopes_meet(scope, s)), None)
        if hit is None:
            out.declared_only.append(fact)
        else:
            used.add(hit)
            out.pairs.append((fact, live[hit], "natural key"))
    out.live_only = [fact for i, fact in enumerate(live) if i not in used]
    return out

"""The rule verdicts of one object, from the evaluations of the side it is on."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from emailiac.model import FirewallRule
from emailiac.result import Evaluation, Result, Severity, Status

__all__ = ["VerdictIndex", "Verdicts"]

_WORST = {Status.FAIL: 2, Status.NOT_ASSESSED: 1, Status.PASS: 0}


@dataclass
class Verdicts:
    status: dict[str, str] = field(default_factory=dict)
    severity: dict[str, Severity] = field(default_factory=dict)
    hints: dict[str, str] = field(default_factory=dict)


class VerdictIndex:
    """Evaluations by subject address. A security group's rules share the group's address; their
    evaluations name the rule in the evidence (`ingress[1] tcp 22 from 0.0.0.0/0`)."""

    def __init__(self, result: Result) -> None:
        self._by_address: dict[str, list[Evaluation]] = {}
        evaluations: Iterable[Evaluation] = (
            *(f.evaluation for f in result.findings if f.suppressed_by is None),
            *result.passes,
            *(e for e in result.not_assessed if not e.out_of_scope),
        )
        for ev in evaluations:
            self._by_address.setdefault(ev.subject.address, []).append(ev)

    def of(self, fact: object) -> Verdicts:
        prov = getattr(fact, "prov", None)
        out = Verdicts()
        if prov is None:
            return out
        rule_key = fact.rule_key if isinstance(fact, FirewallRule) else None
        for ev in self._by_address.get(prov.address, ()):
            if rule_key is not None and ev.evidence != rule_key and not ev.evidence.startswith(rule_key + " "):
                continue
            seen = out.status.get(ev.rule_id)
            if seen is None or _WORST[ev.status] > _WORST[Status(seen)]:
                out.status[ev.rule_id] = ev.status.value
                out.severity[ev.rule_id] = ev.severity
                if ev.fix_hint:
                    out.hints[ev.rule_id] = ev.fix_hint
        return out

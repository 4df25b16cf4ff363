"""Runs the rule registry over an inventory and assembles the Result."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence

from emailiac.baseline import Baseline
from emailiac.model import Inventory, Note
from emailiac.result import Evaluation, Finding, InputError, Result, Severity, Status, Suppression
from emailiac.rules import ALL_RULES, Rule

__all__ = ["evaluate", "note_warnings", "select_rules"]


def select_rules(
    rules: Sequence[Rule], baseline: Baseline, only: Iterable[str] = (), skip: Iterable[str] = ()
) -> tuple[Rule, ...]:
    wanted = {r.upper() for r in only}
    skipped = {r.upper() for r in skip} | set(baseline.rules.disabled)
    return tuple(r for r in rules if (not wanted or r.id in wanted) and r.id not in skipped)


def _suppression_for(ev: Evaluation, suppressions: Sequence[Suppression], today: dt.date) -> Suppression | None:
    subject = ev.subject
    if subject.file is None or subject.line is None:
        return None
    last = subject.end_line or subject.line
    for sup in suppressions:
        if sup.file != subject.file or ev.rule_id not in sup.rule_ids:
            continue
        if sup.until and dt.date.fromisoformat(sup.until) < today:
            continue
        # The comment covers the block it sits in, or the block starting on the next line.
        if sup.first_line <= subject.line <= sup.last_line or subject.line <= sup.line <= last:
            return sup
    return None


def _suppression_warnings(suppressions: Sequence[Suppression], known_ids: set[str], today: dt.date) -> list[str]:
    warnings = []
    for sup in suppressions:
        for rule_id in sup.rule_ids:
            if rule_id not in known_ids:
                warnings.append(f"{sup.file}:{sup.line}: emailiac:ignore names unknown rule {rule_id}")
        if sup.until and dt.date.fromisoformat(sup.until) < today:
            warnings.append(f"{sup.file}:{sup.line}: emailiac:ignore expired on {sup.until}; it no longer applies")
    return warnings


def note_warnings(notes: Iterable[Note]) -> list[str]:
    """What a source noted while reading (a remote module, an unknown count), as warning lines."""
    return [
        f"{note.file}:{note.line}: {note.address}: {note.reason}" if note.file else f"{note.address}: {note.reason}"
        for note in notes
    ]


def evaluate(
    inventory: Inventory,
    baseline: Baseline,
    *,
    rules: Sequence[Rule] = ALL_RULES,
    only: Iterable[str] = (),
    skip: Iterable[str] = (),
    suppressions: Sequence[Suppression] = (),
    errors: Sequence[InputError] = (),
    today: dt.date | None = None,
) -> Result:
    today = today or dt.date.today()
    chosen = select_rules(rules, baseline, only, skip)
    result = Result(baseline=baseline.name, errors=list(errors), rules_run=tuple(r.id for r in chosen))
    result.sources = tuple(sorted(inventory.sources))
    overrides = {k: Severity.parse(v) for k, v in baseline.rules.severity.items()}
    for rule in chosen:
        base_severity = overrides.get(rule.id, rule.severity)
        for verdict in rule.run(inventory, baseline):
            severity = verdict.severity if verdict.severity and rule.id not in overrides else base_severity
            status, message = verdict.status, verdict.message
            absent = verdict.subject.maybe_absent
            if status is Status.PASS and rule.presence and absent is not None:
                status, message = Status.NOT_ASSESSED, f"{message}, if {verdict.subject.address} is created: {absent}"
            ev = Evaluation(
                rule_id=rule.id,
                status=status,
                subject=verdict.subject,
                message=message,
                severity=severity,
                evidence=verdict.evidence,
                fix_hint=verdict.fix_hint,
                out_of_scope=verdict.out_of_scope,
                data=verdict.data,
            )
            if ev.status is Status.FAIL:
                sup = _suppression_for(ev, suppressions, today)
                result.findings.append(Finding(ev, rule.title, rule.controls, sup))
            elif ev.status is Status.PASS:
                result.passes.append(ev)
            else:
                result.not_assessed.append(ev)
    result.warnings.extend(note_warnings(inventory.notes))
    result.warnings.extend(_suppression_warnings(suppressions, {r.id for r in ALL_RULES}, today))
    result.findings.sort(key=lambda f: f.evaluation.sort_key)
    result.passes.sort(key=lambda e: e.sort_key)
    result.not_assessed.sort(key=lambda e: e.sort_key)
    result.errors.sort(key=lambda e: (e.file or "", e.line or 0, e.message))
    return result

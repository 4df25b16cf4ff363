"""One self-contained HTML file per report (lint, scan or drift): summary cards, coverage bars, and a
filterable table with the fix beside each finding and drift entry. Rendered here, styled by html_page."""

from __future__ import annotations

import json
from html import escape
from typing import Any

from emailiac.drift.model import DriftItem, DriftReport
from emailiac.report.common import SEVERITIES, display_path, location, summarize
from emailiac.report.drift_text import summary_text
from emailiac.report.html_page import Bar, Card, Row, page
from emailiac.report.options import ReportOptions
from emailiac.result import Finding, Result

__all__ = ["render", "render_drift"]

_HEADERS = ("Status", "Object", "What", "Verdicts", "Fix")


def _code(text: str) -> str:
    return f"<code>{escape(text)}</code>"


def _badge(text: str, tone: str) -> str:
    return f'<span class="badge b-{escape(tone)}">{escape(text)}</span>'


def _fix_cell(finding: Finding) -> str:
    ev = finding.evaluation
    parts = []
    if ev.fix_hint:
        parts.append(f'<div class="fix">{escape(ev.fix_hint)}</div>')
    payload = ev.data.get("fix")
    if isinstance(payload, dict):
        for block in payload.get("new_blocks", []):
            text = block.get("text") or block.get("hcl")
            if isinstance(text, str):
                parts.append(f"<pre>{escape(text)}</pre>")
        for edit in payload.get("edits", []):
            text = edit.get("text") or edit.get("new_text")
            if isinstance(text, str) and text.strip():
                parts.append(f"<pre>{escape(text)}</pre>")
    return "".join(parts)


def _finding_row(finding: Finding, options: ReportOptions) -> Row:
    ev = finding.evaluation
    where = location(ev.subject, options)
    cells = [
        _badge(ev.severity.label, ev.severity.label) + f'<div class="muted">{escape(ev.subject.source)}</div>',
        f"{_code(ev.subject.address)}"
        + (f'<div class="muted">{escape(where)}</div>' if where != ev.subject.address else ""),
        f"<b>{escape(ev.rule_id)}</b> {escape(finding.title)}<div>{escape(ev.message)}</div>",
        f'<span class="v v-fail">{escape(ev.rule_id)} fail</span>',
        _fix_cell(finding),
    ]
    return Row("finding", "finding", ev.severity.label, cells)


def _value(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)


def _marked(text: str, other: str) -> str:
    """`text` with the part that differs from `other` marked (common start and end left plain); short
    values (`true`, `8`) are marked whole."""
    if len(text) < 12 or len(other) < 12:
        return f"<mark>{escape(text)}</mark>"
    start = 0
    while start < min(len(text), len(other)) and text[start] == other[start]:
        start += 1
    end = 0
    while end < min(len(text), len(other)) - start and text[-1 - end] == other[-1 - end]:
        end += 1
    middle = text[start : len(text) - end]
    return escape(text[:start]) + (f"<mark>{escape(middle)}</mark>" if middle else "") + escape(text[len(text) - end :])


def _verdicts(item: DriftItem) -> str:
    """Rules whose verdict differs between the sides, or that fail, as `RULE declared -> live`; the rest
    summarised in one line."""
    chips = []
    same = 0
    for rule in sorted(set(item.declared_verdicts) | set(item.live_verdicts)):
        before, after = item.declared_verdicts.get(rule), item.live_verdicts.get(rule)
        if before == after and before != "fail":
            same += 1
            continue
        tone = after or before or "not_assessed"
        flow = " → ".join(escape(v.replace("_", " ")) for v in (before, after) if v)
        chips.append(f'<span class="v v-{escape(tone)}">{escape(rule)} {flow}</span>')
    if same:
        chips.append(f'<div class="muted">{same} more agree</div>')
    sides = {"changed": "declared → live", "managed": "declared → live", "unmanaged": "live", "missing": "declared"}
    return f'<div class="muted">{sides[item.status]}</div>' + "".join(chips) if chips else ""


def _drift_row(item: DriftItem, options: ReportOptions) -> Row:
    status = _badge(item.status, item.status)
    if item.weakens:
        status += " " + _badge("weakening", "weak")
    if item.severity:
        status += f"<div>{_badge(item.severity.label, item.severity.label)}</div>"
    names = [_code(x) for x in (item.address, item.live_id) if x]
    where = f'<div class="muted">{escape(display_path(item.file, options))}:{item.line}</div>' if item.file else ""
    what = [f'<div class="muted">{escape(item.kind)} · {escape(item.source)}</div>']
    for change in item.changes:
        declared, live = _value(change.declared), _value(change.live)
        what.append(
            f'<div class="chg"><b>{escape(change.attribute)}</b>'
            f"<div>declared <del>{_marked(declared, live)}</del></div>"
            f"<div>live <ins>{_marked(live, declared)}</ins></div></div>"
        )
    if item.unresolved:
        what.append(f'<div class="muted">not compared, unknown until apply: {escape(", ".join(item.unresolved))}</div>')
    if item.status == "unmanaged":
        what.append('<div class="muted">live only: Terraform does not manage it</div>')
    elif item.status == "missing":
        what.append('<div class="muted">declared, not found live</div>')
    fixes = "".join(f'<div class="fix">{escape(h)}</div>' for h in item.fix_hints)
    if item.status == "unmanaged":
        fixes += (
            '<div class="fix">Adopt it: <code>emailiac fix --from-drift drift.json</code> writes an import block</div>'
        )
    elif item.weakens:
        fixes += '<div class="fix">The code is the stronger side: <code>terraform apply</code> restores it</div>'
    elif item.strengthens:
        fixes += (
            '<div class="fix">The live value is the stronger one: <code>emailiac fix --from-drift drift.json</code>'
            " writes it into the code</div>"
        )
    elif item.status == "missing":
        fixes += '<div class="fix">Declared, not live: <code>terraform apply</code> creates it</div>'
    cells = [
        status,
        f"<b>{escape(item.identity)}</b><div>{' '.join(names)}</div>{where}",
        "".join(what),
        _verdicts(item),
        fixes,
    ]
    return Row("drift", item.status, item.severity.label if item.severity else "", cells, weak=bool(item.weakens))


def _severity_cards(counts: dict[str, int]) -> list[Card]:
    return [
        Card(s.label, counts[s.label], "bad" if counts[s.label] and s.label in ("critical", "high") else "")
        for s in SEVERITIES
    ]


def render(result: Result, options: ReportOptions) -> str:
    """The lint or scan report as one HTML page."""
    summary = summarize(result)
    cards = [
        Card("findings", summary.findings, "bad" if summary.findings else "good"),
        *_severity_cards(summary.by_severity),
    ]
    cards += [Card("passed", summary.passed, "good"), Card("not assessed", summary.not_assessed)]
    families: dict[str, list[int]] = {}
    for ev in result.passes:
        families.setdefault(ev.rule_id, [0, 0])[0] += 1
    for finding in result.active_findings:
        families.setdefault(finding.rule_id, [0, 0])[1] += 1
    bars = [Bar(rule, ok, ok + bad, f"{ok} passed, {bad} failed") for rule, (ok, bad) in sorted(families.items())]
    sources = ", ".join(result.sources) or "nothing"
    return page(
        title="emailiac report",
        subtitle=f"baseline {result.baseline} · sources: {sources}",
        cards=cards,
        bars=bars,
        bars_title="Checks passed per rule",
        groups=(("all", "everything"),),
        headers=("Severity", "Resource", "Finding", "Verdict", "Fix"),
        rows=[_finding_row(f, options) for f in result.active_findings],
        footer=f"emailiac {options.tool_version}",
    )


def render_drift(report: DriftReport, options: ReportOptions) -> str:
    """The drift report as one HTML page: drift entries (weakening first) and both sides' findings."""
    counts = report.counts()
    weakening = sum(1 for i in report.items if i.weakens)
    findings = [*report.declared.active_findings, *report.live.active_findings]
    by_severity = {s.label: sum(1 for f in findings if f.severity is s) for s in SEVERITIES}
    cards = [
        Card("weakening", weakening, "bad" if weakening else "good"),
        Card("changed", counts["changed"], "warn" if counts["changed"] else "good"),
        Card("unmanaged", counts["unmanaged"], "info" if counts["unmanaged"] else "good"),
        Card("missing", counts["missing"], "warn" if counts["missing"] else "good"),
        Card("managed", counts["managed"], "good"),
        Card("findings", len(findings), "bad" if findings else "good"),
        *_severity_cards(by_severity),
    ]
    bars = [
        Bar(c.kind, c.managed, c.live, f"{c.managed} of {c.live} live objects managed")
        for c in report.coverage
        if c.live
    ]
    shown = report.items if options.show_passes else report.drifted
    rows = [_drift_row(i, options) for i in shown] + [_finding_row(f, options) for f in findings]
    matched = f"IDs from {report.state_file}" if report.state_file else "natural keys"
    return page(
        title="emailiac drift report",
        subtitle=(
            f"{', '.join(report.terraform_paths)} against live {', '.join(report.live_sources) or 'nothing'}"
            f" · matched by {matched} · {summary_text(report)}"
        ),
        cards=cards,
        bars=bars,
        bars_title="Coverage: live objects that Terraform manages",
        groups=(
            ("all", "everything"),
            ("weak", "weakening drift"),
            ("drift", "all drift"),
            ("changed", "changed"),
            ("unmanaged", "unmanaged"),
            ("missing", "missing"),
            ("managed", "managed"),
            ("finding", "findings"),
        ),
        headers=_HEADERS,
        rows=rows,
        footer=f"emailiac {options.tool_version} · baseline {report.declared.baseline}",
    )

"""The drift report for people at a terminal: what drifted, worst first, then coverage and a summary line."""

from __future__ import annotations

import json
from typing import Any

from emailiac.drift.model import DriftItem, DriftReport
from emailiac.report.common import display_path, plural
from emailiac.report.options import ReportOptions

__all__ = ["change_text", "render", "summary_text", "verdict_text"]


def _value(value: Any) -> str:
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return str(value)
    return json.dumps(value, ensure_ascii=False)


def change_text(attribute: str, declared: Any, live: Any) -> str:
    return f"{attribute}: {_value(declared)} (declared) -> {_value(live)} (live)"


def verdict_text(item: DriftItem) -> str:
    """`declared passes TLS001, live fails TLS001` and the like, for the rules whose verdict differs or
    that the live object fails."""
    parts = []
    if item.weakens:
        rules = ", ".join(item.weakens)
        parts.append(f"declared passes {rules}, live fails {rules}")
    if item.strengthens:
        rules = ", ".join(item.strengthens)
        parts.append(f"declared fails {rules}, live passes {rules}")
    if not item.weakens and not item.strengthens:
        side = item.live_verdicts if item.status != "missing" else item.declared_verdicts
        failing = [r for r, s in side.items() if s == "fail"]
        if failing:
            parts.append(f"{'declared' if item.status == 'missing' else 'live'} fails {', '.join(failing)}")
    return "; ".join(parts)


def _name(item: DriftItem, options: ReportOptions) -> str:
    where = item.address or item.live_id or ""
    if item.file:
        where += f" ({display_path(item.file, options)}:{item.line})" if item.line else f" ({item.file})"
    return where


def summary_text(report: DriftReport) -> str:
    counts = report.counts()
    weakening = sum(1 for i in report.items if i.weakens)
    head = f"{counts['changed']} changed"
    if weakening:
        head += f" ({weakening} weakening)"
    parts = [head, f"{counts['unmanaged']} unmanaged", f"{counts['missing']} missing", f"{counts['managed']} managed"]
    if report.not_compared:
        parts.append(f"{len(report.not_compared)} not compared")
    findings = len(report.declared.active_findings) + len(report.live.active_findings)
    parts.append(plural(findings, "finding"))
    return " · ".join(parts)


def render(report: DriftReport, options: ReportOptions) -> str:
    lines: list[str] = []
    matched = f"IDs from {report.state_file}" if report.state_file else "natural keys (no state file)"
    sources = ", ".join(report.live_sources) or "nothing"
    lines.append(f"drift: {', '.join(report.terraform_paths)} against live {sources}; matched by {matched}")
    shown = report.items if options.show_passes else report.drifted
    for item in shown:
        region = f" [{item.region}]" if item.region else ""
        lines.append(f"  {item.status.upper():<10} {item.kind:<22} {item.identity}{region}")
        lines.append(f"{'':13}{_name(item, options)}")
        for change in item.changes:
            lines.append(f"{'':13}{change_text(change.attribute, change.declared, change.live)}")
        if item.unresolved:
            lines.append(f"{'':13}not compared (unknown until apply): {', '.join(item.unresolved)}")
        verdicts = verdict_text(item)
        if verdicts:
            lines.append(f"{'':13}{verdicts}")
        for hint in item.fix_hints:
            lines.append(f"{'':13}fix: {hint}")
    if report.coverage:
        cells = [
            f"{c.kind} {c.managed}/{c.live}" + (f" ({c.ratio:.0%})" if c.ratio is not None else "")
            for c in report.coverage
            if c.live
        ]
        lines.append("coverage (live objects Terraform manages): " + " · ".join(cells))
    if options.show_not_assessed:
        for skipped in report.not_compared:
            lines.append(f"  not compared: {skipped.kind} {skipped.side} {skipped.name}: {skipped.reason}")
    lines.append(summary_text(report))
    return "\n".join(lines) + "\n"

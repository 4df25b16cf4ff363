"""The drift report as JSON (schemas/drift.schema.json): drift items first-ranked first, coverage per kind,
and the findings of both sides in the report's usual shape, so `emailiac diff` reads any report alike."""

from __future__ import annotations

from typing import Any

from emailiac.drift.model import STATUSES, DriftItem, DriftReport
from emailiac.report.common import SEVERITIES, display_path
from emailiac.report.json_report import layout, report_data
from emailiac.report.options import ReportOptions

__all__ = ["drift_data", "render"]


def _item(item: DriftItem, options: ReportOptions) -> dict[str, Any]:
    return {
        "status": item.status,
        "kind": item.kind,
        "source": item.source,
        "identity": item.identity,
        "address": item.address,
        "live_id": item.live_id,
        "live_uri": item.live_uri,
        "file": display_path(item.file, options) if item.file else None,
        "line": item.line,
        "region": item.region,
        "matched_by": item.matched_by,
        "changes": [{"attribute": c.attribute, "declared": c.declared, "live": c.live} for c in item.changes],
        "unresolved": list(item.unresolved),
        "declared_verdicts": item.declared_verdicts,
        "live_verdicts": item.live_verdicts,
        "weakens": list(item.weakens),
        "strengthens": list(item.strengthens),
        "severity": item.severity.label if item.severity else None,
        "fingerprint": item.fingerprint,
        "fix_hints": list(item.fix_hints),
        "declared_values": item.declared_values,
        "live_values": item.live_values,
    }


def drift_data(report: DriftReport, options: ReportOptions) -> dict[str, Any]:
    declared = report_data(report.declared, options)
    live = report_data(report.live, options)
    findings = [*declared["findings"], *live["findings"]]
    by_severity = {s.label: 0 for s in SEVERITIES}
    for finding in findings:
        if not finding["suppressed"]:
            by_severity[finding["severity"]] += 1
    counts = report.counts()
    return {
        "tool": {"name": "emailiac", "version": options.tool_version},
        "report": "drift",
        "baseline": report.declared.baseline,
        "terraform": list(report.terraform_paths),
        "state": report.state_file,
        "live_sources": list(report.live_sources),
        "summary": {
            **{s: counts[s] for s in STATUSES},
            "drifted": len(report.drifted),
            "weakening": sum(1 for i in report.items if i.weakens),
            "not_compared": len(report.not_compared),
            "findings": sum(by_severity.values()),
            **by_severity,
        },
        "coverage": {
            c.kind: {
                "live": c.live,
                "managed": c.managed,
                "declared": c.declared,
                "ratio": round(c.ratio, 4) if c.ratio is not None else None,
            }
            for c in report.coverage
        },
        "drift": [_item(i, options) for i in report.items],
        "not_compared": [
            {"kind": n.kind, "side": n.side, "name": n.name, "reason": n.reason} for n in report.not_compared
        ],
        "findings": findings,
        "not_assessed": [*declared["not_assessed"], *live["not_assessed"]],
        "errors": [*declared["errors"], *live["errors"]],
        "warnings": [*declared["warnings"], *live["warnings"]],
    }


def render(report: DriftReport, options: ReportOptions) -> str:
    return layout(drift_data(report, options))

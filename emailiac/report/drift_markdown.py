"""The drift report as Markdown, for a pull-request or issue comment."""

from __future__ import annotations

from emailiac.drift.model import DriftReport
from emailiac.report.drift_text import change_text, summary_text, verdict_text
from emailiac.report.markdown import cell, code
from emailiac.report.options import ReportOptions

__all__ = ["render"]


def render(report: DriftReport, options: ReportOptions) -> str:
    counts = report.counts()
    lines = ["## emailiac drift", "", summary_text(report), ""]
    lines += ["| Managed | Changed | Unmanaged | Missing |", "| ---: | ---: | ---: | ---: |"]
    lines += [f"| {counts['managed']} | {counts['changed']} | {counts['unmanaged']} | {counts['missing']} |", ""]
    if report.drifted:
        lines += ["| Status | Kind | Object | What differs | Verdicts | Fix |", "| --- | --- | --- | --- | --- | --- |"]
        for item in report.drifted:
            name = " ".join(code(x) for x in (item.address, item.live_id) if x)
            what = "<br>".join(cell(change_text(c.attribute, c.declared, c.live)) for c in item.changes)
            flag = "**weakening** " if item.weakens else ""
            fix = "<br>".join(cell(h) for h in item.fix_hints)
            lines.append(
                f"| {flag}{item.status} | {cell(item.kind)} | {cell(item.identity)}<br>{name} | {what} | "
                f"{cell(verdict_text(item))} | {fix} |"
            )
        lines.append("")
    covered = [c for c in report.coverage if c.live]
    if covered:
        lines += ["| Kind | Live | Managed by Terraform | Coverage |", "| --- | ---: | ---: | ---: |"]
        for c in covered:
            ratio = f"{c.ratio:.0%}" if c.ratio is not None else ""
            lines.append(f"| {cell(c.kind)} | {c.live} | {c.managed} | {ratio} |")
        lines.append("")
    return "\n".join(lines) + "\n"

"""A Markdown report sized for a pull-request comment: a summary table, then findings by severity."""

from __future__ import annotations

from emailiac.report.common import (
    SEVERITIES,
    error_location,
    location,
    plural,
    printable,
    summarize,
    summary_line,
)
from emailiac.report.options import ReportOptions
from emailiac.result import Evaluation, Finding, Result

__all__ = ["cell", "code", "render"]

_ESCAPES = str.maketrans(
    {
        "\\": "\\\\",
        "|": "\\|",
        "`": "\\`",
        "*": "\\*",
        "_": "\\_",
        "[": "\\[",
        "]": "\\]",
        "<": "&lt;",
        ">": "&gt;",
        "\r": " ",
        "\n": " ",
    }
)


def cell(text: str) -> str:
    """Text made safe for a table cell: no markup, no HTML, no line breaks, no column breaks, no control
    characters, and no @mention (a zero-width space after the @ keeps a comment from notifying anyone)."""
    return printable(text.translate(_ESCAPES)).replace("@", "@&#8203;")


def code(text: str) -> str:
    """Text as inline code, when it can be (a backtick or control character inside cannot), else as escaped
    text."""
    if "`" in text or not text.isprintable():
        return cell(text)
    # Inside a table even a code span needs its pipes escaped (GitHub strips the backslash).
    return f"`{text.replace('|', chr(92) + '|')}`"


def _place(ev: Evaluation, options: ReportOptions) -> str:
    return code(location(ev.subject, options)) if ev.subject.file else ""


def _finding_rows(findings: list[Finding], options: ReportOptions) -> list[str]:
    rows = ["| Rule | Resource | Location | Message | Fix |", "| --- | --- | --- | --- | --- |"]
    for finding in findings:
        ev = finding.evaluation
        rule = f"{code(ev.rule_id)} {cell(finding.title)}"
        resource = code(ev.subject.address)
        rows.append(f"| {rule} | {resource} | {_place(ev, options)} | {cell(ev.message)} | {cell(ev.fix_hint)} |")
    return rows


def _evaluation_rows(evaluations: list[Evaluation], options: ReportOptions, heading: str) -> list[str]:
    rows = [f"| Rule | Resource | Location | {heading} |", "| --- | --- | --- | --- |"]
    for ev in evaluations:
        resource = code(ev.subject.address)
        rows.append(f"| {code(ev.rule_id)} | {resource} | {_place(ev, options)} | {cell(ev.message)} |")
    return rows


def _details(summary: str, body: list[str]) -> list[str]:
    return ["<details>", f"<summary>{summary}</summary>", "", *body, "", "</details>", ""]


def render(result: Result, options: ReportOptions) -> str:
    summary = summarize(result)
    out = ["## emailiac report", ""]
    out.append(f"Baseline {code(result.baseline)} · emailiac {cell(options.tool_version)}")
    out.append("")
    out.append(f"**{cell(summary_line(summary))}**")
    out.append("")
    out += ["| Severity | Findings |", "| --- | ---: |"]
    out += [f"| {s.label.capitalize()} | {summary.by_severity[s.label]} |" for s in SEVERITIES]
    out += [
        f"| **Total** | **{summary.findings}** |",
        "",
        "| Passed | Not assessed | Out of scope | Suppressed | Errors |",
        "| ---: | ---: | ---: | ---: | ---: |",
        f"| {summary.passed} | {summary.not_assessed} | {summary.out_of_scope} | {summary.suppressed}"
        f" | {summary.errors} |",
        "",
    ]
    active = result.active_findings
    for severity in SEVERITIES:
        members = [f for f in active if f.severity is severity]
        if members:
            out += [
                f"### {severity.label.capitalize()} ({len(members)})",
                "",
                *_finding_rows(members, options),
                "",
            ]
    if result.errors:
        out += [f"### Errors ({len(result.errors)})", ""]
        for error in result.errors:
            where = error_location(error, options)
            out.append(f"- {code(where) + ': ' if where else ''}{cell(error.message)}")
        out.append("")
    incomplete = [e for e in result.not_assessed if not e.out_of_scope]
    if incomplete:
        out += _details(f"Not assessed ({len(incomplete)})", _evaluation_rows(incomplete, options, "Reason"))
    out_of_scope = [e for e in result.not_assessed if e.out_of_scope]
    if out_of_scope and options.show_out_of_scope:
        out += _details(f"Out of scope ({len(out_of_scope)})", _evaluation_rows(out_of_scope, options, "Reason"))
    suppressed = [f for f in result.findings if f.suppressed_by is not None]
    if suppressed:
        rows = ["| Rule | Resource | Reason |", "| --- | --- | --- |"]
        for finding in suppressed:
            reason = finding.suppressed_by.reason if finding.suppressed_by else ""
            rows.append(f"| {code(finding.rule_id)} | {code(finding.evaluation.subject.address)} | {cell(reason)} |")
        out += _details(f"Suppressed ({len(suppressed)})", rows)
    if result.warnings:
        out += _details(plural(len(result.warnings), "warning").capitalize(), [f"- {cell(w)}" for w in result.warnings])
    if options.show_passes and result.passes:
        out += _details(f"Passed ({len(result.passes)})", _evaluation_rows(result.passes, options, "Message"))
    while out and out[-1] == "":
        out.pop()
    return "\n".join(out) + "\n"

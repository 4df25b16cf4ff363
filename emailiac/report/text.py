"""The terminal report: findings grouped by file, then errors, warnings and a one-line summary."""

from __future__ import annotations

import io
from typing import TYPE_CHECKING

from emailiac.report.common import (
    call_location,
    display_path,
    error_location,
    group_label,
    location,
    printable,
    summarize,
    summary_line,
)
from emailiac.report.options import ReportOptions
from emailiac.result import Evaluation, Finding, InputError, Result, Severity

if TYPE_CHECKING:
    from rich.console import Console

__all__ = ["render"]


class Text:
    """One line of the report: its pieces and their styles. rich renders it only when colour is on (a
    report without colour, as in CI and pre-commit, never imports rich)."""

    def __init__(self, text: str = "", style: str = "") -> None:
        self.style = style
        self.pieces: list[tuple[str, str]] = [(text, "")] if text else []

    def append(self, text: str, style: str = "") -> None:
        self.pieces.append((text, style))

    @property
    def plain(self) -> str:
        return "".join(text for text, _ in self.pieces)


SEVERITY_STYLE = {
    Severity.CRITICAL: "bold red",
    Severity.HIGH: "red",
    Severity.MEDIUM: "yellow",
    Severity.LOW: "cyan",
}


def _console(buffer: io.StringIO, options: ReportOptions) -> Console:
    from rich.console import Console

    # The environment is shut out (_environ={}) so that the output depends only on the options:
    # NO_COLOR, COLUMNS, TERM and friends are the command line's business.
    return Console(
        file=buffer,
        force_terminal=options.color,
        no_color=not options.color,
        color_system="standard" if options.color else None,
        width=options.width,
        highlight=False,
        markup=False,
        emoji=False,
        legacy_windows=False,
        _environ={},
    )


def _finding_lines(findings: list[Finding], options: ReportOptions) -> list[Text]:
    groups: dict[str, list[Finding]] = {}
    for finding in findings:
        groups.setdefault(group_label(finding.evaluation.subject, options), []).append(finding)
    line_width = max(len(_line(f.evaluation)) for f in findings)
    severity_width = max(len(f.severity.name) for f in findings)
    rule_width = max(len(f.rule_id) for f in findings)
    indent = " " * (2 + line_width + 2)
    lines: list[Text] = []
    for label, members in groups.items():
        lines.append(Text(label, style="bold"))
        for finding in members:
            ev = finding.evaluation
            row = Text("  ")
            row.append(_line(ev).rjust(line_width), style="dim")
            row.append("  ")
            row.append(finding.severity.name.ljust(severity_width), style=SEVERITY_STYLE[finding.severity])
            row.append("  ")
            row.append(ev.rule_id.ljust(rule_width), style="bold")
            row.append("  ")
            row.append(_one_line(ev.message))
            if ev.subject.file is None:
                row.append(f" ({ev.subject.address})", style="dim")
            lines.append(row)
            context = _context(ev, options)
            if context:
                lines.append(Text(f"{indent}{context}", style="dim"))
            if ev.fix_hint:
                lines.append(Text(f"{indent}fix: {ev.fix_hint}", style="green"))
        lines.append(Text(""))
    return lines


def _context(ev: Evaluation, options: ReportOptions) -> str:
    """Which module instance and root a finding belongs to, when the file alone does not say it."""
    subject = ev.subject
    parts = []
    if subject.call is not None:
        parts.append(f"in {_module_of(subject.address)}, called at {call_location(subject.call, options)}")
    if subject.root is not None:
        parts.append(f"root {display_path(subject.root, options)}")
    return " · ".join(parts)


def _module_of(address: str) -> str:
    """`module.a["x"].module.b` of `module.a["x"].module.b.aws_x.y[0]` (data sources too)."""
    head, sep, _ = address.rpartition(".data.")
    if sep:
        return head
    parts = address.split(".")
    # A resource address ends in TYPE.NAME (with an optional instance key inside NAME).
    return ".".join(parts[:-2]) if len(parts) > 2 else ""


def _one_line(text: str) -> str:
    # A line break inside a message would break the columns.
    return " ".join(text.splitlines())


def _line(ev: Evaluation) -> str:
    return str(ev.subject.line) if ev.subject.line is not None else "-"


def _error_text(error: InputError, options: ReportOptions) -> str:
    where = error_location(error, options)
    message = _one_line(error.message)
    return f"{where}: {message}" if where else message


def _section(title: str, rows: list[Text], style: str = "bold") -> list[Text]:
    return [Text(title, style=style), *rows, Text("")] if rows else []


def _evaluation_rows(evaluations: list[Evaluation], options: ReportOptions, mark_scope: bool) -> list[Text]:
    rows = []
    for ev in evaluations:
        row = Text(f"  {location(ev.subject, options)}  ")
        row.append(ev.rule_id, style="bold")
        row.append(f"  {_one_line(ev.message)}")
        if mark_scope and ev.out_of_scope:
            row.append(" (out of scope)", style="dim")
        rows.append(row)
    return rows


def render(result: Result, options: ReportOptions) -> str:
    summary = summarize(result)
    lines: list[Text] = []
    active = result.active_findings
    if active:
        lines += _finding_lines(active, options)
    lines += _section("Errors", [Text(f"  {_error_text(e, options)}") for e in result.errors], "bold red")
    # Warnings go to standard error, once (the command line writes them), not into the report.
    # What could not be assessed makes the run incomplete (exit 2), so it is always listed with its reason;
    # checks out of scope only when asked.
    shown = [e for e in result.not_assessed if options.show_out_of_scope or not e.out_of_scope]
    lines += _section("Not assessed", _evaluation_rows(shown, options, mark_scope=True))
    if options.show_passes:
        lines += _section("Passed", _evaluation_rows(result.passes, options, mark_scope=False))
    style = "bold green" if summary.clean else "bold"
    lines.append(Text(summary_line(summary), style=style))
    # Paths, addresses and messages come from the input: no control character reaches the terminal.
    lines = [line if line.plain.isprintable() else Text(printable(line.plain), style=line.style) for line in lines]

    if not options.color:
        # Without colour the styles do nothing; rich's per-line rendering would cost seconds on a big tree.
        return "".join(f"{line.plain}\n" for line in lines)
    from rich.text import Text as RichText

    styled = []
    for line in lines:
        rich_line = RichText(style=line.style)
        for text, style in line.pieces:
            rich_line.append(text, style=style or None)
        styled.append(rich_line)
    buffer = io.StringIO()
    _console(buffer, options).print(RichText("\n").join(styled), soft_wrap=True)
    return buffer.getvalue()

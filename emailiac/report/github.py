"""GitHub Actions workflow commands: one annotation per active finding and per input error, nothing else."""

from __future__ import annotations

from emailiac.report.common import display_path, printable
from emailiac.report.options import ReportOptions
from emailiac.result import Finding, InputError, Result, Severity

__all__ = ["escape_data", "escape_property", "render"]

COMMAND = {
    Severity.CRITICAL: "error",
    Severity.HIGH: "error",
    Severity.MEDIUM: "warning",
    Severity.LOW: "notice",
}


def escape_data(text: str) -> str:
    # Line breaks are the runner's own escapes; any other control character is written out.
    return printable(text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A"))


def escape_property(text: str) -> str:
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def _command(name: str, properties: list[tuple[str, str]], message: str) -> str:
    props = ",".join(f"{key}={escape_property(value)}" for key, value in properties)
    return f"::{name}{' ' + props if props else ''}::{escape_data(message)}"


def _finding(finding: Finding, options: ReportOptions) -> str:
    ev = finding.evaluation
    subject = ev.subject
    properties: list[tuple[str, str]] = []
    if subject.file is not None:
        properties.append(("file", display_path(subject.file, options)))
        if subject.line is not None:
            properties.append(("line", str(subject.line)))
            if subject.end_line is not None and subject.end_line >= subject.line:
                properties.append(("endLine", str(subject.end_line)))
    properties.append(("title", f"{ev.rule_id} {finding.title}"))
    return _command(COMMAND[ev.severity], properties, ev.message)


def _error(error: InputError, options: ReportOptions) -> str:
    properties: list[tuple[str, str]] = []
    if error.file:
        properties.append(("file", display_path(error.file, options)))
        if error.line is not None:
            properties.append(("line", str(error.line)))
            if error.column is not None:
                properties.append(("col", str(error.column)))
    return _command("error", properties, error.message)


def render(result: Result, options: ReportOptions) -> str:
    lines = [_finding(f, options) for f in result.active_findings]
    lines += [_error(e, options) for e in result.errors]
    return "".join(line + "\n" for line in lines)

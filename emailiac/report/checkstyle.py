"""Checkstyle XML: the format Jenkins (Warnings Next Generation), reviewdog and many editors read.

One `<file>` per file with active findings (live subjects are grouped under their URI), one `<error>` per
finding; input errors are errors of their file.
"""

from __future__ import annotations

from collections import defaultdict
from xml.sax.saxutils import quoteattr

from emailiac.report.common import display_path
from emailiac.report.options import ReportOptions
from emailiac.result import Result, Severity

__all__ = ["SEVERITY", "render"]

# Checkstyle knows ignore, info, warning and error.
SEVERITY = {
    Severity.LOW: "info",
    Severity.MEDIUM: "warning",
    Severity.HIGH: "error",
    Severity.CRITICAL: "error",
}

_XML_INVALID = {c: None for c in range(0x20) if c not in (0x09, 0x0A, 0x0D)}


def _attr(text: str) -> str:
    # XML 1.0 cannot carry most control characters even escaped; they never matter in a message.
    return quoteattr(text.translate(_XML_INVALID))


def render(result: Result, options: ReportOptions) -> str:
    files: dict[str, list[str]] = defaultdict(list)
    for finding in sorted(result.active_findings, key=lambda f: f.evaluation.sort_key):
        ev = finding.evaluation
        subject = ev.subject
        name = display_path(subject.file, options) if subject.file else subject.address
        attrs = [f"line={_attr(str(subject.line or 1))}"]
        attrs += [
            f"severity={_attr(SEVERITY[ev.severity])}",
            f"message={_attr(f'{finding.title}: {ev.message}')}",
            f"source={_attr(f'emailiac.{ev.rule_id}')}",
        ]
        files[name].append(f"    <error {' '.join(attrs)}/>")
    for error in result.errors:
        name = display_path(error.file, options) if error.file else "-"
        attrs = [f"line={_attr(str(error.line or 1))}"]
        if error.column is not None:
            attrs.append(f"column={_attr(str(error.column))}")
        attrs += [f"severity={_attr('error')}", f"message={_attr(error.message)}", f"source={_attr('emailiac.input')}"]
        files[name].append(f"    <error {' '.join(attrs)}/>")
    out = ['<?xml version="1.0" encoding="UTF-8"?>', f"<checkstyle version={_attr('8.0')}>"]
    for name in sorted(files):
        out.append(f"  <file name={_attr(name)}>")
        out += files[name]
        out.append("  </file>")
    out.append("</checkstyle>")
    return "\n".join(out) + "\n"

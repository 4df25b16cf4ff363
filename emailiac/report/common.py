"""Small pieces every reporter shares: counts, paths, locations, rule families."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path, PurePath, PurePosixPath
from urllib.parse import urlsplit

from emailiac.model import Provenance
from emailiac.report.options import ReportOptions
from emailiac.result import Evaluation, InputError, Result, Severity

__all__ = [
    "SEVERITIES",
    "Summary",
    "call_location",
    "display_path",
    "error_location",
    "group_label",
    "location",
    "plural",
    "printable",
    "relative_path",
    "rule_family",
    "summarize",
    "summary_line",
]

SEVERITIES: tuple[Severity, ...] = tuple(sorted(Severity, reverse=True))  # critical first

# Control characters (C0, DEL, C1) shown as \xNN: a file name or record with an ESC in it must not recolour
# or rewrite a terminal, and one with a line break must not start a line of its own in a log.
_CONTROLS = {c: f"\\x{c:02x}" for c in (*range(0x20), 0x7F, *range(0x80, 0xA0))}


def printable(text: str) -> str:
    """`text` with every control character written out as `\\xNN`."""
    return text.translate(_CONTROLS)


@dataclass(frozen=True)
class Summary:
    by_severity: dict[str, int]  # active findings per severity label, critical first
    findings: int  # active (not suppressed)
    passed: int
    not_assessed: int  # could not be judged: the run is incomplete
    out_of_scope: int  # not judged because the input does not speak for the whole account or zone
    suppressed: int
    errors: int
    warnings: int

    @property
    def clean(self) -> bool:
        return not (self.findings or self.not_assessed or self.errors)


def summarize(result: Result) -> Summary:
    out_of_scope = sum(1 for e in result.not_assessed if e.out_of_scope)
    active = result.active_findings
    return Summary(
        by_severity=result.counts(),
        findings=len(active),
        passed=len(result.passes),
        not_assessed=len(result.not_assessed) - out_of_scope,
        out_of_scope=out_of_scope,
        suppressed=len(result.findings) - len(active),
        errors=len(result.errors),
        warnings=len(result.warnings),
    )


def plural(count: int, word: str, many: str | None = None) -> str:
    return f"{count} {word if count == 1 else (many or word + 's')}"


def relative_path(file: str, options: ReportOptions) -> str | None:
    """`file` relative to base_dir with forward slashes; None for an absolute path outside base_dir.

    A relative path that is not under base_dir is kept as it is: it is relative to where emailiac ran.
    """
    # Reports name the same few files thousands of times; path arithmetic per mention was the
    # largest cost of rendering a big report.
    return _relative_path(file, options.base_dir)


@functools.lru_cache(maxsize=4096)
def _relative_path(file: str, base_dir: Path | None) -> str | None:
    path = PurePath(file)
    if base_dir is not None:
        base = PurePath(base_dir)
        if path.is_absolute() == base.is_absolute():
            try:
                return path.relative_to(base).as_posix()
            except ValueError:
                pass
    return None if path.is_absolute() else path.as_posix()


def display_path(file: str, options: ReportOptions) -> str:
    """How a file is shown to people: relative to base_dir when inside it, home abbreviated to `~`."""
    return _display_path(file, options.base_dir, options.home_dir)


@functools.lru_cache(maxsize=4096)
def _display_path(file: str, base_dir: Path | None, home_dir: Path | None) -> str:
    rel = _relative_path(file, base_dir)
    if rel is not None:
        return rel
    path = PurePath(file)
    if path.is_absolute() and home_dir is not None:
        try:
            return (PurePosixPath("~") / path.relative_to(home_dir).as_posix()).as_posix()
        except ValueError:
            pass
    return path.as_posix()


def location(subject: Provenance, options: ReportOptions) -> str:
    """`file:line` for code, the address (live URI, or an account-wide subject) otherwise."""
    if subject.file is None:
        return subject.address
    where = display_path(subject.file, options)
    return f"{where}:{subject.line}" if subject.line is not None else where


def call_location(call: str, options: ReportOptions) -> str:
    """A module call (`file:line`) as reports show files."""
    file, _, line = call.rpartition(":")
    return f"{display_path(file, options)}:{line}" if file else call


def group_label(subject: Provenance, options: ReportOptions) -> str:
    """Findings are grouped by file; live ones by the scheme and authority of their URI."""
    if subject.file is not None:
        return display_path(subject.file, options)
    parts = urlsplit(subject.address)
    if parts.scheme and parts.netloc:
        return f"{parts.scheme}://{parts.netloc}"
    return subject.source


def rule_family(evaluation: Evaluation, options: ReportOptions) -> str:
    rule = options.rule(evaluation.rule_id)
    if rule is not None:
        return rule.family
    # Without metadata, the ID's letters name the family well enough (NET001 -> net).
    return evaluation.rule_id.rstrip("0123456789").lower() or "other"


def error_location(error: InputError, options: ReportOptions) -> str:
    """`file:line:column` of an input error, as much of it as is known ('' when nothing is)."""
    where = [display_path(error.file, options)] if error.file else []
    where += [str(p) for p in (error.line, error.column) if p is not None]
    return ":".join(where)


def summary_line(summary: Summary) -> str:
    if summary.clean:
        extras = _summary_extras(summary, include_errors=False)
        tail = f" ({' · '.join(extras)})" if extras else ""
        return f"No findings. {plural(summary.passed, 'check')} passed.{tail}"
    head = plural(summary.findings, "finding")
    breakdown = [f"{summary.by_severity[s.label]} {s.label}" for s in SEVERITIES if summary.by_severity[s.label]]
    if breakdown:
        head += f" ({', '.join(breakdown)})"
    parts = [head, f"{summary.passed} passed"]
    if summary.not_assessed:
        parts.append(f"{summary.not_assessed} not assessed")
    parts += _summary_extras(summary, include_errors=True)
    return " · ".join(parts)


def _summary_extras(summary: Summary, include_errors: bool) -> list[str]:
    extras = []
    if summary.out_of_scope:
        extras.append(f"{summary.out_of_scope} out of scope")
    if summary.suppressed:
        extras.append(f"{summary.suppressed} suppressed")
    if include_errors and summary.errors:
        extras.append(plural(summary.errors, "error"))
    if summary.warnings:
        extras.append(plural(summary.warnings, "warning"))
    return extras

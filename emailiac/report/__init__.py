"""Reporters: pure functions `render(result, options) -> str`, chosen by format name.

The command line picks one from REPORTERS and writes what it returns; nothing here prints or reads files.
"""

from __future__ import annotations

from collections.abc import Callable

from emailiac.drift.model import DriftReport
from emailiac.report import (
    checkstyle,
    drift_json,
    drift_markdown,
    drift_text,
    github,
    gitlab,
    html,
    json_report,
    junit,
    markdown,
    sarif,
    text,
)
from emailiac.report.options import ReportOptions, rules_by_id
from emailiac.result import Result

__all__ = [
    "DRIFT_REPORTERS",
    "FORMATS",
    "REPORTERS",
    "DriftReporter",
    "ReportOptions",
    "Reporter",
    "render",
    "rules_by_id",
]

Reporter = Callable[[Result, ReportOptions], str]
DriftReporter = Callable[[DriftReport, ReportOptions], str]

REPORTERS: dict[str, Reporter] = {
    "text": text.render,
    "json": json_report.render,
    "sarif": sarif.render,
    "junit": junit.render,
    "markdown": markdown.render,
    "github": github.render,
    "gitlab": gitlab.render,
    "checkstyle": checkstyle.render,
    "html": html.render,
}

# `emailiac drift` reports: the same HTML page renderer, with drift entries and coverage.
DRIFT_REPORTERS: dict[str, DriftReporter] = {
    "text": drift_text.render,
    "json": drift_json.render,
    "markdown": drift_markdown.render,
    "html": html.render_drift,
}

FORMATS: tuple[str, ...] = tuple(REPORTERS)


def render(format_name: str, result: Result, options: ReportOptions) -> str:
    try:
        reporter = REPORTERS[format_name]
    except KeyError:
        raise ValueError(f"unknown report format {format_name!r} (expected one of {', '.join(FORMATS)})") from None
    return reporter(result, options)

"""Reporters: pure functions `render(result, options) -> str`, chosen by format name.

The command line picks one from REPORTERS and writes what it returns; nothing here prints or reads files.
"""

from __future__ import annotations

from collections.abc import Callable

from emailiac.report import checkstyle, github, gitlab, json_report, junit, markdown, sarif, text
from emailiac.report.options import ReportOptions, rules_by_id
from emailiac.result import Result

__all__ = ["FORMATS", "REPORTERS", "ReportOptions", "Reporter", "render", "rules_by_id"]

Reporter = Callable[[Result, ReportOptions], str]

REPORTERS: dict[str, Reporter] = {
    "text": text.render,
    "json": json_report.render,
    "sarif": sarif.render,
    "junit": junit.render,
    "markdown": markdown.render,
    "github": github.render,
    "gitlab": gitlab.render,
    "checkstyle": checkstyle.render,
    # "html": the drift report's HTML view joins here (report/html.py) when drift lands.
}

FORMATS: tuple[str, ...] = tuple(REPORTERS)


def render(format_name: str, result: Result, options: ReportOptions) -> str:
    try:
        reporter = REPORTERS[format_name]
    except KeyError:
        raise ValueError(f"unknown report format {format_name!r} (expected one of {', '.join(FORMATS)})") from None
    return reporter(result, options)

"""Reporters: pure functions `render(result, options) -> str`, chosen by format name.

The command line picks one from REPORTERS and writes what it returns; nothing here prints or reads files.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterator, Mapping
from typing import TYPE_CHECKING, Any

from emailiac.report.options import ReportOptions, rules_by_id
from emailiac.result import Result

if TYPE_CHECKING:
    from emailiac.drift.model import DriftReport

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
DriftReporter = Callable[["DriftReport", ReportOptions], str]


class _Registry(Mapping[str, Any]):
    """Renderers by format name; a format's module is imported when the format is first used (a run writes
    one or two formats, and some modules import much: XML, HTML, the drift model)."""

    def __init__(self, entries: dict[str, str]) -> None:
        self._entries = entries  # format -> "module.function" under emailiac.report
        self._loaded: dict[str, Any] = {}

    def __getitem__(self, name: str) -> Any:
        if name not in self._loaded:
            module, _, function = self._entries[name].rpartition(".")
            self._loaded[name] = getattr(importlib.import_module(f"emailiac.report.{module}"), function)
        return self._loaded[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self._entries)

    def __len__(self) -> int:
        return len(self._entries)


REPORTERS: Mapping[str, Reporter] = _Registry(
    {
        "text": "text.render",
        "json": "json_report.render",
        "sarif": "sarif.render",
        "junit": "junit.render",
        "markdown": "markdown.render",
        "github": "github.render",
        "gitlab": "gitlab.render",
        "checkstyle": "checkstyle.render",
        "html": "html.render",
    }
)

# `emailiac drift` reports: the same HTML page renderer, with drift entries and coverage.
DRIFT_REPORTERS: Mapping[str, DriftReporter] = _Registry(
    {
        "text": "drift_text.render",
        "json": "drift_json.render",
        "markdown": "drift_markdown.render",
        "html": "html.render_drift",
    }
)

FORMATS: tuple[str, ...] = tuple(REPORTERS)


def render(format_name: str, result: Result, options: ReportOptions) -> str:
    try:
        reporter = REPORTERS[format_name]
    except KeyError:
        raise ValueError(f"unknown report format {format_name!r} (expected one of {', '.join(FORMATS)})") from None
    return reporter(result, options)

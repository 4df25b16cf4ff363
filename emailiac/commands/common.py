"""What the commands share: report format and output options, one-line usage errors, configuration,
baselines, --var values, and rendering and writing reports. Kept apart from cli.py so that every command
module can import it without importing the application."""

from __future__ import annotations

import functools
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, NoReturn

import typer

from emailiac import __version__

if TYPE_CHECKING:
    from emailiac.baseline import Baseline
    from emailiac.config import Config
    from emailiac.result import Result, Severity
    from emailiac.rules.base import Rule
    from emailiac.runcache import CachedRun

__all__ = [
    "DRIFT_FORMATS",
    "FORMATS",
    "DriftFormatOpt",
    "FormatOpt",
    "OutputOpt",
    "emit_reports",
    "fail",
    "load_baseline",
    "load_config",
    "parse_vars",
    "severity",
    "use_color",
]

FORMATS = ("text", "json", "sarif", "junit", "markdown", "github", "gitlab", "checkstyle", "html")
DRIFT_FORMATS = ("text", "json", "markdown", "html")


def fail(message: str) -> NoReturn:
    typer.echo(f"emailiac: error: {message}", err=True)
    raise typer.Exit(2)


def load_config(config_path: Path | None, paths: list[Path] | None = None) -> Config:
    """The explicit --config, else the nearest configuration above the first path (then the cwd)."""
    from emailiac.config import ConfigError, find_config
    from emailiac.config import load_config as read_config

    start = Path.cwd()
    if paths:
        first = paths[0].resolve()
        start = first if first.is_dir() else first.parent
    try:
        return read_config(config_path or find_config(start) or find_config(Path.cwd()))
    except ConfigError as exc:
        fail(str(exc))


def load_baseline(name: str) -> Baseline:
    from emailiac.baseline import BaselineError
    from emailiac.baseline import load_baseline as read_baseline

    try:
        return read_baseline(name)
    except BaselineError as exc:
        fail(str(exc))


def use_color(no_color: bool) -> bool:
    if no_color or os.environ.get("NO_COLOR"):
        return False
    return sys.stdout.isatty() or bool(os.environ.get("FORCE_COLOR"))


def parse_vars(values: list[str]) -> dict[str, str]:
    out: dict[str, str] = {}
    for item in values:
        name, sep, value = item.partition("=")
        if not sep or not name.strip():
            fail(f"--var {item!r} must be NAME=VALUE")
        out[name.strip()] = value
    return out


def emit_reports(
    result: Result | CachedRun, formats: list[str], outputs: list[Path], *, no_color: bool, verbose: bool
) -> bool:
    """Render each requested format; the i-th --output goes with the i-th --format, the rest to stdout. A
    cached run's reports come from the cache when they were rendered before with the same options.

    Returns whether a text report (which lists input errors itself) went to the terminal."""
    from emailiac.atomic import write_atomic
    from emailiac.report import REPORTERS
    from emailiac.result import Result

    formats = formats or ["text"]
    text_on_stdout = False
    for fmt in formats:
        if fmt not in REPORTERS:
            fail(f"unknown format {fmt!r} (choose from {', '.join(sorted(REPORTERS))})")
    if len(outputs) > len(formats):
        fail("more --output files than --format options")
    for i, fmt in enumerate(formats):
        target = outputs[i] if i < len(outputs) else None
        color = target is None and fmt == "text" and use_color(no_color)
        how = (fmt, color, verbose, __version__, str(Path.cwd()), str(Path.home()))
        if isinstance(result, Result):
            text = _render(result, *how)
        else:
            text = result.report(repr(how), functools.partial(_render_as, how))
        if target is None:
            text_on_stdout = text_on_stdout or fmt == "text"
            sys.stdout.write(text if text.endswith("\n") or not text else text + "\n")
        else:
            try:
                write_atomic(target, text)
            except OSError as exc:
                fail(f"{target}: cannot write report: {exc.strerror}")
    return text_on_stdout


def _render_as(how: tuple[str, bool, bool, str, str, str], result: Result) -> str:
    return _render(result, *how)


def _render(result: Result, fmt: str, color: bool, verbose: bool, version: str, cwd: str, home: str) -> str:
    from emailiac.report import REPORTERS, ReportOptions, rules_by_id

    rules: tuple[Rule, ...] = ()
    if fmt in ("sarif", "junit", "markdown"):
        # Only these show rule metadata; importing every rule is a large part of a cached run's start-up.
        from emailiac.rules import ALL_RULES

        rules = ALL_RULES
    options = ReportOptions(
        tool_version=version,
        color=color,
        show_passes=verbose,
        show_not_assessed=verbose,
        show_out_of_scope=verbose,
        base_dir=Path(cwd),
        home_dir=Path(home),
        rules=rules_by_id(rules),
    )
    return REPORTERS[fmt](result, options)


def severity(text: str) -> Severity:
    from emailiac.result import Severity

    try:
        return Severity.parse(text)
    except ValueError as exc:
        fail(f"--fail-on: {exc}")


def _format_help(formats: tuple[str, ...]) -> str:
    return f"Report format, repeatable: {', '.join(formats)}."


FormatOpt = Annotated[list[str], typer.Option("--format", "-f", metavar="FORMAT", help=_format_help(FORMATS))]
DriftFormatOpt = Annotated[
    list[str], typer.Option("--format", "-f", metavar="FORMAT", help=_format_help(DRIFT_FORMATS))
]
OutputOpt = Annotated[
    list[Path],
    typer.Option("--output", "-o", metavar="FILE", help="Write the matching --format to this file (atomically)."),
]

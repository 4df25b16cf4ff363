"""`emailiac diff OLD.json NEW.json`: what a change fixed and what it broke, by fingerprint.

Exit codes: 0 nothing new; 1 something new appeared (a CI gate on regressions); 2 a report could not be read.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from emailiac.commands.common import fail

if TYPE_CHECKING:
    from emailiac.report.diff import Entry
    from emailiac.result import Result

__all__ = ["diff", "only_new_findings", "read_entries"]


def read_entries(path: Path) -> list[Entry]:
    from emailiac.report.diff import ReportFormatError, load_report

    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        fail(f"{path}: cannot read the report: {getattr(exc, 'strerror', None) or exc}")
    try:
        return load_report(text, str(path))
    except ReportFormatError as exc:
        fail(str(exc))


def diff(
    old: Annotated[Path, typer.Argument(metavar="OLD.json", help="The earlier JSON report (lint, scan or drift).")],
    new: Annotated[Path, typer.Argument(metavar="NEW.json", help="The later JSON report.")],
    fmt: Annotated[str, typer.Option("--format", "-f", metavar="FORMAT", help="text or json.")] = "text",
    verbose: Annotated[bool, typer.Option("--verbose", "-v", help="Also list what is still open.")] = False,
) -> None:
    """Compare two JSON reports: fixed, new and still open, with counts per severity."""
    from emailiac.report.diff import diff_reports, render_json, render_text

    if fmt not in ("text", "json"):
        fail(f"unknown format {fmt!r} for diff (choose from text, json)")
    result = diff_reports(read_entries(old), read_entries(new))
    typer.echo(render_json(result) if fmt == "json" else render_text(result, verbose=verbose), nl=False)
    raise typer.Exit(1 if result.new else 0)


def only_new_findings(result: Result, old: Path) -> Result:
    """`lint --baseline-report OLD.json`: the findings OLD.json does not have (by fingerprint); the rest
    are counted in a warning, not reported, and do not fail the run."""
    import dataclasses

    known = {e.fingerprint for e in read_entries(old)}
    fresh = [f for f in result.findings if f.evaluation.fingerprint not in known]
    dropped = len(result.findings) - len(fresh)
    warnings = list(result.warnings)
    if dropped:
        warnings.append(f"{dropped} finding{'s' if dropped != 1 else ''} already in {old} not reported")
    return dataclasses.replace(result, findings=fresh, warnings=warnings)

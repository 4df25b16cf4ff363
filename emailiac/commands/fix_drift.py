"""`emailiac fix --from-drift drift.json`: imports for unmanaged objects and corrected declarations where
the live value is the stronger one (see emailiac.fixes.from_drift)."""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path
from typing import NoReturn

import typer

from emailiac.baseline import Baseline
from emailiac.commands.common import fail
from emailiac.lint import LintOptions

__all__ = ["fix_from_drift"]

DRIFT_FIXES_FILE = "emailiac_drift.tf"


def fix_from_drift(
    drift_file: Path, paths: list[Path], baseline: Baseline, options: LintOptions, *, write: bool, out: Path | None
) -> NoReturn:
    from emailiac.fixes.apply import build_changes, unified_diff, write_changes
    from emailiac.fixes.from_drift import DriftFormatError, adopt_unmanaged, corrections_wanted, read_drift
    from emailiac.fixes.run import plan_fixes

    try:
        doc = read_drift(drift_file.read_text(encoding="utf-8"), str(drift_file))
    except (OSError, UnicodeDecodeError) as exc:
        fail(f"{drift_file}: cannot read the drift report: {getattr(exc, 'strerror', None) or exc}")
    except DriftFormatError as exc:
        fail(str(exc))
    paths = paths or [Path(p) for p in doc.get("terraform") or []]
    if not paths:
        fail(f"{drift_file}: names no Terraform path; give it: emailiac fix --from-drift {drift_file} PATH")
    wanted, notes = corrections_wanted(doc)
    rules = tuple(sorted({rule for rule, _ in wanted})) or ("-",)  # "-": no rule, only the tree is read
    result, fixes, tree = plan_fixes(paths, baseline, dataclasses.replace(options, only=rules))
    if result.errors:
        for error in result.errors:
            typer.echo(f"error: {error}", err=True)
        fail("the configuration has errors; nothing was changed")
    corrections = [f for f in fixes if (f.rule_id, f.subject) in wanted and not f.is_empty]
    root = paths[0] if paths[0].is_dir() else paths[0].parent
    target = str(out) if out is not None else str(root / DRIFT_FIXES_FILE)
    taken = {re.sub(r"\[.*$", "", str(i.get("address") or "")).rsplit(".", 1)[-1] for i in doc["drift"]}
    adopted = adopt_unmanaged(doc, target, taken)
    changes = build_changes([*corrections, *adopted.fixes], tree.read)
    if write:
        try:
            for file in write_changes(changes):
                typer.echo(f"fixed {file}", err=True)
        except OSError as exc:
            fail(f"cannot write the fixes (nothing was changed): {exc}")
    else:
        typer.echo(unified_diff(changes, Path.cwd()), nl=False)
    for item in adopted.fixes:
        typer.echo(f"  [import]  {item.title}", err=True)
    for item in corrections:
        typer.echo(f"  [correct] {item.rule_id} {item.subject}: {item.title} (the live value is stronger)", err=True)
    for note in [*adopted.notes, *notes]:
        typer.echo(f"  [note]    {note}", err=True)
    raise typer.Exit(0 if write or not changes.changed else 1)

"""`emailiac fix`: corrective Terraform for the findings that have a fix.

Without `--write` it prints a unified diff (new blocks included, as new or extended files) on stdout and a
summary on stderr; with `--write` it applies the changes to every file at once (all or nothing). Safe fixes
are applied; unsafe ones (they change which mail is accepted, who may sign in...) only with
`--unsafe-fixes`; display-only advice is shown, never applied.

Exit codes: 0 nothing left to fix (or everything applied), 1 fixable findings remain unapplied, 2 errors.
"""

from __future__ import annotations

import os
import textwrap
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from emailiac.commands.common import fail, load_baseline, load_config, parse_vars

if TYPE_CHECKING:
    from emailiac.fixes.model import Fix
    from emailiac.fixes.run import FixRun

__all__ = ["fix"]


def _count(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


def _line(fix: Fix, status: str) -> str:
    return f"  {status:<9} {fix.rule_id:<9} {fix.subject}: {fix.title}"


def _notes(fix: Fix) -> list[str]:
    out = []
    for note in fix.notes:
        first, *rest = note.split("\n")
        out.append(textwrap.indent(first, " " * 14))
        out.extend(textwrap.indent(r, " " * 16) for r in rest)
    return out


def _summary(run: FixRun, *, write: bool) -> list[str]:
    import dataclasses

    from emailiac.fixes.apply import build_changes, unified_diff

    lines: list[str] = []
    applied = run.changes.applied
    if applied:
        verb = "applied" if write else "to apply"
        lines.append(f"{_count(len(applied), 'fix', 'fixes')} {verb}:")
        for item in applied:
            lines.append(_line(item, f"[{item.applicability}]"))
            lines.extend(_notes(item))
    if run.pending:
        pending = _count(len(run.pending), "unsafe fix", "unsafe fixes")
        lines.append(f"{pending} not applied (add --unsafe-fixes to include them):")
        for item in run.pending:
            lines.append(_line(item, "[unsafe]"))
    if run.changes.conflicts:
        set_aside = _count(len(run.changes.conflicts), "fix", "fixes")
        lines.append(f"{set_aside} set aside (run emailiac fix again once the others are in):")
        for item, why in run.changes.conflicts:
            lines.append(_line(item, "[skipped]"))
            lines.append(textwrap.indent(why, " " * 14))
    if run.advice:
        lines.append(f"{_count(len(run.advice), 'suggestion', 'suggestions')} to apply by hand (display-only):")
        for item in run.advice:
            lines.append(_line(item, "[advice]"))
            lines.extend(_notes(item))
            if item.edits or item.new_blocks:
                preview = build_changes([dataclasses.replace(item, applicability="safe")], run.read)
                diff = unified_diff(preview, Path.cwd())
                lines.extend(textwrap.indent(diff.rstrip("\n"), " " * 14).split("\n"))
    if not lines:
        lines.append("nothing to fix")
    return lines


def fix(
    paths: Annotated[
        list[Path] | None,
        typer.Argument(metavar="PATH", help="Terraform directories or files, or a saved inventory."),
    ] = None,
    write: Annotated[bool, typer.Option("--write", help="Apply the fixes (all files at once, or none).")] = False,
    unsafe_fixes: Annotated[
        bool,
        typer.Option(
            "--unsafe-fixes", help="Also apply unsafe fixes (they change which mail or sign-ins are accepted)."
        ),
    ] = False,
    out: Annotated[
        Path | None,
        typer.Option(
            "--out",
            metavar="FILE",
            help="Put new root-module blocks in this file (default: emailiac_fixes.tf beside the configuration).",
        ),
    ] = None,
    select: Annotated[list[str], typer.Option("--rule", metavar="ID", help="Fix only these rules, repeatable.")] = [],  # noqa: B006
    baseline: Annotated[
        str | None, typer.Option("--baseline", "-b", metavar="NAME|FILE", help="default, scuba, hipaa or a YAML file.")
    ] = None,
    var_file: Annotated[
        list[Path], typer.Option("--var-file", metavar="FILE", help="A .tfvars file, repeatable.")
    ] = [],  # noqa: B006
    var: Annotated[list[str], typer.Option("--var", metavar="NAME=VALUE", help="NAME=VALUE, repeatable.")] = [],  # noqa: B006
    exclude: Annotated[
        list[str], typer.Option("--exclude", metavar="GLOB", help="Path glob to leave out, repeatable.")
    ] = [],  # noqa: B006
    config: Annotated[
        Path | None,
        typer.Option(metavar="FILE", help="Configuration file (default: .emailiac.yaml or pyproject.toml)."),
    ] = None,
    from_drift: Annotated[
        Path | None,
        typer.Option(
            "--from-drift",
            metavar="FILE",
            help="A drift report (emailiac drift -f json): import unmanaged objects, take stronger live values.",
        ),
    ] = None,
) -> None:
    """Print (or with --write apply) corrective Terraform for the findings that have a fix."""
    from emailiac.atomic import ReadOnlyFile
    from emailiac.fixes.apply import unified_diff
    from emailiac.fixes.run import recover_writes, run_fix, write_fixes
    from emailiac.lint import LintOptions
    from emailiac.rules import rule_by_id

    paths = paths or []
    if not paths and from_drift is None:
        fail("name the Terraform to fix: emailiac fix PATH (or --from-drift drift.json)")
    cfg = load_config(config, paths)
    for rule_id in [*select, *cfg.select, *cfg.skip]:
        if rule_by_id(rule_id) is None:
            fail(f"unknown rule {rule_id!r} (see `emailiac rules`)")
    options = LintOptions(
        var_files=tuple([*map(Path, cfg.var_files), *var_file]),
        cli_vars=parse_vars(var),
        exclude=tuple([*cfg.exclude, *exclude]),
        only=tuple(select or cfg.select),
        skip=tuple(cfg.skip),
        jobs=1,
    )
    for file in recover_writes(paths, out):
        typer.echo(f"completed an interrupted write: {file}", err=True)
    if from_drift is not None:
        from emailiac.commands.fix_drift import fix_from_drift

        chosen = load_baseline(baseline or cfg.baseline)
        fix_from_drift(from_drift, paths, chosen, options, write=write, out=out)
    run = run_fix(paths, load_baseline(baseline or cfg.baseline), options, unsafe=unsafe_fixes, out=out)
    for warning in run.result.warnings:
        typer.echo(f"warning: {warning}", err=True)
    if run.result.errors:
        for error in run.result.errors:
            typer.echo(f"error: {error}", err=True)
        fail("the configuration has errors; nothing was changed")
    diff = unified_diff(run.changes, Path.cwd())
    if write:
        try:
            written = write_fixes(run.changes, paths, out)
        except ReadOnlyFile as exc:
            fail(f"{exc.filename} is read-only; nothing was changed")
        except OSError as exc:
            fail(f"cannot write the fixes (nothing was changed): {exc}")
        for name in written:
            typer.echo(f"fixed {os.path.relpath(name)}", err=True)
    elif diff:
        typer.echo(diff, nl=False)
    for line in _summary(run, write=write):
        typer.echo(line, err=True)
    if write:
        raise typer.Exit(1 if run.remaining else 0)
    raise typer.Exit(1 if run.changes.changed or run.remaining else 0)

"""The `emailiac` command line. Heavy modules are imported inside commands so start-up stays fast."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from emailiac import __version__
from emailiac.commands.common import (
    FormatOpt,
    OutputOpt,
    emit_reports,
    fail,
    load_baseline,
    load_config,
    parse_vars,
    severity,
    use_color,
)
from emailiac.detached import writes

if TYPE_CHECKING:
    from emailiac.baseline import Baseline
    from emailiac.lint import LintOptions
    from emailiac.result import Result, Severity
    from emailiac.runcache import CachedRun

__all__ = ["full_app", "main"]

# The commands defined here; the others (drift, diff, fix, scan, permissions) are registered only when a run
# needs them (`full_app`), so that a lint run never imports their modules nor builds their options.
_app = typer.Typer(
    name="emailiac",
    help="Harden email infrastructure where it is defined (Terraform) and where it runs.",
    no_args_is_help=True,
    add_completion=True,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)
baseline_app = typer.Typer(help="Show and validate baselines.", no_args_is_help=True)
_app.add_typer(baseline_app, name="baseline")


def _version(value: bool) -> None:
    if value:
        typer.echo(f"emailiac {__version__}")
        raise typer.Exit(0)


@_app.callback()
def _root(
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Show the version and exit.")
    ] = False,
) -> None:
    """emailiac reads Terraform, AWS, Microsoft 365 and DNS settings and says what is weak and how to fix it."""


@_app.command()
def lint(
    paths: Annotated[
        list[Path],
        typer.Argument(metavar="PATH", help="Terraform directories or files, plan JSON, or a saved inventory."),
    ],
    baseline: Annotated[
        str | None, typer.Option("--baseline", "-b", metavar="NAME|FILE", help="default, scuba, hipaa or a YAML file.")
    ] = None,
    fmt: FormatOpt = [],  # noqa: B006 - typer reads the default
    output: OutputOpt = [],  # noqa: B006
    fail_on: Annotated[
        str | None,
        typer.Option(
            metavar="SEVERITY", help="Lowest severity that fails the run (exit 1): low, medium, high, critical."
        ),
    ] = None,
    var_file: Annotated[
        list[Path], typer.Option("--var-file", metavar="FILE", help="A .tfvars file, repeatable.")
    ] = [],  # noqa: B006
    var: Annotated[list[str], typer.Option("--var", metavar="NAME=VALUE", help="NAME=VALUE, repeatable.")] = [],  # noqa: B006
    select: Annotated[list[str], typer.Option("--rule", metavar="ID", help="Run only these rules, repeatable.")] = [],  # noqa: B006
    skip: Annotated[list[str], typer.Option("--skip", metavar="ID", help="Skip these rules, repeatable.")] = [],  # noqa: B006
    exclude: Annotated[
        list[str], typer.Option("--exclude", metavar="GLOB", help="Path glob to leave out, repeatable.")
    ] = [],  # noqa: B006
    allow_partial: Annotated[bool, typer.Option(help="Exit 0/1 even when something could not be assessed.")] = False,
    baseline_report: Annotated[
        Path | None,
        typer.Option(
            "--baseline-report", metavar="OLD.json", help="Report (and fail on) only findings not in this JSON report."
        ),
    ] = None,
    jobs: Annotated[
        int | None,
        typer.Option(
            "--jobs", "-j", min=1, metavar="N", help="Worker processes for parsing and loading (default: cores)."
        ),
    ] = None,
    no_cache: Annotated[
        bool, typer.Option("--no-cache", help="Do not read or write the parse, root-module and result caches.")
    ] = False,
    verbose: Annotated[bool, typer.Option("--verbose", "-v", help="Also list passes and not-assessed checks.")] = False,
    no_color: Annotated[bool, typer.Option("--no-color", help="No colour (NO_COLOR is honoured too).")] = False,
    config: Annotated[
        Path | None,
        typer.Option(metavar="FILE", help="Configuration file (default: .emailiac.yaml or pyproject.toml)."),
    ] = None,
) -> None:
    """Lint Terraform (or a plan / saved inventory) against a baseline."""
    from emailiac.lint import LintOptions

    cfg = load_config(config, paths)
    named = [*select, *skip, *cfg.select, *cfg.skip]
    if named:
        from emailiac.rules import rule_by_id

        for rule_id in named:
            if rule_by_id(rule_id) is None:
                fail(f"unknown rule {rule_id!r} (see `emailiac rules`)")
    chosen = load_baseline(baseline or cfg.baseline)
    threshold = severity(fail_on or cfg.fail_on)
    options = LintOptions(
        var_files=tuple([*map(Path, cfg.var_files), *var_file]),
        cli_vars=parse_vars(var),
        exclude=tuple([*cfg.exclude, *exclude]),
        only=tuple(select or cfg.select),
        skip=tuple([*cfg.skip, *skip]),
        jobs=jobs,
        cache=not no_cache,
    )
    raise typer.Exit(
        _lint(
            paths,
            chosen,
            options,
            fmt,
            output,
            baseline_report,
            threshold,
            allow_partial=allow_partial or cfg.allow_partial,
            no_color=no_color,
            verbose=verbose,
        )
    )


def _lint(
    paths: list[Path],
    chosen: Baseline,
    options: LintOptions,
    fmt: list[str],
    output: list[Path],
    baseline_report: Path | None,
    threshold: Severity,
    *,
    allow_partial: bool,
    no_color: bool,
    verbose: bool,
) -> int:
    """The lint run the command's options describe, its reports written; the exit code."""
    with_fixes = bool({"json", "sarif"} & set(fmt))  # machine-readable reports carry each finding's fix
    result_cache = run_key = None
    if options.cache:
        from emailiac.runcache import ResultCache

        result_cache = ResultCache()
        run_key = result_cache.key(paths, chosen, options, os.environ)
        if with_fixes:
            run_key += "-fixes"  # a result with each finding's fix planned is a different entry
    cached = result_cache.get(run_key) if result_cache and run_key else None
    result: Result | CachedRun
    with writes(options.jobs or os.cpu_count() or 1):  # caches may be written by forked copies meanwhile
        if cached is None:
            from emailiac.lintrun import run_lint
            from emailiac.progress import phases

            with phases(1) as progress:
                progress.phase("reading Terraform, judging" + (" and planning fixes" if with_fixes else ""))
                collected, judged = run_lint(paths, chosen, options, fixes=with_fixes)
                if judged is None:
                    progress.stop()
                    for error in collected.errors:
                        typer.echo(f"emailiac: error: {error}", err=True)
                    raise typer.Exit(2)
            result = judged
            if result_cache and run_key and not collected.secrets:
                result = result_cache.put(run_key, judged, collected.reads)
        else:
            result = cached
        if baseline_report is not None:
            from emailiac.commands.diff import only_new_findings
            from emailiac.runcache import CachedRun

            result = only_new_findings(result.result() if isinstance(result, CachedRun) else result, baseline_report)
        for warning in result.warnings:
            typer.echo(f"warning: {warning}", err=True)
        if not emit_reports(result, fmt, output, no_color=no_color, verbose=verbose):
            for error in result.errors:
                typer.echo(f"error: {error}", err=True)
        return result.exit_code(threshold, allow_partial)


@_app.command("rules")
def list_rules(
    family: Annotated[str | None, typer.Option(help="Only this family (spf, dmarc, network...).")] = None,
) -> None:
    """List every rule: ID, severity, sources, fix, title."""
    from rich.console import Console
    from rich.table import Table

    from emailiac.rules import ALL_RULES

    table = Table(show_lines=False, box=None, pad_edge=False)
    for column in ("ID", "Severity", "Sources", "Fix", "Title"):
        table.add_column(column)
    for rule in ALL_RULES:
        if family and rule.family != family:
            continue
        table.add_row(rule.id, rule.severity.label, ",".join(s[0].upper() for s in rule.sources), rule.fix, rule.title)
    console = Console(no_color=not use_color(False), highlight=False)
    if not console.is_terminal:
        console.width = 160  # piped: keep one rule per line
    console.print(table)


@_app.command()
def explain(rule_id: Annotated[str, typer.Argument(help="A rule ID, e.g. TLS001.")]) -> None:
    """Explain a rule: what it checks, why, bad and good Terraform, references, controls."""
    from emailiac.docs import explain_text
    from emailiac.rules import rule_by_id

    rule = rule_by_id(rule_id)
    if rule is None:
        fail(f"unknown rule {rule_id!r} (see `emailiac rules`)")
    typer.echo(explain_text(rule))


def _resolved_baseline(name: str) -> dict[str, Any]:
    from emailiac.baseline import BaselineError, load_baseline_data

    try:
        return load_baseline_data(name)
    except BaselineError as exc:
        fail(str(exc))


@baseline_app.command("show")
def baseline_show(
    name: Annotated[str, typer.Argument(help="default, scuba, hipaa or a YAML file.")] = "default",
) -> None:
    """Print a baseline with every value resolved (what the rules will use)."""
    import yaml

    typer.echo(yaml.safe_dump(_resolved_baseline(name), sort_keys=False).rstrip())


@baseline_app.command("validate")
def baseline_validate(path: Annotated[Path, typer.Argument(help="A baseline YAML file.")]) -> None:
    """Validate a baseline file against schemas/baseline.schema.json and print it resolved: its name (the
    file name unless set) and every value, those inherited through `extends` (default: default) included."""
    import yaml

    data = _resolved_baseline(str(path))
    typer.echo(f"{path}: valid")
    typer.echo(yaml.safe_dump(data, sort_keys=False).rstrip())


_registered = False


def _local_commands() -> set[str]:
    """The names of the commands defined in this module (registered before `full_app` adds the others)."""
    names = {c.name or c.callback.__name__.replace("_", "-") for c in _app.registered_commands if c.callback}
    return names | {g.name for g in _app.registered_groups if g.name}


def full_app() -> typer.Typer:
    """The application with every command (for help, completion and the commands of emailiac.commands)."""
    global _registered
    if not _registered:
        _registered = True
        _register_commands()
    return _app


def __getattr__(name: str) -> typer.Typer:
    if name == "app":
        return full_app()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def _register_commands() -> None:
    """Commands implemented in emailiac.commands (their heavy imports happen inside them)."""
    from emailiac.commands.diff import diff
    from emailiac.commands.drift import drift
    from emailiac.commands.fix import fix
    from emailiac.commands.scan import permissions_aws, permissions_m365, scan

    _app.command("drift")(drift)
    _app.command("diff")(diff)
    _app.command("fix")(fix)
    _app.command("scan")(scan)
    permissions_app = typer.Typer(help="Print the permissions a live scan needs.", no_args_is_help=True)
    _app.add_typer(permissions_app, name="permissions")
    permissions_app.command("aws")(permissions_aws)
    permissions_app.command("m365")(permissions_m365)


def main() -> None:
    command = sys.argv[1] if len(sys.argv) > 1 else ""
    if command not in _local_commands():
        full_app()  # help, completion, or a command defined in emailiac.commands
    try:
        _app()
    except KeyboardInterrupt:
        typer.echo("emailiac: interrupted", err=True)
        sys.exit(130)


if __name__ == "__main__":
    main()

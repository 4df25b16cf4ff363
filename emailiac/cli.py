"""The `emailiac` command line. Heavy modules are imported inside commands so start-up stays fast."""

from __future__ import annotations

import functools
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, NoReturn

import typer

from emailiac import __version__

if TYPE_CHECKING:
    from emailiac.baseline import Baseline
    from emailiac.config import Config
    from emailiac.result import Result, Severity
    from emailiac.rules.base import Rule
    from emailiac.runcache import CachedRun

__all__ = ["app", "main"]

app = typer.Typer(
    name="emailiac",
    help="Harden email infrastructure where it is defined (Terraform) and where it runs.",
    no_args_is_help=True,
    add_completion=True,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)
baseline_app = typer.Typer(help="Show and validate baselines.", no_args_is_help=True)
app.add_typer(baseline_app, name="baseline")

FORMATS = ("text", "json", "sarif", "junit", "markdown", "github", "gitlab", "checkstyle", "html")


class UsageError(Exception):
    """A user error: printed as one line, exit code 2."""


def _fail(message: str) -> NoReturn:
    typer.echo(f"emailiac: error: {message}", err=True)
    raise typer.Exit(2)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"emailiac {__version__}")
        raise typer.Exit(0)


@app.callback()
def _root(
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Show the version and exit.")
    ] = False,
) -> None:
    """emailiac reads Terraform, AWS, Microsoft 365 and DNS settings and says what is weak and how to fix it."""


def _load_config(config_path: Path | None, paths: list[Path] | None = None) -> Config:
    """The explicit --config, else the nearest configuration above the first path (then the cwd)."""
    from emailiac.config import ConfigError, find_config, load_config

    start = Path.cwd()
    if paths:
        first = paths[0].resolve()
        start = first if first.is_dir() else first.parent
    try:
        return load_config(config_path or find_config(start) or find_config(Path.cwd()))
    except ConfigError as exc:
        _fail(str(exc))


def _load_baseline(name: str) -> Baseline:
    from emailiac.baseline import BaselineError, load_baseline

    try:
        return load_baseline(name)
    except BaselineError as exc:
        _fail(str(exc))


def _use_color(no_color: bool) -> bool:
    if no_color or os.environ.get("NO_COLOR"):
        return False
    return sys.stdout.isatty() or bool(os.environ.get("FORCE_COLOR"))


def _parse_vars(values: list[str]) -> dict[str, str]:
    out: dict[str, str] = {}
    for item in values:
        name, sep, value = item.partition("=")
        if not sep or not name.strip():
            _fail(f"--var {item!r} must be NAME=VALUE")
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
            _fail(f"unknown format {fmt!r} (choose from {', '.join(sorted(REPORTERS))})")
    if len(outputs) > len(formats):
        _fail("more --output files than --format options")
    for i, fmt in enumerate(formats):
        target = outputs[i] if i < len(outputs) else None
        color = target is None and fmt == "text" and _use_color(no_color)
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
                _fail(f"{target}: cannot write report: {exc.strerror}")
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


def _severity(text: str) -> Severity:
    from emailiac.result import Severity

    try:
        return Severity.parse(text)
    except ValueError as exc:
        _fail(f"--fail-on: {exc}")


FormatOpt = Annotated[
    list[str],
    typer.Option("--format", "-f", metavar="FORMAT", help=f"Report format, repeatable: {', '.join(FORMATS)}."),
]
OutputOpt = Annotated[
    list[Path],
    typer.Option("--output", "-o", metavar="FILE", help="Write the matching --format to this file (atomically)."),
]


@app.command()
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

    cfg = _load_config(config, paths)
    named = [*select, *skip, *cfg.select, *cfg.skip]
    if named:
        from emailiac.rules import rule_by_id

        for rule_id in named:
            if rule_by_id(rule_id) is None:
                _fail(f"unknown rule {rule_id!r} (see `emailiac rules`)")
    chosen = _load_baseline(baseline or cfg.baseline)
    options = LintOptions(
        var_files=tuple([*map(Path, cfg.var_files), *var_file]),
        cli_vars=_parse_vars(var),
        exclude=tuple([*cfg.exclude, *exclude]),
        only=tuple(select or cfg.select),
        skip=tuple([*cfg.skip, *skip]),
        jobs=jobs,
        cache=not no_cache,
    )
    threshold = _severity(fail_on or cfg.fail_on)
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
    raise typer.Exit(result.exit_code(threshold, allow_partial or cfg.allow_partial))


@app.command("rules")
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
    console = Console(no_color=not _use_color(False), highlight=False)
    if not console.is_terminal:
        console.width = 160  # piped: keep one rule per line
    console.print(table)


@app.command()
def explain(rule_id: Annotated[str, typer.Argument(help="A rule ID, e.g. TLS001.")]) -> None:
    """Explain a rule: what it checks, why, bad and good Terraform, references, controls."""
    from emailiac.docs import explain_text
    from emailiac.rules import rule_by_id

    rule = rule_by_id(rule_id)
    if rule is None:
        _fail(f"unknown rule {rule_id!r} (see `emailiac rules`)")
    typer.echo(explain_text(rule))


def _resolved_baseline(name: str) -> dict[str, Any]:
    from emailiac.baseline import BaselineError, load_baseline_data

    try:
        return load_baseline_data(name)
    except BaselineError as exc:
        _fail(str(exc))


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


def _register_commands() -> None:
    """Commands implemented in emailiac.commands (their heavy imports happen inside them)."""
    from emailiac.commands.diff import diff
    from emailiac.commands.drift import drift
    from emailiac.commands.fix import fix
    from emailiac.commands.scan import permissions_aws, permissions_m365, scan

    app.command("drift")(drift)
    app.command("diff")(diff)
    app.command("fix")(fix)
    app.command("scan")(scan)
    permissions_app = typer.Typer(help="Print the permissions a live scan needs.", no_args_is_help=True)
    app.add_typer(permissions_app, name="permissions")
    permissions_app.command("aws")(permissions_aws)
    permissions_app.command("m365")(permissions_m365)


_register_commands()


def main() -> None:
    try:
        app()
    except KeyboardInterrupt:
        typer.echo("emailiac: interrupted", err=True)
        sys.exit(130)


if __name__ == "__main__":
    main()

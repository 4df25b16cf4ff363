"""`emailiac scan --aws` and `emailiac permissions aws`.

The scan collects the live account as facts, judges them with the same rules and baseline as `lint`, and
reports with the same reporters. Everything heavy (boto3, rich) is imported inside the functions.
"""

from __future__ import annotations

import importlib.util
import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

if TYPE_CHECKING:
    from emailiac.model import Inventory

__all__ = ["permissions_aws", "scan"]

_FORMATS = "text, json, sarif, junit, markdown, github, gitlab, checkstyle"


class _Bar:
    """A progress bar on stderr, one step per service and region."""

    def __init__(self) -> None:
        from rich.console import Console
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

        self._progress = Progress(
            TextColumn("scanning AWS"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            TextColumn("{task.description}"),
            console=Console(stderr=True),
            transient=True,
        )
        self._task: Any = None

    def start(self, total: int) -> None:
        self._progress.start()
        self._task = self._progress.add_task("", total=total)

    def advance(self, label: str) -> None:
        self._progress.update(self._task, advance=1, description=label)

    def stop(self) -> None:
        self._progress.stop()


@contextmanager
def _progress() -> Iterator[_Bar | None]:
    """A bar when stderr is a terminal; nothing otherwise (CI logs stay clean)."""
    if not sys.stderr.isatty():
        yield None
        return
    bar = _Bar()
    try:
        yield bar
    finally:
        bar.stop()


def _save(path: Path, inventory: Inventory) -> None:
    from emailiac.atomic import write_atomic
    from emailiac.cli import _fail
    from emailiac.inventory_io import dump_inventory

    try:
        write_atomic(path, dump_inventory(inventory))
    except OSError as exc:
        _fail(f"{path}: cannot write the inventory: {exc.strerror}")


def scan(
    aws: Annotated[bool, typer.Option("--aws", help="Scan the live AWS account (boto3 credentials).")] = False,
    region: Annotated[
        list[str],
        typer.Option("--region", "-r", metavar="REGION", help="Region to scan, repeatable (default: all enabled)."),
    ] = [],  # noqa: B006 - typer reads the default
    profile: Annotated[str | None, typer.Option(metavar="NAME", help="AWS profile (shared config files).")] = None,
    role_arn: Annotated[str | None, typer.Option(metavar="ARN", help="Assume this role for the scan.")] = None,
    external_id: Annotated[
        str | None, typer.Option(metavar="ID", help="External ID the role's trust policy asks for.")
    ] = None,
    retry_mode: Annotated[
        str, typer.Option(metavar="MODE", help="botocore retry mode: standard or adaptive (client-side rate limit).")
    ] = "standard",
    max_attempts: Annotated[int, typer.Option(min=1, metavar="N", help="Attempts per call, retries included.")] = 5,
    workers: Annotated[int, typer.Option(min=1, metavar="N", help="Services and regions scanned at once.")] = 8,
    save_inventory: Annotated[
        Path | None, typer.Option(metavar="FILE", help="Also write the collected facts as JSON (for `emailiac lint`).")
    ] = None,
    baseline: Annotated[
        str | None, typer.Option("--baseline", "-b", metavar="NAME|FILE", help="default, scuba, hipaa or a YAML file.")
    ] = None,
    fmt: Annotated[
        list[str], typer.Option("--format", "-f", metavar="FORMAT", help=f"Report format, repeatable: {_FORMATS}.")
    ] = [],  # noqa: B006
    output: Annotated[
        list[Path],
        typer.Option("--output", "-o", metavar="FILE", help="Write the matching --format to this file (atomically)."),
    ] = [],  # noqa: B006
    fail_on: Annotated[
        str | None,
        typer.Option(metavar="SEVERITY", help="Lowest severity that fails the run (exit 1): low ... critical."),
    ] = None,
    select: Annotated[list[str], typer.Option("--rule", metavar="ID", help="Run only these rules, repeatable.")] = [],  # noqa: B006
    skip: Annotated[list[str], typer.Option("--skip", metavar="ID", help="Skip these rules, repeatable.")] = [],  # noqa: B006
    allow_partial: Annotated[bool, typer.Option(help="Exit 0/1 even when something could not be assessed.")] = False,
    verbose: Annotated[bool, typer.Option("--verbose", "-v", help="Also list passes and not-assessed checks.")] = False,
    no_color: Annotated[bool, typer.Option("--no-color", help="No colour (NO_COLOR is honoured too).")] = False,
    config: Annotated[
        Path | None,
        typer.Option(metavar="FILE", help="Configuration file (default: .emailiac.yaml or pyproject.toml)."),
    ] = None,
) -> None:
    """Scan live infrastructure (AWS) and judge it against a baseline."""
    from emailiac.cli import _fail, _load_baseline, _load_config, _severity, emit_reports
    from emailiac.engine import evaluate
    from emailiac.rules import rule_by_id

    if not aws:
        _fail("name what to scan: --aws")
    if importlib.util.find_spec("boto3") is None:
        _fail("scanning AWS needs boto3: pip install 'emailiac[aws]'")
    if external_id and not role_arn:
        _fail("--external-id needs --role-arn")
    if retry_mode not in ("standard", "adaptive"):
        _fail(f"--retry-mode {retry_mode!r}: choose standard or adaptive")
    cfg = _load_config(config)
    for rule_id in [*select, *skip, *cfg.select, *cfg.skip]:
        if rule_by_id(rule_id) is None:
            _fail(f"unknown rule {rule_id!r} (see `emailiac rules`)")
    chosen = _load_baseline(baseline or cfg.baseline)
    threshold = _severity(fail_on or cfg.fail_on)

    from emailiac.sources.aws.collector import collect
    from emailiac.sources.aws.errors import AwsSetupError
    from emailiac.sources.aws.session import Reach, open_session

    reach = Reach(
        profile=profile, role_arn=role_arn, external_id=external_id, retry_mode=retry_mode, max_attempts=max_attempts
    )
    try:
        session = open_session(reach)
        with _progress() as bar:
            inventory = collect(session, region, workers=workers, progress=bar)
    except AwsSetupError as exc:
        _fail(str(exc))
    if save_inventory is not None:
        _save(save_inventory, inventory)
    result = evaluate(inventory, chosen, only=tuple(select or cfg.select), skip=(*cfg.skip, *skip))
    for warning in result.warnings:
        typer.echo(f"warning: {warning}", err=True)
    emit_reports(result, fmt, output, no_color=no_color, verbose=verbose)
    raise typer.Exit(result.exit_code(threshold, allow_partial or cfg.allow_partial))


def permissions_aws() -> None:
    """Print the least-privilege, read-only IAM policy that `scan --aws` needs."""
    from emailiac.sources.aws.calls import permissions_policy

    typer.echo(json.dumps(permissions_policy(), indent=2))

"""The AWS part of `emailiac scan`: its options, its collection and `emailiac permissions aws`.

boto3 and rich are imported inside the functions, only when AWS is scanned.
"""

from __future__ import annotations

import importlib.util
import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Annotated, Any

import typer

if TYPE_CHECKING:
    from emailiac.model import Inventory
    from emailiac.sources.deadline import Deadline

__all__ = [
    "AwsOptions",
    "ExternalId",
    "MaxAttempts",
    "Profile",
    "Region",
    "RetryMode",
    "RoleArn",
    "Workers",
    "collect_aws",
    "permissions_aws",
]

Region = Annotated[
    list[str],
    typer.Option("--region", "-r", metavar="REGION", help="AWS region to scan, repeatable (default: all enabled)."),
]
Profile = Annotated[str | None, typer.Option(metavar="NAME", help="AWS profile (shared config files).")]
RoleArn = Annotated[str | None, typer.Option(metavar="ARN", help="Assume this role for the AWS scan.")]
ExternalId = Annotated[str | None, typer.Option(metavar="ID", help="External ID the role's trust policy asks for.")]
RetryMode = Annotated[
    str, typer.Option(metavar="MODE", help="botocore retry mode: standard or adaptive (client-side rate limit).")
]
MaxAttempts = Annotated[int, typer.Option(min=1, metavar="N", help="Attempts per AWS call, retries included.")]
Workers = Annotated[int, typer.Option(min=1, metavar="N", help="AWS services and regions scanned at once.")]


@dataclass(frozen=True)
class AwsOptions:
    regions: tuple[str, ...] = ()
    profile: str | None = None
    role_arn: str | None = None
    external_id: str | None = None
    retry_mode: str = "standard"
    max_attempts: int = 5
    workers: int = 8


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


def check_aws(options: AwsOptions) -> str | None:
    """What is wrong with the AWS options (a one-line error), or None."""
    if importlib.util.find_spec("boto3") is None:
        return "scanning AWS needs boto3: pip install 'emailiac[aws]'"
    if options.external_id and not options.role_arn:
        return "--external-id needs --role-arn"
    if options.retry_mode not in ("standard", "adaptive"):
        return f"--retry-mode {options.retry_mode!r}: choose standard or adaptive"
    return None


def collect_aws(options: AwsOptions, deadline: Deadline) -> Inventory:
    """The live account as facts; AwsSetupError when the scan cannot start."""
    from emailiac.sources.aws.collector import collect
    from emailiac.sources.aws.session import Reach, open_session

    reach = Reach(
        profile=options.profile,
        role_arn=options.role_arn,
        external_id=options.external_id,
        retry_mode=options.retry_mode,
        max_attempts=options.max_attempts,
        # One silent read may not outlast the whole scan.
        read_timeout=max(1.0, min(60.0, deadline.seconds)),
    )
    session = open_session(reach, deadline=deadline)
    with _progress() as bar:
        return collect(session, options.regions, workers=options.workers, progress=bar, deadline=deadline)


def aws_fact_types() -> tuple[str, ...]:
    from emailiac.sources.aws.calls import CALLS

    return tuple(dict.fromkeys(t for c in CALLS for t in c.feeds))


def permissions_aws() -> None:
    """Print the least-privilege, read-only IAM policy that `scan --aws` needs."""
    from emailiac.sources.aws.calls import permissions_policy

    typer.echo(json.dumps(permissions_policy(), indent=2))

"""`emailiac drift`: what Terraform declares against what runs, with the rule verdicts of both sides.

The live side is a live scan (`--aws`, `--m365`, `--dns`) or one or
more saved inventories (`--live inventory.json`, from `scan --save-inventory`), so drift runs offline
too. A state file (`terraform show -json` of the state) pairs objects by their IDs; without one they pair
by natural keys.

Exit codes: 0 nothing drifted; 1 something is changed, unmanaged or missing; 2 an input could not be read.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from emailiac.commands.common import DriftFormatOpt, OutputOpt, fail, load_baseline, load_config, parse_vars
from emailiac.commands.scan_aws import AwsOptions, Profile, Region
from emailiac.commands.scan_dns import DkimSelectorOption, DnsTimeoutOption, NameserverOption
from emailiac.commands.scan_m365 import (
    Certificate,
    ClientId,
    CloudName,
    GraphUrl,
    M365Options,
    TenantId,
)

if TYPE_CHECKING:
    from emailiac.drift.compare import Side
    from emailiac.drift.state import StateIds
    from emailiac.model import Inventory

__all__ = ["drift"]


def _read_live(paths: list[Path]) -> Inventory:
    from emailiac.inventory_io import InventoryFormatError, read_inventory
    from emailiac.model import Inventory

    inventory = Inventory()
    for path in paths:
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            fail(f"{path}: cannot read the inventory: {getattr(exc, 'strerror', None) or exc}")
        try:
            inventory.extend(read_inventory(text))
        except InventoryFormatError as exc:
            fail(f"{path}: {exc}")
        except RecursionError:
            fail(f"{path}: JSON nested too deeply")
    return inventory


def _read_state(path: Path) -> StateIds:
    from emailiac.drift.state import StateFormatError, read_state

    try:
        return read_state(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        fail(f"{path}: cannot read the state: {getattr(exc, 'strerror', None) or exc}")
    except StateFormatError as exc:
        fail(f"{path}: {exc}")


def _scan(aws: AwsOptions | None, m365: M365Options | None, timeout: float) -> Inventory:
    """The live sources asked for, each through the collector `scan` uses, under one deadline."""
    from emailiac.model import Inventory
    from emailiac.sources.deadline import Deadline

    deadline = Deadline(timeout)
    inventory = Inventory()
    if aws is not None:
        from emailiac.commands.scan_aws import check_aws, collect_aws
        from emailiac.sources.aws.errors import AwsSetupError

        problem = check_aws(aws)
        if problem:
            fail(problem)
        try:
            inventory.extend(collect_aws(aws, deadline))
        except AwsSetupError as exc:
            fail(f"AWS: {exc}")
    if m365 is not None:
        from emailiac.commands.scan_m365 import check_m365, collect_m365
        from emailiac.sources.m365.errors import M365SetupError

        problem = check_m365(m365)
        if problem:
            fail(problem)
        try:
            inventory.extend(collect_m365(m365, deadline))
        except M365SetupError as exc:
            fail(f"Microsoft 365: {exc}")
    return inventory


def _scan_dns(
    declared: Inventory, found: Inventory, nameserver: list[str], selectors: list[str], timeout: float
) -> Inventory:
    """Look up in DNS the zones and mail domains the Terraform declares (and those the other live sources
    found), through the collector `scan --dns` uses."""
    from emailiac.commands.scan_dns import collect_dns, dns_request
    from emailiac.model import DnsZone
    from emailiac.sources.dns.listing import domains_of

    names = set(domains_of(declared)) | set(domains_of(found))
    names |= {z.name for z in declared.of(DnsZone) if isinstance(z.name, str) and not z.private}
    if not names:
        fail("--dns: the configuration declares no DNS zone or mail domain to look up")
    request = dns_request([], sorted(names), None, nameserver, selectors, False, timeout)
    assert request is not None  # domains were named
    return collect_dns(request, found)


def _write(text: str, target: Path | None) -> None:
    from emailiac.atomic import write_atomic

    if target is None:
        sys.stdout.write(text if text.endswith("\n") or not text else text + "\n")
        return
    try:
        write_atomic(target, text)
    except OSError as exc:
        fail(f"{target}: cannot write report: {exc.strerror}")


def drift(
    paths: Annotated[list[Path], typer.Argument(metavar="TERRAFORM_PATH", help="Terraform directories or files.")],
    live: Annotated[
        list[Path],
        typer.Option("--live", metavar="FILE", help="A saved inventory (scan --save-inventory), repeatable."),
    ] = [],  # noqa: B006 - typer reads the default
    aws: Annotated[bool, typer.Option("--aws", help="Scan the live AWS account now (boto3 credentials).")] = False,
    m365: Annotated[bool, typer.Option("--m365", help="Scan the Microsoft 365 tenant now.")] = False,
    dns: Annotated[bool, typer.Option("--dns", help="Look the declared names up in public DNS now.")] = False,
    region: Region = [],  # noqa: B006
    profile: Profile = None,
    tenant_id: TenantId = None,
    client_id: ClientId = None,
    certificate: Certificate = None,
    cloud: CloudName = "global",
    graph_url: GraphUrl = None,
    nameserver: NameserverOption = [],  # noqa: B006
    dkim_selector: DkimSelectorOption = [],  # noqa: B006
    dns_timeout: DnsTimeoutOption = 5.0,
    timeout: Annotated[
        float, typer.Option(min=1, metavar="SECONDS", help="Deadline for the live scans together.")
    ] = 300.0,
    state: Annotated[
        Path | None, typer.Option("--state", metavar="FILE", help="`terraform show -json` of the state: exact IDs.")
    ] = None,
    save_inventory: Annotated[
        Path | None, typer.Option(metavar="FILE", help="Also write what the live scan saw (for --live later).")
    ] = None,
    baseline: Annotated[
        str | None, typer.Option("--baseline", "-b", metavar="NAME|FILE", help="default, scuba, hipaa or a YAML file.")
    ] = None,
    fmt: DriftFormatOpt = [],  # noqa: B006 - typer reads the default
    output: OutputOpt = [],  # noqa: B006
    var_file: Annotated[
        list[Path], typer.Option("--var-file", metavar="FILE", help="A .tfvars file, repeatable.")
    ] = [],  # noqa: B006
    var: Annotated[list[str], typer.Option("--var", metavar="NAME=VALUE", help="NAME=VALUE, repeatable.")] = [],  # noqa: B006
    verbose: Annotated[
        bool, typer.Option("--verbose", "-v", help="Also list what agrees, and what was not compared.")
    ] = False,
    config: Annotated[
        Path | None,
        typer.Option(metavar="FILE", help="Configuration file (default: .emailiac.yaml or pyproject.toml)."),
    ] = None,
) -> None:
    """Compare what Terraform declares with what runs: managed, changed, unmanaged, missing."""
    from emailiac import __version__
    from emailiac.lint import LintOptions
    from emailiac.report import DRIFT_REPORTERS, ReportOptions

    formats = fmt or ["text"]
    for name in formats:
        if name not in DRIFT_REPORTERS:
            fail(f"unknown format {name!r} for drift (choose from {', '.join(DRIFT_REPORTERS)})")
    if len(output) > len(formats):
        fail("more --output files than --format options")
    if not (live or aws or m365 or dns):
        fail("name the live side: --live inventory.json (from scan --save-inventory), --aws, --m365 or --dns")
    cfg = load_config(config, paths)
    chosen = load_baseline(baseline or cfg.baseline)
    inventory = _read_live(live)
    if aws or m365:
        inventory.extend(
            _scan(
                AwsOptions(regions=tuple(region), profile=profile) if aws else None,
                M365Options(tenant_id, client_id, certificate, cloud, graph_url) if m365 else None,
                timeout,
            )
        )
    options = LintOptions(
        var_files=tuple([*map(Path, cfg.var_files), *var_file]),
        cli_vars=parse_vars(var),
        exclude=tuple(cfg.exclude),
        skip=tuple(cfg.skip),
        jobs=1,
    )
    declared: Side | None = None
    if dns:
        if importlib.util.find_spec("dns") is None:
            fail("looking names up in DNS needs dnspython: pip install 'emailiac[dns]'")
        from emailiac.drift.run import declared_side

        # The declared side names what to look up, and is the one drift compares: loaded once.
        declared = declared_side(paths, chosen, options)
        inventory.extend(_scan_dns(declared.inventory, inventory, nameserver, dkim_selector, dns_timeout))
    if save_inventory is not None:
        from emailiac.inventory_io import dump_inventory

        _write(dump_inventory(inventory), save_inventory)
    ids = _read_state(state) if state is not None else None
    from emailiac.drift.run import drift as run_drift

    report = run_drift(
        paths,
        inventory,
        chosen,
        options,
        state=ids,
        state_file=str(state) if state else None,
        declared=declared,
    )
    for warning in (*report.declared.warnings, *report.live.warnings):
        typer.echo(f"warning: {warning}", err=True)
    for error in (*report.declared.errors, *report.live.errors):
        typer.echo(f"error: {error}", err=True)
    report_options = ReportOptions(
        tool_version=__version__,
        show_passes=verbose,
        show_not_assessed=verbose,
        base_dir=Path.cwd(),
        home_dir=Path.home(),
    )
    for i, name in enumerate(formats):
        _write(DRIFT_REPORTERS[name](report, report_options), output[i] if i < len(output) else None)
    raise typer.Exit(report.exit_code())

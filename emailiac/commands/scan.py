"""`emailiac scan`: live sources (AWS, Microsoft 365, DNS) collected as facts, judged with the same rules and
baseline as `lint`, and reported with the same reporters, as one report.

Each source keeps its options and its collection in its own module (`scan_aws`, `scan_m365`, `scan_dns`);
this module runs the chosen sources side by side under one deadline (`--timeout`), then DNS (which looks up
what the others found), joins their inventories, lets them answer each other (DKIM of Microsoft 365 domains
is a DNS question) and reports. Everything heavy (boto3,
msgraph-sdk, rich) is imported only by the source that needs it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from emailiac.commands import scan_dns
from emailiac.commands.common import FormatOpt, OutputOpt, emit_reports, fail, load_baseline, load_config, severity
from emailiac.commands.scan_aws import (
    AwsOptions,
    ExternalId,
    MaxAttempts,
    Profile,
    Region,
    RetryMode,
    RoleArn,
    Workers,
    permissions_aws,
)
from emailiac.commands.scan_m365 import (
    Certificate,
    ClientId,
    CloudName,
    GraphUrl,
    M365Options,
    TenantId,
    permissions_m365,
)

if TYPE_CHECKING:
    from emailiac.model import Inventory
    from emailiac.result import InputError
    from emailiac.sources.deadline import Deadline

__all__ = ["permissions_aws", "permissions_m365", "scan"]

# Time a source gets after the deadline to hand over what it has (its unfinished parts are gaps by then).
_HANDOVER = 5.0


@dataclass(frozen=True)
class LiveSource:
    name: str  # aws | m365 | dns: the inventory's source name
    label: str  # how messages name it
    collect: Callable[[Deadline], Inventory]
    fact_types: Callable[[], tuple[str, ...]]  # what it feeds: all of it is a gap when it never returns


def _save(path: Path, inventory: Inventory) -> None:
    from emailiac.atomic import write_atomic
    from emailiac.inventory_io import dump_inventory

    try:
        write_atomic(path, dump_inventory(inventory))
    except OSError as exc:
        fail(f"{path}: cannot write the inventory: {exc.strerror}")


def _collect_all(sources: list[LiveSource], deadline: Deadline) -> tuple[Inventory, list[InputError]]:
    """Every source side by side; a setup error stops the scan, a source that never returns is all gaps."""
    from emailiac.model import Gap, Inventory
    from emailiac.result import InputError
    from emailiac.sources.aws.errors import AwsSetupError
    from emailiac.sources.deadline import Deadline, run_until
    from emailiac.sources.m365.errors import M365SetupError

    handover = Deadline(deadline.seconds + _HANDOVER, deadline.started)
    jobs = [partial(s.collect, deadline) for s in sources]
    finished = run_until(handover, jobs, len(sources), "emailiac-scan")
    merged = Inventory()
    errors: list[InputError] = []
    for source, done in zip(sources, finished, strict=True):
        if done is None:
            reason = deadline.reason(f"{source.label} (the scan did not return)")
            part = Inventory(sources={source.name}, gaps=[Gap(t, "", reason) for t in source.fact_types()])
        else:
            try:
                part = done.result()
            except (AwsSetupError, M365SetupError) as exc:
                fail(f"{source.label}: {exc}")
        if not part.facts and part.gaps:
            errors.append(InputError(f"{source.label}: nothing could be read: {part.gaps[0].reason}"))
        merged.extend(part)
    return merged, errors


def _answer_each_other(inventory: Inventory) -> None:
    """What one source needs from another. DKIM of the tenant's mail domains is in DNS, not in Graph: without
    DNS data for them in this run, those checks are gaps that name the domain."""
    if "m365" in inventory.sources:
        from emailiac.sources.m365.dkim import unseen_selectors

        inventory.gaps.extend(unseen_selectors(inventory))


def scan(
    aws: Annotated[bool, typer.Option("--aws", help="Scan the live AWS account (boto3 credentials).")] = False,
    m365: Annotated[bool, typer.Option("--m365", help="Scan the live Microsoft 365 tenant (Microsoft Graph).")] = False,
    region: Region = [],  # noqa: B006 - typer reads the default
    profile: Profile = None,
    role_arn: RoleArn = None,
    external_id: ExternalId = None,
    retry_mode: RetryMode = "standard",
    max_attempts: MaxAttempts = 5,
    workers: Workers = 8,
    tenant_id: TenantId = None,
    client_id: ClientId = None,
    certificate: Certificate = None,
    cloud: CloudName = "global",
    graph_url: GraphUrl = None,
    dns: scan_dns.DnsOption = [],  # noqa: B006
    domains: scan_dns.DnsDomainsArgument = None,
    dns_from: scan_dns.DnsFromOption = None,
    nameserver: scan_dns.NameserverOption = [],  # noqa: B006
    dkim_selector: scan_dns.DkimSelectorOption = [],  # noqa: B006
    dns_from_sources: scan_dns.DnsFromSourcesOption = False,
    dns_timeout: scan_dns.DnsTimeoutOption = 5.0,
    timeout: Annotated[
        float,
        typer.Option(
            min=1, metavar="SECONDS", help="Deadline of the whole scan; what is not read by then is not assessed."
        ),
    ] = 300.0,
    save_inventory: Annotated[
        Path | None, typer.Option(metavar="FILE", help="Also write the collected facts as JSON (for `emailiac lint`).")
    ] = None,
    baseline: Annotated[
        str | None, typer.Option("--baseline", "-b", metavar="NAME|FILE", help="default, scuba, hipaa or a YAML file.")
    ] = None,
    fmt: FormatOpt = [],  # noqa: B006 - typer reads the default
    output: OutputOpt = [],  # noqa: B006
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
    """Scan live infrastructure (AWS, Microsoft 365, DNS and mail hosts) and judge it against a baseline."""
    from emailiac.commands.scan_aws import aws_fact_types, check_aws, collect_aws
    from emailiac.commands.scan_m365 import check_m365, collect_m365, m365_fact_types
    from emailiac.engine import evaluate
    from emailiac.rules import rule_by_id
    from emailiac.sources.deadline import Deadline

    dns_scan = scan_dns.dns_request(dns, domains, dns_from, nameserver, dkim_selector, dns_from_sources, dns_timeout)
    if not (aws or m365 or dns_scan):
        fail("name what to scan: --aws, --m365, --dns DOMAIN")
    sources: list[LiveSource] = []
    if aws:
        aws_options = AwsOptions(tuple(region), profile, role_arn, external_id, retry_mode, max_attempts, workers)
        problem = check_aws(aws_options)
        if problem:
            fail(problem)
        sources.append(LiveSource("aws", "AWS", lambda d: collect_aws(aws_options, d), aws_fact_types))
    if m365:
        m365_options = M365Options(tenant_id, client_id, certificate, cloud, graph_url)
        problem = check_m365(m365_options)
        if problem:
            fail(problem)
        sources.append(LiveSource("m365", "Microsoft 365", lambda d: collect_m365(m365_options, d), m365_fact_types))
    cfg = load_config(config)
    for rule_id in [*select, *skip, *cfg.select, *cfg.skip]:
        if rule_by_id(rule_id) is None:
            fail(f"unknown rule {rule_id!r} (see `emailiac rules`)")
    chosen = load_baseline(baseline or cfg.baseline)
    threshold = severity(fail_on or cfg.fail_on)

    deadline = Deadline(timeout)
    inventory, errors = _collect_all(sources, deadline)
    if dns_scan is not None:  # after the others: their domains, SES tokens and tenant domains feed it
        inventory.extend(scan_dns.collect_dns(dns_scan, inventory, deadline))
    _answer_each_other(inventory)
    if save_inventory is not None:
        _save(save_inventory, inventory)
    result = evaluate(inventory, chosen, only=tuple(select or cfg.select), skip=(*cfg.skip, *skip), errors=errors)
    for warning in result.warnings:
        typer.echo(f"warning: {warning}", err=True)
    emit_reports(result, fmt, output, no_color=no_color, verbose=verbose)
    raise typer.Exit(result.exit_code(threshold, allow_partial or cfg.allow_partial))

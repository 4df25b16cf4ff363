"""The stable Python API, for programs that embed emailiac (pre-commit frameworks, internal platforms).

    from emailiac import api

    result = api.lint(["infra/"], baseline="hipaa")
    if result.exit_code(api.Severity.HIGH):
        print(api.render(result, "markdown"))

Everything here is typed and keyword-only after the paths; what is not in `__all__` is internal and may change
in any release. A user error (a baseline that does not validate, an unknown rule or format) raises
`EmailiacError` with the one-line message the command line would print; input that does not parse is not an
exception but an entry in `Result.errors`, as on the command line.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from emailiac import __version__
from emailiac.result import Evaluation, Finding, InputError, Result, Severity, Status

if TYPE_CHECKING:
    from emailiac.baseline import Baseline
    from emailiac.fixes.model import Fix
    from emailiac.lint import LintOptions

__all__ = [
    "EmailiacError",
    "Evaluation",
    "Finding",
    "FixOutcome",
    "InputError",
    "Result",
    "Severity",
    "Status",
    "__version__",
    "fix",
    "lint",
    "load_baseline",
    "render",
    "scan_aws",
    "scan_dns",
    "scan_m365",
]

PathLike = str | os.PathLike[str]


class EmailiacError(Exception):
    """A user error: a bad baseline, an unknown rule or format, missing credentials or extras."""


def load_baseline(name_or_path: str | Baseline = "default") -> Baseline:
    """A built-in profile (`default`, `scuba`, `hipaa`), a YAML file, or a Baseline as it is."""
    from emailiac.baseline import Baseline, BaselineError
    from emailiac.baseline import load_baseline as _load

    if isinstance(name_or_path, Baseline):
        return name_or_path
    try:
        return _load(str(name_or_path))
    except BaselineError as exc:
        raise EmailiacError(str(exc)) from None


def _check_rules(rule_ids: Iterable[str]) -> tuple[str, ...]:
    from emailiac.rules import rule_by_id

    ids = tuple(rule_ids)
    for rule_id in ids:
        if rule_by_id(rule_id) is None:
            raise EmailiacError(f"unknown rule {rule_id!r}")
    return ids


def _lint_options(
    *,
    rules: Iterable[str],
    skip: Iterable[str],
    var_files: Iterable[PathLike],
    variables: Mapping[str, str] | None,
    exclude: Iterable[str],
    jobs: int | None,
    cache: bool,
    env: Mapping[str, str] | None,
) -> LintOptions:
    from emailiac.lint import LintOptions

    return LintOptions(
        var_files=tuple(Path(p) for p in var_files),
        cli_vars=dict(variables or {}),
        exclude=tuple(exclude),
        only=_check_rules(rules),
        skip=_check_rules(skip),
        jobs=jobs,
        cache=cache,
        env=env,
    )


def lint(
    paths: Sequence[PathLike],
    *,
    baseline: str | Baseline = "default",
    rules: Iterable[str] = (),
    skip: Iterable[str] = (),
    var_files: Iterable[PathLike] = (),
    variables: Mapping[str, str] | None = None,
    exclude: Iterable[str] = (),
    jobs: int | None = None,
    cache: bool = True,
    env: Mapping[str, str] | None = None,
    with_fixes: bool = False,
) -> Result:
    """Judge Terraform directories or files, plan JSON or saved inventories, as `emailiac lint` does.

    `rules` runs only those rules; `variables` are `--var` values; `env` replaces `os.environ` for `TF_VAR_*`;
    `with_fixes` attaches each finding's fix (as the JSON and SARIF reports carry it)."""
    from emailiac.lintrun import run_lint

    options = _lint_options(
        rules=rules,
        skip=skip,
        var_files=var_files,
        variables=variables,
        exclude=exclude,
        jobs=jobs,
        cache=cache,
        env=env,
    )
    chosen = load_baseline(baseline)
    targets = [Path(p) for p in paths]
    if not targets:
        raise EmailiacError("name at least one path to lint")
    collected, result = run_lint(targets, chosen, options, fixes=with_fixes)
    if result is None:
        raise EmailiacError(str(collected.errors[0]) if collected.errors else "nothing to lint")
    return result


def scan_aws(
    *,
    regions: Iterable[str] = (),
    profile: str | None = None,
    role_arn: str | None = None,
    external_id: str | None = None,
    baseline: str | Baseline = "default",
    rules: Iterable[str] = (),
    skip: Iterable[str] = (),
    workers: int = 8,
) -> Result:
    """Scan the live AWS account (boto3's credential chain), as `emailiac scan --aws` does."""
    import importlib.util

    if importlib.util.find_spec("boto3") is None:
        raise EmailiacError("scanning AWS needs boto3: pip install 'emailiac[aws]'")
    from emailiac.engine import evaluate
    from emailiac.sources.aws.collector import collect
    from emailiac.sources.aws.errors import AwsSetupError
    from emailiac.sources.aws.session import Reach, open_session

    chosen = load_baseline(baseline)
    only, skipped = _check_rules(rules), _check_rules(skip)
    reach = Reach(profile=profile, role_arn=role_arn, external_id=external_id)
    try:
        inventory = collect(open_session(reach), list(regions), workers=workers)
    except AwsSetupError as exc:
        raise EmailiacError(str(exc)) from None
    return evaluate(inventory, chosen, only=only, skip=skipped)


def scan_m365(
    *,
    tenant_id: str | None = None,
    client_id: str | None = None,
    certificate: PathLike | None = None,
    cloud: str = "global",
    graph_url: str | None = None,
    timeout: float = 300.0,
    baseline: str | Baseline = "default",
    rules: Iterable[str] = (),
    skip: Iterable[str] = (),
) -> Result:
    """Scan the live Microsoft 365 tenant through Microsoft Graph, as `emailiac scan --m365` does
    (azure-identity's credential chain; a client secret only from AZURE_CLIENT_SECRET)."""
    from emailiac.commands.scan_m365 import M365Options, check_m365, collect_m365
    from emailiac.engine import evaluate
    from emailiac.sources.deadline import Deadline

    options = M365Options(
        tenant_id=tenant_id,
        client_id=client_id,
        certificate=Path(certificate) if certificate is not None else None,
        cloud=cloud,
        graph_url=graph_url,
    )
    problem = check_m365(options)
    if problem:
        raise EmailiacError(problem)
    from emailiac.sources.m365.errors import M365SetupError

    chosen = load_baseline(baseline)
    only, skipped = _check_rules(rules), _check_rules(skip)
    try:
        inventory = collect_m365(options, Deadline(timeout))
    except M365SetupError as exc:
        raise EmailiacError(str(exc)) from None
    return evaluate(inventory, chosen, only=only, skip=skipped)


def scan_dns(
    domains: Sequence[str],
    *,
    nameservers: Iterable[str] = (),
    dkim_selectors: Iterable[str] = (),
    timeout: float = 5.0,
    baseline: str | Baseline = "default",
    rules: Iterable[str] = (),
    skip: Iterable[str] = (),
) -> Result:
    """Judge what the world sees of `domains` (SPF, DMARC, DKIM, MTA-STS, TLS-RPT, MX TLS), as
    `emailiac scan --dns` does; `nameservers` (HOST[:PORT]) pin the resolver, `timeout` bounds each step."""
    import importlib.util

    if importlib.util.find_spec("dns") is None:
        raise EmailiacError("scanning DNS needs dnspython: pip install 'emailiac[dns]'")
    from emailiac.commands.scan_dns import DnsRequest, collect_dns
    from emailiac.engine import evaluate
    from emailiac.model import Inventory
    from emailiac.sources.dns.listing import domain_error
    from emailiac.sources.dns.resolver import NameserverError, parse_nameserver

    if not domains:
        raise EmailiacError("name at least one domain to scan")
    for domain in domains:
        problem = domain_error(domain)
        if problem:
            raise EmailiacError(problem)
    try:
        servers = tuple(parse_nameserver(text) for text in nameservers)
    except NameserverError as exc:
        raise EmailiacError(str(exc)) from None
    chosen = load_baseline(baseline)
    only, skipped = _check_rules(rules), _check_rules(skip)
    request = DnsRequest(tuple(domains), servers, tuple(dkim_selectors), False, timeout)
    inventory = collect_dns(request, Inventory())
    return evaluate(inventory, chosen, only=only, skip=skipped)


@dataclass(frozen=True)
class FixOutcome:
    """What `fix` planned, and what it wrote."""

    result: Result  # the lint result the fixes answer
    diff: str  # unified diff of every change (new files included)
    written: tuple[str, ...] = ()  # files written (only with write=True)
    applied: tuple[Fix, ...] = ()  # fixes in the diff
    pending: tuple[Fix, ...] = ()  # unsafe fixes left out (unsafe=False)
    advice: tuple[Fix, ...] = field(default=())  # display-only suggestions


def fix(
    paths: Sequence[PathLike],
    *,
    baseline: str | Baseline = "default",
    rules: Iterable[str] = (),
    unsafe: bool = False,
    write: bool = False,
    out: PathLike | None = None,
    var_files: Iterable[PathLike] = (),
    variables: Mapping[str, str] | None = None,
    exclude: Iterable[str] = (),
) -> FixOutcome:
    """Plan corrective Terraform as `emailiac fix` does; with `write=True`, apply it (all files or none).

    Raises EmailiacError when the configuration has input errors (nothing is written then)."""
    from emailiac.fixes.apply import unified_diff
    from emailiac.fixes.run import recover_writes, run_fix, write_fixes

    options = _lint_options(
        rules=rules,
        skip=(),
        var_files=var_files,
        variables=variables,
        exclude=exclude,
        jobs=1,
        cache=True,
        env=None,
    )
    targets = [Path(p) for p in paths]
    out_path = Path(out) if out else None
    recover_writes(targets, out_path)  # a write a killed run left half done is finished first, as the CLI does
    run = run_fix(targets, load_baseline(baseline), options, unsafe=unsafe, out=out_path)
    if run.result.errors:
        raise EmailiacError(f"the configuration has errors; nothing was changed: {run.result.errors[0]}")
    diff = unified_diff(run.changes, Path.cwd())
    written: list[str] = []
    if write:
        try:
            written = write_fixes(run.changes, targets, out_path)
        except OSError as exc:
            raise EmailiacError(f"cannot write the fixes (nothing was changed): {exc}") from None
    return FixOutcome(
        result=run.result,
        diff=diff,
        written=tuple(written),
        applied=tuple(run.changes.applied),
        pending=tuple(run.pending),
        advice=tuple(run.advice),
    )


def render(result: Result, format_name: str = "json", *, base_dir: PathLike | None = None) -> str:
    """A report of `result` in any format the command line writes (text, json, sarif, junit, markdown,
    github, gitlab, checkstyle...), with paths shown relative to `base_dir` (default: the working directory)."""
    from emailiac.report import REPORTERS, ReportOptions, rules_by_id
    from emailiac.rules import ALL_RULES

    reporter = REPORTERS.get(format_name)
    if reporter is None:
        raise EmailiacError(f"unknown format {format_name!r} (choose from {', '.join(sorted(REPORTERS))})")
    options = ReportOptions(
        tool_version=__version__,
        base_dir=Path(base_dir) if base_dir is not None else Path.cwd(),
        home_dir=Path.home(),
        rules=rules_by_id(ALL_RULES),
    )
    return reporter(result, options)

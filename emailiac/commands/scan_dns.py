"""The `--dns` options of `emailiac scan`: which domains, which name servers, which DKIM selectors.

Kept apart from commands/scan.py, which only declares these options and calls `dns_request` and `collect_dns`.
dnspython is imported only when a DNS scan runs.
"""

from __future__ import annotations

import importlib.util
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from emailiac.commands.common import fail

if TYPE_CHECKING:
    from emailiac.model import Inventory
    from emailiac.sources.deadline import Deadline

__all__ = [
    "DkimSelectorOption",
    "DnsDomainsArgument",
    "DnsFromOption",
    "DnsFromSourcesOption",
    "DnsOption",
    "DnsRequest",
    "DnsTimeoutOption",
    "NameserverOption",
    "collect_dns",
    "dns_request",
]

DnsOption = Annotated[
    list[str],
    typer.Option(
        "--dns",
        metavar="DOMAIN",
        help="Scan this domain's live DNS and mail hosts, repeatable (more domains may follow as arguments).",
    ),
]
DnsDomainsArgument = Annotated[
    list[str] | None, typer.Argument(metavar="[DOMAIN]...", help="More domains for --dns.", show_default=False)
]
DnsFromOption = Annotated[
    Path | None, typer.Option("--dns-from", metavar="FILE", help="Domains to scan, one a line (# comments).")
]
NameserverOption = Annotated[
    list[str],
    typer.Option(
        "--nameserver",
        metavar="HOST[:PORT]",
        help="Ask this name server for every name the DNS scan needs, repeatable (default: the system's).",
    ),
]
DkimSelectorOption = Annotated[
    list[str],
    typer.Option("--dkim-selector", metavar="NAME", help="DKIM selector to look up besides the common ones."),
]
DnsFromSourcesOption = Annotated[
    bool,
    typer.Option(
        "--dns-from-sources",
        help="Also scan the DNS of the domains the other sources found (SES identities, Microsoft 365 domains).",
    ),
]

DnsTimeoutOption = Annotated[
    float,
    typer.Option(
        "--dns-timeout",
        min=0.1,
        max=60,
        metavar="SECONDS",
        help="Longest wait for each DNS answer, connection and read of the DNS scan.",
    ),
]


@dataclass(frozen=True)
class DnsRequest:
    domains: tuple[str, ...]
    nameservers: tuple[tuple[str, int], ...]
    selectors: tuple[str, ...]
    from_sources: bool
    timeout: float = 5.0  # per step: a dead host is reported, it does not stall the scan


def dns_request(
    dns: list[str],
    domains: list[str] | None,
    dns_from: Path | None,
    nameserver: list[str],
    dkim_selector: list[str],
    dns_from_sources: bool,
    timeout: float = 5.0,
) -> DnsRequest | None:
    """The DNS scan asked for on the command line, or None; a usage error exits 2 with one line."""
    named: list[tuple[str, str]] = [("", d) for d in (*dns, *(domains or []))]  # (where, domain)
    if dns_from is not None:
        from emailiac.sources.dns.listing import domains_in

        try:
            lines = dns_from.read_text(encoding="utf-8").splitlines()
        except (OSError, UnicodeDecodeError) as exc:
            fail(f"{dns_from}: cannot read the domain list: {getattr(exc, 'strerror', None) or exc}")
        named += [(f"{dns_from}:{number}: ", domain) for number, domain in domains_in(lines)]
    if not named and not dns_from_sources:
        if nameserver or dkim_selector:
            fail("--nameserver and --dkim-selector need a DNS scan: --dns DOMAIN")
        return None
    if importlib.util.find_spec("dns") is None:
        fail("scanning DNS needs dnspython: pip install 'emailiac[dns]'")
    from emailiac.sources.dns.listing import domain_error
    from emailiac.sources.dns.resolver import NameserverError, parse_nameserver

    for where, domain in named:
        problem = domain_error(domain)
        if problem:
            fail(f"{where}{problem}")
    try:
        servers = tuple(parse_nameserver(text) for text in nameserver)
    except NameserverError as exc:
        fail(str(exc))
    return DnsRequest(tuple(d for _, d in named), servers, tuple(dkim_selector), dns_from_sources, timeout)


def collect_dns(request: DnsRequest, others: Inventory, deadline: Deadline | None = None) -> Inventory:
    """Scan the DNS of the requested domains (and of the other sources' domains when asked), using what the
    other sources found (SES Easy-DKIM tokens, the tenant's selector1/selector2) to know which DKIM names to
    look up; nothing new starts after the scan's deadline."""
    from emailiac.sources.dns.collector import DnsScan
    from emailiac.sources.dns.collector import collect_dns as collect
    from emailiac.sources.dns.listing import domains_of, ses_tokens
    from emailiac.sources.dns.resolver import LiveResolver
    from emailiac.sources.m365.dkim import SELECTORS, m365_mail_domains

    domains = [*request.domains, *(domains_of(others) if request.from_sources else [])]
    scan = DnsScan(
        tuple(domains),
        selectors=request.selectors,
        ses_tokens=ses_tokens(others),
        dkim_names={d: tuple(f"{s}._domainkey.{d}" for s in SELECTORS) for d in m365_mail_domains(others)},
        timeout=request.timeout,
        deadline=None if deadline is None else deadline.started + deadline.seconds,
    )
    return collect(LiveResolver(list(request.nameservers) or None, timeout=request.timeout), scan)

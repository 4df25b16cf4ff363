"""The live DNS collector: mail domains as the world sees them, turned into the same facts as Terraform.

For each domain: its TXT (SPF), MX, the names SPF evaluation reaches (see names), `_dmarc` names, DKIM
selectors, `_mta-sts` and the policy over HTTPS, `_smtp._tls`; then every MX host is probed on port 25.
A record found becomes a `DnsRecord` at `dns://name/TYPE`; a name that does not exist, or has no records of
the type, becomes nothing (the scan speaks for every name it asked about); a look-up that failed becomes a
`Gap` for that name, so the rules that need it are not assessed. Domains are looked up concurrently, and so
are MX hosts.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

from emailiac.mailauth import find_sts_records
from emailiac.mailauth.orgdomain import normalize_domain
from emailiac.model import (
    DnsLookups,
    DnsRecord,
    Fact,
    Gap,
    Inventory,
    MailDomain,
    MtaStsPolicy,
    MxTls,
    Note,
    Provenance,
    Unknown,
)
from emailiac.sources.dns.names import COMMON_SELECTORS, dmarc_names, report_authorization_names, spf_targets
from emailiac.sources.dns.resolver import Answer, LiveResolver

__all__ = ["DnsScan", "collect_dns"]

# Names one domain's SPF evaluation may reach before the walk stops (receivers stop at 10 look-ups; this
# leaves room to show by how much a record is over).
MAX_SPF_NAMES = 60


@dataclass(frozen=True)
class DnsScan:
    domains: tuple[str, ...]
    selectors: tuple[str, ...] = ()  # --dkim-selector, tried before the common ones
    ses_tokens: dict[str, tuple[str, ...]] = field(default_factory=dict)  # Easy-DKIM tokens by domain
    dkim_names: dict[str, tuple[str, ...]] = field(default_factory=dict)  # selector names other sources name
    timeout: float = 3.0  # per connection step (connect, each read)
    workers: int = 16
    probe_mx: bool = True
    deadline: float | None = None  # time.monotonic() after which nothing new is started


def _prov(name: str, rtype: str) -> Provenance:
    return Provenance("dns", f"dns://{name}/{rtype}")


class _Facts:
    """What the walk found, deduplicated by (name, type), safe to add to from several threads."""

    def __init__(self) -> None:
        self.records: dict[tuple[str, str], DnsRecord] = {}
        self.gaps: dict[str, Gap] = {}
        self.other: list[MailDomain | MtaStsPolicy | MxTls] = []
        self.notes: list[Note] = []
        self.asked: set[str] = set()
        self.lock = threading.Lock()

    def answer(self, answer: Answer) -> None:
        with self.lock:
            self.asked.add(answer.name)
            self.asked.update(alias for alias, _ in answer.chain)
            for alias, target in answer.chain:
                key = (alias, "CNAME")
                if key not in self.records:
                    self.records[key] = DnsRecord(_prov(alias, "CNAME"), alias, "CNAME", (target,))
            if answer.status == "ok":
                key = (answer.name, answer.rtype)
                self.records.setdefault(
                    key,
                    DnsRecord(
                        _prov(answer.name, answer.rtype),
                        answer.name,
                        answer.rtype,
                        answer.values,
                        strings=answer.strings,
                        ttl=answer.ttl,
                    ),
                )
            elif answer.status == "failed":
                self.gaps.setdefault(answer.name, Gap("DnsRecord", answer.name, answer.reason))

    def add(self, fact: MailDomain | MtaStsPolicy | MxTls) -> None:
        with self.lock:
            self.other.append(fact)

    def note(self, address: str, reason: str) -> None:
        with self.lock:
            self.notes.append(Note(address, reason))


class _Walk:
    def __init__(self, resolver: LiveResolver, scan: DnsScan, facts: _Facts) -> None:
        self.resolver = resolver
        self.scan = scan
        self.facts = facts

    def expired(self) -> bool:
        return self.scan.deadline is not None and time.monotonic() > self.scan.deadline

    def ask(self, name: str, rtype: str) -> Answer:
        if self.expired():
            answer = Answer(name, rtype, "failed", reason="the scan's --timeout passed before it was looked up")
        else:
            answer = self.resolver.query(name, rtype)
        self.facts.answer(answer)
        return answer

    def domain(self, domain: str) -> list[str]:
        """Look up everything about one domain; its MX hosts."""
        self.facts.add(MailDomain(_prov(domain, "TXT"), domain, "dns"))
        txt = self.ask(domain, "TXT")
        mx = self.ask(domain, "MX")
        self.spf(domain, txt)
        self.dmarc(domain)
        self.dkim(domain)
        self.mta_sts(domain)
        self.ask(f"_smtp._tls.{domain}", "TXT")
        hosts = [v.split()[-1] for v in mx.values if v.split() and v.split()[-1] not in ("", ".")]
        return sorted(set(hosts))

    def spf(self, domain: str, txt: Answer) -> None:
        seen = {(domain, "TXT")}
        queue = [(domain, txt)]
        while queue:
            name, answer = queue.pop(0)
            for target in spf_targets(name, answer.values):
                if target in seen:
                    continue
                seen.add(target)
                if len(seen) > MAX_SPF_NAMES:
                    reason = f"not looked up: the SPF walk of {domain} stops at {MAX_SPF_NAMES} names"
                    self.facts.answer(Answer(target[0], target[1], "failed", reason=reason))
                    continue
                found = self.ask(*target)
                if target[1] == "TXT":
                    queue.append((target[0], found))

    def dmarc(self, domain: str) -> None:
        for name in dmarc_names(domain):
            answer = self.ask(name, "TXT")
            for auth in report_authorization_names(name, answer.values):
                # RULES.md has no rule for it: a hint, not a finding.
                if self.ask(auth, "TXT").void:
                    self.facts.note(
                        f"dns://{name}/TXT",
                        f"hint: reports sent to {auth.split('._report._dmarc.')[1]} are dropped unless {auth} "
                        "publishes v=DMARC1 (RFC 7489 7.1); it publishes nothing",
                    )

    def dkim(self, domain: str) -> None:
        for name in self.scan.dkim_names.get(domain, ()):
            self.ask(name, "TXT")  # follows the CNAME to the key, keeping both
        for token in self.scan.ses_tokens.get(domain, ()):
            self.ask(f"{token}._domainkey.{domain}", "CNAME")
        for selector in dict.fromkeys((*self.scan.selectors, *COMMON_SELECTORS)):
            self.ask(f"{selector}._domainkey.{domain}", "TXT")

    def mta_sts(self, domain: str) -> None:
        from emailiac.sources.dns.mtasts_fetch import fetch_policy

        answer = self.ask(f"_mta-sts.{domain}", "TXT")
        if not find_sts_records(list(answer.values)):
            return
        host = f"mta-sts.{domain}"
        addresses, why = self.resolver.addresses(host)
        prov = Provenance("dns", f"https://{host}/.well-known/mta-sts.txt")
        if self.expired():
            self.facts.add(MtaStsPolicy(prov, domain, Unknown("the scan's --timeout passed before it was fetched")))
            return
        if not addresses:
            lookups = [self.resolver.query(host, t) for t in ("A", "AAAA")]
            if all(a.void for a in lookups):
                self.facts.add(MtaStsPolicy(prov, domain, "", error=f"{host} does not resolve: {why}"))
            else:
                self.facts.add(MtaStsPolicy(prov, domain, Unknown(f"{host}: {why}")))
            return
        fetched = fetch_policy(domain, addresses, self.scan.timeout)
        if fetched.unknown is not None:
            self.facts.add(MtaStsPolicy(prov, domain, Unknown(fetched.unknown)))
        elif fetched.error is not None:
            self.facts.add(MtaStsPolicy(prov, domain, "", error=fetched.error))
        else:
            self.facts.add(MtaStsPolicy(prov, domain, fetched.text or ""))


def _probe(walk: _Walk, host: str, domains: tuple[str, ...]) -> MxTls:
    from emailiac.sources.dns.certificate import read_certificate
    from emailiac.sources.dns.smtp import now_utc, probe_smtp
    from emailiac.sources.dns.tlsconfig import smtp_port

    prov = Provenance("dns", f"smtp://{host}:25")
    checked = now_utc()
    if walk.expired():
        return MxTls(prov, host, domains, checked, error="the scan's --timeout passed before it was probed")
    addresses, why = walk.resolver.addresses(host)
    if not addresses:
        return MxTls(prov, host, domains, checked, error=f"no address to connect to: {why}")
    probe = probe_smtp(host, addresses[0], smtp_port(host), walk.scan.timeout)
    if probe.error is not None:
        return MxTls(prov, host, domains, checked, address=probe.address, error=probe.error)
    names, not_after = read_certificate(probe.cert_der) if probe.cert_der else ((), None)
    legacy: tuple[str, ...] | Unknown = tuple(probe.legacy_versions)
    if probe.legacy_error is not None and not probe.legacy_versions:
        legacy = Unknown(f"the TLS 1.0/1.1 check failed: {probe.legacy_error}")
    return MxTls(
        prov,
        host,
        domains,
        checked,
        address=probe.address,
        starttls=probe.starttls,
        tls_version=probe.tls_version,
        handshake_error=probe.handshake_error,
        legacy_versions=legacy,
        cert_names=names,
        cert_not_after=not_after,
        verify_error=probe.verify_error,
    )


def collect_dns(resolver: LiveResolver, scan: DnsScan, progress: Callable[[str], None] | None = None) -> Inventory:
    """Look up every domain of the scan and probe their MX hosts."""
    facts = _Facts()
    walk = _Walk(resolver, scan, facts)
    domains = sorted({normalize_domain(d) for d in scan.domains if normalize_domain(d)})
    mx_of: dict[str, set[str]] = {}
    with ThreadPoolExecutor(max_workers=scan.workers) as pool:
        # DKIM names other sources name, for domains this scan does not walk itself.
        others = [(n, "TXT") for d, names in sorted(scan.dkim_names.items()) if d not in domains for n in names]
        others += [
            (f"{token}._domainkey.{d}", "CNAME")
            for d, tokens in sorted(scan.ses_tokens.items())
            if d not in domains
            for token in tokens
        ]
        list(pool.map(lambda query: walk.ask(*query), others))
        for domain, hosts in zip(domains, pool.map(walk.domain, domains), strict=True):
            for host in hosts:
                mx_of.setdefault(host, set()).add(domain)
            if progress is not None:
                progress(domain)
        if scan.probe_mx and mx_of:
            jobs = [(host, tuple(sorted(mx_of[host]))) for host in sorted(mx_of)]
            for fact in pool.map(lambda job: _probe(walk, *job), jobs):
                facts.add(fact)
                if progress is not None:
                    progress(fact.host)
    inventory = Inventory(sources={"dns"})
    inventory.facts.append(DnsLookups(Provenance("dns", "dns://"), tuple(sorted(facts.asked))))
    inventory.facts.extend(facts.records[key] for key in sorted(facts.records))
    inventory.facts.extend(sorted(facts.other, key=_order))
    inventory.gaps.extend(facts.gaps[name] for name in sorted(facts.gaps))
    inventory.notes.extend(sorted(set(facts.notes), key=lambda n: (n.address, n.reason)))  # once per record
    return inventory


def _order(fact: Fact) -> tuple[str, str]:
    return (type(fact).__name__, fact.prov.address)

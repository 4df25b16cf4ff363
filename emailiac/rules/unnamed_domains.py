"""Mail domains whose name is not known: an MX record, an SPF record, an SES identity or MAIL FROM domain named
through a value that is unresolved (a variable without a value, a zone named by one, a data source).

Such a domain is a mail domain all the same, so the absence rules (DMARC001, SPF001, MTASTS001, TLSRPT001) owe
it a verdict. What is missing at a name cannot be judged without the name: the verdict is not assessed where a
zone declared here may hold the domain, and out of scope where none may (as for a named domain whose zone is
not declared). Two unresolved names are never assumed equal, so each record or identity is a domain of its own.
"""

from __future__ import annotations

from dataclasses import dataclass

from emailiac.mailauth import find_spf_records
from emailiac.model import DnsZone, Inventory, Provenance, SesIdentity, SesMailFrom, Unknown
from emailiac.rules.base import Verdict
from emailiac.rules.maildomains import (
    DnsView,
    Domain,
    Scope,
    identity_domain,
    note_mx,
    patterns_may_meet,
    starts_with,
    txt_values,
)
from emailiac.rules.spf_values import shown_name

__all__ = ["UnnamedDomain", "unnamed_mail_domains"]


@dataclass(frozen=True)
class UnnamedDomain:
    """A mail domain named by `subject` through the unresolved `name`."""

    subject: Provenance
    name: Unknown
    why: str  # why it is a mail domain: "MX records", "SPF record", "SES identity ..."
    zone: DnsZone | None = None  # the declared zone of the record that names it
    receives: bool = False
    publishes_spf: bool = False  # named by its own SPF record

    @property
    def shown(self) -> str:
        """The domain as messages show it: what is known of its name (`mail.<domain>`), else `<domain>`."""
        pattern = self.name.pattern
        return shown_name(pattern) if pattern is not None else "<domain>"

    def verdict(self, view: DnsView, what: str) -> Verdict:
        """The absence verdict on `what` ("DMARC record") of this domain: not assessed where a zone declared
        here may hold it, out of scope where none may."""
        reason = f"the mail domain's name is not known ({self.name.reason})"
        holders = [z for z in view.zones if not z.private and _may_hold(z, self.name.pattern)]
        if self.zone is not None or holders:
            scope = Scope(False, self.zone, reason, unresolved=True)
        else:
            scope = Scope(False, None, f"{reason}, and no public zone declared in this configuration may hold it")
        what = f"{what} of {self.shown} ({self.why})"
        return view.unjudged(scope, self.subject, what, f"{self.subject.address} name")


def _may_hold(zone: DnsZone, pattern: str | None) -> bool:
    if isinstance(zone.name, Unknown):
        return True
    return patterns_may_meet(pattern, zone.name) or patterns_may_meet(pattern, f"*.{zone.name}")


def unnamed_mail_domains(inventory: Inventory, view: DnsView | None = None) -> list[UnnamedDomain]:
    """The mail domains of the inventory whose name is not known, in the facts' order (computed once per view)."""
    view = view or DnsView.of(inventory)
    return inventory.memo(f"unnamed-mail-domains:{id(view)}", lambda inv: _unnamed(inv, view))


def _unnamed(inventory: Inventory, view: DnsView) -> list[UnnamedDomain]:
    out: list[UnnamedDomain] = []
    for ident in inventory.of(SesIdentity):
        if isinstance(ident.identity, Unknown) and identity_domain(ident.identity) is None:
            out.append(UnnamedDomain(ident.prov, ident.identity, f"SES identity {ident.prov.address}"))
    for mail_from in inventory.of(SesMailFrom):
        if isinstance(mail_from.domain, Unknown):
            out.append(
                UnnamedDomain(mail_from.prov, mail_from.domain, f"SES MAIL FROM domain of {mail_from.prov.address}")
            )
    for record in view.records:
        if isinstance(record.name, str):
            continue
        zone = view.zone_of_record(record)
        if record.type == "MX":
            probe = Domain("")
            note_mx(probe, record)
            out.append(UnnamedDomain(record.prov, record.name, "MX records", zone, receives=probe.receives))
        elif record.type == "TXT":
            values = txt_values(record)
            texts = [v.text for v in values if isinstance(v.text, str)]
            partly = [v.text for v in values if isinstance(v.text, Unknown)]
            if find_spf_records(texts) or any(starts_with(u.pattern, "v=spf1 ") for u in partly):
                out.append(UnnamedDomain(record.prov, record.name, "SPF record", zone, publishes_spf=True))
    return out

"""DKIM of Microsoft 365 mail domains: Graph holds none, so it is a DNS question.

Exchange Online signs a custom domain once `selector1._domainkey.<domain>` and `selector2._domainkey.<domain>`
are published (CNAMEs to the tenant's keys). A scan that reads DNS in the same run (`--dns`, or a DNS zone that
holds the domain, such as a live Route 53 zone) answers it: `selector_names` are the names that DNS look-ups
need. Otherwise `unseen_selectors` records why the answer is missing, so DKIM001 is not assessed for the
domain, naming it, instead of out of scope or a pass.
"""

from __future__ import annotations

from emailiac.model import DnsZone, Gap, Inventory, MailDomain

__all__ = ["SELECTORS", "m365_mail_domains", "selector_names", "unseen_selectors"]

SELECTORS = ("selector1", "selector2")


def m365_mail_domains(inventory: Inventory) -> list[str]:
    """The tenant's mail domains (verified, with the Email service), sorted."""
    return sorted({d.name for d in inventory.of(MailDomain) if d.origin == "m365"})


def selector_names(inventory: Inventory) -> list[str]:
    """The DNS names a DNS scan must look up (CNAME, then TXT) for DKIM001 to judge the tenant's domains."""
    return [f"{s}._domainkey.{d}" for d in m365_mail_domains(inventory) for s in SELECTORS]


def _zone_holds(inventory: Inventory, domain: str) -> bool:
    for zone in inventory.of(DnsZone):
        name = zone.name
        if not zone.private and isinstance(name, str) and (domain == name or domain.endswith("." + name)):
            return True
    return False


def unseen_selectors(inventory: Inventory) -> list[Gap]:
    """Gaps for the selectors of each domain whose DNS no source of this run reads."""
    if "dns" in inventory.sources:
        return []
    gaps: list[Gap] = []
    for domain in m365_mail_domains(inventory):
        if _zone_holds(inventory, domain):
            continue
        reason = (
            f"Microsoft Graph holds no DKIM data for {domain}; scan with --dns as well to look up "
            f"selector1/selector2._domainkey.{domain}"
        )
        gaps += [Gap("DnsRecord", f"{s}._domainkey.{domain}", reason) for s in SELECTORS]
    return gaps

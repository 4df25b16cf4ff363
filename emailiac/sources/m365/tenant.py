"""Tenant-wide objects as facts: the organization (whose ID names every live address), domains and the
mail domains among them.

A verified domain with the Email service is a mail domain of the tenant. The initial `*.onmicrosoft.com`
domain is not: Microsoft publishes and signs for it, nothing of it is the tenant's to configure.
"""

from __future__ import annotations

from typing import Any

from emailiac.model import DirectoryDomain, Fact, MailDomain, Provenance, Unknown

__all__ = ["domain_facts", "tenant_name"]

_MICROSOFT_OWNED = ".onmicrosoft.com"


def tenant_name(organizations: list[Any], fallback: str | None) -> str:
    """The tenant's ID, which live addresses carry (`m365://<tenant ID>/...`)."""
    for org in organizations:
        if getattr(org, "id", None):
            return str(org.id).lower()
    return (fallback or "tenant").lower()


def domain_facts(domains: list[Any], tenant: str) -> list[Fact]:
    facts: list[Fact] = []
    for domain in sorted(domains, key=lambda d: str(d.id)):
        if not domain.is_verified or not domain.id:
            continue  # an unverified domain signs no one in and sends no mail
        name = str(domain.id).lower().rstrip(".")
        prov = Provenance("m365", f"m365://{tenant}/domains/{name}")
        services = tuple(str(s) for s in domain.supported_services or ())
        days = domain.password_validity_period_in_days
        facts.append(
            DirectoryDomain(
                prov=prov,
                name=name,
                authentication=str(domain.authentication_type or "") or Unknown(f"{name}: no authentication type"),
                password_validity_days=int(days) if days is not None else None,
                services=services,
            )
        )
        if "email" in {s.lower() for s in services} and not name.endswith(_MICROSOFT_OWNED):
            facts.append(MailDomain(prov=prov, name=name, origin="m365"))
    return facts

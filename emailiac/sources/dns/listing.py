"""Which domains a DNS scan covers: a --dns-from file, the facts of other sources of the same run."""

from __future__ import annotations

import re
from collections.abc import Iterable

from emailiac.mailauth.orgdomain import normalize_domain
from emailiac.model import Inventory, MailDomain, SesDkim, SesIdentity

__all__ = ["domain_error", "domains_in", "domains_of", "ses_tokens"]

_LABEL = r"[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9])?"
_DOMAIN = re.compile(rf"{_LABEL}(?:\.{_LABEL})+")


def domains_in(lines: Iterable[str]) -> list[tuple[int, str]]:
    """Domains of a --dns-from file with their line numbers: one a line; blank lines and # comments ignored."""
    out = []
    for number, line in enumerate(lines, 1):
        text = line.split("#", 1)[0].strip()
        if text:
            out.append((number, text))
    return out


def domain_error(text: str) -> str | None:
    """Why `text` is not a domain name to scan (None when it is one)."""
    name = normalize_domain(text)
    if len(name) > 253 or not _DOMAIN.fullmatch(name):
        return f"{text!r} is not a domain name"
    return None


def domains_of(inventory: Inventory) -> list[str]:
    """The mail domains other sources found: SES domain identities and MAIL FROM domains' parents, Microsoft
    365 domains."""
    found = {
        normalize_domain(i.identity)
        for i in inventory.of(SesIdentity)
        if isinstance(i.identity, str) and i.kind == "domain"
    }
    found |= {normalize_domain(d.name) for d in inventory.of(MailDomain) if d.origin != "dns"}
    return sorted(found)


def ses_tokens(inventory: Inventory) -> dict[str, tuple[str, ...]]:
    """Easy-DKIM tokens by domain from the facts of the same run (live AWS)."""
    tokens: dict[str, tuple[str, ...]] = {}
    for dkim in inventory.of(SesDkim):
        if isinstance(dkim.identity, str) and isinstance(dkim.tokens, tuple) and "@" not in dkim.identity:
            tokens[normalize_domain(dkim.identity)] = dkim.tokens
    return tokens

"""DMARC policy discovery by DNS tree walk (RFC 9989 section 4.10).

Receivers look for a policy at `_dmarc.<author domain>`, then at each parent name up to the top-level
domain (a name of more than eight labels is first shortened to seven, so a walk makes at most eight
queries). Among the records found, the Organisational Domain is the one with `psd=n`, else the name one
label below a `psd=y` record, else the record with the fewest labels. A subdomain's own `sp` and `np`
therefore govern the names below it exactly when that subdomain is their Organisational Domain.
"""

from __future__ import annotations

from collections.abc import Mapping

from .orgdomain import normalize_domain

__all__ = ["MAX_QUERIES", "organizational_domain_of", "tree_walk"]

MAX_QUERIES = 8


def tree_walk(domain: str) -> list[str]:
    """The names (without `_dmarc.`) a receiver queries for `domain`, in order."""
    labels = normalize_domain(domain).split(".")
    if labels == [""]:
        return []
    names = [".".join(labels)]
    rest = labels[1:] if len(labels) <= MAX_QUERIES else labels[-(MAX_QUERIES - 1) :]
    while rest:
        names.append(".".join(rest))
        rest = rest[1:]
    return names


def organizational_domain_of(domain: str, psd_by_name: Mapping[str, str]) -> str:
    """The Organisational Domain of `domain` given which names on its walk publish one valid DMARC record
    (`psd_by_name`: name -> its psd value, `u` when absent), per RFC 9989 section 4.10.2."""
    walk = tree_walk(domain)
    found = [name for name in walk if name in psd_by_name]
    for name in found:  # longest first
        psd = psd_by_name[name].lower()
        if psd == "n":
            return name
        if psd == "y" and name != walk[0]:
            labels = walk[0].split(".")
            return ".".join(labels[-(len(name.split(".")) + 1) :])
    return found[-1] if found else walk[0] if walk else domain

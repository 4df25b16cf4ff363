"""Organisational domains (RFC 7489 section 3.2) from the Public Suffix List.

The list comes from the ``publicsuffixlist`` package, which ships it; nothing
is fetched at run time. The package is imported on first use only, because
loading the list costs a noticeable fraction of a second.
"""

from __future__ import annotations

import functools
from typing import Protocol


class _SuffixList(Protocol):
    def privatesuffix(self, domain: str) -> str | None: ...

    def publicsuffix(self, domain: str) -> str | None: ...


@functools.cache
def _suffix_list() -> _SuffixList:
    from publicsuffixlist import PublicSuffixList

    suffix_list: _SuffixList = PublicSuffixList()
    return suffix_list


def normalize_domain(domain: str) -> str:
    """Lower-case, without a trailing dot; Unicode labels become A-labels."""
    name = domain.strip().rstrip(".").lower()
    if name.isascii():
        return name
    try:
        return name.encode("idna").decode("ascii")
    except UnicodeError:
        return name


def organizational_domain(domain: str) -> str:
    """The organisational domain: public suffix plus one label.

    ``organizational_domain("mail.example.co.uk") == "example.co.uk"``. A name
    that is itself a public suffix (or is invalid) is returned normalised.
    Unknown top-level domains count as public suffixes, as RFC 7489 asks.
    """
    name = normalize_domain(domain)
    if not name:
        return name
    return _suffix_list().privatesuffix(name) or name


def public_suffix(domain: str) -> str | None:
    name = normalize_domain(domain)
    return _suffix_list().publicsuffix(name) if name else None


def same_organization(first: str, second: str) -> bool:
    return organizational_domain(first) == organizational_domain(second)

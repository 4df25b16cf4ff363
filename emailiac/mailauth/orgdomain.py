"""Organisational domains (RFC 7489 section 3.2) from the Public Suffix List.

The list comes from the ``publicsuffixlist`` package, which ships it; nothing
is fetched at run time. Building its lookup tables costs tens of milliseconds
(a third of a pre-commit lint), so they are kept in the cache folder, keyed by
the shipped list's contents, and built on first use only.
"""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Protocol


class _SuffixList(Protocol):
    def privatesuffix(self, domain: str) -> str | None: ...

    def publicsuffix(self, domain: str, accept_unknown: bool | None = None) -> str | None: ...


_MAGIC = b"emailiac-suffix-list-1\n"


@functools.cache
def _suffix_list() -> _SuffixList:
    import hashlib

    import publicsuffixlist

    from emailiac.cachestore import EntryStore, default_cache_dir

    store = EntryStore(default_cache_dir() / "suffixes", _MAGIC)
    try:
        shipped = Path(publicsuffixlist.PSLFILE).read_bytes()
    except OSError:
        shipped = b""
    key = hashlib.sha256(publicsuffixlist.__file__.encode() + b"\0" + shipped).hexdigest()
    suffix_list: _SuffixList = store.built(key, publicsuffixlist.PublicSuffixList, publicsuffixlist.PublicSuffixList)
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


def under_listed_suffix(domain: str) -> bool:
    """Whether `domain` is a name below a suffix the list holds (`mail.example.com`), not below a top-level
    domain that does not exist (`_dmarc.mail`, `host.local`)."""
    name = normalize_domain(domain)
    suffix = _suffix_list().publicsuffix(name, accept_unknown=False) if name else None
    return suffix is not None and suffix != name


def same_organization(first: str, second: str) -> bool:
    return organizational_domain(first) == organizational_domain(second)

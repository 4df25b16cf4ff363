"""DMARC records as the DMARC rules see them: the TXT values published at a `_dmarc.` name, parsed, with
what makes them unusable, where each record's `sp` and `np` govern (the RFC 9989 tree walk), and rewrites
of their tags for fixes.

Receivers discard the TXT values at a `_dmarc.` name that do not start with `v=DMARC1` (RFC 9989 4.10), so
those are not DMARC records: beside a DMARC record they are ignored. Where no DMARC record is published, a
value that looks like a botched one (`p=reject; v=DMARC1`) is judged as an invalid record (DMARC005), since
its author meant a policy that receivers never see. Authorisation records for external report addresses
(`<domain>._report._dmarc.<host>`) are not policy records and are left out.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from emailiac.baseline import Baseline
from emailiac.mailauth import DmarcRecord, find_dmarc_records, is_dmarc, parse_dmarc, policy_strength
from emailiac.mailauth.dmarc_walk import organizational_domain_of, tree_walk
from emailiac.mailauth.orgdomain import organizational_domain
from emailiac.mailauth.partial import dmarc_known_tags
from emailiac.model import DnsRecord, Provenance, Unknown
from emailiac.rules.maildomains import (
    DnsView,
    RecordValue,
    could_start_with,
    patterns_may_meet,
    starts_with,
    txt_values,
)
from emailiac.rules.spf_values import shown_name

__all__ = [
    "DmarcName",
    "certainly_dmarc",
    "could_be_dmarc",
    "discovery_names",
    "dmarc_names",
    "mailto",
    "partly_known",
    "rewrite",
    "weak_policies",
]

_PREFIX = "_dmarc."
_POLICY_TAG = re.compile(r"(?:^|;)\s*p\s*=\s*(?:none|quarantine|reject)\s*(?:;|$)", re.IGNORECASE)


def looks_like_dmarc(text: str) -> bool:
    """A value that is not a DMARC record but was meant as one: `v=DMARC1` elsewhere than first, or a policy."""
    return "v=dmarc1" in "".join(text.split()).lower() or _POLICY_TAG.search(text) is not None


def discovery_names(domain: str) -> list[str]:
    """The names whose DMARC record may apply to `domain`, nearest first: the tree walk up to its organisational
    domain (public-suffix aware). Records above it would be public suffixes', which no configuration holds."""
    walk = tree_walk(domain)
    org = organizational_domain(domain)
    return walk[: walk.index(org) + 1] if org in walk else walk[:1]


def could_be_dmarc(pattern: str | None) -> bool:
    return could_start_with(pattern, "v=dmarc1")


def certainly_dmarc(pattern: str | None) -> bool:
    return starts_with(pattern, "v=DMARC1;")


@dataclass(frozen=True)
class DmarcName:
    """The TXT values published at one `_dmarc.` name (a pattern when a record's name is unresolved: then the
    values of that one record, since two unresolved names are not known to be equal)."""

    name: str
    values: tuple[RecordValue, ...]
    unknown: Unknown | None = None  # the record's unresolved name, when it is one

    def may_publish(self) -> bool:
        """Whether a DMARC record is, or may be, published here (a botched one is not: receivers skip it)."""
        return any(
            (isinstance(v.text, str) and is_dmarc(v.text))
            or (isinstance(v.text, Unknown) and could_be_dmarc(v.text.pattern))
            for v in self.values
        )

    def may_share_name(self, others: list[DmarcName]) -> tuple[DmarcName, str] | None:
        """Another record that publishes DMARC and may be at this very name, since one of the two names is not
        known, with the unknowns' reasons: two records at one name void both (RFC 7489 6.6.3)."""
        for other in others:
            if other is self or (self.unknown is None and other.unknown is None) or not other.may_publish():
                continue
            if patterns_may_meet(self.name, other.name):
                reasons = [u.reason for u in (self.unknown, other.unknown) if u is not None]
                return other, "; ".join(dict.fromkeys(reasons))
        return None

    @property
    def domain(self) -> str:
        return self.name[len(_PREFIX) :]

    @property
    def shown(self) -> str:
        """The name as messages show it (`_dmarc.<domain>` when its domain is not known here)."""
        return shown_name(self.name)

    def judged_values(self, values: tuple[RecordValue, ...] | list[RecordValue]) -> list[RecordValue]:
        """The values among `values` that are DMARC records, or may be one (unresolved), or were meant as one
        where the name publishes no DMARC record at all."""
        has_record = any(isinstance(v.text, str) and is_dmarc(v.text) for v in self.values)
        return [
            v
            for v in values
            if not isinstance(v.text, str) or is_dmarc(v.text) or (not has_record and looks_like_dmarc(v.text))
        ]

    def governs_below(self, record: DmarcRecord, view: DnsView) -> bool | Unknown:
        """Whether this record's `sp` and `np` govern the names below its domain: they do where the domain is
        those names' Organisational Domain (RFC 9989 4.10.2), which depends on the records of its parents up to
        the public-suffix organisational domain."""
        if "*" in self.domain:
            return False
        psd = record.tag("psd")
        own_psd = psd.value.lower() if psd is not None else "u"
        if own_psd in ("n", "y"):
            return True
        found: dict[str, str] = {self.domain: own_psd}
        doubt: Unknown | None = None
        for name in discovery_names(self.domain)[1:]:
            dmarc_name = f"{_PREFIX}{name}"
            search = view.search(dmarc_name, is_dmarc, could_be_dmarc, certain=certainly_dmarc)
            if len(search.found) == 1:
                found[name] = _psd_of(search.found[0])
            elif len(search.found) > 1:
                continue  # several records at a name are all discarded; the walk goes on
            elif search.doubts and doubt is None:
                doubt = Unknown(f"whether {dmarc_name} publishes a DMARC record is not known: {search.doubts[0][1]}")
            elif doubt is None and not (scope := view.scope(dmarc_name)).authoritative:
                doubt = Unknown(f"whether {dmarc_name} publishes a DMARC record is not known: {scope.reason}")
        org = organizational_domain_of(self.domain, found)
        if org != self.domain:
            return False
        return doubt if doubt is not None else True

    @property
    def several(self) -> int:
        """DMARC records at the name (more than one voids them all), counting partly known ones."""
        texts = [v.text for v in self.values if isinstance(v.text, str)]
        return len(find_dmarc_records(texts)) + sum(
            1 for v in self.values if isinstance(v.text, Unknown) and certainly_dmarc(v.text.pattern)
        )

    def by_record(self) -> list[tuple[Provenance, list[RecordValue]]]:
        """The values grouped by the record fact (resource) that publishes them, in order."""
        groups: dict[str, tuple[Provenance, list[RecordValue]]] = {}
        for value in self.values:
            groups.setdefault(value.subject.address, (value.subject, []))[1].append(value)
        return list(groups.values())

    def policy_record(self) -> tuple[RecordValue, DmarcRecord | None, str | None]:
        """The one DMARC record receivers use at this name, or why there is none to judge.

        Receivers skip TXT values that do not start with v=DMARC1, so those do not count here (DMARC005
        reports them); an unresolved value that could be DMARC makes the name not assessable.
        """
        for value in self.values:
            if isinstance(value.text, Unknown) and could_be_dmarc(value.text.pattern):
                return value, None, f"DMARC record at {self.name} is not known ({value.text.reason})"
        candidates = [v for v in self.values if isinstance(v.text, str) and is_dmarc(v.text)]
        if len(candidates) > 1:
            return candidates[0], None, f"{len(candidates)} DMARC records are published at {self.name}, see DMARC005"
        if not candidates:
            return self.values[0], None, f"no valid DMARC record is published at {self.name}, see DMARC005"
        value = candidates[0]
        record = parse_dmarc(str(value.text))
        if not record.valid and not missing_p_only(record):
            return value, None, f"DMARC record at {self.name} is invalid, see DMARC005"
        return value, record, None


def missing_p_only(record: DmarcRecord) -> bool:
    """Invalid only for want of a `p` tag: receivers apply it as `p=none` (RFC 9989), so it is judged so."""
    errors = [p for p in record.problems if p.is_error]
    return bool(errors) and all(p.code == "p-missing" for p in errors)


def _psd_of(value: RecordValue) -> str:
    if not isinstance(value.text, str):
        return "u"
    psd = parse_dmarc(value.text).tag("psd")
    return psd.value.lower() if psd is not None else "u"


def partly_known(dn: DmarcName) -> tuple[RecordValue, DmarcRecord] | None:
    """The one value at the name that could be DMARC, when it is partly known: its certain tags."""
    maybe = [v for v in dn.values if isinstance(v.text, Unknown) and could_be_dmarc(v.text.pattern)]
    known = [v for v in dn.values if isinstance(v.text, str) and is_dmarc(v.text)]
    if len(maybe) != 1 or known or not isinstance(maybe[0].text, Unknown):
        return None
    record = dmarc_known_tags(maybe[0].text.pattern)
    return (maybe[0], record) if record is not None else None


def _name(record: DnsRecord) -> str | None:
    name = record.name if isinstance(record.name, str) else record.name.pattern
    return name if name is not None and name.startswith(_PREFIX) else None


def dmarc_names(view: DnsView) -> list[DmarcName]:
    """The `_dmarc.` names that publish, or may publish, a DMARC record (computed once per view). Records of
    known name are grouped by name; a record whose name is unresolved is a name of its own."""
    return view.inventory.memo(f"dmarc-names:{id(view)}", lambda _: _dmarc_names(view))


def _dmarc_names(view: DnsView) -> list[DmarcName]:
    grouped: dict[tuple[str, str], tuple[list[RecordValue], Unknown | None]] = {}
    for record in view.records:
        name = _name(record)
        if name is None:
            continue
        unknown = record.name if isinstance(record.name, Unknown) else None
        key = (name, record.prov.address if unknown is not None else "")
        grouped.setdefault(key, ([], unknown))[0].extend(txt_values(record))
    return [
        DmarcName(name, tuple(values), unknown)
        for (name, _), (values, unknown) in sorted(grouped.items())
        if _may_hold_dmarc(values)
    ]


def _may_hold_dmarc(values: list[RecordValue]) -> bool:
    """A name whose values are all known and none is DMARC, nor looks like a botched DMARC record, publishes no
    DMARC record: discovery passes it by (RFC 9989), so the DMARC rules have nothing there to judge."""
    return any(
        (isinstance(v.text, str) and (is_dmarc(v.text) or looks_like_dmarc(v.text)))
        or (isinstance(v.text, Unknown) and could_be_dmarc(v.text.pattern))
        for v in values
    )


def mailto(address: str) -> str:
    """A report address as compared: lowercase, without `mailto:` and without a `!size` limit."""
    text = address.strip()
    if text.lower().startswith("mailto:"):
        text = text[len("mailto:") :]
    return text.split("!", 1)[0].lower()


def rewrite(record: DmarcRecord, changes: Mapping[str, str | None], after: str = "p") -> str:
    """The record with tags changed (None removes one); new tags go after the `after` tag."""
    tags: list[tuple[str, str]] = []
    for tag in record.tags:
        if tag.name in changes:
            new = changes[tag.name]
            if new is not None:
                tags.append((tag.name, new))
        else:
            tags.append((tag.name, tag.value))
    present = {tag.name for tag in record.tags}
    added = [(name, value) for name, value in changes.items() if name not in present and value is not None]
    # New tags go after `after`, else after v (a missing p goes first), else at the end.
    at = next((i + 1 for i, (name, _) in enumerate(tags) if name == after), None)
    if at is None:
        at = next((i + 1 for i, (name, _) in enumerate(tags) if name == "v"), len(tags))
    tags[at:at] = added
    return "; ".join(f"{name}={value}" for name, value in tags)


def weak_policies(
    record: DmarcRecord, baseline: Baseline, governs_below: bool
) -> tuple[list[str], dict[str, str | None]]:
    """What is weaker than the baseline (`p=none`, `sp not set, so p=quarantine applies`) and the tag changes
    that cure it. A tag left unset is reported only when raising `p` would not cure it too. `sp` and `np` are
    judged where they govern the names below the record's domain."""
    want_p, want_sub = baseline.dmarc.policy, baseline.dmarc.subdomain_policy
    weak: list[str] = []
    changes: dict[str, str | None] = {}
    p = record.p or "none"  # RFC 9989: a record without p is applied as p=none
    if policy_strength(p) < policy_strength(want_p):
        shown = f"p={p}" if record.p else "no p tag, so p=none applies"
        weak.append(f"{shown} (the baseline requires p={want_p})")
        changes["p"] = want_p
    if not governs_below:
        return weak, changes
    new_p = changes.get("p") or p
    if record.sp is not None and policy_strength(record.sp) < policy_strength(want_sub):
        weak.append(f"sp={record.sp} (the baseline requires sp={want_sub})")
        changes["sp"] = want_sub
    elif record.sp is None and policy_strength(new_p) < policy_strength(want_sub):
        weak.append(f"sp not set, so p={new_p} applies to subdomains (the baseline requires sp={want_sub})")
        changes["sp"] = want_sub
    inherited = changes.get("sp") or record.sp or new_p
    if record.np is not None and policy_strength(record.np) < policy_strength(want_sub):
        weak.append(f"np={record.np} (the baseline requires np={want_sub})")
        changes["np"] = want_sub
    elif record.np is None and policy_strength(inherited) < policy_strength(want_sub):
        weak.append(
            f"np not set, so {inherited} applies to non-existent subdomains (the baseline requires np={want_sub})"
        )
        changes["np"] = want_sub
    return weak, changes

"""SPF records as the SPF rules see them: every published value that is (or may be) an SPF record, what is
known of a partly unresolved one, and a TXT resolver over the inventory for counting nested look-ups.

A partly unresolved value (`"v=spf1 include:${var.esp} -all"` with no value for var.esp) is judged only on the
complete terms written before its first unknown part: an unknown part may hold any terms, even an `all`, so
nothing after it is certain. A wholly unresolved TXT value (`records = var.txt`) may be an SPF record only
where the name is otherwise a mail domain; elsewhere it is not taken for one.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from emailiac.mailauth import LookupFailure, SpfRecord, is_spf, parse_spf
from emailiac.model import DnsRecord, Unknown
from emailiac.rules.maildomains import DnsView, RecordValue, could_start_with, txt_values

__all__ = [
    "InventoryResolver",
    "SpfValue",
    "judged_here",
    "known_prefix",
    "label",
    "merge_records",
    "shown_name",
    "spf_values",
]


def shown_name(name: str) -> str:
    """A record name as messages show it. A name whose domain is not known here (relative to a zone named only
    by an ID, or built from an unset variable) is a pattern ending in `*`; that part is shown as `<domain>`."""
    if name == "*":
        return "<domain>"
    if name.endswith(".*"):
        return f"{name[:-1]}<domain>"
    return name


def label(record: DnsRecord) -> str:
    """The record's name for messages, also when unresolved."""
    if isinstance(record.name, str):
        return record.name
    return record.name.pattern or f"(the unresolved name of {record.prov.address})"


def known_prefix(pattern: str | None) -> SpfRecord | None:
    """The SPF record made of the complete terms before the first unknown part, if there are any."""
    if pattern is None:
        return None
    head = pattern.split("*", 1)[0]
    if " " not in head:
        return None
    head = head[: head.rindex(" ")].rstrip()
    return parse_spf(head) if is_spf(head) else None


def judged_here(record: DnsRecord, mail_domain_names: set[str]) -> bool:
    """Whether the SPF rules judge the record: every declared one, but of live DNS only those at the scanned
    mail domains (an include target such as `_spf.google.com` is counted through, not judged on its own)."""
    return record.prov.source != "dns" or record.name in mail_domain_names


@dataclass(frozen=True)
class SpfValue:
    """A TXT value that is an SPF record (`record` set) or may be one (`text` Unknown)."""

    value: RecordValue
    record: SpfRecord | None

    @property
    def name(self) -> str:
        return label(self.value.record)

    @property
    def unknown(self) -> Unknown | None:
        text = self.value.text
        return text if isinstance(text, Unknown) else None


def spf_values(view: DnsView, mail_domain_names: set[str]) -> list[SpfValue]:
    """Every published SPF record, and every unresolved TXT value that may be one (see the module doc)."""
    out: list[SpfValue] = []
    for record in view.records:
        if not judged_here(record, mail_domain_names):
            continue
        for value in txt_values(record):
            text = value.text
            if isinstance(text, str):
                if is_spf(text):
                    out.append(SpfValue(value, parse_spf(text)))
            elif text.pattern is not None:
                if could_start_with(text.pattern, "v=spf1 "):
                    out.append(SpfValue(value, None))
            elif isinstance(record.name, str) and record.name in mail_domain_names:
                out.append(SpfValue(value, None))
    return out


@dataclass
class InventoryResolver:
    """TXT look-ups answered from the inventory's records, for SPF include and redirect targets.

    A name with no record where the inventory speaks for it (a declared zone, live DNS) has no TXT (a void
    look-up); a name outside what is declared fails the look-up, which leaves the count a lower bound.
    """

    view: DnsView
    outside: list[str] = field(default_factory=list)  # targets not declared in the configuration
    unresolved: list[str] = field(default_factory=list)  # reasons of unresolved values met on the way

    def __call__(self, name: str) -> Sequence[str]:
        key = name.lower().rstrip(".")
        values = self.view.txt(key)
        unknown = [v.text for v in values if isinstance(v.text, Unknown)]
        if unknown:
            reason = f"a TXT value at {key} is not known ({unknown[0].reason})"
            self.unresolved.append(reason)
            raise LookupFailure(name, reason)
        if not values and self.view.maybe_at(key, "TXT"):
            reason = f"a record of unresolved name may be published at {key}"
            self.unresolved.append(reason)
            raise LookupFailure(name, reason)
        if values:
            return [v.text for v in values if isinstance(v.text, str)]
        if self.view.scope(key).authoritative:
            return []
        self.outside.append(key)
        raise LookupFailure(name, "not declared in this configuration")

    def has_records(self, name: str, rtype: str) -> bool | None:
        """Whether `name` has records of `rtype` (A: A or AAAA), for void `a`/`mx`/`exists` look-ups; None when
        not known. Only live DNS answers this: a declared zone rarely declares every address record."""
        if not self.view.live:
            return None
        types = ("A", "AAAA") if rtype == "A" else (rtype,)
        found = [r for t in types for r in self.view.at(name, t)]
        if found:
            return True
        if any(self.view.maybe_at(name, t) for t in types) or not self.view.scope(name).authoritative:
            return None
        return False


def merge_records(records: Sequence[SpfRecord], qualifier: str) -> str:
    """One SPF record holding the terms of several (first seen first), ending in the strictest `all`
    among them, or `qualifier` when stricter or none has one."""
    terms: list[str] = []
    strictest = ""
    order = "+?~-"
    for record in records:
        for term in record.terms:
            text = term.text
            if text.lstrip("+-~?").lower() == "all":
                mark = text[0] if text[0] in order else "+"
                strictest = max(strictest, mark, key=lambda q: order.index(q) if q else -1)
                continue
            if text.lower().startswith("redirect="):
                continue  # ignored beside an all mechanism
            if text.lower() not in (t.lower() for t in terms):
                terms.append(text)
    final = max(strictest, qualifier, key=lambda q: order.index(q) if q else -1)
    return " ".join(("v=spf1", *terms, f"{final}all"))

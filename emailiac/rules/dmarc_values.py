"""DMARC records as the DMARC rules see them: every TXT value published at a `_dmarc.` name, parsed, with
what makes it unusable, and rewrites of its tags for fixes.

A value at a `_dmarc.` name is taken for a DMARC record whatever it says: one that does not start with
`v=DMARC1` is an invalid one (DMARC005), not something else. Authorisation records for external report
addresses (`<domain>._report._dmarc.<host>`) are not policy records and are left out.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from emailiac.mailauth import DmarcRecord, find_dmarc_records, is_dmarc, parse_dmarc
from emailiac.mailauth.orgdomain import organizational_domain
from emailiac.model import DnsRecord, Provenance, Unknown
from emailiac.rules.maildomains import DnsView, RecordValue, could_start_with, starts_with, txt_values

__all__ = [
    "DmarcName",
    "certainly_dmarc",
    "could_be_dmarc",
    "dmarc_names",
    "mailto",
    "rewrite",
]

_PREFIX = "_dmarc."


def could_be_dmarc(pattern: str | None) -> bool:
    return could_start_with(pattern, "v=dmarc1")


def certainly_dmarc(pattern: str | None) -> bool:
    return starts_with(pattern, "v=DMARC1;")


@dataclass(frozen=True)
class DmarcName:
    """The TXT values published at one `_dmarc.` name (a pattern when a record's name is unresolved)."""

    name: str
    values: tuple[RecordValue, ...]

    @property
    def domain(self) -> str:
        return self.name[len(_PREFIX) :]

    @property
    def org_level(self) -> bool:
        """Published for an organisational domain: its sp and np govern the subdomains."""
        return "*" not in self.domain and organizational_domain(self.domain) == self.domain

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
        if not record.valid:
            return value, None, f"DMARC record at {self.name} is invalid, see DMARC005"
        return value, record, None


def _name(record: DnsRecord) -> str | None:
    name = record.name if isinstance(record.name, str) else record.name.pattern
    return name if name is not None and name.startswith(_PREFIX) else None


def dmarc_names(view: DnsView) -> list[DmarcName]:
    grouped: dict[str, list[RecordValue]] = {}
    for record in view.records:
        name = _name(record)
        if name is not None:
            grouped.setdefault(name, []).extend(txt_values(record))
    return [DmarcName(name, tuple(values)) for name, values in sorted(grouped.items()) if values]


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
    at = next((i + 1 for i, (name, _) in enumerate(tags) if name == after), len(tags))
    tags[at:at] = added
    return "; ".join(f"{name}={value}" for name, value in tags)

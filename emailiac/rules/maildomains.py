"""Mail domains, and DNS look-ups over the inventory's facts, for the mail-authentication rules.

A **mail domain** (RULES.md) is a domain that is an SES identity (or the domain of an SES address identity, or
an SES MAIL FROM domain), has MX records, has an SPF record, is declared as a mail domain by a source
(Microsoft 365 accepted domains) or is listed in the baseline's `mail_domains`.

Records in private zones (a Route 53 zone with a `vpc`, a Cloud DNS zone with private visibility) are not seen
by the Internet's mail servers, so they are left out of every look-up.

Absence ("no SPF record at example.com") is judged only where the inventory speaks for the name: a live DNS
scan, or a public zone declared in the Terraform configuration that holds the name. Elsewhere it is out of
scope. A record whose name or value is unresolved and could be the one looked for makes the absence
not assessed instead. Mail domains whose own name is unresolved are in unnamed_domains.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from emailiac.baseline import Baseline
from emailiac.mailauth import find_spf_records
from emailiac.mailauth.orgdomain import normalize_domain
from emailiac.model import (
    DnsLookups,
    DnsRecord,
    DnsZone,
    Inventory,
    MailDomain,
    Provenance,
    SesIdentity,
    SesMailFrom,
    Unknown,
)
from emailiac.rules.base import Verdict, fail, not_assessed, out_of_scope

__all__ = [
    "DnsView",
    "Domain",
    "RecordValue",
    "Scope",
    "Search",
    "could_start_with",
    "identity_domain",
    "mail_domains",
    "name_may_be",
    "note_mx",
    "owner_domain",
    "patterns_may_meet",
    "record_values",
    "starts_with",
    "txt_values",
]

_SES_FEEDBACK_MX = re.compile(r"feedback-smtp\.[a-z0-9-]+\.amazon(?:ses|aws)\.com")
# MX hosts that tell which service sends for the domain, and the SPF include that service documents.
_MX_SENDERS = (
    (re.compile(r".*\.mail\.protection\.outlook\.com"), "spf.protection.outlook.com"),
    (re.compile(r".*\.(?:google|googlemail)\.com"), "_spf.google.com"),
)


def could_start_with(pattern: str | None, prefix: str) -> bool:
    """Whether a partly known value (`*` for each unknown part; None: nothing known) may begin with `prefix`
    (compared case-insensitively)."""
    if pattern is None:
        return True
    head = pattern.split("*", 1)[0].lower()
    size = min(len(head), len(prefix))
    return head[:size] == prefix[:size].lower()


def starts_with(pattern: str | None, prefix: str) -> bool:
    """Whether the known start of a partly known value is `prefix` (compared case-insensitively)."""
    if pattern is None:
        return False
    return pattern.split("*", 1)[0].lower().startswith(prefix.lower())


def _pattern_regex(pattern: str) -> re.Pattern[str]:
    return re.compile(".*".join(re.escape(part) for part in pattern.split("*")), re.IGNORECASE)


def name_may_be(name: str | Unknown, target: str, zone: DnsZone | None = None) -> bool:
    """Whether a record name, perhaps unresolved, may be `target`."""
    if isinstance(name, str):
        return name == target
    if name.pattern is not None:
        return _pattern_regex(name.pattern).fullmatch(target) is not None
    if zone is not None and isinstance(zone.name, str):
        return target == zone.name or target.endswith("." + zone.name)
    return True


def patterns_may_meet(first: str | None, second: str | None) -> bool:
    """Whether two partly known names (`*` for each unknown part; None: nothing known) may be the same name:
    whether some name fits both (compared case-insensitively). Two unknowns are never assumed equal, nor
    different."""
    if first is None or second is None:
        return True
    a, b = first.lower(), second.lower()
    # The known starts and ends settle most pairs at once (`_dmarc.*.example.org`, `_dmarc.*.example.net`).
    head_a, head_b = a.split("*", 1)[0], b.split("*", 1)[0]
    tail_a, tail_b = a.rsplit("*", 1)[-1], b.rsplit("*", 1)[-1]
    if not (head_a.startswith(head_b) or head_b.startswith(head_a)):
        return False
    if not (tail_a.endswith(tail_b) or tail_b.endswith(tail_a)):
        return False
    # Walk both patterns at once: a `*` may stand for nothing, or take the other side's next character.
    seen: set[tuple[int, int]] = set()
    todo = [(0, 0)]
    while todo:
        i, j = todo.pop()
        if (i, j) in seen:
            continue
        seen.add((i, j))
        if i == len(a) and j == len(b):
            return True
        if i < len(a) and a[i] == "*":
            todo += [(i + 1, j)] + ([(i, j + 1)] if j < len(b) else [])
        if j < len(b) and b[j] == "*":
            todo += [(i, j + 1)] + ([(i + 1, j)] if i < len(a) else [])
        if i < len(a) and j < len(b) and a[i] == b[j] != "*":
            todo.append((i + 1, j + 1))
    return False


def owner_domain(name: str) -> str:
    """The domain a service name belongs to: `_dmarc.example.com`, `s1._domainkey.example.com` -> example.com."""
    labels = name.split(".")
    last = max((i for i, label in enumerate(labels) if label.startswith("_")), default=-1)
    return ".".join(labels[last + 1 :]) or name


def _in(name: str, zone: str) -> bool:
    return name == zone or name.endswith("." + zone)


@dataclass(frozen=True)
class RecordValue:
    """One value of a record fact; `text` is Unknown when unresolved (its pattern keeps what is known) and
    `strings` holds a TXT value's character-strings."""

    record: DnsRecord
    index: int
    text: str | Unknown
    strings: tuple[str, ...] = ()

    @property
    def subject(self) -> Provenance:
        return self.record.prov


@dataclass(frozen=True)
class Scope:
    """Whether the inventory speaks for a name, so that a missing record there is really missing."""

    authoritative: bool
    zone: DnsZone | None = None
    reason: str = ""
    unresolved: bool = False  # the reason is an unresolved value (not_assessed), not a matter of scope


@dataclass
class Search:
    """What a look-up found at a name: matching values, and records that might match but are unresolved."""

    found: list[RecordValue] = field(default_factory=list)
    doubts: list[tuple[Provenance, str]] = field(default_factory=list)


@dataclass
class Domain:
    name: str
    reasons: list[str] = field(default_factory=list)
    receives: bool = False  # has (non-null) MX records, or a source says it receives mail
    senders: set[str] = field(default_factory=set)  # SPF includes of the services that send for it

    def add(self, reason: str) -> None:
        if reason not in self.reasons:
            self.reasons.append(reason)


class DnsView:
    """The DNS facts of an inventory, indexed for look-ups by name."""

    @classmethod
    def of(cls, inventory: Inventory) -> DnsView:
        """The view of an inventory, built once for all the DNS rules of a run."""
        return inventory.memo("dns-view", cls)

    def __init__(self, inventory: Inventory) -> None:
        self.inventory = inventory
        # Names a live DNS scan looked up: it speaks for those (and only those).
        self.looked_up = {name for lookups in inventory.of(DnsLookups) for name in lookups.names}
        self.live = bool(self.looked_up)
        self.zones = list(inventory.of(DnsZone))
        self._zone_by_key = {z.key: z for z in self.zones}
        # What the world sees wins: at a name live DNS looked up, other sources' records (a live Route 53 zone,
        # declared ones in a saved inventory) would only count the same record twice.
        self.records = [
            r
            for r in inventory.of(DnsRecord)
            if not self._private(r) and (r.prov.source == "dns" or r.name not in self.looked_up)
        ]
        self._named: dict[str, list[DnsRecord]] = {}
        self._unnamed: list[DnsRecord] = []
        for record in self.records:
            if isinstance(record.name, str):
                self._named.setdefault(record.name, []).append(record)
            else:
                self._unnamed.append(record)

    @property
    def source(self) -> str:
        """The source synthetic subjects are reported under."""
        if "terraform" in self.inventory.sources or not self.inventory.sources:
            return "terraform"
        return "dns"

    def _private(self, record: DnsRecord) -> bool:
        zone = self._zone_by_key.get(record.zone or "")
        return zone is not None and zone.private

    def zone_of_record(self, record: DnsRecord) -> DnsZone | None:
        return self._zone_by_key.get(record.zone or "")

    def at(self, name: str, rtype: str) -> list[DnsRecord]:
        """Records whose name is known to be `name`, of type `rtype` (or of an unresolved type)."""
        return [r for r in self._named.get(name, []) if r.type in (rtype, "?")]

    def maybe_at(self, name: str, rtype: str) -> list[DnsRecord]:
        """Records whose unresolved name may be `name`."""
        return [
            r for r in self._unnamed if r.type in (rtype, "?") and name_may_be(r.name, name, self.zone_of_record(r))
        ]

    def txt(self, name: str) -> list[RecordValue]:
        """The TXT values published at `name` (records of known name only)."""
        return [v for r in self.at(name, "TXT") for v in txt_values(r)]

    def search(
        self,
        name: str,
        wanted: Callable[[str], bool],
        could_be: Callable[[str | None], bool],
        *,
        certain: Callable[[str | None], bool] | None = None,
        rtype: str = "TXT",
    ) -> Search:
        """Values at `name` for which `wanted(text)` holds, and unresolved ones whose known part alone makes them
        match (`certain(pattern)`); other unresolved ones that `could_be(pattern)` are doubts."""
        result = Search()
        for record in self.at(name, rtype):
            for value in record_values(record):
                if isinstance(value.text, str):
                    if wanted(value.text):
                        result.found.append(value)
                elif certain is not None and certain(value.text.pattern):
                    result.found.append(value)
                elif could_be(value.text.pattern):
                    result.doubts.append(
                        (record.prov, f"{record.prov.address} has a value that is not known ({value.text.reason})")
                    )
        for record in self.maybe_at(name, rtype):
            name_reason = record.name.reason if isinstance(record.name, Unknown) else ""
            for value in record_values(record):
                text = value.text
                if (isinstance(text, str) and wanted(text)) or (isinstance(text, Unknown) and could_be(text.pattern)):
                    result.doubts.append(
                        (
                            record.prov,
                            f"{record.prov.address} may be published at {name}: its name is not known ({name_reason})",
                        )
                    )
                    break
        return result

    def scope(self, name: str) -> Scope:
        """Whether a record missing at `name` is really missing."""
        gap = self.inventory.gap(DnsRecord, name)
        if gap is not None:
            return Scope(False, None, gap.reason, unresolved=True)
        if name in self.looked_up:
            return Scope(True)
        public = [z for z in self.zones if not z.private]
        holding = [z for z in public if isinstance(z.name, str) and _in(name, z.name)]
        if holding:
            return Scope(True, max(holding, key=lambda z: len(z.name) if isinstance(z.name, str) else 0))
        for zone in public:
            if isinstance(zone.name, Unknown) and name_may_be(zone.name, name):
                return Scope(
                    False,
                    zone,
                    f"zone {zone.prov.address} may hold {name}, but its name is not known ({zone.name.reason})",
                    unresolved=True,
                )
        domain = owner_domain(name)
        private = [z for z in self.zones if z.private and isinstance(z.name, str) and _in(name, z.name)]
        if private:
            return Scope(
                False,
                None,
                f"the zone of {domain} declared here ({private[0].prov.address}) is private; its public zone is not "
                "declared in this configuration",
            )
        if self.live:
            return Scope(False, None, f"{name} was not looked up: scan {domain} with --dns to judge it")
        return Scope(False, None, f"the zone of {domain} is not declared in this configuration")

    def absent_subject(self, scope: Scope, name: str, rtype: str) -> Provenance:
        """Where a missing record is reported: the zone that should hold it, else the record's DNS name."""
        if scope.zone is not None:
            return scope.zone.prov
        return Provenance(self.source, f"dns://{name}/{rtype}")

    def missing_txt(self, name: str, message: str, evidence: str, value: str, hint: str = "", **data: Any) -> Verdict:
        """The finding for a TXT record that should be published at `name` and is not; its fix data names
        the zone, its DNS provider and the record to add."""
        scope = self.scope(name)
        return fail(
            self.absent_subject(scope, name, "TXT"),
            message,
            evidence=evidence,
            fix_hint=f'Publish a TXT record at {name}: "{value}"{hint}',
            zone=scope.zone.prov.address if scope.zone else None,
            provider=scope.zone.provider if scope.zone else None,
            name=name,
            type="TXT",
            value=value,
            **data,
        )

    def not_found(self, search: Search, name: str, rtype: str, what: str) -> Verdict | None:
        """The verdict when nothing wanted was found at `name`: not assessed (an unresolved record may be it,
        or the zone is unresolved), out of scope (the zone is not declared); None when the absence is real."""
        if search.doubts:
            subject, reason = search.doubts[0]
            return not_assessed(subject, f"{what}: {reason}", evidence=f"{name} {rtype}")
        scope = self.scope(name)
        if scope.authoritative:
            return None
        return self.unjudged(scope, self.absent_subject(scope, name, rtype), what, f"{name} {rtype}")

    @staticmethod
    def unjudged(scope: Scope, subject: Provenance, what: str, evidence: str) -> Verdict:
        """The verdict for an absence where the inventory does not speak for the name."""
        if scope.unresolved:
            return not_assessed(subject, f"{what}: {scope.reason}", evidence=evidence)
        return out_of_scope(subject, f"{what}: {scope.reason}")


def record_values(record: DnsRecord) -> list[RecordValue]:
    """Every value of a record (TXT or not) as a RecordValue; a wholly unresolved value list is one value."""
    if isinstance(record.values, Unknown):
        return [RecordValue(record, 0, record.values)]
    out = []
    for i, value in enumerate(record.values):
        strings = record.strings[i] if i < len(record.strings) else ()
        if isinstance(value, str) and not strings and record.type == "TXT":
            strings = (value,)
        out.append(RecordValue(record, i, value, strings))
    return out


def txt_values(record: DnsRecord) -> list[RecordValue]:
    return record_values(record) if record.type in ("TXT", "?") else []


def _mx_host(value: str) -> str:
    return value.split()[-1].rstrip(".").lower() if value.split() else ""


def note_mx(domain: Domain, record: DnsRecord) -> None:
    domain.add("MX records")
    if isinstance(record.values, Unknown):
        domain.receives = True
        return
    for value in record.values:
        if isinstance(value, Unknown):
            domain.receives = True
            continue
        target = _mx_host(value)
        if target in ("", ".") or _SES_FEEDBACK_MX.fullmatch(target):
            continue  # a null MX receives nothing; the SES feedback MX only takes bounces for MAIL FROM
        domain.receives = True
        for pattern, include in _MX_SENDERS:
            if pattern.fullmatch(target):
                domain.senders.add(include)


def identity_domain(identity: str | Unknown) -> str | None:
    """The domain of an SES identity (an address's part after `@`), also when only the address's local part is
    unresolved (`${var.user}@example.com`); None when the domain is not known."""
    if isinstance(identity, str):
        return identity.rpartition("@")[2]
    pattern = identity.pattern
    if pattern is None or "@" not in pattern:
        return None
    domain = pattern.rpartition("@")[2]
    return domain if domain and "*" not in domain else None


def mail_domains(inventory: Inventory, baseline: Baseline, view: DnsView | None = None) -> list[Domain]:
    """The mail domains of the inventory and baseline, by name, with why each is one (computed once per
    inventory and baseline; callers only read them)."""
    view = view or DnsView.of(inventory)
    return inventory.memo(f"mail-domains:{id(baseline)}:{id(view)}", lambda inv: _mail_domains(inv, baseline, view))


def _mail_domains(inventory: Inventory, baseline: Baseline, view: DnsView) -> list[Domain]:
    found: dict[str, Domain] = {}

    def get(name: str) -> Domain:
        key = normalize_domain(name)
        return found.setdefault(key, Domain(key))

    for ident in inventory.of(SesIdentity):
        if (name := identity_domain(ident.identity)) is not None:
            domain = get(name)
            domain.add(f"SES identity {ident.prov.address}")
            domain.senders.add("amazonses.com")
    for mail_from in inventory.of(SesMailFrom):
        if isinstance(mail_from.domain, str):
            domain = get(mail_from.domain)
            domain.add(f"SES MAIL FROM domain of {mail_from.prov.address}")
            domain.senders.add("amazonses.com")
    scanned = {normalize_domain(d.name) for d in inventory.of(MailDomain) if d.origin == "dns"}
    for record in view.records:
        if not isinstance(record.name, str):
            continue
        if record.prov.source == "dns" and record.name not in scanned:
            continue  # looked up only because a scanned domain points at it (an SPF include, an mx: target)
        if record.type == "MX":
            note_mx(get(record.name), record)
        elif record.type == "TXT":
            texts = [v.text for v in txt_values(record) if isinstance(v.text, str)]
            partly = [v.text for v in txt_values(record) if isinstance(v.text, Unknown)]
            if find_spf_records(texts) or any(starts_with(u.pattern, "v=spf1 ") for u in partly):
                get(record.name).add("SPF record")
    for declared in inventory.of(MailDomain):
        domain = get(declared.name)
        domain.add("named for the DNS scan" if declared.origin == "dns" else f"{declared.origin} domain")
        # A domain named on `scan --dns` receives mail when its MX records say so.
        domain.receives = domain.receives or declared.origin != "dns"
        if declared.origin == "m365":
            domain.senders.add("spf.protection.outlook.com")
    for name in baseline.mail_domains:
        domain = get(name)
        domain.add("listed in the baseline")
        domain.receives = True
    return sorted((d for d in found.values() if d.name), key=lambda d: d.name)

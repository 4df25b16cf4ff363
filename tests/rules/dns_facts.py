"""Building DNS, SES and mail-domain facts directly, and running one rule over them."""

from __future__ import annotations

import dataclasses
from typing import Any

from emailiac.baseline import Baseline
from emailiac.model import (
    DnsRecord,
    DnsZone,
    Fact,
    Gap,
    Inventory,
    Provenance,
    SesDkim,
    SesIdentity,
    Unknown,
)
from emailiac.result import Status
from emailiac.rules import rule_by_id
from emailiac.rules.base import Verdict


def run(
    rule_id: str,
    facts: list[Fact],
    base: Baseline | None = None,
    *,
    sources: tuple[str, ...] = ("terraform",),
    gaps: tuple[Gap, ...] = (),
) -> list[Verdict]:
    rule = rule_by_id(rule_id)
    assert rule is not None
    inventory = Inventory(facts=list(facts), sources=set(sources), gaps=list(gaps))
    return list(rule.check(inventory, base or Baseline()))


def one(verdicts: list[Verdict]) -> Verdict:
    assert len(verdicts) == 1, verdicts
    return verdicts[0]


def statuses(verdicts: list[Verdict]) -> list[tuple[str, Status]]:
    return [(v.subject.address, v.status) for v in verdicts]


def with_section(section: str, **values: Any) -> Baseline:
    base = Baseline()
    return dataclasses.replace(base, **{section: dataclasses.replace(getattr(base, section), **values)})


def zone(name: str | Unknown = "example.com", key: str = "aws_route53_zone.main", *, private: bool = False) -> DnsZone:
    return DnsZone(Provenance("terraform", key, "dns.tf", 1), name, "route53", key, private)


def record(
    address: str,
    name: str | Unknown,
    rtype: str,
    *values: str | Unknown,
    zone_key: str | None = "aws_route53_zone.main",
    strings: tuple[tuple[str, ...], ...] | None = None,
) -> DnsRecord:
    if strings is None and rtype == "TXT":
        strings = tuple((v,) if isinstance(v, str) else () for v in values)
    return DnsRecord(
        Provenance("terraform", address, "dns.tf", 10), name, rtype, tuple(values), zone_key, strings or ()
    )


def txt(address: str, name: str | Unknown, *values: str | Unknown, **kwargs: Any) -> DnsRecord:
    return record(address, name, "TXT", *values, **kwargs)


def unknown(reason: str = "var.x has no value", pattern: str | None = None, refs: tuple[str, ...] = ()) -> Unknown:
    return Unknown(reason, refs, pattern)


def ses_identity(
    domain: str | Unknown, address: str = "aws_ses_domain_identity.main", kind: str = "domain"
) -> SesIdentity:
    return SesIdentity(Provenance("terraform", address, "ses.tf", 1), domain, kind)


def ses_dkim(domain: str | Unknown, address: str = "aws_ses_domain_dkim.main", **fields: Any) -> SesDkim:
    values: dict[str, Any] = {
        "prov": Provenance("terraform", address, "ses.tf", 5),
        "identity": domain,
        "enabled": True,
        "tokens": Unknown("dkim_tokens are known only after apply", (f"{address}.dkim_tokens",)),
    }
    values.update(fields)
    return SesDkim(**values)

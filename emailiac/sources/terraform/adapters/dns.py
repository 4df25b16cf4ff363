"""Terraform resources of the dns family as facts: zones and records of Route 53, Azure DNS, Cloudflare
(provider v4 `cloudflare_record` and v5 `cloudflare_dns_record`) and Google Cloud DNS.

Every record becomes one `DnsRecord` with a fully qualified name (see dns_names) and its values in one
spelling: TXT values joined with their character-strings kept (see dns_values), MX as `<preference> <host>`,
CNAME targets as host names. Route 53 alias records carry no record data and are left out. Zone data sources
name records but make no `DnsZone`: a zone only read here is not declared here. ACM certificate validation
records, whose names are known only after apply, are CNAMEs named `_<hash>.<zone>`: never a mail name.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from emailiac.model import DnsRecord, DnsZone, Fact, Unknown
from emailiac.sources.terraform.adapters import mtasts_policy
from emailiac.sources.terraform.adapters.coerce import as_int, as_str, as_str_list
from emailiac.sources.terraform.adapters.dns_names import ZONE_TYPES, ZoneInfo, qualify, record_zone, zone_name
from emailiac.sources.terraform.adapters.dns_values import (
    TxtParser,
    azure_strings,
    cloudflare_strings,
    google_strings,
    host,
    mx,
    mx_rdata,
    route53_strings,
    txt_value,
)
from emailiac.sources.terraform.adapters.types import Adapter
from emailiac.sources.terraform.resource import Body, ResourceIndex, TfResource

__all__ = ["ADAPTERS"]

Values = tuple[str | Unknown, ...] | Unknown
Strings = tuple[tuple[str, ...], ...]


def _type(value: Any) -> str:
    text = as_str(value, "type")
    # An unresolved type is "?": rules treat such a record as possibly of any type.
    return text.strip().upper() if isinstance(text, str) else "?"


def _ttl(value: Any) -> int | Unknown | None:
    return as_int(value, "ttl")


def _zone_key(zone: ZoneInfo | None) -> str | None:
    return zone.resource.address if zone is not None and zone.declared and zone.resource is not None else None


def _one(item: str | Unknown, rtype: str, txt: TxtParser) -> tuple[str | Unknown, tuple[str, ...]]:
    """One record value in the facts' spelling for its type."""
    if rtype == "TXT":
        return txt_value(item, txt)
    if isinstance(item, Unknown):
        return item, ()
    if rtype == "MX":
        return mx_rdata(item), ()
    if rtype == "CNAME":
        return host(item), ()
    return item, ()


def _values(raw: Any, rtype: str, txt: TxtParser, where: str) -> tuple[Values, Strings]:
    items = as_str_list(raw, where)
    if items is None:
        return Unknown(f"{where} is not set"), ()
    if isinstance(items, Unknown):
        return items, ()
    pairs = [_one(item, rtype, txt) for item in items]
    values = tuple(value for value, _ in pairs)
    strings = tuple(s for _, s in pairs) if rtype == "TXT" else ()
    return values, strings


def _record(
    res: TfResource, name: str | Unknown, rtype: str, values: Values, zone: ZoneInfo | None, strings: Strings
) -> DnsRecord:
    if isinstance(name, Unknown) and rtype in ("CNAME", "?") and _validates_certificate(name):
        name, rtype = _validation_name(name, zone), "CNAME"
    return DnsRecord(res.prov, name, rtype, values, _zone_key(zone), strings, _ttl(res.body.get("ttl")))


# The DNS validation records of an ACM certificate: ACM names them `_<hash>.<domain>` and makes them CNAMEs.
_CERTIFICATE_VALIDATION = re.compile(r"(?:^|\.)aws_acm_certificate\.[^.]+(?:\[[^\]]*\])?\.domain_validation_options\b")


def _validates_certificate(name: Unknown) -> bool:
    """A record name taken from an ACM certificate's validation options (known only after apply)."""
    return any(_CERTIFICATE_VALIDATION.search(ref) for ref in name.refs)


def _validation_name(name: Unknown, zone: ZoneInfo | None) -> Unknown:
    """What is known of a validation record's name: a `_<hash>` label, then a name in its zone. It is never a
    mail name (`_dmarc.`, `_mta-sts.`, `_smtp._tls.`: ACM's label is a hash), so it hides no absence."""
    suffix = f".{zone.name}" if zone is not None and isinstance(zone.name, str) else ""
    return Unknown(
        f"{name.reason}; an ACM validation record (`_<hash>{suffix or '.<domain>'}`)", name.refs, f"_*{suffix}"
    )


# ---------------------------------------------------------------- zones


def _zone(res: TfResource, index: ResourceIndex) -> Iterator[Fact]:
    if res.mode != "managed":
        return  # a data source: the zone exists, but is not declared (managed) here
    body = res.body
    if res.type == "aws_route53_zone":
        private = bool(body.blocks_of("vpc")) or body.unknown_blocks("vpc") is not None
    elif res.type == "google_dns_managed_zone":
        private = as_str(body.get("visibility"), "visibility") == "private"
    else:
        private = False
    yield DnsZone(res.prov, zone_name(res), ZONE_TYPES[res.type], res.address, private)


# ---------------------------------------------------------------- Route 53


def _route53_record(res: TfResource, index: ResourceIndex) -> Iterator[Fact]:
    body = res.body
    if body.blocks_of("alias") or body.unknown_blocks("alias") is not None:
        return  # an alias points at an AWS resource; it has no record data of its own
    rtype = _type(body.get("type"))
    zone = record_zone(res, index, "zone_id", "aws_route53_zone")
    name = qualify(body.get("name"), zone, "route53")
    values, strings = _values(body.get("records"), rtype, route53_strings, "records")
    yield _record(res, name, rtype, values, zone, strings)


# ---------------------------------------------------------------- Azure DNS


def _azure_blocks(body: Body) -> list[Body] | Unknown:
    pending = body.unknown_blocks("record")
    if pending is not None:
        return Unknown(f"the record blocks are not known ({pending.reason})", pending.refs)
    return body.blocks_of("record")


def _azure_txt_value(block: Body) -> tuple[str | Unknown, tuple[str, ...]]:
    raw_list = block.get("values")
    if raw_list is not None:
        # azurerm 4 takes the character-strings themselves as `values`.
        items = as_str_list(raw_list, "values")
        if items is None:
            return Unknown("values is not set"), ()
        if isinstance(items, Unknown):
            return items, ()
        unknown = next((i for i in items if isinstance(i, Unknown)), None)
        if unknown is not None:
            return unknown, ()
        strings = tuple(i for i in items if isinstance(i, str))
        return "".join(strings), strings
    value = as_str(block.get("value"), "value")
    if value is None:
        return Unknown("record value is not set"), ()
    return txt_value(value, azure_strings)


def _azure_mx_value(block: Body) -> str | Unknown:
    exchange = as_str(block.get("exchange"), "exchange")
    preference = as_int(block.get("preference"), "preference")
    if isinstance(exchange, Unknown):
        return exchange
    if isinstance(preference, Unknown):
        return preference
    if exchange is None or preference is None:
        return Unknown("an MX record block lacks preference or exchange")
    return mx(preference, exchange)


def _azure_record(rtype: str) -> Adapter:
    def adapt(res: TfResource, index: ResourceIndex) -> Iterator[Fact]:
        body = res.body
        zone = record_zone(res, index, "zone_name", "azurerm_dns_zone")
        name = qualify(body.get("name"), zone, "azure")
        values: Values
        strings: Strings = ()
        if rtype == "CNAME":
            target = as_str(body.get("record"), "record")
            if target is None:
                target = Unknown("the CNAME points at an Azure resource (target_resource_id)")
            values = (host(target) if isinstance(target, str) else target,)
        else:
            blocks = _azure_blocks(body)
            if isinstance(blocks, Unknown):
                values = blocks
            elif rtype == "TXT":
                pairs = [_azure_txt_value(b) for b in blocks]
                values = tuple(v for v, _ in pairs)
                strings = tuple(s for _, s in pairs)
            else:
                values = tuple(_azure_mx_value(b) for b in blocks)
        yield _record(res, name, rtype, values, zone, strings)

    return adapt


# ---------------------------------------------------------------- Cloudflare


def _cloudflare_record(res: TfResource, index: ResourceIndex) -> Iterator[Fact]:
    body = res.body
    rtype = _type(body.get("type"))
    zone = record_zone(res, index, "zone_id", "cloudflare_zone")
    name = qualify(body.get("name"), zone, "cloudflare")
    # v4 wrote the data as `value` (deprecated) or `content`; v5 has only `content`.
    raw = body.get("content") if body.get("content") is not None else body.get("value")
    text = as_str(raw, "content")
    if text is None:
        text = Unknown("content is not set (structured `data` records are not read)")
    strings: Strings = ()
    value: str | Unknown
    if rtype == "MX" and isinstance(text, str):
        priority = as_int(body.get("priority"), "priority")
        value = priority if isinstance(priority, Unknown) else mx(0 if priority is None else priority, text)
    else:
        value, parts = _one(text, rtype, cloudflare_strings)
        strings = (parts,) if rtype == "TXT" else ()
    yield _record(res, name, rtype, (value,), zone, strings)


# ---------------------------------------------------------------- Google Cloud DNS


def _google_record(res: TfResource, index: ResourceIndex) -> Iterator[Fact]:
    body = res.body
    rtype = _type(body.get("type"))
    zone = record_zone(res, index, "managed_zone", "google_dns_managed_zone")
    name = qualify(body.get("name"), zone, "absolute")
    raw = body.get("rrdatas")
    if raw is None and (body.blocks_of("routing_policy") or body.unknown_blocks("routing_policy") is not None):
        values: Values = Unknown("the record data is in a routing_policy, which is not read")
        strings: Strings = ()
    else:
        values, strings = _values(raw, rtype, google_strings, "rrdatas")
    yield _record(res, name, rtype, values, zone, strings)


ADAPTERS: dict[str, Adapter] = {
    **{zone_type: _zone for zone_type in ZONE_TYPES},
    "aws_route53_record": _route53_record,
    "azurerm_dns_txt_record": _azure_record("TXT"),
    "azurerm_dns_mx_record": _azure_record("MX"),
    "azurerm_dns_cname_record": _azure_record("CNAME"),
    "cloudflare_record": _cloudflare_record,
    "cloudflare_dns_record": _cloudflare_record,
    "google_dns_record_set": _google_record,
    **mtasts_policy.ADAPTERS,
}

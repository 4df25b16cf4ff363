"""Record names made fully qualified, and the zone a record belongs to.

Each provider reads a record's `name` against its zone differently:
- Route 53: an empty name is the apex; a name that ends in the zone's name is kept, any other is relative
  and gets the zone appended (the provider's `expandRecordName`).
- Cloudflare: `@` is the apex; otherwise as Route 53.
- Azure DNS: names are always relative; `@` is the apex.
- Cloud DNS: names are fully qualified (with a trailing dot).

A record's zone is the zone resource its zone argument refers to (`aws_route53_zone.main.zone_id`), or, where
the argument is the zone's own name (`zone_name`, `managed_zone`), the zone declared with that name. A zone
read through a data source names records but is not *declared* here, so it does not make the configuration
authoritative for the domain, unless the data source reads a zone declared here (its `zone_id` refers to
it). An Azure `zone_name` literal names the zone even when it is declared elsewhere. A relative name whose
zone is not found keeps what is known (`www` is `www.*`), so it cannot stand for `_dmarc.example`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from emailiac.mailauth.orgdomain import under_listed_suffix
from emailiac.model import Unknown
from emailiac.sources.terraform.adapters.coerce import as_str
from emailiac.sources.terraform.adapters.references import referenced_resource
from emailiac.sources.terraform.resource import ResourceIndex, TfResource

__all__ = ["ZONE_TYPES", "ZoneInfo", "normalise", "qualify", "record_zone", "zone_name"]

# Zone resource type -> the provider label DnsZone facts carry.
ZONE_TYPES = {
    "aws_route53_zone": "route53",
    "azurerm_dns_zone": "azure",
    "cloudflare_zone": "cloudflare",
    "google_dns_managed_zone": "google",
}
_NAMED_BY_ATTRIBUTE = ("azurerm_dns_zone", "google_dns_managed_zone")


@dataclass(frozen=True)
class ZoneInfo:
    resource: TfResource | None  # None: a zone named by a literal (Azure `zone_name`) and not declared here
    name: str | Unknown
    declared: bool  # a managed zone resource, not a data source


def normalise(value: Any, where: str) -> str | Unknown | None:
    """Lowercase, no trailing dot; unresolved values keep their reason and a normalised pattern."""
    text = as_str(value, where)
    if isinstance(text, Unknown):
        pattern = text.pattern.lower().rstrip(".") if text.pattern is not None else None
        return Unknown(text.reason, text.refs, pattern)
    return None if text is None else text.strip().lower().rstrip(".")


def zone_name(res: TfResource) -> str | Unknown:
    """The domain a zone resource (or data source) serves."""
    body = res.body
    if res.type == "google_dns_managed_zone":
        raw = body.get("dns_name")
    elif res.type == "cloudflare_zone":
        # v4 names the domain `zone`, v5 `name`; the v5 data source filters by name.
        raw = body.get("zone") if body.has("zone") else body.get("name")
        if raw is None and isinstance(body.get("filter"), dict):
            raw = body.get("filter", {}).get("name")
    else:
        raw = body.get("name")
    name = normalise(raw, f"the name of {res.address}")
    if name is None:
        return Unknown(f"the domain of {res.address} is not set here (known only after apply)")
    return name


def _by_literal(res: TfResource, index: ResourceIndex, zone_type: str, literal: str, attr: str) -> TfResource | None:
    """The one zone of `zone_type` whose `attr` is `literal` (Azure `zone_name`, Cloud DNS `managed_zone`)."""
    wanted = literal.strip().lower().rstrip(".")
    found = []
    for zone in index.of_type(zone_type):
        value = as_str(zone.body.get(attr), attr)
        if isinstance(value, str) and value.strip().lower().rstrip(".") == wanted:
            found.append(zone)
    group = as_str(res.body.get("resource_group_name"), "resource_group_name")
    if len(found) > 1 and isinstance(group, str):
        found = [z for z in found if z.body.get("resource_group_name") == group]
    if len(found) > 1:
        managed = [z for z in found if z.mode == "managed" and z.module == res.module]
        found = managed if len(managed) == 1 else found
    return found[0] if len(found) == 1 else None


def _declared_for(data: TfResource, index: ResourceIndex) -> TfResource | None:
    """The managed zone a zone data source reads, when it says which: its `zone_id` (or `name`) refers to a
    zone declared here, or its known name is that of the one zone of its type declared in its module."""
    for attr in ("zone_id", "name", "zone", "dns_name"):
        target = referenced_resource(data.body.get(attr), data, index)
        if target is not None and target.type == data.type and target.mode == "managed":
            return target
    name = zone_name(data)
    if not isinstance(name, str):
        return None
    same = [
        z for z in index.of_type(data.type) if z.mode == "managed" and z.module == data.module and zone_name(z) == name
    ]
    return same[0] if len(same) == 1 else None


def record_zone(res: TfResource, index: ResourceIndex, attr: str, zone_type: str) -> ZoneInfo | None:
    """The zone `res` is published in, from its zone argument `attr`; None when it cannot be told."""
    value = res.body.get(attr)
    target = referenced_resource(value, res, index)
    if target is None and isinstance(value, str) and zone_type in _NAMED_BY_ATTRIBUTE:
        # Azure's `zone_name` and Cloud DNS's `managed_zone` hold the zone resource's `name`.
        target = _by_literal(res, index, zone_type, value, "name")
        if target is None and zone_type == "azurerm_dns_zone":
            # Azure's `zone_name` is the zone's DNS name: the record's name is known even when the zone is
            # declared elsewhere (the configuration is then not authoritative for it).
            name = normalise(value, attr)
            return ZoneInfo(None, name, False) if isinstance(name, str) and name else None
    if target is None or target.type != zone_type:
        return None
    if target.mode == "data":
        declared = _declared_for(target, index)
        if declared is not None:
            return ZoneInfo(declared, zone_name(declared), True)
    return ZoneInfo(target, zone_name(target), target.mode == "managed")


def looks_qualified(name: str) -> bool:
    """A name that reads as fully qualified without its zone: a trailing dot, or a name below a public suffix
    that exists (`_dmarc.mail` or `selector1._domainkey` can only be relative: `mail` is no top-level domain)."""
    return name.endswith(".") or under_listed_suffix(name)


def _in_zone(name: str, zone: str) -> bool:
    return name == zone or name.endswith("." + zone)


def _join(name: str, zone: str, style: str) -> str:
    """`name` read against the known `zone` name."""
    if style == "absolute":
        return name
    if name == "@" and style in ("azure", "cloudflare"):
        return zone
    if name == "" and style == "route53":
        return zone
    if style != "azure" and (_in_zone(name, zone) or name.endswith("*")):
        # A pattern ending in an unknown part may hold the zone already: keep it as it is (wider).
        return name
    return f"{name}.{zone}"


def _with(unknown: Unknown | None, name: str) -> str | Unknown:
    """`name`, or the unresolved value it is the pattern of."""
    return name if unknown is None else Unknown(unknown.reason, unknown.refs, name)


def qualify(raw: Any, zone: ZoneInfo | None, style: str, where: str = "name") -> str | Unknown:
    """The fully qualified record name (lowercase, no trailing dot) of `raw` in `zone`.

    `style` is route53, cloudflare, azure or absolute (Cloud DNS). A name that cannot be qualified (relative,
    with no zone or a zone of unknown name) becomes an Unknown saying why; its pattern keeps what is known.
    """
    text = as_str(raw, where)
    if text is None:
        return Unknown(f"{where} is not set")
    unknown = text if isinstance(text, Unknown) else None
    name = text.pattern if isinstance(text, Unknown) else text
    if name is None:
        assert unknown is not None
        if zone is not None and isinstance(zone.name, str) and style != "absolute":
            # Wholly unknown, but inside the zone: the apex or any name under it.
            return Unknown(unknown.reason, unknown.refs, f"*{zone.name}")
        return unknown
    name = name.strip().lower()
    if style == "absolute" or name.endswith(".") or (zone is None and looks_qualified(name)):
        # A trailing dot marks a fully qualified name for every provider.
        return _with(unknown, name.rstrip("."))
    if zone is None:
        # Relative to a zone not found here: still, only names ending in this one may be meant (`_dmarc` is
        # `_dmarc.<some zone>`, never `mail.example`).
        pattern = name if name.endswith("*") else ("*" if name in ("", "@") else f"{name}.*")
        if unknown is not None:
            return Unknown(unknown.reason, unknown.refs, pattern)
        return Unknown(f"{where} {name!r} is relative and its zone is not found in this configuration", (), pattern)
    if isinstance(zone.name, Unknown):
        reason = f"the zone name is not known ({zone.name.reason})"
        refs = (unknown.refs if unknown is not None else ()) + zone.name.refs
        pattern = "*" if name in ("", "@") else name if name.endswith("*") else f"{name}.*"
        return Unknown(unknown.reason if unknown is not None else reason, refs, pattern)
    return _with(unknown, _join(name, zone.name, style))

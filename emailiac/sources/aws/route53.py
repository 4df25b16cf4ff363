"""Route 53 hosted zones and their record sets as facts (Route 53 is global: collected once).

Record data arrives in zone-file form: TXT values are quoted character-strings (`"v=spf1 " "-all"`) with
special characters as `\\DDD` octal escapes; names escape `*` and others the same way. Facts hold TXT values
unquoted and joined, with their character-strings kept; MX as `<preference> <host>`; host names lowercase
without the trailing dot. Alias records carry no record data and are left out, as in Terraform.
"""

from __future__ import annotations

from typing import Any

from emailiac.model import DnsRecord, DnsZone
from emailiac.sources.aws.errors import CallFailed
from emailiac.sources.aws.unit import GLOBAL, Unit, live_prov

__all__ = ["collect_zones", "txt_strings"]


def _unescape(text: str, i: int) -> tuple[str, int]:
    """The character a backslash escape at text[i] (just after the backslash) stands for, and the next index."""
    digits = text[i : i + 3]
    if len(digits) == 3 and all(c in "01234567" for c in digits):
        return chr(int(digits, 8)), i + 3
    return text[i], i + 1


def txt_strings(rdata: str) -> tuple[str, ...]:
    """Zone-file TXT data as its character-strings: quoted strings, or unquoted words split at blanks."""
    out: list[str] = []
    i, n = 0, len(rdata)
    while i < n:
        if rdata[i] in " \t":
            i += 1
            continue
        quoted = rdata[i] == '"'
        i += 1 if quoted else 0
        buf: list[str] = []
        while i < n:
            char = rdata[i]
            if (quoted and char == '"') or (not quoted and char in ' \t"'):
                i += 1 if quoted else 0
                break
            if char == "\\" and i + 1 < n:
                decoded, i = _unescape(rdata, i + 1)
                buf.append(decoded)
                continue
            buf.append(char)
            i += 1
        out.append("".join(buf))
    return tuple(out)


def _name(raw: str) -> str:
    """`\\052.Example.com.` -> `*.example.com`."""
    out: list[str] = []
    i = 0
    while i < len(raw):
        if raw[i] == "\\" and i + 1 < len(raw):
            char, i = _unescape(raw, i + 1)
            out.append(char)
        else:
            out.append(raw[i])
            i += 1
    return "".join(out).lower().rstrip(".")


def _host(text: str) -> str:
    name = text.strip().lower()
    return name if name == "." else name.rstrip(".")


def _value(rtype: str, raw: str) -> tuple[str, tuple[str, ...]]:
    if rtype == "TXT":
        strings = txt_strings(raw)
        return "".join(strings), strings
    if rtype == "MX":
        parts = raw.split()
        return (f"{parts[0]} {_host(parts[1])}" if len(parts) == 2 else raw.strip()), ()
    if rtype == "CNAME":
        return _host(raw), ()
    return raw.strip(), ()


def _record(zone_id: str, item: dict[str, Any]) -> DnsRecord | None:
    if item.get("AliasTarget"):
        return None
    rtype = str(item.get("Type", "")).upper()
    name = _name(str(item.get("Name", "")))
    pairs = [_value(rtype, str(r.get("Value", ""))) for r in item.get("ResourceRecords", [])]
    import_id = f"{zone_id}_{name}_{rtype}"
    if item.get("SetIdentifier"):
        import_id += f"_{item['SetIdentifier']}"
    ttl = item.get("TTL")
    return DnsRecord(
        prov=live_prov(GLOBAL, "route53", "record", import_id, import_id=import_id),
        name=name,
        type=rtype,
        values=tuple(value for value, _ in pairs),
        zone=zone_id,
        strings=tuple(strings for _, strings in pairs) if rtype == "TXT" else (),
        ttl=ttl if isinstance(ttl, int) else None,
    )


def collect_zones(unit: Unit) -> None:
    try:
        zones = [z for page in unit.pages("ListHostedZones") for z in page.get("HostedZones", [])]
    except CallFailed as failure:
        unit.missed(failure)
        return
    for zone in zones:
        zone_id = str(zone.get("Id", "")).rsplit("/", 1)[-1]
        private = bool((zone.get("Config") or {}).get("PrivateZone", False))
        name = _name(str(zone.get("Name", "")))
        prov = live_prov(GLOBAL, "route53", "hostedzone", zone_id, import_id=zone_id)
        unit.facts.append(DnsZone(prov, name, "route53", zone_id, private))
        try:
            pages = unit.pages("ListResourceRecordSets", HostedZoneId=zone_id)
            records = [r for page in pages for r in page.get("ResourceRecordSets", [])]
        except CallFailed as failure:
            # Scope "" (not the zone's name): a missing record anywhere may be one that could not be listed.
            unit.missed(failure)
            continue
        for item in records:
            record = _record(zone_id, item)
            if record is not None:
                unit.facts.append(record)

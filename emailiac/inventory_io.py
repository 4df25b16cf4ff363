"""Inventories as JSON: a live scan saved with --save-inventory is judged again offline by `emailiac lint`."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Mapping
from typing import Any

from emailiac import __version__
from emailiac.model import FACT_TYPES, Gap, Inventory, Note, Provenance, Unknown

__all__ = ["InventoryFormatError", "dump_inventory", "is_inventory_json", "read_inventory"]

FORMAT = 1
_RAW_FIELDS = frozenset({"document"})  # JSON documents kept exactly as they are (lists stay lists)


class InventoryFormatError(ValueError):
    pass


def _encode(value: Any) -> Any:
    if isinstance(value, Unknown):
        out: dict[str, Any] = {"$unknown": value.reason}
        if value.refs:
            out["refs"] = list(value.refs)
        if value.pattern is not None:
            out["pattern"] = value.pattern
        return out
    if isinstance(value, Provenance):
        return {k: v for k, v in dataclasses.asdict(value).items() if v is not None}
    if isinstance(value, (list, tuple)):
        return [_encode(v) for v in value]
    if isinstance(value, Mapping):
        return {str(k): _encode(v) for k, v in value.items()}
    return value


def _decode(value: Any, raw: bool = False) -> Any:
    if isinstance(value, dict):
        if "$unknown" in value:
            return Unknown(value["$unknown"], tuple(value.get("refs", ())), value.get("pattern"))
        return {k: _decode(v, raw) for k, v in value.items()}
    if isinstance(value, list):
        items = [_decode(v, raw) for v in value]
        return items if raw else tuple(items)
    return value


def dump_inventory(inventory: Inventory) -> str:
    facts = []
    for fact in inventory.facts:
        # "$fact", not "type": DnsRecord has a field named `type`, which would overwrite the tag.
        entry: dict[str, Any] = {"$fact": type(fact).__name__}
        for f in dataclasses.fields(fact):
            entry[f.name] = _encode(getattr(fact, f.name))
        facts.append(entry)
    doc = {
        "emailiac_inventory": FORMAT,
        "tool": {"name": "emailiac", "version": __version__},
        "sources": sorted(inventory.sources),
        "authoritative": sorted(inventory.authoritative),
        "gaps": [dataclasses.asdict(g) for g in inventory.gaps],
        "notes": [dataclasses.asdict(n) for n in inventory.notes],
        "facts": facts,
    }
    return json.dumps(doc, indent=2, sort_keys=True) + "\n"


def is_inventory_json(text: str) -> bool:
    return '"emailiac_inventory"' in text[:4096] or '"emailiac_inventory"' in text


def read_inventory(text: str) -> Inventory:
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InventoryFormatError(f"invalid JSON at line {exc.lineno}: {exc.msg}") from None
    if not isinstance(doc, dict) or doc.get("emailiac_inventory") != FORMAT:
        raise InventoryFormatError(f"not an emailiac inventory of format {FORMAT}")
    inv = Inventory(
        sources=set(doc.get("sources", [])),
        authoritative=set(doc.get("authoritative", [])),
        gaps=[Gap(**g) for g in doc.get("gaps", [])],
        notes=[Note(**n) for n in doc.get("notes", [])],
    )
    for i, entry in enumerate(doc.get("facts", [])):
        tag = entry.get("$fact", entry.get("type", ""))
        kind = FACT_TYPES.get(tag)
        if kind is None:
            raise InventoryFormatError(f"fact {i}: unknown type {tag!r}")
        kwargs: dict[str, Any] = {}
        for f in dataclasses.fields(kind):
            if f.name not in entry:
                continue
            value = entry[f.name]
            if f.name == "prov":
                kwargs["prov"] = Provenance(**value)
            else:
                kwargs[f.name] = _decode(value, raw=f.name in _RAW_FIELDS)
        try:
            inv.facts.append(kind(**kwargs))
        except TypeError as exc:
            raise InventoryFormatError(f"fact {i} ({kind.__name__}): {exc}") from None
    return inv

"""Inventories as JSON: a live scan saved with --save-inventory is judged again offline by `emailiac lint`."""

from __future__ import annotations

import dataclasses
import json
import types
from collections.abc import Mapping
from typing import Any, Union, get_args, get_origin, get_type_hints

from emailiac import __version__
from emailiac.jsoninput import JsonInputError, json_kind, load_json
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


def _unknown(value: Any, where: str) -> Unknown:
    reason, refs, pattern = value.get("$unknown"), value.get("refs", []), value.get("pattern")
    if not (
        isinstance(reason, str)
        and isinstance(refs, list)
        and all(isinstance(r, str) for r in refs)
        and isinstance(pattern, (str, type(None)))
    ):
        raise InventoryFormatError(f"{where}: a malformed unknown value")
    return Unknown(reason, tuple(refs), pattern)


def _decode(value: Any, where: str, raw: bool) -> Any:
    """Free-form JSON (policy documents): kept as it is, but for unknown markers."""
    if isinstance(value, dict):
        if "$unknown" in value:
            return _unknown(value, where)
        return {k: _decode(v, where, raw) for k, v in value.items()}
    if isinstance(value, list):
        items = [_decode(v, where, raw) for v in value]
        return items if raw else tuple(items)
    return value


_HINTS: dict[type[Any], dict[str, Any]] = {}


def _hints(kind: type[Any]) -> dict[str, Any]:
    if kind not in _HINTS:
        _HINTS[kind] = get_type_hints(kind)
    return _HINTS[kind]


def _typed(value: Any, hint: Any, where: str, raw: bool) -> Any:
    """`value` read as the model's annotation `hint` says, or InventoryFormatError naming where it is not."""
    origin = get_origin(hint)
    if hint is Any:
        return _decode(value, where, raw)
    if origin in (Union, types.UnionType):
        for option in get_args(hint):
            try:
                return _typed(value, option, where, raw)
            except InventoryFormatError:
                continue
        raise InventoryFormatError(f"{where}: unexpected value, {json_kind(value)}")
    if hint is type(None):
        if value is None:
            return None
    elif hint is Unknown:
        if isinstance(value, dict) and "$unknown" in value:
            return _unknown(value, where)
    elif dataclasses.is_dataclass(hint):
        return _dataclass(hint, value, where)  # type: ignore[arg-type]
    elif hint is bool or hint is str:
        if isinstance(value, hint):
            return value
    elif hint is int:
        if isinstance(value, int) and not isinstance(value, bool):
            return value
    elif hint is float:
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            return value
    elif origin is tuple:
        args = get_args(hint)
        if isinstance(value, list):
            if len(args) == 2 and args[1] is Ellipsis:
                return tuple(_typed(v, args[0], f"{where}[{i}]", raw) for i, v in enumerate(value))
            if len(value) == len(args):
                return tuple(
                    _typed(v, a, f"{where}[{i}]", raw) for i, (v, a) in enumerate(zip(value, args, strict=True))
                )
    elif (origin is Mapping or hint is Mapping) and isinstance(value, dict) and "$unknown" not in value:
        return _decode(value, where, raw)
    raise InventoryFormatError(f"{where}: unexpected value, {json_kind(value)}")


def _dataclass(kind: type[Any], entry: Any, where: str) -> Any:
    if not isinstance(entry, dict):
        raise InventoryFormatError(f"{where}: expected an object, not {json_kind(entry)}")
    hints = _hints(kind)
    kwargs: dict[str, Any] = {}
    for f in dataclasses.fields(kind):
        if f.name in entry:
            kwargs[f.name] = _typed(entry[f.name], hints[f.name], f"{where}.{f.name}", f.name in _RAW_FIELDS)
        elif f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING:
            raise InventoryFormatError(f"{where}: {f.name} is missing")
    return kind(**kwargs)


def _strings(doc: dict[str, Any], key: str) -> set[str]:
    value = doc.get(key, [])
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise InventoryFormatError(f"{key}: expected a list of strings")
    return set(value)


def _entries(doc: dict[str, Any], key: str) -> list[Any]:
    value = doc.get(key, [])
    if not isinstance(value, list):
        raise InventoryFormatError(f"{key}: expected a list, not {json_kind(value)}")
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
    """An inventory written by dump_inventory; anything else (any field of the wrong shape) raises
    InventoryFormatError with a one-line reason naming the field."""
    try:
        doc = load_json(text)
    except JsonInputError as exc:
        raise InventoryFormatError(f"{exc.message} (line {exc.line})") from None
    if not isinstance(doc, dict) or doc.get("emailiac_inventory") != FORMAT:
        raise InventoryFormatError(f"not an emailiac inventory of format {FORMAT}")
    inv = Inventory(
        sources=_strings(doc, "sources"),
        authoritative=_strings(doc, "authoritative"),
        gaps=[_dataclass(Gap, g, f"gaps[{i}]") for i, g in enumerate(_entries(doc, "gaps"))],
        notes=[_dataclass(Note, n, f"notes[{i}]") for i, n in enumerate(_entries(doc, "notes"))],
    )
    for i, entry in enumerate(_entries(doc, "facts")):
        if not isinstance(entry, dict):
            raise InventoryFormatError(f"facts[{i}]: expected an object, not {json_kind(entry)}")
        tag = entry.get("$fact", entry.get("type", ""))
        kind = FACT_TYPES.get(tag) if isinstance(tag, str) else None
        if kind is None:
            raise InventoryFormatError(f"facts[{i}]: unknown type {tag!r}")
        inv.facts.append(_dataclass(kind, entry, f"facts[{i}] ({kind.__name__})"))
    return inv

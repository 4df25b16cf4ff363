"""IDs from a Terraform state (`terraform show -json` of the state, or of a plan's `prior_state`).

Each resource instance's `id` and `arn` (and the `security_group_id` of a rule resource) pair a declared
object with the live one exactly, where natural keys could only guess.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

__all__ = ["StateFormatError", "StateIds", "read_state"]

_ID_ATTRIBUTES = ("id", "arn", "name")


class StateFormatError(ValueError):
    pass


@dataclass(frozen=True)
class StateIds:
    by_address: Mapping[str, frozenset[str]] = field(default_factory=dict)
    values: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)

    def ids(self, address: str) -> frozenset[str]:
        return self.by_address.get(address, frozenset())

    def __contains__(self, address: object) -> bool:
        return address in self.by_address


def _resources(module: Mapping[str, Any], depth: int = 0) -> Iterator[Mapping[str, Any]]:
    if depth > 64:
        raise StateFormatError("modules nested deeper than 64 levels")
    for res in module.get("resources") or ():
        if isinstance(res, Mapping):
            yield res
    for child in module.get("child_modules") or ():
        if isinstance(child, Mapping):
            yield from _resources(child, depth + 1)


def read_state(text: str) -> StateIds:
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as exc:
        raise StateFormatError(f"invalid JSON at line {exc.lineno}: {exc.msg}") from None
    except RecursionError:
        raise StateFormatError("JSON nested too deeply") from None
    if not isinstance(doc, Mapping):
        raise StateFormatError("not a Terraform state (terraform show -json)")
    values = doc.get("values")
    if values is None and isinstance(doc.get("prior_state"), Mapping):
        values = doc["prior_state"].get("values")  # a plan's view of the state it started from
    if not isinstance(values, Mapping) or not isinstance(values.get("root_module", {}), Mapping):
        raise StateFormatError("no values.root_module: not the output of `terraform show -json`")
    ids: dict[str, frozenset[str]] = {}
    attrs: dict[str, Mapping[str, Any]] = {}
    for res in _resources(values.get("root_module") or {}):
        address = res.get("address")
        body = res.get("values")
        if not isinstance(address, str) or res.get("mode", "managed") != "managed" or not isinstance(body, Mapping):
            continue
        found = {str(body[a]) for a in _ID_ATTRIBUTES if isinstance(body.get(a), str) and body[a]}
        ids[address] = frozenset(found)
        attrs[address] = body
    return StateIds(ids, attrs)

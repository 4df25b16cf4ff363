"""The drift report as data: one item per object, coverage per kind, and the two sides' results."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import Any

from emailiac.result import Result, Severity

__all__ = ["STATUSES", "Change", "Coverage", "DriftItem", "DriftReport", "NotCompared"]

# managed: declared and live agree; changed: both exist, attributes differ; unmanaged: live only;
# missing: declared only.
STATUSES = ("managed", "changed", "unmanaged", "missing")


@dataclass(frozen=True)
class Change:
    attribute: str
    declared: Any
    live: Any


@dataclass(frozen=True)
class DriftItem:
    status: str
    kind: str
    source: str  # aws | m365 | dns: where the live side is (or would be) seen
    identity: str  # the identity key, readable: "us-east-1/outbound"
    address: str | None = None  # Terraform address (managed, changed, missing)
    live_id: str | None = None  # import id or live URI (managed, changed, unmanaged)
    live_uri: str | None = None
    file: str | None = None
    line: int | None = None
    region: str | None = None
    matched_by: str | None = None  # "state" (IDs from the state file) or "natural key"
    changes: tuple[Change, ...] = ()
    unresolved: tuple[str, ...] = ()  # attributes not compared because a value is unknown
    declared_verdicts: dict[str, str] = field(default_factory=dict)  # rule ID -> pass | fail | not_assessed
    live_verdicts: dict[str, str] = field(default_factory=dict)
    weakens: tuple[str, ...] = ()  # rules the declared object passes and the live one fails
    strengthens: tuple[str, ...] = ()  # rules the declared object fails and the live one passes
    severity: Severity | None = None  # the highest severity among the rules the live object newly fails
    declared_values: dict[str, Any] | None = None
    live_values: dict[str, Any] | None = None
    fix_hints: tuple[str, ...] = ()

    @property
    def fingerprint(self) -> str:
        attrs = ",".join(sorted(c.attribute for c in self.changes))
        text = "\x1f".join(("drift", self.kind, self.identity, self.status, attrs))
        return hashlib.sha256(text.encode()).hexdigest()[:32]

    @property
    def rank(self) -> tuple[int, int, str, str]:
        """Security-weakening drift first, then unmanaged objects that fail rules, other changes, missing
        objects, and last what agrees."""
        live_fails = any(v == "fail" for v in self.live_verdicts.values())
        if self.weakens:
            group = 0
        elif self.status == "unmanaged" and live_fails:
            group = 1
        elif self.status == "changed":
            group = 2
        elif self.status == "missing":
            group = 3
        elif self.status == "unmanaged":
            group = 4
        else:
            group = 5
        return (group, -(self.severity or 0), self.kind, self.identity)


@dataclass(frozen=True)
class NotCompared:
    """A declared or live object drift could not compare, and why (no live source for it, unknown key)."""

    kind: str
    side: str  # declared | live
    name: str  # Terraform address or live id
    reason: str


@dataclass(frozen=True)
class Coverage:
    """Live objects of one kind and how many of them Terraform manages."""

    kind: str
    live: int
    managed: int  # managed + changed
    declared: int

    @property
    def ratio(self) -> float | None:
        return self.managed / self.live if self.live else None


@dataclass
class DriftReport:
    terraform_paths: tuple[str, ...]
    live_sources: tuple[str, ...]
    items: list[DriftItem]
    coverage: list[Coverage]
    not_compared: list[NotCompared]
    declared: Result
    live: Result
    state_file: str | None = None

    def counts(self) -> dict[str, int]:
        out = dict.fromkeys(STATUSES, 0)
        for item in self.items:
            out[item.status] += 1
        return out

    @property
    def drifted(self) -> list[DriftItem]:
        return [i for i in self.items if i.status != "managed"]

    def exit_code(self) -> int:
        """1 when anything drifted, 2 when an input could not be read."""
        if self.declared.errors or self.live.errors:
            return 2
        return 1 if self.drifted else 0

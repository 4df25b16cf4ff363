"""A drift run: Terraform (plus an optional state file) on one side, live inventories on the other."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from emailiac.baseline import Baseline
from emailiac.drift.compare import Side, compare
from emailiac.drift.model import DriftReport
from emailiac.drift.state import StateIds
from emailiac.lint import LintOptions, collect, judge
from emailiac.model import Inventory, Unknown
from emailiac.result import Result

__all__ = ["declared_side", "drift", "live_side"]

_GROUP_TYPES = ("aws_security_group", "aws_default_security_group")


def declared_side(paths: Sequence[Path], baseline: Baseline, options: LintOptions) -> Side:
    """Lint the Terraform tree; keep its security groups' names for the identity of their rules."""
    collected = collect(paths, options)
    result = judge(collected, baseline, options)
    names: dict[str, Any] = {}
    for res in collected.resources:
        if res.type not in _GROUP_TYPES:
            continue
        name = res.body.get("name")
        if res.type == "aws_default_security_group":
            name = "default"
        elif name is None:
            name = Unknown("the group's name is chosen by Terraform at apply (no `name`)")
        for address in (res.address, res.config_address):
            names[address] = name
    return Side(collected.inventory, result, names)


def live_side(inventory: Inventory, baseline: Baseline, options: LintOptions) -> Side:
    from emailiac.engine import evaluate

    result: Result = evaluate(inventory, baseline, only=options.only, skip=options.skip)
    return Side(inventory, result)


def drift(
    paths: Sequence[Path],
    live: Inventory,
    baseline: Baseline,
    options: LintOptions,
    *,
    state: StateIds | None = None,
    state_file: str | None = None,
    declared: Side | None = None,
) -> DriftReport:
    """`declared` is `declared_side(paths, ...)` when the caller already has it (drift --dns reads its names)."""
    if declared is None:
        declared = declared_side(paths, baseline, options)
    return compare(
        declared,
        live_side(live, baseline, options),
        state=state,
        terraform_paths=[str(p) for p in paths],
        state_file=state_file,
    )

"""Verdicts for what a live collector could not read: the subjects it missed are not assessed."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from emailiac.model import Inventory, Provenance
from emailiac.rules.base import Verdict, not_assessed

__all__ = ["gap_verdicts"]


def gap_verdicts(inventory: Inventory, kind: type[Any], source: str, collection: str) -> Iterator[Verdict]:
    """One not_assessed per gap in facts of `kind`, named `<source>://<scope>/<collection>`."""
    for gap in inventory.gaps:
        if gap.fact_type == kind.__name__:
            address = f"{source}://{gap.scope or '*'}/{collection}"
            subject = Provenance(source, address, region=gap.scope or None)
            yield not_assessed(subject, gap.reason, evidence=collection)

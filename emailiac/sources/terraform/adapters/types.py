"""The adapter contract: one evaluated resource (and the index of all others) in, facts out."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from emailiac.model import Fact
from emailiac.sources.terraform.resource import ResourceIndex, TfResource

__all__ = ["Adapter"]

Adapter = Callable[[TfResource, ResourceIndex], Iterable[Fact]]

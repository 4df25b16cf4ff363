"""Adapters from Terraform resource types to facts: an explicit table, one module per family."""

from __future__ import annotations

from emailiac.model import Fact
from emailiac.sources.terraform.adapters import dns, identity, logging, network, ses, tls
from emailiac.sources.terraform.adapters.types import Adapter
from emailiac.sources.terraform.resource import ResourceIndex

__all__ = ["ADAPTERS", "Adapter", "facts_from_resources"]

ADAPTERS: dict[str, Adapter] = {
    **network.ADAPTERS,
    **ses.ADAPTERS,
    **tls.ADAPTERS,
    **dns.ADAPTERS,
    **identity.ADAPTERS,
    **logging.ADAPTERS,
}


def facts_from_resources(index: ResourceIndex) -> list[Fact]:
    facts: list[Fact] = []
    for res in index:
        adapter = ADAPTERS.get(res.type)
        if adapter is not None:
            facts.extend(adapter(res, index))
    return facts

"""Adapters from Terraform resource types to facts: an explicit table, one module per family."""

from __future__ import annotations

from emailiac.model import Fact
from emailiac.sources.terraform.adapters import dns, identity, logging, network, ses, tls
from emailiac.sources.terraform.adapters.types import Adapter
from emailiac.sources.terraform.resource import ResourceIndex

__all__ = ["ADAPTERS", "Adapter", "facts_from_resources", "is_read"]

ADAPTERS: dict[str, Adapter] = {
    **network.ADAPTERS,
    **ses.ADAPTERS,
    **tls.ADAPTERS,
    **dns.ADAPTERS,
    **identity.ADAPTERS,
    **logging.ADAPTERS,
}


# Types no adapter turns into facts, but whose values adapters read through references.
REFERENCED_TYPES = frozenset(
    {
        "aws_acm_certificate",
        "aws_ec2_managed_prefix_list",
        "aws_iam_policy_document",
        "aws_iam_role",
        "azuread_authentication_strength_policy",
        "azuread_custom_directory_role",
        "azuread_directory_role",
        "azuread_group",
        "azuread_service_principal",
        "azuread_user",
    }
)


def is_read(resource_type: str) -> bool:
    """Whether anything of emailiac reads resources of this type (others cannot change a verdict)."""
    return resource_type in ADAPTERS or resource_type in REFERENCED_TYPES


def facts_from_resources(index: ResourceIndex) -> list[Fact]:
    facts: list[Fact] = []
    for res in index:
        adapter = ADAPTERS.get(res.type)
        if adapter is not None:
            facts.extend(adapter(res, index))
    return facts
